/**
 * `{parentId}/privateEndpointConnections[/{name}]` on any provider resource (docs/azure-behaviour.md §4): LIST, GET,
 * PUT (approve / reject), DELETE, with per-type api-versions and sync-or-LRO behaviour from
 * privateLinkTypes.ts.
 *
 * - PUT needs an existing connection (ASSUMED 404 otherwise: connections are created by the consumer's
 *   private endpoint, the provider only changes their state) and a
 *   `properties.privateLinkServiceConnectionState` with a `status` (Storage documents it as required,
 *   §4.1; ASSUMED for all). The new state is the one sent, plus the keys the RP adds (Key Vault
 *   `actionsRequired: None`, Storage `actionRequired: None`, per the published examples).
 * - `provisioningState` is kept only on connections that carry one (the published Private Link Service
 *   connection has none): Succeeded for synchronous PUTs, Updating → Succeeded for LROs.
 * - After a change, the parent's `properties.privateEndpointConnections` and the consumer private
 *   endpoint's copy of the state follow (views.ts). Deleting a connection leaves the consumer's copy
 *   `Disconnected` (ASSUMED).
 * - A write while an LRO runs on the same connection: 409 AnotherOperationInProgress (ASSUMED; the code
 *   is the Network/AKS one docs/style.md names as retryable).
 */
import { normalizeResourceId, parseResourceId } from '../../../shared/core/resourceId';
import { drawDuration, type EmulatorCore } from '../context';
import { badRequest, resourceNotFound, unsupportedOperation } from '../errors';
import { ArmError, type ArmRequest, type ArmResponse, noContent, ok } from '../http';
import { isJsonObject, type JsonObject, objectAt, type ResourceJson } from '../json';
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
import { privateLinkType, type PrivateLinkType } from './privateLinkTypes';

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
  for (const [k, v] of Object.entries(behaviour.stateDefaults)) if (next[k] === undefined) next[k] = v;
  return next;
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

function afterChange(core: EmulatorCore, connection: JsonObject & { id: string }, parentId: string): void {
  refreshDerived(core.store, connection.id);
  reflectToConsumer(core.store, connection, parentId);
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
  if (core.lro.inFlight(found.resource.id)) throw anotherOperationInProgress(found.resource.id);
  const state = requestedState(req, behaviour);
  // Only now, with a valid request, does an embedded-only connection become a child resource.
  const existing = findConnection(core, target, parent, true)!;
  if (behaviour.put === 'sync') {
    const updated = withState(existing, state, 'Succeeded');
    core.store.put(updated);
    afterChange(core, updated, parent.resource.id);
    return ok(updated);
  }
  const updating = withState(existing, state, 'Updating', true);
  core.store.put(updating);
  afterChange(core, updating, parent.resource.id);
  const headers = core.lro.start({
    family: 'generic',
    kind: 'put',
    resourceId: updating.id,
    subscriptionId: target.subscriptionId,
    resourceGroup: target.resourceGroup,
    namespace: target.namespace,
    location: locationOf(parent),
    apiVersion: req.apiVersion!,
    durationMs: drawDuration(core, core.latency.lroMs, `lro|${updating.id.toLowerCase()}`),
    complete: () => {
      const current = core.store.get(updating.id);
      if (!current) return;
      const done = {
        ...current.resource,
        properties: { ...(objectAt(current.resource, 'properties') ?? {}), provisioningState: 'Succeeded' },
      };
      core.store.put(done);
      afterChange(core, done, parent.resource.id);
    },
  });
  return { status: 202, headers };
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
  if (core.lro.inFlight(existing.resource.id)) throw anotherOperationInProgress(existing.resource.id);
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
    core.store.delete(existing.resource.id);
    refreshDerived(core.store, existing.resource.id);
    reflectToConsumer(core.store, gone, parent.resource.id);
  };
  if (behaviour.delete === 'sync') {
    disconnect();
    return { status: 200 };
  }
  const props = objectAt(existing.resource, 'properties');
  if (props && props['provisioningState'] !== undefined) {
    core.store.put({ ...existing.resource, properties: { ...props, provisioningState: 'Deleting' } });
  }
  const headers = core.lro.start({
    family: 'generic',
    kind: 'delete',
    resourceId: existing.resource.id,
    subscriptionId: target.subscriptionId,
    resourceGroup: target.resourceGroup,
    namespace: target.namespace,
    location: locationOf(parent),
    apiVersion: req.apiVersion!,
    durationMs: drawDuration(core, core.latency.lroMs, `lro|${existing.resource.id.toLowerCase()}`),
    complete: disconnect,
  });
  return { status: 202, headers };
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
