/**
 * Config problems: one `ConfigIssue` per problem, each with the path it concerns
 * (`federation.bindings[2].serviceAccounts[0]`) and, when the text is at hand, its line and column.
 * Zod's default messages are replaced by short ones (`expected a list, got a string`, `required`,
 * `unknown key`); a schema's own messages (schema.ts) are kept as written.
 */
import { type z } from 'zod';

export interface ConfigIssue {
  /** Dotted path with [index] for list items; '' for a problem with the whole document (syntax). */
  readonly path: string;
  readonly message: string;
  /** 1-based, when known. */
  readonly line?: number;
  readonly column?: number;
}

/** `path: message`, or `line L, column C: message` for a document-level (syntax) problem. */
export function formatIssue(issue: ConfigIssue): string {
  if (issue.path !== '') return `${issue.path}: ${issue.message}`;
  if (issue.line !== undefined) return `line ${issue.line}, column ${issue.column ?? 1}: ${issue.message}`;
  return issue.message;
}

/**
 * The one message a `ConfigError` carries: one problem on one line (`invalid config F: path: problem`);
 * several as the source and the count, then every problem on its own line.
 */
export function summarizeIssues(source: string, issues: readonly ConfigIssue[]): string {
  const lines = issues.map((i) => {
    const at = i.path !== '' && i.line !== undefined ? ` (line ${i.line})` : '';
    return `${formatIssue(i)}${at}`;
  });
  if (lines.length === 1) return `invalid config ${source}: ${lines[0]!}`;
  return `invalid config ${source}: ${issues.length} problems\n  ${lines.join('\n  ')}`;
}

/** Thrown by parseConfig/loadConfig: every problem found, at once (docs/style.md 9). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    /** The file name (or `FEDLINK_CONFIG_JSON`, `environment`) the problems are in. */
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(summarizeIssues(source, issues));
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `federation.bindings[2].serviceAccounts[0]`; keys that are not identifiers are quoted: `tags["app.kubernetes.io/name"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      out += IDENTIFIER.test(key) ? (out === '' ? key : `.${key}`) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function count(n: number | bigint, one: string, many: string): string {
  return `${n} ${n === 1 || n === 1n ? one : many}`;
}

/**
 * The per-parse error map: consulted only where the schema gave no message of its own (zod 4 message
 * precedence: schema > per-parse > global), so schema.ts stays the source of its wording.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return `expected ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'array') return `expected at least ${count(issue.minimum, 'entry', 'entries')}`;
      if (issue.origin === 'string')
        return issue.minimum === 1
          ? 'must not be empty'
          : `expected at least ${count(issue.minimum, 'character', 'characters')}`;
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `expected at most ${count(issue.maximum, 'entry', 'entries')}`;
      if (issue.origin === 'string')
        return `expected at most ${count(issue.maximum, 'character', 'characters')}`;
      return `must be at most ${issue.maximum}`;
    case 'unrecognized_keys':
      return 'unknown key';
    case 'invalid_format':
      return `has the wrong format (${issue.format})`;
    case 'invalid_key':
      return 'invalid key';
    case 'invalid_union':
      return 'matches none of the allowed forms';
    case 'invalid_element':
      return 'invalid entry';
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'custom':
      return undefined;
  }
};

/** A schema problem before it is placed in the text: `unknownKey` is set for an unknown key. */
export interface SchemaProblem {
  readonly segments: readonly PropertyKey[];
  readonly message: string;
  readonly unknownKey?: string;
}

/** Zod issues → problems; an `unrecognized_keys` issue becomes one problem per unknown key. */
export function problemsFromZod(issues: readonly z.core.$ZodIssue[]): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ segments: [...issue.path, key], message: 'unknown key', unknownKey: key });
    } else {
      out.push({ segments: issue.path, message: issue.message });
    }
  }
  return out;
}
