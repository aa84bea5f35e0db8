/**
 * Read-time projections: what a GET (or Resource Graph) shows for a stored resource, where the real RP
 * computes fields from other resources. Stored resources are never changed by a read, so an untouched
 * estate dumps exactly as it was loaded; after a write, `refreshDerived` folds the same projection into
 * the stored parent so `state()` stays consistent with what reads show.
 *
 * - Managed clusters: keys with null values are omitted (docs/azure-behaviour.md §2.1 OBSERVED: absent, never null).
 * - Private-link parents: `properties.privateEndpointConnections` shows the connection children (shape per
 *   type, providers/privateLinkTypes.ts): an entry with a child's id shows the child, children missing
 *   from the list are appended, and entries the estate embedded without a child resource are kept (an
 *   estate may describe connections only inside the parent, as a GET shows them).
 * - Private DNS zones: `numberOfRecordSets` (the zone's implicit SOA counts as one, as new zones show 1),
 *   `numberOfVirtualNetworkLinks`, `numberOfVirtualNetworkLinksWithRegistration`.
 */
import { normalizeResourceId } from '../../shared/core/resourceId';
import {
  isJsonObject,
  type JsonObject,
  type JsonValue,
  objectAt,
  type ResourceJson,
  stringAt,
  withoutNulls,
} from './json';
import { privateLinkType } from './providers/privateLinkTypes';
import { parentIdOf, type ResourceStore, type StoredResource, typeOfId } from './store';

const CLUSTER = 'microsoft.containerservice/managedclusters';
const ZONE = 'microsoft.network/privatednszones';
const PE = 'microsoft.network/privateendpoints';

export function readView(store: ResourceStore, stored: StoredResource): ResourceJson {
  const r = stored.resource;
  if (stored.typeKey === CLUSTER) return withoutNulls(r) as ResourceJson;
  if (stored.typeKey === ZONE)
    return { ...r, properties: { ...(objectAt(r, 'properties') ?? {}), ...zoneCounters(store, r.id) } };
  const connections = store.childrenOf(r.id, 'privateEndpointConnections');
  if (connections.length > 0) {
    const reflected = reflectConnections(stored, connections, undefined);
    if (reflected !== undefined)
      return {
        ...r,
        properties: { ...(objectAt(r, 'properties') ?? {}), privateEndpointConnections: reflected },
      };
  }
  return r;
}

function entryId(entry: JsonValue): string | undefined {
  const id = isJsonObject(entry) ? entry['id'] : undefined;
  return typeof id === 'string' ? normalizeResourceId(id) : undefined;
}

/**
 * The parent's list with the children folded in, in the list's order. `removedId`: a child that was just
 * deleted, whose entry goes too.
 */
function mergeConnections(
  embedded: JsonValue | undefined,
  shaped: readonly JsonObject[],
  removedId: string | undefined,
): JsonValue[] {
  const byId = new Map(shaped.map((s) => [entryId(s)!, s]));
  const removed = removedId === undefined ? undefined : normalizeResourceId(removedId);
  const out: JsonValue[] = [];
  for (const entry of Array.isArray(embedded) ? embedded : []) {
    const id = entryId(entry);
    if (id !== undefined && id === removed) continue;
    const child = id === undefined ? undefined : byId.get(id);
    out.push(child ?? entry);
    if (id !== undefined) byId.delete(id);
  }
  out.push(...byId.values());
  return out;
}

function reflectConnections(
  parent: StoredResource,
  connections: readonly StoredResource[],
  removedId: string | undefined,
): JsonValue[] | undefined {
  const behaviour = privateLinkType(typeOfId(parent.parsed));
  let shaped: JsonObject[];
  switch (behaviour.reflection) {
    case 'none':
      return undefined;
    case 'item':
      shaped = connections.map((c) => {
        const item: JsonObject = { id: c.resource.id };
        const etag = c.resource['etag'];
        if (etag !== undefined) item['etag'] = etag;
        const props = c.resource['properties'];
        if (props !== undefined) item['properties'] = props;
        return item;
      });
      break;
    case 'cosmos':
      shaped = connections.map((c) => {
        const props = objectAt(c.resource, 'properties') ?? {};
        const kept: JsonObject = {};
        for (const k of ['privateEndpoint', 'privateLinkServiceConnectionState'])
          if (props[k] !== undefined) kept[k] = props[k];
        return { id: c.resource.id, properties: kept };
      });
      break;
    case 'full':
      shaped = connections.map((c) => c.resource);
      break;
  }
  return mergeConnections(
    objectAt(parent.resource, 'properties')?.['privateEndpointConnections'],
    shaped,
    removedId,
  );
}

function zoneCounters(store: ResourceStore, zoneId: string): JsonObject {
  const children = store.childrenOf(zoneId);
  const links = children.filter(
    (c) => c.parsed.segments[c.parsed.segments.length - 1]?.type.toLowerCase() === 'virtualnetworklinks',
  );
  const records = children.filter((c) => !links.includes(c));
  const hasSoa = records.some(
    (c) => c.parsed.segments[c.parsed.segments.length - 1]?.type.toUpperCase() === 'SOA',
  );
  return {
    numberOfRecordSets: records.length + (hasSoa ? 0 : 1),
    numberOfVirtualNetworkLinks: links.length,
    numberOfVirtualNetworkLinksWithRegistration: links.filter(
      (l) => objectAt(l.resource, 'properties')?.['registrationEnabled'] === true,
    ).length,
  };
}

/**
 * After a child write (connection, link, record set): fold the parent's projection into the stored
 * parent. Connections are mirrored even when none are left (the parent then shows an empty list).
 */
export function refreshDerived(store: ResourceStore, childId: string): void {
  const parentId = parentIdOf(childId);
  if (parentId === undefined) return;
  const parent = store.get(parentId);
  if (!parent) return;
  const r = parent.resource;
  if (parent.typeKey === ZONE) {
    store.put({ ...r, properties: { ...(objectAt(r, 'properties') ?? {}), ...zoneCounters(store, r.id) } });
    return;
  }
  const lastType = parseLastType(childId);
  if (lastType !== 'privateendpointconnections') return;
  const reflected = reflectConnections(
    parent,
    store.childrenOf(parentId, 'privateEndpointConnections'),
    store.get(childId) ? undefined : childId,
  );
  if (reflected === undefined) return;
  store.put({
    ...r,
    properties: { ...(objectAt(r, 'properties') ?? {}), privateEndpointConnections: reflected },
  });
}

function parseLastType(id: string): string | undefined {
  const parts = id.split('/');
  return parts[parts.length - 2]?.toLowerCase();
}

/**
 * The consumer side of an approval: the private endpoint named by the connection carries a copy of the
 * connection state in `privateLinkServiceConnections` / `manualPrivateLinkServiceConnections` (the entry
 * whose `privateLinkServiceId` is the provider resource). ASSUMED to follow immediately.
 */
export function reflectToConsumer(
  store: ResourceStore,
  connection: ResourceJson,
  providerResourceId: string,
): void {
  const props = objectAt(connection, 'properties');
  const peId = stringAt(objectAt(props, 'privateEndpoint'), 'id');
  const state = objectAt(props, 'privateLinkServiceConnectionState');
  if (peId === undefined || state === undefined) return;
  const pe = store.get(peId);
  if (!pe || pe.typeKey !== PE) return;
  const peProps = objectAt(pe.resource, 'properties');
  if (!peProps) return;
  let changed = false;
  const update = (list: JsonValue | undefined): JsonValue | undefined => {
    if (!Array.isArray(list)) return list;
    return list.map((entry) => {
      if (!isJsonObject(entry)) return entry;
      const entryProps = objectAt(entry, 'properties');
      const target = stringAt(entryProps, 'privateLinkServiceId');
      if (target === undefined || normalizeResourceId(target) !== normalizeResourceId(providerResourceId))
        return entry;
      changed = true;
      return { ...entry, properties: { ...entryProps, privateLinkServiceConnectionState: state } };
    });
  };
  const next: JsonObject = { ...peProps };
  for (const key of ['privateLinkServiceConnections', 'manualPrivateLinkServiceConnections']) {
    const updated = update(peProps[key]);
    if (updated !== undefined) next[key] = updated;
  }
  if (changed) store.put({ ...pe.resource, properties: next });
}
