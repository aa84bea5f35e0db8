/**
 * The report store port: where the report of each finished fleet check is kept, so that GET /api/report
 * (and later the report page) survive restarts and scale-out, and past runs can be listed.
 *
 * The store treats the report as opaque JSON: it reads nothing in it. What it orders and names by is the
 * envelope's `generatedAt` (when the run finished) and `runId` (the durable instance id).
 *
 * Layout (the same in every implementation; shared/azure/reportStore.ts writes it to a blob container):
 *
 *   latest.json                                             the newest report; replaced only by a newer one
 *   history/<yyyy>/<mm>/<dd>/<yyyymmddThhmmss.sssZ>-<runId>.json   one per run, written once, never replaced
 *   history/<yyyy>/<mm>/<dd>/<yyyymmddThhmmss.sssZ>-<runId>.findings.ndjson   the run's every finding
 *
 * Each document is `{"runId": …, "generatedAt": …, "report": …}`. The report lists the problems and counts
 * the passes (shared/validation/report.ts); the full list, every pass included, is the NDJSON beside it:
 * one finding per line, written and read as a stream (`saveFindings`, `readFindings`), never held whole.
 */
import { type Finding } from '../validation/findings';

/** One stored report. */
export interface StoredReport {
  /** The run that produced it (the orchestration instance id). */
  readonly runId: string;
  /** When the run finished: an ISO 8601 UTC timestamp (`Date.prototype.toISOString`). */
  readonly generatedAt: string;
  /** The report as JSON (what GET /api/report answers). */
  readonly report: unknown;
}

/** An entry of the run history, newest first, without the report itself. */
export interface StoredReportRef {
  /** The document's name in the store (`history/…`), for `read`. */
  readonly name: string;
  readonly runId: string;
  readonly generatedAt: string;
  /** Size of the stored document in bytes. */
  readonly bytes: number;
}

export interface SaveResult {
  /** The history entry written (or already there: a retried save of the same run writes nothing new). */
  readonly historyName: string;
  /**
   * `written`: latest.json now holds this report. `kept`: latest.json already held this run or a newer
   * one, and was left alone.
   */
  readonly latest: 'written' | 'kept';
}

export interface ReportStore {
  /** Where the reports go, for logs and error messages (a container URL, `memory`). */
  readonly location: string;
  /** Appends the report to the history and makes it latest.json unless a newer one is already there. */
  save(entry: StoredReport): Promise<SaveResult>;
  /** latest.json, or undefined when no report was stored yet. */
  latest(): Promise<StoredReport | undefined>;
  /** One document by name (`latest.json` or a history name), or undefined when there is none. */
  read(name: string): Promise<StoredReport | undefined>;
  /** The newest `count` history entries, newest first. */
  listRecent(count: number): Promise<StoredReportRef[]>;
  /**
   * Stores every finding of a run as NDJSON beside its history document (`findingsName`), consuming
   * `findings` as it writes: a fleet's full list is never held whole. Written once: when the run's list is
   * already there (a retried activity) nothing is consumed and the stored one is kept. Save the findings
   * before the report, so a report's full list exists as soon as the report does.
   */
  saveFindings(
    run: Pick<StoredReport, 'runId' | 'generatedAt'>,
    findings: AsyncIterable<Finding> | Iterable<Finding>,
  ): Promise<SavedFindings>;
  /**
   * The full list of findings of the run whose report is `name` (`latest.json` or a history name), read
   * line by line as it is consumed; undefined when that run stored none (or there is no such report).
   */
  readFindings(name: string): Promise<AsyncIterable<Finding> | undefined>;
}

export interface SavedFindings {
  /** The NDJSON document's name (`history/….findings.ndjson`). */
  readonly name: string;
  /** `written`: stored now; `kept`: the run's list was already there and was left alone. */
  readonly outcome: 'written' | 'kept';
  /** Findings written (0 when kept). */
  readonly count: number;
}

/** A store that cannot do what it was asked (missing container, no permission, unreadable document). */
export class ReportStoreError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ReportStoreError';
  }
}

export const LATEST_NAME = 'latest.json';
export const HISTORY_PREFIX = 'history/';

/**
 * The timestamp normalised to `toISOString()` form; throws on anything that is not an ISO 8601 UTC
 * timestamp, so no report is ever filed under a date it does not have.
 */
export function normaliseGeneratedAt(generatedAt: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(generatedAt)
    ? Date.parse(generatedAt)
    : Number.NaN;
  if (Number.isNaN(ms))
    throw new ReportStoreError(
      `generatedAt must be an ISO 8601 UTC timestamp such as 2026-03-14T12:00:00.000Z, got ${JSON.stringify(generatedAt)}`,
    );
  return new Date(ms).toISOString();
}

/** The run id as it appears in a name: characters outside `[A-Za-z0-9._-]` become `_`. */
export function runIdForName(runId: string): string {
  if (runId === '') throw new ReportStoreError('runId must not be empty');
  return runId.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** `history/2026/03/14/20260314T120000.123Z-fedlink_drift.json` for a run that finished then. */
export function historyName(entry: Pick<StoredReport, 'runId' | 'generatedAt'>): string {
  const iso = normaliseGeneratedAt(entry.generatedAt);
  const [yyyy, mm, dd] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
  const stamp = iso.replace(/[-:]/g, '');
  return `${HISTORY_PREFIX}${yyyy}/${mm}/${dd}/${stamp}-${runIdForName(entry.runId)}.json`;
}

export const FINDINGS_SUFFIX = '.findings.ndjson';

/** `history/…/<stamp>-<runId>.findings.ndjson`: the full list of findings beside the run's history document. */
export function findingsName(run: Pick<StoredReport, 'runId' | 'generatedAt'>): string {
  return findingsNameOf(historyName(run));
}

/** The findings document beside a history document (`….json` → `….findings.ndjson`). */
export function findingsNameOf(history: string): string {
  if (!history.startsWith(HISTORY_PREFIX) || !history.endsWith('.json') || history.endsWith(FINDINGS_SUFFIX))
    throw new ReportStoreError(`${JSON.stringify(history)} is not a history document name`);
  return `${history.slice(0, -'.json'.length)}${FINDINGS_SUFFIX}`;
}

/** Whether `name` is a run's history document (the findings lists beside them are not). */
export function isHistoryDocument(name: string): boolean {
  return name.startsWith(HISTORY_PREFIX) && name.endsWith('.json');
}

/** One finding as one NDJSON line (JSON never contains a raw newline: it escapes them). */
export function findingLine(finding: Finding): string {
  return `${JSON.stringify(finding)}\n`;
}

/** A line of a findings document back; a ReportStoreError naming the document and line when it is not one. */
export function parseFindingLine(name: string, lineNumber: number, line: string): Finding {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new ReportStoreError(`${name} line ${lineNumber} is not JSON`);
  }
  const f = value as Partial<Finding> | null;
  if (
    typeof f !== 'object' ||
    f === null ||
    typeof f.check !== 'string' ||
    typeof f.resourceId !== 'string' ||
    typeof f.message !== 'string' ||
    (f.status !== 'pass' && f.status !== 'warn' && f.status !== 'fail')
  )
    throw new ReportStoreError(`${name} line ${lineNumber} is not a finding`);
  return f as Finding;
}

/**
 * Orders two runs: by when they finished, then by run id, so every writer agrees on which one is newer
 * even when two runs finished in the same millisecond. 0: the same run.
 */
export function compareRuns(
  a: Pick<StoredReport, 'runId' | 'generatedAt'>,
  b: Pick<StoredReport, 'runId' | 'generatedAt'>,
): number {
  const byTime = Date.parse(a.generatedAt) - Date.parse(b.generatedAt);
  if (byTime !== 0) return Math.sign(byTime);
  return a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0;
}

/** The stored document's text. */
export function serialise(entry: StoredReport): string {
  return JSON.stringify({ runId: entry.runId, generatedAt: entry.generatedAt, report: entry.report });
}

/** A stored document back; throws a ReportStoreError naming the document when it is not one. */
export function deserialise(name: string, text: string): StoredReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ReportStoreError(`${name} is not JSON`);
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as Record<string, unknown>)['runId'] !== 'string' ||
    typeof (value as Record<string, unknown>)['generatedAt'] !== 'string' ||
    !('report' in value)
  )
    throw new ReportStoreError(`${name} is not a stored report: expected {"runId", "generatedAt", "report"}`);
  const { runId, generatedAt, report } = value as { runId: string; generatedAt: string; report: unknown };
  return { runId, generatedAt, report };
}

/** Rejects a count `listRecent` cannot honour. */
export function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 0)
    throw new ReportStoreError(`count must be a non-negative integer, got ${count}`);
}
