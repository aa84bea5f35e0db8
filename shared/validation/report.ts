/**
 * The report (docs/design.md "Sandbox run" and `GET /api/report`): findings in a stable order with their
 * counts, and its three renderings (JSON here; table and HTML in their own files).
 */
import { type Finding, type FindingStatus } from './findings';

export interface Report {
  readonly summary: { readonly pass: number; readonly warn: number; readonly fail: number };
  /** Passing findings by check id, counted whether or not they are listed. */
  readonly passesByCheck: Readonly<Record<string, number>>;
  /** `all`: every finding is listed; `problems`: passes are only counted (`summary`, `passesByCheck`). */
  readonly listed: 'all' | 'problems';
  readonly findings: Finding[];
}

export interface ReportOptions {
  /**
   * List passing findings too (`--full`, `?full=true`); by default they are counted (`summary`,
   * `passesByCheck`) and left out: at the reference fleet passes are 99% of the findings and all of the
   * size (docs/targets.md performance), and nobody acts on a pass.
   */
  readonly full?: boolean;
  /** Passes already reduced to counts by check id (a fleet check keeps no passing finding in its history). */
  readonly passCounts?: Readonly<Record<string, number>>;
}

const RANK: Record<FindingStatus, number> = { fail: 0, warn: 1, pass: 2 };

/**
 * Orders findings fail, warn, pass, then by resource id (case-insensitively, as ARM compares ids),
 * check and message, so the same state always gives the same report. Identical findings (every field
 * equal) are kept once: the planner and the checks state some facts in the same words, and a fact
 * said twice is still one fact.
 */
export function buildReport(findings: Iterable<Finding>, options: ReportOptions = {}): Report {
  const full = options.full ?? false;
  const unique = new Map<string, Finding>();
  for (const f of findings) {
    const key = JSON.stringify([
      f.check,
      f.resourceId,
      f.status,
      f.message,
      f.remediation ?? null,
      f.subject ?? null,
    ]);
    if (!unique.has(key)) unique.set(key, f);
  }
  const sorted = [...unique.values()].sort(
    (a, b) =>
      RANK[a.status] - RANK[b.status] ||
      compare(a.resourceId.toLowerCase(), b.resourceId.toLowerCase()) ||
      compare(a.resourceId, b.resourceId) ||
      compare(a.check, b.check) ||
      compare(a.message, b.message),
  );
  const summary = { pass: 0, warn: 0, fail: 0 };
  const passesByCheck: Record<string, number> = {};
  for (const f of sorted) {
    summary[f.status]++;
    if (f.status === 'pass') passesByCheck[f.check] = (passesByCheck[f.check] ?? 0) + 1;
  }
  for (const [check, n] of Object.entries(options.passCounts ?? {})) {
    summary.pass += n;
    passesByCheck[check] = (passesByCheck[check] ?? 0) + n;
  }
  return {
    summary,
    passesByCheck,
    listed: full ? 'all' : 'problems',
    findings: full ? sorted : sorted.filter((f) => f.status !== 'pass'),
  };
}

/**
 * A report as stored or received, made whole: one written before passes were counted (no `listed`, no
 * `passesByCheck`) listed every finding, so its pass counts are those of its findings. Undefined when
 * `value` is not a report at all.
 */
export function asReport(value: unknown): Report | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Partial<Report>;
  if (!Array.isArray(r.findings) || typeof r.summary !== 'object' || r.summary === null) return undefined;
  if (r.listed !== undefined && r.passesByCheck !== undefined) return r as Report;
  const passesByCheck: Record<string, number> = {};
  for (const f of r.findings)
    if (f.status === 'pass') passesByCheck[f.check] = (passesByCheck[f.check] ?? 0) + 1;
  return {
    summary: r.summary,
    passesByCheck: r.passesByCheck ?? passesByCheck,
    listed: r.listed ?? 'all',
    findings: r.findings,
  };
}

/** The report as pretty-printed JSON (the `Accept: application/json` answer of GET /api/report). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export { renderTable } from './renderTable';
export {
  renderHtml,
  renderHtmlParts,
  type HtmlOptions,
  type HtmlParts,
  type HistoryEntry,
  type StreamedRows,
} from './renderHtml';
