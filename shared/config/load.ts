/**
 * The config loader: text (YAML or JSON) → `FedlinkConfig` with every default applied, or a
 * `ConfigError` listing every problem at once, each with its path and line (docs/style.md 9).
 *
 *   parseConfig(text, sourceName)  format from the name's extension, else from the content
 *   loadConfig(path)               reads the file (synchronously: config is read once, at startup,
 *                                  and the Functions entry point needs it before registering its timer)
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import {
  decodeUtf8,
  jsonNestingTooDeep,
  MAX_JSON_DEPTH,
  TextInputError,
  valueNestingTooDeep,
} from '../core/jsonText';
import { configSchema, type FedlinkConfig } from './schema';
import {
  ConfigError,
  type ConfigIssue,
  configErrorMap,
  problemsFromZod,
  formatPath,
  type SchemaProblem,
} from './issues';

export { ConfigError, formatIssue, type ConfigIssue } from './issues';

export type ConfigFormat = 'yaml' | 'json';

/** `.json` → JSON, `.yaml`/`.yml` → YAML; otherwise JSON when the text starts with `{` or `[`. */
export function detectFormat(text: string, sourceName: string): ConfigFormat {
  const ext = extname(sourceName).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

interface Position {
  readonly line: number;
  readonly column: number;
}

type Doc = Document.Parsed;

/** Where the value at `segments` starts; for an unknown key, where the key is; else the nearest parent. */
function locate(doc: Doc | undefined, lines: LineCounter, problem: SchemaProblem): Position | undefined {
  if (!doc) return undefined;
  let node: unknown = doc.contents;
  let found: unknown = node;
  const { segments } = problem;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      const last = i === segments.length - 1;
      if (last && problem.unknownKey !== undefined) {
        found = pair.key;
        break;
      }
      found = pair.value ?? pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      node = node.items[segment];
      found = node;
    } else break;
  }
  const range = (found as { range?: readonly number[] } | null)?.range;
  if (!range || range[0] === undefined) return undefined;
  const pos = lines.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}

function yamlIssue(error: YAMLError, lines: LineCounter): ConfigIssue {
  const pos = lines.linePos(error.pos[0]);
  // Without prettyErrors the message has no position or code excerpt: the line and column carry it.
  return { path: '', message: error.message, line: pos.line, column: pos.col };
}

/** JSON.parse reports `at position N`; turn it into a line and column. (Never quotes the text.) */
function jsonSyntaxIssue(error: unknown, text: string): ConfigIssue {
  const message = error instanceof Error ? error.message : String(error);
  const at = /position (\d+)/.exec(message);
  // V8 quotes the start of the text for an unexpected token: leave it out, the file may not be a config.
  if (!at) return { path: '', message: `not valid JSON: ${message.replace(/, ".*is not valid JSON$/s, '')}` };
  const offset = Number(at[1]);
  const before = text.slice(0, offset).split('\n');
  const cleaned = message
    .replace(/\s*in JSON at position \d+.*$/, '')
    .replace(/\s*\(line \d+ column \d+\)$/, '');
  return {
    path: '',
    message: `not valid JSON: ${cleaned}`,
    line: before.length,
    column: (before[before.length - 1]?.length ?? 0) + 1,
  };
}

function byLine(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort(
      (a, b) =>
        (a.issue.line ?? Number.MAX_SAFE_INTEGER) - (b.issue.line ?? Number.MAX_SAFE_INTEGER) ||
        a.index - b.index,
    )
    .map((x) => x.issue);
}

/**
 * Parses and validates a config text. An empty document (or one with only comments) gives the
 * defaults. Throws `ConfigError` naming `sourceName`, with every syntax and schema problem.
 */
export function parseConfig(text: string, sourceName = 'config'): FedlinkConfig {
  const body = text.replace(/^\uFEFF/, '');
  const format = detectFormat(body, sourceName);
  const lines = new LineCounter();
  const issues: ConfigIssue[] = [];
  let data: unknown = {};
  let doc: Doc | undefined;

  if (format === 'json') {
    if (body.trim() !== '') {
      const tooDeep = jsonNestingTooDeep(body);
      if (tooDeep) throw new ConfigError(sourceName, [{ path: '', message: tooDeep }]);
      try {
        data = JSON.parse(body);
      } catch (error) {
        throw new ConfigError(sourceName, [jsonSyntaxIssue(error, body)]);
      }
      // JSON.parse keeps the last of two equal keys without a word; a config with a key twice is a
      // mistake, so the same text is read once more as YAML (a JSON superset) for duplicate keys and
      // for line numbers.
      doc = parseDocument(body, { lineCounter: lines, prettyErrors: false });
      for (const error of doc.errors)
        if (error.code === 'DUPLICATE_KEY') issues.push(yamlIssue(error, lines));
      if (doc.errors.some((e) => e.code !== 'DUPLICATE_KEY')) doc = undefined;
    }
  } else {
    doc = parseDocument(body, { lineCounter: lines, prettyErrors: false });
    // The YAML parser recurses over flow collections and reports a stack overflow as a syntax error.
    if (doc.errors.some((e) => /Maximum call stack size exceeded/.test(e.message)))
      throw new ConfigError(sourceName, [
        { path: '', message: `nested deeper than ${MAX_JSON_DEPTH} levels` },
      ]);
    issues.push(
      ...doc.errors.map((e) => yamlIssue(e, lines)),
      ...doc.warnings.map((e) => yamlIssue(e, lines)),
    );
    if (doc.errors.length > 0) throw new ConfigError(sourceName, byLine(issues));
    try {
      // maxAliasCount bounds alias expansion ("billion laughs").
      data = doc.toJS({ maxAliasCount: 100 }) ?? {};
    } catch (error) {
      throw new ConfigError(sourceName, [
        { path: '', message: error instanceof Error ? error.message : String(error) },
      ]);
    }
  }

  if (valueNestingTooDeep(data))
    throw new ConfigError(sourceName, [{ path: '', message: `nested deeper than ${MAX_JSON_DEPTH} levels` }]);
  const result = configSchema.safeParse(data, { error: configErrorMap });
  if (result.success && issues.length === 0) return result.data;
  if (!result.success) {
    for (const problem of problemsFromZod(result.error.issues)) {
      const pos = locate(doc, lines, problem);
      issues.push({
        path: formatPath(problem.segments) || '(top level)',
        message: problem.message,
        ...(pos ?? {}),
      });
    }
  }
  throw new ConfigError(sourceName, byLine(issues));
}

/**
 * Reads `path` (YAML or JSON; UTF-8, a byte-order mark allowed, invalid bytes an error) and parses it;
 * every problem is reported at once, naming the file.
 */
export function loadConfig(path: string): FedlinkConfig {
  let text: string;
  try {
    text = decodeUtf8(readFileSync(path));
  } catch (error) {
    if (error instanceof TextInputError) throw new ConfigError(path, [{ path: '', message: error.message }]);
    // Duck-typed: fs errors may come from another realm (jest's sandbox), where instanceof Error fails.
    const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as {
      code?: unknown;
      message?: unknown;
    };
    const reason =
      code === 'ENOENT'
        ? 'file not found'
        : `cannot read the file (${typeof message === 'string' ? message : String(error)})`;
    throw new ConfigError(path, [{ path: '', message: reason }]);
  }
  return parseConfig(text, path);
}
