/**
 * `{parentId}/privateEndpointConnections[/{name}]` on any provider resource (docs/azure-behaviour.md §4, §9.1,
 * §9.2): LIST, GET, PUT (approve / reject), DELETE, with per-type api-versions, refused state changes and
 * answer shapes from privateLinkTypes.ts (sourced from the Azure CLI's recorded traffic).
 *
 * - PUT needs an existing connection (ASSUMED 404 otherwise: connections are created by the consumer's
 *   private endpoint, the provider only changes their state) and a
 *   `properties.privateLinkServiceConnectionState` with a `status` (Storage documents it as required,
 *   §4.1; ASSUMED for all). A refused change (privateLinkTypes.ts `refusalOf`) answers its error and
 *   changes nothing. The new state is the one sent, plus the keys the RP adds (`actionsRequired` or
 *   Storage's `actionRequired`; Container Registry adds none, recorded); a `null` description becomes "".
 * - The parent's `properties.privateEndpointConnections` follows every stored change (views.ts); the
 *   consumer private endpoint's copy follows when the change is final. Deleting a connection leaves the
 *   consumer's copy `Disconnected` (ASSUMED).
 * - Operation durations run on the virtual clock (context.ts `privateLinkMs`).
 * - Key Vault's `Azure-AsyncOperation` is the connection's own URL plus `kv-operation=...` (recorded); a GET
 *   of it is served as a GET of the connection (ASSUMED: no `status` field, so a generic poller that
 *   trusts the header reports success at once while provisioningState is still Updating; poll the
 *   connection until Succeeded, as the Azure CLI does).
 * - A write while an operation runs on the same connection: 409 AnotherOperationInProgress (ASSUMED; the
 *   code is the Network/AKS one docs/style.md names as retryable).
 */
import { normalizeResourceId, parseResourceId } from '../../../shared/core/resourceId';
import { drawDuration, type EmulatorCore, newEtag } from '../context';
import { badRequest, resourceNotFound, unsupportedOperation } from '../errors';
import { ArmError, type ArmRequest, type ArmResponse, noContent, ok } from '../http';
import { isJsonObject, type JsonObject, objectAt, type ResourceJson, stringAt } from '../json';
import { type LroStart } from '../lro';
import { type ResourceTarget } from '../paths';
import { type StoredResource, typeOfId } from '../store';
import { reflectToConsumer, refreshDerived } from '../views';
import {
  bodyObject,
  getResponse,
  listResponse,
  locationOf,
  requireParent,
  requireResourceGroup,
  type ResourceHandler,
  typePath,
} from './common';
import {
  type ApprovalShape,
  type ConnectionStatus,
  privateLinkType,
  type PrivateLinkType,
  refusalOf,
  type RemovalShape,
} from './privateLinkTypes';

const STATUSES = new Set(['Approved', 'Rejected', 'Pending', 'Disconnected']);

export function parentTypeOf(target: ResourceTarget): string {
  return [target.namespace, ...target.types.slice(0, -1)].join('/');
}

export function anotherOperationInProgress(resourceId: string): ArmError {
  return new ArmError(
    409,
    'AnotherOperationInProgress',
    `Another operation is in progress on the resource '${resourceId}'. Please retry later.`,
  );
}

function requestedState(req: ArmRequest, behaviour: PrivateLinkType): JsonObject {
  const props = objectAt(bodyObject(req), 'properties');
  const state = objectAt(props, 'privateLinkServiceConnectionState');
  if (!state) throw badRequest('The request must set properties.privateLinkServiceConnectionState.');
  const status = state['status'];
  if (typeof status !== 'string' || !STATUSES.has(status)) {
    throw badRequest(
      `properties.privateLinkServiceConnectionState.status must be one of ${[...STATUSES].join(', ')}.`,
    );
  }
  const next: JsonObject = { ...state };
  // The CLI sends `"description": null` when none is given; Storage and Web answer "" (recorded).
  if (next['description'] === null) next['description'] = '';
  for (const [k, v] of Object.entries(behaviour.stateDefaults)) if (next[k] === undefined) next[k] = v;
  return next;
}

function statusOf(stored: StoredResource): ConnectionStatus {
  const status = objectAt(objectAt(stored.resource, 'properties'), 'privateLinkServiceConnectionState')?.[
    'status'
  ];
  // ASSUMED: a status the estate spells otherwise counts as Pending.
  return typeof status === 'string' && STATUSES.has(status) ? (status as ConnectionStatus) : 'Pending';
}

/** Replaces state and/or provisioningState (`null` leaves it as it is; `undefined` drops nothing). */
function withProps(existing: ResourceJson, patch: JsonObject): JsonObject & { id: string } {
  const props = objectAt(existing, 'properties') ?? {};
  return { ...existing, properties: { ...props, ...patch } };
}

/** `force`: set provisioningState even on a connection that had none (an LRO must show a non-terminal state). */
function withState(
  existing: StoredResource,
  state: JsonObject,
  provisioningState: string,
  force = false,
): JsonObject & { id: string } {
  const props = objectAt(existing.resource, 'properties') ?? {};
  const next: JsonObject = { ...props, privateLinkServiceConnectionState: state };
  if (force || props['provisioningState'] !== undefined) next['provisioningState'] = provisioningState;
  return { ...existing.resource, properties: next };
}

/** The parent's view follows every stored change; the consumer's copy follows when `final`. */
function afterChange(
  core: EmulatorCore,
  connection: JsonObject & { id: string },
  parentId: string,
  final = true,
): void {
  refreshDerived(core.store, connection.id);
  if (final) reflectToConsumer(core.store, connection, parentId);
}

/** How long an approve/reject/delete of this type runs (context.ts `privateLinkMs`). */
function durationFor(
  core: EmulatorCore,
  behaviour: PrivateLinkType,
  kind: 'put' | 'delete',
  id: string,
): number {
  const recorded = behaviour.recordedMs[kind];
  const setting = core.latency.privateLinkMs;
  const range = recorded === undefined ? core.latency.lroMs : setting === 'recorded' ? recorded : setting;
  return drawDuration(core, range, `lro|${id.toLowerCase()}`);
}

/** base64url without padding, as Key Vault's `kv-operation` token is written. */
function base64Url(text: string): string {
  return Buffer.from(text, 'utf8')
    .toString('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

interface OpContext {
  readonly req: ArmRequest;
  readonly target: ResourceTarget;
  readonly core: EmulatorCore;
  readonly behaviour: PrivateLinkType;
  readonly parent: StoredResource;
  readonly connectionId: string;
}

/** The operation URLs and headers each RP uses (privateLinkTypes.ts ApprovalShape / RemovalShape). */
function opShape(
  ctx: OpContext,
  shape: ApprovalShape | RemovalShape,
  kind: 'put' | 'delete',
  etag: string | undefined,
): Pick<LroStart, 'family' | 'urls' | 'headers' | 'idPrefix'> {
  const { req, target, core, parent, connectionId } = ctx;
  const q = `?api-version=${encodeURIComponent(req.apiVersion!)}`;
  const sub = `/subscriptions/${target.subscriptionId}`;
  const location = locationOf(parent);
  switch (shape) {
    case 'keyVault': {
      const state = objectAt(bodyObject(req), 'properties');
      const status = stringAt(objectAt(state, 'privateLinkServiceConnectionState'), 'status');
      const code =
        kind === 'delete'
          ? 'privateEndpointConnections/delete'
          : `privateEndpointConnections/${status === 'Rejected' ? 'reject' : 'approve'}`;
      const token = base64Url(
        JSON.stringify({ code, st: new Date(core.clock.now()).toISOString(), etag: etag ?? '' }),
      );
      const url = `${connectionId}${q}&kv-operation=${token}`;
      return {
        family: 'generic',
        urls: () => ({ status: url, result: url }),
        headers: [kind === 'delete' ? 'Location' : 'Azure-AsyncOperation'],
      };
    }
    case 'containerRegistry':
      return {
        family: 'generic',
        idPrefix: 'privateendpointconnections-',
        urls: (id) => ({
          status: `${connectionId}/operationStatuses/${id}${q}`,
          result: `${sub}/providers/Microsoft.ContainerRegistry/locations/${location}/operationResults/${id}${q}`,
        }),
        headers: [kind === 'delete' ? 'Location' : 'Azure-AsyncOperation'],
      };
    case 'cosmos': {
      const loc = location.replace(/\s+/g, '').toLowerCase();
      return {
        family: 'generic',
        urls: (id) => ({
          status: `${sub}/providers/Microsoft.DocumentDB/locations/${loc}/operationsStatus/${id}${q}`,
          result: `${connectionId}/operationResults/${id}${q}`,
        }),
        headers: ['Azure-AsyncOperation', 'Location'],
      };
    }
    case 'web': {
      // Web names the location as the site shows it (recorded: `locations/West%20US`).
      const shown = typeof parent.resource['location'] === 'string' ? parent.resource['location'] : location;
      const prefix = `${sub}/providers/Microsoft.Web/locations/${encodeURIComponent(shown)}`;
      const dq = '?api-version=2019-01-01';
      return {
        family: 'generic',
        urls: (id) =>
          kind === 'delete'
            ? { status: `${prefix}/operationResults/${id}${dq}`, result: `${prefix}/operations/${id}${dq}` }
            : {
                status: `${prefix}/operationResults/${id}${q}`,
                result: `${prefix}/operationResults/${id}${q}`,
              },
        headers: ['Azure-AsyncOperation', 'Location'],
      };
    }
    case 'sql': {
      const prefix = `${sub}/resourceGroups/${target.resourceGroup ?? ''}/providers/Microsoft.Sql/locations/${location}`;
      return {
        family: 'generic',
        urls: (id) => ({
          status: `${prefix}/privateEndpointConnectionAzureAsyncOperation/${id}${q}`,
          result: `${prefix}/privateEndpointConnectionOperationResults/${id}${q}`,
        }),
        headers: ['Azure-AsyncOperation', 'Location'],
      };
    }
    case 'network':
      return { family: 'network' };
    case 'sync':
    case 'generic':
      return { family: 'generic' };
  }
}

function startOp(
  ctx: OpContext,
  kind: 'put' | 'delete',
  shape: ApprovalShape | RemovalShape,
  etag: string | undefined,
  complete: () => void,
): Record<string, string> {
  const { req, target, core, behaviour, parent, connectionId } = ctx;
  return core.lro.start({
    ...opShape(ctx, shape, kind, etag),
    kind,
    resourceId: connectionId,
    subscriptionId: target.subscriptionId,
    resourceGroup: target.resourceGroup,
    namespace: target.namespace,
    location: locationOf(parent),
    apiVersion: req.apiVersion!,
    durationMs: durationFor(core, behaviour, kind, connectionId),
    complete,
  });
}

/**
 * Connections the parent lists in `properties.privateEndpointConnections` with no child resource: an
 * estate may describe connections only there, as the parent's GET shows them. They are served like
 * stored ones (LIST, GET) and become child resources when written.
 */
function embeddedOnly(core: EmulatorCore, parent: StoredResource): StoredResource[] {
  const list = objectAt(parent.resource, 'properties')?.['privateEndpointConnections'];
  if (!Array.isArray(list)) return [];
  const parentKey = normalizeResourceId(parent.resource.id);
  const children = new Set(
    core.store
      .childrenOf(parent.resource.id, 'privateEndpointConnections')
      .map((c) => normalizeResourceId(c.resource.id)),
  );
  const out: StoredResource[] = [];
  for (const entry of list) {
    const id = isJsonObject(entry) ? entry['id'] : undefined;
    if (!isJsonObject(entry) || typeof id !== 'string' || children.has(normalizeResourceId(id))) continue;
    let parsed;
    try {
      parsed = parseResourceId(id);
    } catch {
      continue;
    }
    if (normalizeResourceId(id.split('/').slice(0, -2).join('/')) !== parentKey) continue;
    const type = `${typeOfId(parent.parsed)}/privateEndpointConnections`;
    const resource: ResourceJson = {
      ...entry,
      id,
      name: typeof entry['name'] === 'string' ? entry['name'] : parsed.name!,
      type: typeof entry['type'] === 'string' ? entry['type'] : type,
    };
    out.push({ resource, parsed, typeKey: type.toLowerCase() });
  }
  return out;
}

/** The addressed connection: a child resource, or an embedded-only one (materialized when `persist`). */
function findConnection(
  core: EmulatorCore,
  target: ResourceTarget,
  parent: StoredResource,
  persist: boolean,
): StoredResource | undefined {
  const stored = core.store.get(target.path);
  if (stored) return stored;
  const embedded = embeddedOnly(core, parent).find(
    (e) => normalizeResourceId(e.resource.id) === normalizeResourceId(target.path),
  );
  if (!embedded || !persist) return embedded;
  return core.store.put(embedded.resource);
}

function put(
  req: ArmRequest,
  target: ResourceTarget,
  core: EmulatorCore,
  behaviour: PrivateLinkType,
  parent: StoredResource,
): ArmResponse {
  const found = findConnection(core, target, parent, false);
  if (!found) throw resourceNotFound(typePath(target), target.resourceGroup);
  if (core.lro.inFlight(found.resource.id) || core.faults.foreignOperationRunning(found.resource.id))
    throw anotherOperationInProgress(found.resource.id);
  const state = requestedState(req, behaviour);
  const refusal = refusalOf(
    behaviour.transitions,
    statusOf(found),
    state['status'] as ConnectionStatus,
    typeof found.resource['name'] === 'string'
      ? found.resource['name']
      : target.names[target.names.length - 1]!,
  );
  if (refusal) throw new ArmError(refusal.status, refusal.code, refusal.message);
  // Only now, with a valid request, does an embedded-only connection become a child resource.
  const existing = findConnection(core, target, parent, true)!;
  const id = existing.resource.id;
  const parentId = parent.resource.id;
  const ctx: OpContext = { req, target, core, behaviour, parent, connectionId: id };
  const final = behaviour.finalProvisioningState;
  /** Applies the requested state when the operation completes (`patch`: extra properties). */
  const completeWith =
    (patch: (current: ResourceJson) => JsonObject = () => ({ provisioningState: final })) =>
    (): void => {
      const current = core.store.get(id);
      if (!current) return;
      const done = withProps(current.resource, {
        privateLinkServiceConnectionState: state,
        ...patch(current.resource),
      });
      core.store.put(done);
      afterChange(core, done, parentId);
    };
  switch (behaviour.approval) {
    case 'sync': {
      const updated = withState(existing, state, final);
      core.store.put(updated);
      afterChange(core, updated, parentId);
      return ok(updated);
    }
    case 'keyVault': {
      // A new etag at once, another when done (recorded).
      const etag = newEtag(core, id).replace(/-/g, '');
      const updating = { ...withState(existing, state, 'Updating', true), etag };
      core.store.put(updating);
      afterChange(core, updating, parentId, false);
      const headers = startOp(ctx, 'put', 'keyVault', etag, () => {
        const current = core.store.get(id);
        if (!current) return;
        const done = {
          ...withProps(current.resource, { provisioningState: final }),
          etag: newEtag(core, id).replace(/-/g, ''),
        };
        core.store.put(done);
        afterChange(core, done, parentId);
      });
      return ok(updating, 200, headers);
    }
    case 'containerRegistry': {
      // 201 with the OLD state and Updating; GETs show the same until done (ASSUMED between the recorded polls).
      const updating = withProps(existing.resource, { provisioningState: 'Updating' });
      core.store.put(updating);
      afterChange(core, updating, parentId, false);
      const headers = startOp(ctx, 'put', 'containerRegistry', undefined, completeWith());
      return ok(updating, 201, headers);
    }
    case 'cosmos': {
      // Nothing visible changes until done: GETs show the old state with Succeeded (recorded).
      const headers = startOp(ctx, 'put', 'cosmos', undefined, completeWith());
      return ok({ status: 'Enqueued' }, 202, headers);
    }
    case 'web': {
      // A transitional status; provisioningState as it was (recorded: a Pending one stays Pending).
      const to = state['status'];
      const transitional = { ...state, status: to === 'Rejected' ? 'Rejecting' : 'Approving' };
      const moving = withProps(existing.resource, { privateLinkServiceConnectionState: transitional });
      core.store.put(moving);
      afterChange(core, moving, parentId, false);
      const headers = startOp(
        ctx,
        'put',
        'web',
        undefined,
        completeWith((current) => ({
          // Rejected keeps its provisioningState (recorded: Pending for 3.5 minutes and counting);
          // Approved ends Succeeded (ASSUMED, as the auto-approved connection in the recording shows).
          provisioningState:
            to === 'Rejected' ? (objectAt(current, 'properties')?.['provisioningState'] ?? final) : final,
        })),
      );
      return ok(moving, 202, headers);
    }
    case 'sql': {
      // ASSUMED: 202 without a body; Approving/Rejecting meanwhile (the SQL spec's provisioningState enum).
      const moving = withState(
        existing,
        state,
        state['status'] === 'Rejected' ? 'Rejecting' : 'Approving',
        true,
      );
      core.store.put(moving);
      afterChange(core, moving, parentId, false);
      const headers = startOp(ctx, 'put', 'sql', undefined, completeWith());
      return { status: 202, headers };
    }
    case 'generic': {
      const updating = withState(existing, state, 'Updating', true);
      core.store.put(updating);
      afterChange(core, updating, parentId, false);
      const headers = startOp(ctx, 'put', 'generic', undefined, completeWith());
      return { status: 202, headers };
    }
  }
}

function remove(
  req: ArmRequest,
  target: ResourceTarget,
  core: EmulatorCore,
  behaviour: PrivateLinkType,
  parent: StoredResource,
): ArmResponse {
  const existing = findConnection(core, target, parent, true);
  if (!existing) return noContent(204);
  const id = existing.resource.id;
  if (core.lro.inFlight(id)) throw anotherOperationInProgress(id);
  const disconnect = (): void => {
    const gone = withState(
      existing,
      {
        status: 'Disconnected',
        description: 'The connection was removed by the resource owner.',
        actionsRequired: 'None',
      },
      'Succeeded',
    );
    core.store.delete(id);
    refreshDerived(core.store, id);
    reflectToConsumer(core.store, gone, parent.resource.id);
  };
  if (behaviour.removal === 'sync') {
    disconnect();
    return { status: 200 };
  }
  const ctx: OpContext = { req, target, core, behaviour, parent, connectionId: id };
  const props = objectAt(existing.resource, 'properties') ?? {};
  const show = (patch: JsonObject): void => {
    core.store.put(withProps(existing.resource, patch));
    refreshDerived(core.store, id);
  };
  switch (behaviour.removal) {
    case 'web': {
      const state = objectAt(props, 'privateLinkServiceConnectionState') ?? {};
      show({
        provisioningState: 'Deleting',
        privateLinkServiceConnectionState: { ...state, status: 'Disconnecting' },
      });
      return { status: 202, headers: startOp(ctx, 'delete', 'web', undefined, disconnect) };
    }
    case 'sql': {
      show({ provisioningState: 'Dropping' }); // ASSUMED (the SQL spec's provisioningState enum)
      const headers = startOp(ctx, 'delete', 'sql', undefined, disconnect);
      return ok(
        { operation: 'DropPrivateEndpointConnection', startTime: new Date(core.clock.now()).toISOString() },
        202,
        headers,
      );
    }
    case 'keyVault': {
      show({ provisioningState: 'Deleting' }); // ASSUMED
      const etag = typeof existing.resource['etag'] === 'string' ? existing.resource['etag'] : undefined;
      return { status: 202, headers: startOp(ctx, 'delete', 'keyVault', etag, disconnect) };
    }
    case 'containerRegistry':
      // Recorded: 202 with the JSON body `null` and only Location; the connection is gone ≤ 30 s later.
      return ok(null, 202, startOp(ctx, 'delete', 'containerRegistry', undefined, disconnect));
    case 'network':
    case 'generic': {
      if (props['provisioningState'] !== undefined) show({ provisioningState: 'Deleting' });
      return { status: 202, headers: startOp(ctx, 'delete', behaviour.removal, undefined, disconnect) };
    }
  }
}

export const privateEndpointConnectionsHandler: ResourceHandler = {
  apiVersions: (target) => privateLinkType(parentTypeOf(target)).apiVersions,
  handle: (req, target, core) => {
    requireResourceGroup(core, target);
    const behaviour = privateLinkType(parentTypeOf(target));
    const operation = req.method === 'GET' ? 'read' : req.method === 'DELETE' ? 'delete' : 'write';
    const parent = requireParent(core, target, operation);
    if (target.collection) {
      if (req.method !== 'GET') return Promise.reject(unsupportedOperation(req.method, target.fullType));
      return Promise.resolve(
        listResponse(core, req, [
          ...core.store.childrenOf(parent.resource.id, 'privateEndpointConnections'),
          ...embeddedOnly(core, parent),
        ]),
      );
    }
    switch (req.method) {
      case 'GET': {
        const existing = findConnection(core, target, parent, false);
        if (existing) return Promise.resolve(getResponse(core, existing));
        if (behaviour.getMissingIs204) return Promise.resolve(noContent(204));
        return Promise.reject(resourceNotFound(typePath(target), target.resourceGroup));
      }
      case 'PUT':
        return Promise.resolve(put(req, target, core, behaviour, parent));
      case 'DELETE':
        return Promise.resolve(remove(req, target, core, behaviour, parent));
      default:
        return Promise.reject(unsupportedOperation(req.method, target.fullType));
    }
  },
};

export function isPrivateEndpointConnectionRoute(target: ResourceTarget): boolean {
  return (
    target.types.length >= 2 &&
    target.types[target.types.length - 1]!.toLowerCase() === 'privateendpointconnections'
  );
}
