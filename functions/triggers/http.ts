/**
 * HTTP API logic (docs/design.md "HTTP"): POST /api/runs, GET /api/runs/{id}, GET /api/report,
 * GET /api/health. Thin: validate the request, start or query an orchestration, answer. Keys are checked
 * before these run (the Functions host for authLevel 'function'; the sandbox server likewise, both from
 * ./httpRoutes.ts), so an unauthenticated request never reaches ARM.
 *
 * Every error is problem JSON `{"error": {"message", "details"?}}`. A client error is a 4xx and starts
 * nothing: 400 (bad JSON, bad scope or mode, a run id that cannot be one), 413 (a body over
 * MAX_RUN_BODY_BYTES), 415 (a body that is not application/json), 406 (an Accept that allows neither
 * report format). 5xx are for the app's own dependencies only (the task hub, the report store).
 */
import { randomUUID } from 'node:crypto';
import { type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { type Logger } from '../../shared/core/log';
import { DRIFT_INSTANCE_ID, instanceIdFor, subscriptionRunInstanceId } from '../../shared/core/instanceIds';
import { resourceIdProblem, TYPES } from '../../shared/core/resourceId';
import { type ReportStore } from '../../shared/reportStore/store';
import { buildReport, type HistoryEntry, type Report, renderHtml } from '../../shared/validation/report';
import { targetFor } from '../../shared/reconcile/target';
import { type ReconcileInput, type RunResult } from '../contracts';
import { type DurableClientPort } from '../durableClientPort';
import { driftCheck, type DriftInput } from '../orchestrations/drift';
import { reconcile, RERUN_EVENT } from '../orchestrations/reconcile';
import { isUnknownInstance, messageOf, whyStartFailed } from './durableErrors';
import { startOrRerun } from './startRun';
import packageJson from '../../package.json';

/** Whether the worker's config loaded (GET /api/health). */
export type ConfigStatus =
  { readonly loaded: true; readonly source: string } | { readonly loaded: false; readonly error: string };

export interface HttpDeps {
  readonly client: DurableClientPort;
  readonly log: Logger;
  /** The report store, when one is configured: GET /api/report then serves its latest.json. */
  readonly reports?: ReportStore | undefined;
  /** The config's state, for GET /api/health; absent: not reported. */
  readonly configStatus?: (() => ConfigStatus) | undefined;
}

/** The largest body POST /api/runs reads (a run request is a few hundred bytes); larger ones get 413. */
export const MAX_RUN_BODY_BYTES = 64 * 1024;

/** The media type POST /api/runs takes (parameters allowed; a charset, if given, must be utf-8). */
export const RUN_CONTENT_TYPE = 'application/json';

const RUN_BODY_SHAPE =
  '{"scope": {"clusterId"|"identityId": "<resource id>"} | {"subscriptionId": "<guid>"} | {"all": true}, "mode": "plan"|"apply"}';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A resource id of `type`; the message says why a value is not one (e.g. a `..` segment). */
const resourceIdOf = (type: string, what: string) =>
  z.string().superRefine((v, ctx) => {
    const problem = resourceIdProblem(v, type);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `expected ${what} (${problem})` });
  });

const runRequest = z
  .object({
    scope: z.union([
      z.object({ clusterId: resourceIdOf(TYPES.managedCluster, 'a managed cluster resource id') }).strict(),
      z
        .object({
          identityId: resourceIdOf(TYPES.userAssignedIdentity, 'a user-assigned identity resource id'),
        })
        .strict(),
      z
        .object({
          subscriptionId: z.string().regex(GUID, { message: 'expected a subscription id (a GUID)' }),
        })
        .strict(),
      z.object({ all: z.literal(true) }).strict(),
    ]),
    mode: z.enum(['plan', 'apply']).default('plan'),
  })
  .strict();

export function problem(
  status: number,
  message: string,
  details?: readonly string[],
  headers?: Record<string, string>,
): HttpResponseInit {
  return {
    status,
    ...(headers ? { headers } : {}),
    jsonBody: { error: { message, ...(details ? { details } : {}) } },
  };
}

/** 413 for a body over `limit` bytes (the sandbox server answers it too, while streaming). */
export function tooLarge(limit: number): HttpResponseInit {
  return problem(413, `the body is larger than ${limit} bytes, the most POST /api/runs accepts`);
}

/** Why a Content-Type is not application/json (with utf-8 if a charset is given), or undefined. */
export function contentTypeProblem(contentType: string | null): string | undefined {
  const accepted = `POST /api/runs takes ${RUN_CONTENT_TYPE} (charset utf-8, if given)`;
  if (contentType === null || contentType.trim() === '')
    return `${accepted}; the request has no Content-Type`;
  const [type = '', ...params] = contentType.split(';').map((p) => p.trim());
  if (type.toLowerCase() !== RUN_CONTENT_TYPE) return `${accepted}, not ${JSON.stringify(type)}`;
  for (const param of params) {
    const [name = '', value = ''] = param.split('=').map((p) => p.trim());
    if (
      name.toLowerCase() === 'charset' &&
      !['utf-8', 'utf8'].includes(value.replace(/"/g, '').toLowerCase())
    )
      return `${accepted}, not charset ${JSON.stringify(value)}`;
  }
  return undefined;
}

/**
 * The body of POST /api/runs, or the client error: 413 when the declared (Content-Length) or the
 * actual size is over MAX_RUN_BODY_BYTES, else 415 for a type other than application/json. Size first:
 * the sandbox server stops reading at the limit before any handler runs, and both paths must answer alike.
 */
async function runBody(request: HttpRequest): Promise<string | HttpResponseInit> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > MAX_RUN_BODY_BYTES) return tooLarge(MAX_RUN_BODY_BYTES);
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > MAX_RUN_BODY_BYTES) return tooLarge(MAX_RUN_BODY_BYTES);
  const wrongType = contentTypeProblem(request.headers.get('content-type'));
  if (wrongType !== undefined)
    return problem(415, wrongType, undefined, { accept: RUN_CONTENT_TYPE, 'accept-post': RUN_CONTENT_TYPE });
  return bytes.toString('utf8');
}

/** POST /api/runs {scope, mode} → 202 with durable status URLs. */
export async function postRun(request: HttpRequest, { client, log }: HttpDeps): Promise<HttpResponseInit> {
  const text = await runBody(request);
  if (typeof text !== 'string') return text;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return problem(400, `body must be JSON: ${RUN_BODY_SHAPE}`);
  }
  const parsed = runRequest.safeParse(body);
  if (!parsed.success) {
    return problem(
      400,
      'invalid run request',
      parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
    );
  }
  const { scope, mode } = parsed.data;
  let instanceId: string;
  if ('all' in scope || 'subscriptionId' in scope) {
    // The whole fleet, or its share in one subscription: the drift check's orchestration, one apply
    // run at a time (a fixed instance id), any number of plan runs.
    const subscription = 'subscriptionId' in scope ? scope.subscriptionId.toLowerCase() : undefined;
    const input: DriftInput = {
      mode,
      trigger: 'http',
      ...(subscription !== undefined ? { subscription: `/subscriptions/${subscription}` } : {}),
    };
    const what = subscription !== undefined ? `run of subscription ${subscription}` : 'fleet run';
    instanceId =
      mode === 'apply'
        ? subscription !== undefined
          ? subscriptionRunInstanceId(subscription)
          : DRIFT_INSTANCE_ID
        : `fedlink:plan:${subscription !== undefined ? 'subscription' : 'fleet'}:${randomUUID()}`;
    try {
      await client.startNew(driftCheck.name, { instanceId, input });
    } catch (error) {
      const why = await whyStartFailed(client, instanceId, error);
      if (why.kind === 'running')
        return problem(
          409,
          `a ${what} is already in progress: GET /api/runs/${encodeURIComponent(instanceId)}`,
        );
      log.error('run not started', { instanceId, mode, reason: why.message });
      return problem(503, `could not start the ${what}: ${why.message}`);
    }
  } else {
    const [kind, resourceId] =
      'clusterId' in scope
        ? (['cluster', scope.clusterId] as const)
        : (['identity', scope.identityId] as const);
    const input: ReconcileInput = {
      target: targetFor(kind, resourceId),
      change: 'write',
      mode,
      trigger: 'http',
    };
    try {
      if (mode === 'apply') {
        // Writes for one resource coalesce with any event-driven run for it (same instance id).
        instanceId = instanceIdFor(kind, resourceId);
        await startOrRerun(client, reconcile.name, instanceId, input, RERUN_EVENT, log);
      } else {
        instanceId = `fedlink:plan:${kind}:${randomUUID()}`;
        await client.startNew(reconcile.name, { instanceId, input });
      }
    } catch (error) {
      log.error('run not started', { resourceId, mode, reason: messageOf(error) });
      return problem(503, `could not start the run: ${messageOf(error)}`);
    }
  }
  log.info('run started', { instanceId, mode });
  return accepted(request, client, instanceId);
}

/**
 * 202 with status URLs: fedlink's own `runUri` (GET /api/runs/{id}, function key) as Location, plus
 * durable's management URLs (the durabletask webhook API, system key) as createCheckStatusResponse
 * would give them.
 */
function accepted(request: HttpRequest, client: DurableClientPort, instanceId: string): HttpResponseInit {
  const runUri = new URL(`/api/runs/${encodeURIComponent(instanceId)}`, request.url).toString();
  return {
    status: 202,
    headers: { location: runUri, 'retry-after': '5' },
    jsonBody: { ...client.createHttpManagementPayload(instanceId), runUri },
  };
}

/**
 * What a run id may hold: the ids fedlink gives runs are `fedlink:` + lower-case letters, digits, `.`,
 * `_`, `-` and `:` (shared/core/instanceIds.ts, and `fedlink:plan:<kind>:<uuid>` here); the durable
 * extension's own ids are GUIDs. Anything else (a `/`, a control character, which Azure Storage refuses
 * in table keys: docs/azure-behaviour.md §9.4) cannot name a run: 400, and the task hub is not asked.
 */
const RUN_ID = /^[A-Za-z0-9._:-]{1,256}$/;

/** GET /api/runs/{id} → status and, once finished, the RunResult. */
export async function getRun(request: HttpRequest, { client, log }: HttpDeps): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  if (!RUN_ID.test(id))
    return problem(
      400,
      `not a run id: ${JSON.stringify(id.length > 100 ? `${id.slice(0, 100)}…` : id)} (run ids are the "id" of POST /api/runs: letters, digits, ".", "_", "-" and ":", at most 256)`,
    );
  let status;
  try {
    status = await client.getStatus(id);
  } catch (error) {
    if (isUnknownInstance(error)) return problem(404, `no run with id ${id}`);
    log.error('run status not read', { instanceId: id, reason: messageOf(error) });
    return problem(503, `could not read the status of run ${id}: ${messageOf(error)}`);
  }
  {
    return {
      status: 200,
      jsonBody: {
        instanceId: status.instanceId,
        runtimeStatus: status.runtimeStatus,
        customStatus: status.customStatus,
        createdTime: status.createdTime,
        lastUpdatedTime: status.lastUpdatedTime,
        output: status.output,
      },
    };
  }
}

/**
 * GET /api/report → the last fleet check's validation report (HTML for browsers, JSON on request): the
 * store's latest.json when a report store is configured, else the output of the last completed drift
 * check instance.
 */
export async function getReport(request: HttpRequest, deps: HttpDeps): Promise<HttpResponseInit> {
  const { client, log } = deps;
  if (deps.reports) return storedReport(request, deps.reports, log);
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
  return renderReport(request, buildReport(result.findings, { passCounts: result.passCounts ?? {} }));
}

function noReportYet(): HttpResponseInit {
  return problem(
    404,
    'no completed fleet check yet: POST /api/runs {"scope":{"all":true},"mode":"apply"} or wait for the timer',
  );
}

function renderReport(
  request: HttpRequest,
  report: Report,
  stored?: { runId: string; generatedAt: string },
  history?: readonly HistoryEntry[],
): HttpResponseInit {
  const headers: Record<string, string> = stored
    ? { 'last-modified': new Date(stored.generatedAt).toUTCString(), 'x-fedlink-run-id': stored.runId }
    : {};
  const format = reportFormat(request.headers.get('accept'));
  if (format === undefined)
    return problem(
      406,
      `GET /api/report answers ${REPORT_TYPES.json} or ${REPORT_TYPES.html}; the Accept header allows neither`,
      undefined,
      { vary: 'accept' },
    );
  if (format === 'json') return { status: 200, headers: { ...headers, vary: 'accept' }, jsonBody: report };
  return {
    status: 200,
    headers: { ...headers, vary: 'accept', 'content-type': 'text/html; charset=utf-8' },
    body: renderHtml(report, {
      ...(stored ? { generatedAt: stored.generatedAt, runId: stored.runId } : {}),
      ...(history ? { history } : {}),
    }),
  };
}

const REPORT_TYPES = { json: 'application/json', html: 'text/html' } as const;

/**
 * Content negotiation for the report (RFC 9110, section 12.5.1): each format gets the q of the most specific
 * range that matches it (`text/html` over `text/*` over `*` + `/*`); q=0 refuses it. The higher q wins;
 * on a tie a format named exactly wins over one reached by a wildcard, then HTML (a browser that
 * names both). No Accept, or only wildcards (curl's `*` + `/*`): JSON; HTML needs a client that asks
 * for it, as every browser does. Undefined: neither is acceptable (406).
 */
export function reportFormat(accept: string | null): 'json' | 'html' | undefined {
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
  const json = rank(REPORT_TYPES.json);
  const html = rank(REPORT_TYPES.html);
  if (json.q === 0 && html.q === 0) return undefined;
  if (json.q !== html.q) return json.q > html.q ? 'json' : 'html';
  if (json.specificity !== html.specificity) return json.specificity > html.specificity ? 'json' : 'html';
  return html.specificity === 2 ? 'html' : 'json';
}

/** The store's latest.json, which the drift check's saveReport activity wrote. */
async function storedReport(
  request: HttpRequest,
  reports: ReportStore,
  log: Logger,
): Promise<HttpResponseInit> {
  let latest;
  try {
    latest = await reports.latest();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error('report store unreadable', { location: reports.location, error: message });
    return problem(503, `the report store cannot be read: ${message}`);
  }
  if (!latest) return noReportYet();
  const report = latest.report as Partial<Report> | null;
  if (typeof report !== 'object' || report === null || !Array.isArray(report.findings) || !report.summary)
    return problem(502, `the stored latest report (run ${latest.runId}) is not a report`);
  // The run history is a nicety: a store that cannot list still serves its latest report.
  const history = await reports.listRecent(HISTORY_SHOWN).catch((error: unknown) => {
    log.warn('report history not listed', { location: reports.location, error: messageOf(error) });
    return undefined;
  });
  return renderReport(request, report as Report, latest, history);
}

/** How many earlier runs the report page lists. */
const HISTORY_SHOWN = 10;

/** How long a probe of the report store is reused: an anonymous caller cannot make the app hammer it. */
export const HEALTH_PROBE_TTL_MS = 30_000;

type StoreProbe =
  | { readonly reachable: true; readonly latest: { runId: string; generatedAt: string } | null }
  | { readonly reachable: false; readonly error: string };

const probes = new WeakMap<ReportStore, { at: number; probe: Promise<StoreProbe> }>();

async function probeStore(store: ReportStore, now: number): Promise<StoreProbe> {
  const cached = probes.get(store);
  if (cached && now - cached.at < HEALTH_PROBE_TTL_MS) return cached.probe;
  const probe = store.latest().then(
    (latest): StoreProbe => ({
      reachable: true,
      latest: latest ? { runId: latest.runId, generatedAt: latest.generatedAt } : null,
    }),
    (error: unknown): StoreProbe => ({ reachable: false, error: messageOf(error) }),
  );
  probes.set(store, { at: now, probe });
  return probe;
}

/**
 * GET /api/health (anonymous, for probes): the version, whether the config loaded, and whether the
 * report store answers (one read of latest.json, reused for HEALTH_PROBE_TTL_MS). No ARM call and no
 * task hub call. 200 `ok`; 200 `degraded` when the report store cannot be read (runs still work, the
 * report is not kept); 503 `failing` when the config did not load (nothing can run).
 */
export async function getHealth(
  _request: HttpRequest,
  deps: Partial<HttpDeps> = {},
): Promise<HttpResponseInit> {
  const config = deps.configStatus?.();
  const reports = deps.reports
    ? { configured: true, location: deps.reports.location, ...(await probeStore(deps.reports, Date.now())) }
    : { configured: false };
  const status =
    config?.loaded === false ? 'failing' : 'reachable' in reports && !reports.reachable ? 'degraded' : 'ok';
  return {
    status: status === 'failing' ? 503 : 200,
    headers: { 'cache-control': 'no-store' },
    jsonBody: {
      status,
      service: 'fedlink',
      version: packageJson.version,
      ...(config ? { config } : {}),
      reports,
    },
  };
}
