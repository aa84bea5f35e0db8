/**
 * Private endpoint connections and private endpoints, from the raw JSON a provider returns (the
 * generic resources client keeps `properties` as the provider wrote it) or from @azure/arm-network's
 * flattened models, to the port's types (./../gateway.ts). Connections embedded in a parent come in
 * each type's shape (docs/azure-behaviour.md §9.2; the emulator's `reflection`): full resources, Key
 * Vault's `{id, etag, properties}` items, Cosmos DB's `{id, properties}`; the name is the id's last segment.
 */
import { type PrivateEndpointConnection as NetworkConnection } from '@azure/arm-network';
import { type PrivateEndpoint as NetworkPrivateEndpoint } from '@azure/arm-network';
import {
  type PendingConnectionRow,
  type PrivateEndpointConnection,
  type PrivateEndpointInfo,
} from '../gateway';
import { asNonEmptyString, asRecord, asString, asStringArray } from './json';

function lastSegment(id: string): string {
  return (
    id
      .split('/')
      .filter((s) => s !== '')
      .pop() ?? id
  );
}

/** A connection from raw JSON (a GET of it, or an entry of the parent's list); undefined without an id. */
export function connectionFromJson(value: unknown): PrivateEndpointConnection | undefined {
  const record = asRecord(value);
  const id = asNonEmptyString(record?.['id']);
  if (!record || id === undefined) return undefined;
  const props = asRecord(record['properties']);
  const state = asRecord(props?.['privateLinkServiceConnectionState']);
  const groupId = asNonEmptyString(props?.['groupId']);
  return {
    id,
    name: asNonEmptyString(record['name']) ?? lastSegment(id),
    status: asString(state?.['status']),
    description: asString(state?.['description']),
    provisioningState: asString(props?.['provisioningState']),
    privateEndpointId: asNonEmptyString(asRecord(props?.['privateEndpoint'])?.['id']),
    groupIds: [...asStringArray(props?.['groupIds']), ...(groupId ? [groupId] : [])],
  };
}

/** The connections a parent resource lists in `properties.privateEndpointConnections`. */
export function connectionsOfParent(properties: unknown): PrivateEndpointConnection[] {
  const list = asRecord(properties)?.['privateEndpointConnections'];
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => {
    const c = connectionFromJson(entry);
    return c ? [c] : [];
  });
}

/** A private link service's connection (@azure/arm-network, flattened). */
export function connectionFromNetwork(model: NetworkConnection): PrivateEndpointConnection | undefined {
  const id = asNonEmptyString(model.id);
  if (id === undefined) return undefined;
  const state = asRecord(model.privateLinkServiceConnectionState);
  return {
    id,
    name: asNonEmptyString(model.name) ?? lastSegment(id),
    status: asString(state?.['status']),
    description: asString(state?.['description']),
    provisioningState: asString(model.provisioningState),
    privateEndpointId: asNonEmptyString(asRecord(model.privateEndpoint)?.['id']),
    groupIds: [],
  };
}

export function privateEndpointFromModel(model: NetworkPrivateEndpoint): PrivateEndpointInfo | undefined {
  const id = asNonEmptyString(model.id);
  if (id === undefined) return undefined;
  const manual = Array.isArray(model.manualPrivateLinkServiceConnections)
    ? model.manualPrivateLinkServiceConnections
    : [];
  return {
    id,
    manualConnections: manual.flatMap((c) => {
      const targetId = asNonEmptyString(c.privateLinkServiceId);
      if (targetId === undefined) return [];
      return [
        {
          targetId,
          groupIds: asStringArray(c.groupIds),
          status: asString(asRecord(c.privateLinkServiceConnectionState)?.['status']),
        },
      ];
    }),
  };
}

export function pendingRowFromArg(row: Readonly<Record<string, unknown>>): PendingConnectionRow | undefined {
  const connectionId = asNonEmptyString(row['id']);
  const targetId = asNonEmptyString(row['targetId']);
  const targetType = asNonEmptyString(row['type']);
  if (connectionId === undefined || targetId === undefined || targetType === undefined) return undefined;
  return {
    connectionId,
    targetId,
    targetType,
    privateEndpointId: asNonEmptyString(row['privateEndpointId']),
  };
}
