/**
 * `--output table|json`, the same on every command that prints a result. `table` (the default) is for
 * people; `json` is one JSON document on stdout for scripts. `--json` is kept as the short form.
 */
import { InputError } from '../sandbox/inputError';

export type OutputFormat = 'table' | 'json';

/** The `parseArgs` options every command takes for its output format. */
export const OUTPUT_OPTIONS = {
  output: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The format asked for; InputError (exit 2) for an unknown one, or `--json` with `--output table`. */
export function outputFormat(values: {
  output?: string | undefined;
  json?: boolean | undefined;
}): OutputFormat {
  const { output, json } = values;
  if (output !== undefined && output !== 'table' && output !== 'json')
    throw new InputError(`--output must be table or json, not ${JSON.stringify(output)}`, {
      showUsage: true,
    });
  if (json && output === 'table') throw new InputError('--json and --output table contradict each other');
  return json ? 'json' : (output ?? 'table');
}

/**
 * `--full`, on every command that prints a report: list passing findings too. Without it a report lists
 * warn and fail findings and counts passes per check (shared/validation/report.ts), which keeps the
 * reference fleet's report under 5 MB (docs/targets.md performance).
 */
export const FULL_OPTION = { full: { type: 'boolean' } } as const;
