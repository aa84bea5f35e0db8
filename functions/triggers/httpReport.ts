/**
 * GET /api/report (docs/design.md "HTTP"): the last fleet check's validation report, as HTML for
 * browsers, JSON on request, or NDJSON (one finding a line) for `Accept: application/x-ndjson`.
 *
 * By default the report lists the warn and fail findings and counts the passes per check
 * (shared/validation/report.ts). `?full=true` lists every finding: with a report store it streams the
 * run's stored findings list (shared/reportStore/store.ts `readFindings`) into the answer as it is read,
 * JSON and HTML written around it piece by piece, so the full list is never held whole, let alone twice.
 * The Functions host sends such a body as a stream only with `app.setup({ enableHttpStream: true })`
 * (functions/index.ts; docs/azure-behaviour.md §7.7); sandbox/httpServer.ts pipes it with backpressure.
 * The streamed list is in the order the check wrote it, not sorted: sorting needs it all in memory.
 */
import { Readable } from 'node:stream';
import { type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { type Logger } from '../../shared/core/log';
import { DRIFT_INSTANCE_ID } from '../../shared/core/instanceIds';
import { historyName, type ReportStore, type StoredReport } from '../../shared/reportStore/store';
import { type Finding } from '../../shared/validation/findings';
import {
  asReport,
  buildReport,
  type HistoryEntry,
  type Report,
  renderHtml,
  renderHtmlParts,
} from '../../shared/validation/report';
import { type RunResult } from '../contracts';
import { isUnknownInstance, messageOf } from './durableErrors';
import { type HttpDeps, problem } from './http';

export const REPORT_TYPES = {
  json: 'application/json',
  html: 'text/html',
  ndjson: 'application/x-ndjson',
} as const;

export type ReportFormat = keyof typeof REPORT_TYPES;

/** How many earlier runs the report page lists. */
const HISTORY_SHOWN = 10;

/**
 * `?full=`: absent or `false` → the problems and the pass counts; `true` → every finding. Anything else
 * (`?full=maybe`, `?full=1`, `full` given twice) is a 400 that says what is accepted: a client that
 * misspells the flag must not silently get the short report. Other query parameters are not read.
 */
export function fullParameter(request: HttpRequest): boolean | HttpResponseInit {
  const values = request.query.getAll('full');
  if (values.length === 0) return false;
  if (values.length === 1 && (values[0] === 'true' || values[0] === 'false')) return values[0] === 'true';
  return problem(
    400,
    `full must be given at most once, as full=true (every finding) or full=false (problems and pass counts, the default); got ${values
      .map((v) => `full=${JSON.stringify(v).slice(1, -1)}`)
      .join('&')}`,
  );
}

/**
 * GET /api/report: the store's latest.json when a report store is configured, else the output of the
 * last completed drift check instance (whose passes are counted only: without a store, `full=true` of a
 * check that passed anything is a 404 that says so).
 */
export async function getReport(request: HttpRequest, deps: HttpDeps): Promise<HttpResponseInit> {
  const full = fullParameter(request);
  if (typeof full !== 'boolean') return full;
  const format = reportFormat(request.headers.get('accept'));
  if (format === undefined)
    return problem(
      406,
      `GET /api/report answers ${REPORT_TYPES.json}, ${REPORT_TYPES.html} or ${REPORT_TYPES.ndjson}; the Accept header allows none of them`,
      undefined,
      { vary: 'accept' },
    );
  const { client, log } = deps;
  if (deps.reports) return storedReport(format, full, deps.reports, log);
  let result: RunResult | undefined;
  try {
    const status = await client.getStatus(DRIFT_INSTANCE_ID);
    if (status.runtimeStatus === 'Failed' || status.runtimeStatus === 'Terminated')
      return problem(
        500,
        `the last fleet check ended ${status.runtimeStatus}: ${typeof status.output === 'string' ? status.output : JSON.stringify(status.output)}`,
      );
    result = status.runtimeStatus === 'Completed' ? (status.output as RunResult) : undefined;
  } catch (error) {
    if (!isUnknownInstance(error)) {
      log.error('report not read', { instanceId: DRIFT_INSTANCE_ID, reason: messageOf(error) });
      return problem(503, `could not read the last fleet check: ${messageOf(error)}`);
    }
    result = undefined;
  }
  if (!result) return noReportYet();
  const counted = Object.values(result.passCounts ?? {}).reduce((n, v) => n + v, 0);
  // A fleet check counts its passes (docs/design.md "Run result"); their list is kept only in a report store.
  if (full && counted > 0)
    return problem(
      404,
      `the last fleet check counted its ${counted} passing finding(s) without keeping them: a full list needs a report store (FEDLINK_REPORTS_URL); GET /api/report without full=true lists its warn and fail findings and counts its passes`,
    );
  // The instance's output is in memory already: the report is built from it, listing what was asked for.
  return renderReport(format, buildReport(result.findings, { full, passCounts: result.passCounts ?? {} }));
}

function noReportYet(): HttpResponseInit {
  return problem(
    404,
    'no completed fleet check yet: POST /api/runs {"scope":{"all":true},"mode":"apply"} or wait for the timer',
  );
}

function headersOf(
  format: ReportFormat,
  stored?: Pick<StoredReport, 'runId' | 'generatedAt'>,
): Record<string, string> {
  return {
    ...(stored
      ? { 'last-modified': new Date(stored.generatedAt).toUTCString(), 'x-fedlink-run-id': stored.runId }
      : {}),
    vary: 'accept',
    'content-type': format === 'html' ? 'text/html; charset=utf-8' : REPORT_TYPES[format],
  };
}

function renderReport(
  format: ReportFormat,
  report: Report,
  stored?: Pick<StoredReport, 'runId' | 'generatedAt'>,
  history?: readonly HistoryEntry[],
): HttpResponseInit {
  const headers = headersOf(format, stored);
  if (format === 'json') return { status: 200, headers, jsonBody: report };
  if (format === 'ndjson')
    return { status: 200, headers, body: report.findings.map((f) => `${JSON.stringify(f)}\n`).join('') };
  return {
    status: 200,
    headers,
    body: renderHtml(report, {
      ...(stored ? { generatedAt: stored.generatedAt, runId: stored.runId } : {}),
      ...(history ? { history } : {}),
    }),
  };
}

/**
 * Content negotiation for the report (RFC 9110, section 12.5.1): each format gets the q of the most specific
 * range that matches it (`text/html` over `text/*` over `*` + `/*`); q=0 refuses it. The higher q wins;
 * on a tie a format named exactly wins over one reached by a wildcard, then HTML (a browser that
 * names both), then JSON. No Accept, or only wildcards (curl's `*` + `/*`): JSON; HTML and NDJSON need a
 * client that asks for them. Undefined: none is acceptable (406).
 */
export function reportFormat(accept: string | null): ReportFormat | undefined {
  if (accept === null || accept.trim() === '') return 'json';
  const ranges = accept.split(',').flatMap((part) => {
    const [range = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (!range.includes('/')) return [];
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    return [{ range, q: Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 0 }];
  });
  const rank = (type: string): { q: number; specificity: number } => {
    const [major] = type.split('/');
    let best = { q: 0, specificity: -1 };
    for (const { range, q } of ranges) {
      const specificity = range === type ? 2 : range === `${major}/*` ? 1 : range === '*/*' ? 0 : -1;
      if (specificity > best.specificity) best = { q, specificity };
    }
    return best;
  };
  // In order of preference on a tie of q and specificity.
  const candidates = (['html', 'json', 'ndjson'] as const).map((format) => ({
    format,
    ...rank(REPORT_TYPES[format]),
  }));
  const acceptable = candidates.filter((c) => c.q > 0);
  if (acceptable.length === 0) return undefined;
  const best = acceptable.reduce((a, b) => {
    if (a.q !== b.q) return a.q > b.q ? a : b;
    if (a.specificity !== b.specificity) return a.specificity > b.specificity ? a : b;
    // HTML only when named: a wildcard tie goes to JSON.
    if (a.format === 'html' && a.specificity < 2) return b;
    return a;
  });
  return best.format;
}

/** The store's latest.json, which the drift check's saveReport activity wrote; with `full`, its stored list. */
async function storedReport(
  format: ReportFormat,
  full: boolean,
  reports: ReportStore,
  log: Logger,
): Promise<HttpResponseInit> {
  let latest;
  try {
    latest = await reports.latest();
  } catch (error) {
    const message = messageOf(error);
    log.error('report store unreadable', { location: reports.location, error: message });
    return problem(503, `the report store cannot be read: ${message}`);
  }
  if (!latest) return noReportYet();
  const report = asReport(latest.report);
  if (report === undefined)
    return problem(502, `the stored latest report (run ${latest.runId}) is not a report`);
  // The run history is a nicety: a store that cannot list still serves its latest report.
  const history = await reports.listRecent(HISTORY_SHOWN).catch((error: unknown) => {
    log.warn('report history not listed', { location: reports.location, error: messageOf(error) });
    return undefined;
  });
  if (!full)
    // A report stored before passes were counted lists them all: the default answer lists its problems.
    return renderReport(
      format,
      report.listed === 'problems'
        ? report
        : { ...report, listed: 'problems', findings: report.findings.filter((f) => f.status !== 'pass') },
      latest,
      history,
    );
  let findings: AsyncIterable<Finding> | undefined;
  try {
    // By the run's own history name, not latest.json: a newer run saving meanwhile cannot mix two runs.
    findings = await reports.readFindings(historyName(latest));
  } catch (error) {
    const message = messageOf(error);
    log.error('report findings unreadable', {
      location: reports.location,
      runId: latest.runId,
      error: message,
    });
    return problem(503, `the report store cannot be read: ${message}`);
  }
  if (findings === undefined) {
    if (report.listed === 'all') return renderReport(format, report, latest, history);
    return problem(
      404,
      `run ${latest.runId} stored no full list of findings; GET /api/report without full=true lists its warn and fail findings and counts its passes`,
    );
  }
  return {
    status: 200,
    headers: headersOf(format, latest),
    body: Readable.from(streamed(format, report, findings, latest, history, log), { objectMode: false }),
  };
}

/**
 * The full report written piece by piece around the stored findings: NDJSON as it is stored, JSON as
 * the report document with its `findings` array streamed, HTML as the page with its findings table
 * streamed. Pieces of about PIECE_CHARS, so the response is not a write per finding.
 */
async function* streamed(
  format: ReportFormat,
  report: Report,
  findings: AsyncIterable<Finding>,
  stored: StoredReport,
  history: readonly HistoryEntry[] | undefined,
  log: Logger,
): AsyncGenerator<string> {
  const total = report.summary.pass + report.summary.warn + report.summary.fail;
  let head: string;
  let row: (f: Finding, first: boolean) => string;
  let tail: string;
  if (format === 'ndjson') {
    [head, tail] = ['', ''];
    row = (f) => `${JSON.stringify(f)}\n`;
  } else if (format === 'json') {
    const { summary, passesByCheck } = report;
    head = `{"summary":${JSON.stringify(summary)},"passesByCheck":${JSON.stringify(passesByCheck)},"listed":"all","findings":[`;
    row = (f, first) => `${first ? '\n' : ',\n'}${JSON.stringify(f)}`;
    tail = '\n]}\n';
  } else {
    const parts = renderHtmlParts(
      report,
      { generatedAt: stored.generatedAt, runId: stored.runId, ...(history ? { history } : {}) },
      { count: total },
    );
    head = parts.head;
    row = (f, first) => `${first ? '' : '\n      '}${parts.row(f)}`;
    tail = parts.tail;
  }
  let piece = head;
  let first = true;
  let count = 0;
  try {
    for await (const finding of findings) {
      piece += row(finding, first);
      first = false;
      count++;
      if (piece.length >= PIECE_CHARS) {
        yield piece;
        piece = '';
      }
    }
  } catch (error) {
    // The status line is gone: all that is left is to cut the answer short, which the client sees.
    log.error('report findings stream failed', { runId: stored.runId, error: messageOf(error), count });
    throw error;
  }
  if (format === 'html' && count === 0)
    piece += '<tr id="no-findings"><td colspan="4">No findings.</td></tr>';
  yield piece + tail;
}

const PIECE_CHARS = 64 * 1024;
