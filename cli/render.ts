/** Human-readable output of a RunResult for the terminal (`--output table`). */
import { type RunResult } from '../functions/contracts';
import { describeTarget } from '../shared/reconcile/target';
import { buildReport, renderTable } from '../shared/validation/report';

const SIGN = { create: '+', update: '~', delete: '-' } as const;

export interface RenderRunOptions {
  /** Print the findings table (default true). */
  readonly findings?: boolean;
  /** List passing findings too (`--full`); by default they are counted per check. */
  readonly full?: boolean;
}

export function renderRun(result: RunResult, options: RenderRunOptions = {}): string {
  const lines: string[] = [];
  const verb = result.mode === 'plan' ? 'would' : 'did';
  lines.push(
    `${result.mode.toUpperCase()} ${describe(result)}: ${result.status}${result.reason ? ` (${result.reason})` : ''}`,
  );
  for (const outcome of result.outcomes) {
    const name = outcome.resourceId.split('/').pop() ?? outcome.resourceId;
    const kept = [
      outcome.counts.unchanged ? `${outcome.counts.unchanged} in place` : '',
      outcome.counts.adopted ? `${outcome.counts.adopted} adopted (not fedlink's)` : '',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(
      `  ${outcome.capability === 'federation' ? 'identity' : outcome.capability} ${name}: ${outcome.status}, ${outcome.actions.length} write(s) ${verb} happen${kept ? `; ${kept}` : ''}`,
    );
    for (const a of outcome.actions as readonly Partial<
      Record<'kind' | 'name' | 'issuer' | 'subject', string>
    >[]) {
      const sign = SIGN[a.kind as keyof typeof SIGN] ?? '*';
      lines.push(
        `    ${sign} ${a.kind ?? ''} ${a.name ?? ''}  issuer=${a.issuer ?? ''}  subject=${a.subject ?? ''}`,
      );
    }
  }
  const c = result.counts;
  const n = (kind: string): number => c[kind] ?? 0;
  lines.push(
    `  total: ${n('create')} create, ${n('update')} update, ${n('delete')} delete; ${n('unchanged')} in place, ${n('adopted')} adopted` +
      (result.passes > 1 ? ` (over ${result.passes} passes)` : ''),
  );
  if (options.findings !== false && result.findings.length > 0) {
    lines.push('', renderTable(buildReport(result.findings, { full: options.full ?? false })));
  }
  return lines.join('\n');
}

/**
 * `--output json` of plan and apply: the run result, its `findings` as the report lists them (problems
 * only unless `full`) with the report's `summary`, `passesByCheck` and `listed` beside them.
 */
export function runJson(result: RunResult, options: { full?: boolean } = {}): string {
  const report = buildReport(result.findings, { full: options.full ?? false });
  return JSON.stringify(
    {
      ...result,
      findings: report.findings,
      summary: report.summary,
      passesByCheck: report.passesByCheck,
      listed: report.listed,
    },
    null,
    2,
  );
}

function describe(result: RunResult): string {
  return describeTarget(result.target);
}
