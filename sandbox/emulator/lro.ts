/**
 * Long-running operations (docs/azure-behaviour.md §6.1): the initial answer is 201/202 with `Azure-AsyncOperation`
 * (status URL), `Location` (result URL) and `Retry-After`; the resource shows a non-terminal
 * provisioningState until the operation completes in virtual time.
 *
 * - Status URL: 200 `{ name, status: InProgress|Succeeded|Failed|Canceled, startTime, endTime? }` (the
 *   shape of the published async-operation example), with Retry-After while in progress.
 * - Result URL: 202 + Location + Retry-After while running; when done 200 with the resource (PUT) or
 *   204 (DELETE).
 * URL shapes per family: Private DNS `.../resourceGroups/{rg}/providers/Microsoft.Network/
 * privateDnsOperationStatuses|privateDnsOperationResults/{id}` (VirtualNetworkLinkPut.json); Network
 * `/subscriptions/{s}/providers/Microsoft.Network/locations/{loc}/operations|operationResults/{id}`;
 * others `/subscriptions/{s}/providers/{Namespace}/locations/{loc}/operationStatuses|operationResults/{id}`.
 *
 * Private DNS status URLs answer as recorded (Azure/azure-cli privatedns recordings
 * `test_PutLink_LinkExistsIfNoneMatchFailure_ExpectError.yaml`, `test_PatchLink_LinkExistsIfMatchFailure_ExpectError.yaml`):
 * `202 {"status":"InProgress"}` with Azure-AsyncOperation and Location while running, then
 * `200 {"status":"Succeeded"}` or `200 {"error":{code,message},"status":"Failed"}`: no name or times.
 *
 * An operation started with `failure` ends Failed with that error instead of applying `complete` (the
 * Private DNS link refusals that Azure reports through the operation, docs/azure-behaviour.md §9.3).
 * ASSUMED: the result URL of a failed operation answers the error envelope with `failure.httpStatus`.
 *
 * Completion is applied lazily: every request (and `state()`) first settles the operations whose time
 * has come, so a jump of the virtual clock completes them without timers.
 * Retry-After is in seconds of real time under a scaled clock (core-lro waits it in real time; see
 * retryAfter.ts), never less than 1.
 */
import { normalizeResourceId } from '../../shared/core/resourceId';
import { type EmulatorCore } from './context';
import { ArmError, type ArmResponse } from './http';
import { type JsonObject } from './json';
import { lroRetryAfterSeconds } from './retryAfter';
import { readView } from './views';

export type LroFamily = 'privateDns' | 'network' | 'generic';

/** Paths (with query) under the endpoint where an operation's status and result are served. */
export interface LroUrls {
  readonly status: string;
  readonly result: string;
}

export type LroHeader = 'Azure-AsyncOperation' | 'Location' | 'Retry-After';

export interface LroStart {
  readonly family: LroFamily;
  readonly kind: 'put' | 'delete';
  readonly resourceId: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string | undefined;
  readonly namespace: string;
  readonly location: string;
  readonly apiVersion: string;
  readonly durationMs: number;
  /** Applies the final state (e.g. provisioningState Succeeded, or removal). */
  readonly complete: () => void;
  /** Per-RP URL shapes (private endpoint connections: providers/privateLinkTypes.ts); default: the family's. */
  readonly urls?: (opId: string) => LroUrls;
  /** Which headers the initial answer carries (default: all three). */
  readonly headers?: readonly LroHeader[];
  /** Prefix of the operation id (Container Registry: `privateendpointconnections-`). */
  readonly idPrefix?: string;
  /** When set, the operation ends Failed with this error and `complete` is never applied. */
  readonly failure?: LroFailure;
}

/** The error a failed operation reports in its status body. */
export interface LroFailure {
  readonly code: string;
  readonly message: string;
  /** What the result URL answers for it (ASSUMED). */
  readonly httpStatus: number;
}

interface Operation extends LroStart {
  readonly id: string;
  readonly startedAt: number;
  readonly completesAt: number;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  endedAt: number | undefined;
}

export class LroRegistry {
  private readonly ops = new Map<string, Operation>();
  private readonly inFlightByResource = new Map<string, string>();

  constructor(private readonly core: () => EmulatorCore) {}

  /** Registers an operation and returns the headers of the initial answer. */
  start(start: LroStart): Record<string, string> {
    const core = this.core();
    const now = core.clock.now();
    const id = `${start.idPrefix ?? ''}${core.random.uuid(`lro|${start.resourceId.toLowerCase()}`)}`;
    const op: Operation = {
      ...start,
      id,
      startedAt: now,
      completesAt: now + start.durationMs,
      status: 'InProgress',
      endedAt: undefined,
    };
    this.ops.set(id, op);
    this.inFlightByResource.set(normalizeResourceId(start.resourceId), id);
    if (start.durationMs <= 0) this.finish(op, now);
    return this.headers(op, now);
  }

  /** The operation currently running on a resource, if any. */
  inFlight(resourceId: string): { id: string; kind: 'put' | 'delete' } | undefined {
    const id = this.inFlightByResource.get(normalizeResourceId(resourceId));
    const op = id === undefined ? undefined : this.ops.get(id);
    return op && op.status === 'InProgress' ? { id: op.id, kind: op.kind } : undefined;
  }

  settleDue(now: number): void {
    for (const id of this.inFlightByResource.values()) {
      const op = this.ops.get(id);
      if (op && op.status === 'InProgress' && op.completesAt <= now) this.finish(op, now);
    }
  }

  private finish(op: Operation, now: number): void {
    op.status = op.failure ? 'Failed' : 'Succeeded';
    op.endedAt = Math.max(now, op.completesAt);
    const key = normalizeResourceId(op.resourceId);
    if (this.inFlightByResource.get(key) === op.id) this.inFlightByResource.delete(key);
    if (!op.failure) op.complete();
  }

  private urls(op: Operation): { status: string; result: string } {
    const base = this.core().endpoint();
    if (op.urls) {
      const custom = op.urls(op.id);
      return { status: `${base}${custom.status}`, result: `${base}${custom.result}` };
    }
    const q = `?api-version=${encodeURIComponent(op.apiVersion)}`;
    switch (op.family) {
      case 'privateDns': {
        const prefix = `${base}/subscriptions/${op.subscriptionId}/resourceGroups/${op.resourceGroup ?? ''}/providers/Microsoft.Network`;
        return {
          status: `${prefix}/privateDnsOperationStatuses/${op.id}${q}`,
          result: `${prefix}/privateDnsOperationResults/${op.id}${q}`,
        };
      }
      case 'network': {
        const prefix = `${base}/subscriptions/${op.subscriptionId}/providers/Microsoft.Network/locations/${op.location}`;
        return {
          status: `${prefix}/operations/${op.id}${q}`,
          result: `${prefix}/operationResults/${op.id}${q}`,
        };
      }
      case 'generic': {
        const prefix = `${base}/subscriptions/${op.subscriptionId}/providers/${op.namespace}/locations/${op.location}`;
        return {
          status: `${prefix}/operationStatuses/${op.id}${q}`,
          result: `${prefix}/operationResults/${op.id}${q}`,
        };
      }
    }
  }

  private retryAfter(op: Operation, now: number): string {
    return String(lroRetryAfterSeconds(Math.max(0, op.completesAt - now), this.core().clock.scale));
  }

  private headers(op: Operation, now: number): Record<string, string> {
    const urls = this.urls(op);
    const all: Record<LroHeader, string> = {
      'Azure-AsyncOperation': urls.status,
      Location: urls.result,
      'Retry-After': this.retryAfter(op, now),
    };
    const out: Record<string, string> = {};
    for (const h of op.headers ?? (Object.keys(all) as LroHeader[])) out[h] = all[h];
    return out;
  }

  /**
   * GET of an operation URL: the status or the result, by which of the operation's URLs `path` (decoded,
   * no query) is. Where both are the same URL (Web's `operationResults` on an approval) it is the status.
   */
  answer(path: string, opId: string, now: number): ArmResponse {
    const op = this.ops.get(opId);
    if (!op) throw notFound(opId);
    const urls = this.urls(op);
    const key = (u: string): string => {
      const noQuery = u.slice(this.core().endpoint().length).split('?')[0]!;
      return decodeURIComponent(noQuery).toLowerCase();
    };
    const asked = path.toLowerCase();
    if (asked === key(urls.status)) return this.status(opId, now);
    if (asked === key(urls.result)) return this.result(opId, now);
    throw notFound(opId);
  }

  /** GET of a status URL. */
  status(opId: string, now: number): ArmResponse {
    const op = this.ops.get(opId);
    if (!op) throw notFound(opId);
    if (op.family === 'privateDns') return this.privateDnsStatus(op, now);
    const body: JsonObject = {
      name: op.id,
      status: op.status,
      startTime: new Date(op.startedAt).toISOString(),
    };
    if (op.endedAt !== undefined) body['endTime'] = new Date(op.endedAt).toISOString();
    const headers: Record<string, string> =
      op.status === 'InProgress' ? { 'Retry-After': this.retryAfter(op, now) } : {};
    return { status: 200, headers, body };
  }

  /** The recorded Private DNS status answer (see the header comment). */
  private privateDnsStatus(op: Operation, now: number): ArmResponse {
    if (op.status === 'InProgress')
      return { status: 202, headers: this.headers(op, now), body: { status: op.status } };
    const body: JsonObject = { status: op.status };
    if (op.failure) body['error'] = { code: op.failure.code, message: op.failure.message };
    return { status: 200, body };
  }

  /** GET of a result URL. */
  result(opId: string, now: number): ArmResponse {
    const op = this.ops.get(opId);
    if (!op) throw notFound(opId);
    if (op.status === 'InProgress') {
      return {
        status: 202,
        headers: { Location: this.urls(op).result, 'Retry-After': this.retryAfter(op, now) },
      };
    }
    if (op.failure)
      return new ArmError(op.failure.httpStatus, op.failure.code, op.failure.message).toResponse();
    if (op.kind === 'delete') return { status: 204 };
    const core = this.core();
    const stored = core.store.get(op.resourceId);
    if (!stored) return { status: 204 };
    return { status: 200, body: readView(core.store, stored) };
  }
}

/** ASSUMED: an unknown operation id answers like any missing resource. */
function notFound(opId: string): ArmError {
  return new ArmError(404, 'ResourceNotFound', `The operation '${opId}' was not found.`);
}
