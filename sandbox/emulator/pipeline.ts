/**
 * One request's life in the emulator, in ARM's order:
 *   settle due LROs → authenticate (tokens.ts) → injected faults → parse body → api-version present →
 *   ARM token bucket (per subscription, or per tenant for tenant-level calls) → latency → route
 *   (subscription, api-version, resource provider) → answer, with rate-limit headers → record.
 * Every request is recorded (operations), whatever its outcome, and nothing escapes as a crash:
 * an unexpected exception becomes a 500 `InternalServerError` whose message names the emulator bug.
 */
import { createHash } from 'node:crypto';
import { type IncomingHttpHeaders } from 'node:http';
import { assertApiVersionPresent } from './apiVersions';
import { drawDuration, type EmulatorCore } from './context';
import { invalidRequestContent } from './errors';
import { ArmError, type ArmRequest, type ArmResponse } from './http';
import { type JsonValue } from './json';
import { type BucketClaim, type Limits } from './limits';
import { parsePath, type RouteTarget } from './paths';
import { type FaultKind } from './faults';
import { anotherOperationInProgress } from './providers/privateEndpointConnections';
import { type OperationClass, type OperationRecord, type Recorder } from './recorder';
import { advertisedRetryAfterMs, throttleHeaders } from './retryAfter';
import { dispatch } from './router';
import { checkBearer } from './tokens';

export interface RawRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly bodyText: string;
}

export type Outcome =
  | { readonly kind: 'respond'; readonly response: ArmResponse }
  /** Destroy the socket without answering. */
  | { readonly kind: 'reset' };

export interface PipelineDeps {
  readonly core: EmulatorCore;
  readonly recorder: Recorder;
}

function operationClassOf(method: string, target: RouteTarget): OperationClass {
  if (method === 'GET' || method === 'HEAD') return 'read';
  if (method === 'DELETE') return 'delete';
  // Resource Graph queries are POSTs that read (docs/targets.md counts them as reads).
  if (target.kind === 'tenantProvider' && target.namespace.toLowerCase() === 'microsoft.resourcegraph')
    return 'read';
  return 'write';
}

const CLASS_WORD: Record<OperationClass, string> = { read: 'reads', write: 'writes', delete: 'deletes' };

function armClaim(
  target: RouteTarget,
  cls: OperationClass,
): { claim: BucketClaim; scope: 'subscription' | 'tenant' } {
  const subscriptionId = 'subscriptionId' in target ? target.subscriptionId : undefined;
  if (subscriptionId !== undefined) {
    const limit: keyof Limits =
      cls === 'read' ? 'subscriptionReads' : cls === 'write' ? 'subscriptionWrites' : 'subscriptionDeletes';
    return { claim: { limit, key: subscriptionId }, scope: 'subscription' };
  }
  const limit: keyof Limits =
    cls === 'read' ? 'tenantReads' : cls === 'write' ? 'tenantWrites' : 'tenantDeletes';
  return { claim: { limit, key: 'tenant' }, scope: 'tenant' };
}

/**
 * Splits the request target by hand: `new URL('//subscriptions/...', base)` would read the first
 * segment as a host, and clients do send `//` (arm-resources' `/{+resourceId}` with an id that starts
 * with `/`). Empty segments are dropped, as ARM tolerates them.
 */
function parseUrl(url: string): { path: string; segments: string[]; query: Map<string, string> } {
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  const search = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const segments = pathname
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  const query = new Map<string, string>();
  for (const [k, v] of search) if (!query.has(k.toLowerCase())) query.set(k.toLowerCase(), v);
  return { path: '/' + segments.join('/'), segments, query };
}

function parseBody(method: string, text: string): JsonValue | undefined {
  if (text.trim() === '' || method === 'GET' || method === 'DELETE' || method === 'HEAD') return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw invalidRequestContent((e as Error).message);
  }
}

/**
 * The action ARM names in an `AuthorizationFailed` answer: `<namespace>/<type>[/<child type>]/<verb>`
 * (e.g. `Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write`).
 */
function actionOf(method: string, segments: readonly string[]): string {
  const at = segments.map((s) => s.toLowerCase()).lastIndexOf('providers');
  const verb = method === 'DELETE' ? 'delete' : method === 'GET' || method === 'HEAD' ? 'read' : 'write';
  if (at < 0 || segments[at + 1] === undefined) return `Microsoft.Resources/subscriptions/${verb}`;
  const types = segments.slice(at + 2).filter((_, i) => i % 2 === 0);
  const action = segments[at + 1]!.toLowerCase() === 'microsoft.resourcegraph' ? 'read' : verb;
  return [segments[at + 1], ...types, action].join('/');
}

function injectedFault(
  kind: Exclude<FaultKind, 'connectionReset'>,
  core: EmulatorCore,
  request: { method: string; path: string; segments: readonly string[]; oid: string },
): ArmError {
  const wait = core.faults.retryAfterSeconds * 1000;
  switch (kind) {
    case 'serverError500':
      return new ArmError(
        500,
        'InternalServerError',
        'Encountered internal server error (sandbox fault injection).',
      );
    case 'serverError503':
      return new ArmError(
        503,
        'ServiceUnavailable',
        'The service is unavailable (sandbox fault injection).',
        throttleHeaders(wait, core.clock.scale),
      );
    case 'throttle429':
      return new ArmError(
        429,
        'SubscriptionRequestsThrottled',
        `Number of requests exceeded the limit (sandbox fault injection). Please try again after '${Math.max(1, Math.ceil(wait / 1000))}' seconds.`,
        throttleHeaders(wait, core.clock.scale),
      );
    case 'throttle429NoRetryAfter':
      return new ArmError(
        429,
        'SubscriptionRequestsThrottled',
        'Number of requests exceeded the limit (sandbox fault injection, no Retry-After).',
      );
    case 'forbidden403': {
      // ARM's wording (learn `azure/role-based-access-control/troubleshooting`); OBSERVED in public output.
      const scope = request.path.replace(/\/providers\/Microsoft\.ResourceGraph\/resources$/i, '/');
      return new ArmError(
        403,
        'AuthorizationFailed',
        `The client '${request.oid}' with object id '${request.oid}' does not have authorization to perform action '${actionOf(request.method, request.segments)}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      );
    }
    case 'anotherOperation409':
      return anotherOperationInProgress(request.path);
  }
}

export async function processRequest(raw: RawRequest, deps: PipelineDeps): Promise<Outcome> {
  const { core, recorder } = deps;
  const at = core.clock.now();
  core.lro.settleDue(at);
  const { path, segments, query } = parseUrl(raw.url);
  const method = raw.method.toUpperCase();
  const target = parsePath(segments);
  const cls = operationClassOf(method, target);
  const clientRequestId = headerValue(raw.headers, 'x-ms-client-request-id');
  const retry = recorder.observeArrival(clientRequestId, at);
  const bodyDigest =
    raw.bodyText === ''
      ? undefined
      : createHash('sha256').update(raw.bodyText, 'utf8').digest('hex').slice(0, 16);
  const apiVersion = query.get('api-version');
  let fault: OperationRecord['fault'];
  let rateHeaders: Record<string, string> = {};
  let response: ArmResponse;
  let resetAfterWrite = false;
  try {
    const subscriptionId = 'subscriptionId' in target ? target.subscriptionId : undefined;
    const subscriptionTenant =
      subscriptionId !== undefined ? core.store.subscription(subscriptionId)?.tenantId : undefined;
    const refused = checkBearer(headerValue(raw.headers, 'authorization'), {
      tenants: core.store.tenantList().map((t) => t.tenantId),
      ...(subscriptionTenant !== undefined ? { subscriptionTenant } : {}),
    });
    if (refused) throw refused;
    const decision = core.faults.decide(method, path);
    if (decision.extraLatencyMs > 0) await core.clock.sleep(decision.extraLatencyMs);
    if (decision.kind === 'connectionReset') {
      recorder.record({
        method,
        path,
        apiVersion,
        status: 0,
        code: 'ConnectionReset',
        at,
        durationMs: core.clock.now() - at,
        operationClass: cls,
        ...opt(clientRequestId, retry, bodyDigest),
        fault: 'connectionReset',
      });
      return { kind: 'reset' };
    }
    if (decision.kind !== undefined) {
      fault = decision.kind;
      throw injectedFault(decision.kind, core, {
        method,
        path,
        segments,
        oid: principalOf(headerValue(raw.headers, 'authorization')),
      });
    }
    resetAfterWrite = decision.resetAfterWrite && cls !== 'read';
    assertApiVersionPresent(apiVersion);
    const body = parseBody(method, raw.bodyText);
    const { claim, scope } = armClaim(target, cls);
    const charged = core.limits.claim([claim], core.clock.now());
    if (!charged.ok) {
      const headers = throttleHeaders(charged.waitMs, core.clock.scale);
      const who = scope === 'subscription' ? `subscription '${claim.key}'` : 'the tenant';
      throw new ArmError(
        429,
        scope === 'subscription' ? 'SubscriptionRequestsThrottled' : 'TenantRequestsThrottled',
        `Number of '${cls}' requests for ${who} exceeded the limit. Please try again after '${headers['Retry-After']}' seconds.`,
        { ...headers, [`x-ms-ratelimit-remaining-${scope}-${CLASS_WORD[cls]}`]: '0' },
      );
    }
    const remaining = charged.remaining[0];
    if (remaining !== undefined)
      rateHeaders = { [`x-ms-ratelimit-remaining-${scope}-${CLASS_WORD[cls]}`]: String(remaining) };
    const latency = cls === 'read' ? core.latency.readMs : core.latency.writeMs;
    const delay = drawDuration(core, latency, `latency|${method} ${path.toLowerCase()}`);
    if (delay > 0) await core.clock.sleep(delay);
    // HEAD (checkExistence) is answered like GET without a body: 204 when the resource exists.
    const req: ArmRequest = {
      method: method === 'HEAD' ? 'GET' : method,
      path,
      segments,
      query,
      headers: raw.headers,
      apiVersion,
      body,
      receivedAt: at,
    };
    response = await dispatch(req, target, core);
    if (method === 'HEAD')
      response = response.status < 300 ? { status: 204, headers: response.headers ?? {} } : response;
  } catch (e) {
    if (e instanceof ArmError) response = e.toResponse();
    else {
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      response = new ArmError(500, 'InternalServerError', `Sandbox emulator bug: ${message}`).toResponse();
    }
  }
  const headers: Record<string, string> = {
    'x-ms-request-id': core.random.uuid('request-id'),
    'x-ms-correlation-request-id': core.random.uuid('correlation-id'),
    ...rateHeaders,
    ...(response.headers ?? {}),
  };
  const final: ArmResponse =
    method === 'HEAD' ? { status: response.status, headers } : { ...response, headers };
  const code = errorCode(final.body);
  const done = core.clock.now();
  const reset = resetAfterWrite && final.status >= 200 && final.status < 300;
  recorder.record({
    method,
    path,
    apiVersion,
    status: reset ? 0 : final.status,
    ...(code !== undefined ? { code } : reset ? { code: 'ConnectionReset' } : {}),
    at,
    durationMs: done - at,
    operationClass: cls,
    ...opt(clientRequestId, retry, bodyDigest),
    ...(cls !== 'read' ? { body: raw.bodyText } : {}),
    ...(reset ? { fault: 'connectionResetAfterWrite' as const } : fault !== undefined ? { fault } : {}),
  });
  if (reset) return { kind: 'reset' };
  const retryAfterMs = advertisedRetryAfterMs(headers);
  if ((final.status === 429 || final.status === 503) && retryAfterMs !== undefined) {
    recorder.expectRetry(clientRequestId, done, retryAfterMs, final.status);
  }
  return { kind: 'respond', response: final };
}

function opt(
  clientRequestId: string | undefined,
  retry: OperationRecord['retry'],
  bodyDigest: string | undefined,
): Partial<Pick<OperationRecord, 'clientRequestId' | 'retry' | 'bodyDigest'>> {
  return {
    ...(clientRequestId !== undefined ? { clientRequestId } : {}),
    ...(retry !== undefined ? { retry } : {}),
    ...(bodyDigest !== undefined ? { bodyDigest } : {}),
  };
}

/** The caller's object id from its bearer token (already checked by checkBearer), for error messages. */
function principalOf(authorization: string | undefined): string {
  const payload = authorization?.split(' ')[1]?.split('.')[1];
  try {
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { oid?: unknown };
    return typeof claims.oid === 'string' ? claims.oid : '00000000-0000-0000-0000-000000000000';
  } catch {
    return '00000000-0000-0000-0000-000000000000';
  }
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function errorCode(body: JsonValue | undefined): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const error = body['error'];
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return undefined;
  const code = error['code'];
  return typeof code === 'string' ? code : undefined;
}
