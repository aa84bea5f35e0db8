/**
 * HTTP API logic (docs/design.md "HTTP"): POST /api/runs, GET /api/runs/{id}, GET /api/report,
 * GET /api/health. Thin: validate the body, start or query an orchestration, answer. Keys are checked
 * before these run (the Functions host for authLevel 'function'; the sandbox server likewise), so an
 * unauthenticated request never reaches ARM.
 */
import { randomUUID } from 'node:crypto';
import { type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { type Logger } from '../../shared/core/log';
import { DRIFT_INSTANCE_ID, instanceIdFor } from '../../shared/core/instanceIds';
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

export interface HttpDeps {
  readonly client: DurableClientPort;
  readonly log: Logger;
  /** The report store, when one is configured: GET /api/report then serves its latest.json. */
  readonly reports?: ReportStore | undefined;
}

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
      z.object({ all: z.literal(true) }).strict(),
    ]),
    mode: z.enum(['plan', 'apply']).default('plan'),
  })
  .strict();

function problem(status: number, message: string, details?: readonly string[]): HttpResponseInit {
  return { status, jsonBody: { error: { message, ...(details ? { details } : {}) } } };
}

/** POST /api/runs {scope, mode} → 202 with durable status URLs. */
export async function postRun(request: HttpRequest, { client, log }: HttpDeps): Promise<HttpResponseInit> {
  let body: unknown;
  try {
    body = JSON.parse(await request.text());
  } catch {
    return problem(
      400,
      'body must be JSON: {"scope": {"clusterId"|"identityId": "<resource id>"} | {"all": true}, "mode": "plan"|"apply"}',
    );
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
  if ('all' in scope) {
    const input: DriftInput = { mode, trigger: 'http' };
    instanceId = mode === 'apply' ? DRIFT_INSTANCE_ID : `fedlink:plan:fleet:${randomUUID()}`;
    try {
      await client.startNew(driftCheck.name, { instanceId, input });
    } catch (error) {
      const why = await whyStartFailed(client, instanceId, error);
      if (why.kind === 'running')
        return problem(
          409,
          `a fleet run is already in progress: GET /api/runs/${encodeURIComponent(instanceId)}`,
        );
      log.error('run not started', { instanceId, mode, reason: why.message });
      return problem(503, `could not start the fleet run: ${why.message}`);
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

/** GET /api/runs/{id} → status and, once finished, the RunResult. */
export async function getRun(request: HttpRequest, { client, log }: HttpDeps): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
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
  return renderReport(request, buildReport(result.findings));
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
  const accept = request.headers.get('accept') ?? '';
  if (accept.includes('application/json') && !accept.includes('text/html'))
    return { status: 200, headers, jsonBody: report };
  return {
    status: 200,
    headers: { ...headers, 'content-type': 'text/html; charset=utf-8' },
    body: renderHtml(report, {
      ...(stored ? { generatedAt: stored.generatedAt, runId: stored.runId } : {}),
      ...(history ? { history } : {}),
    }),
  };
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

export function getHealth(): HttpResponseInit {
  return { status: 200, jsonBody: { status: 'ok', service: 'fedlink' } };
}
