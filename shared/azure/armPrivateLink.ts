/**
 * `PrivateLinkPort` over the real clients: the private link capability's own ARM port.
 *
 * - Private link services go through @azure/arm-network (`privateLinkServices.*PrivateEndpointConnection*`,
 *   a synchronous 200 approve, docs/azure-behaviour.md §4.2).
 * - Every other type through the generic resources client by id, with the type's api-version
 *   (shared/core/privateLinkTypes.ts): the parent's GET lists its connections in
 *   `properties.privateEndpointConnections` (how the Azure CLI reads types without a list operation,
 *   §4.1), a GET reads one, and an approve or reject PUTs back what the GET returned with the new state.
 * - Long-running answers (Key Vault 200 Updating, Container Registry 201, Cosmos DB and Web 202, §9.2)
 *   are driven by the SDK's own poller: `setConnectionState` sends the PUT and returns the poller's
 *   serialized state when the operation is not done; `pollConnectionState` restores it (`restorePoller`)
 *   and polls once. Nothing here waits: the engine waits between polls with durable timers.
 * - Whether a finished operation has really landed is the capability's call (per type, by re-reading the
 *   connection): Key Vault's operation URL is the connection itself, so the poller reports success at once.
 */
import { type ResourceManagementClient, restorePoller } from '@azure/arm-resources';
import { type Clock } from '../core/clock';
import { parseResourceId } from '../core/resourceId';
import { privateLinkTypeInfo, type PrivateLinkTypeInfo } from '../core/privateLinkTypes';
import { TYPES } from '../core/resourceId';
import { armCaller, drain, targetOf } from './armCall';
import { type ArmClients } from './clients';
import { ArmError, localArmError, type ArmError as ArmErrorType } from './errors';
import {
  type ConnectionWrite,
  type PendingConnectionRow,
  type PrivateEndpointConnection,
  type PrivateLinkPort,
} from './gateway';
import { asRecord } from './mappers/json';
import {
  connectionFromJson,
  connectionFromNetwork,
  connectionsOfParent,
  pendingRowFromArg,
  privateEndpointFromModel,
} from './mappers/privateEndpointConnection';
import { DEFAULT_LRO_RETRY_AFTER_SECONDS, type LroStep, pollLro, startLro } from './lro';
import { PENDING_CONNECTIONS_QUERY } from './queries';
import { queryAllRows, type ResourceGraphOptions } from './resourceGraph';

const PRIVATE_LINK_SERVICE = 'Microsoft.Network/privateLinkServices';
export const NO_LONGER_PENDING = 'FedlinkConnectionNoLongerPending';

function infoOf(type: string): PrivateLinkTypeInfo {
  const info = privateLinkTypeInfo(type);
  if (!info)
    throw localArmError('UnsupportedPrivateLinkType', `fedlink does not decide connections of ${type}`);
  return info;
}

/** The connection's parent (`{parent}/privateEndpointConnections/{name}`). */
function parts(connectionId: string): { parentId: string; name: string } {
  const segments = connectionId.split('/');
  return { parentId: segments.slice(0, -2).join('/'), name: segments[segments.length - 1] ?? '' };
}

function noLongerPending(connectionId: string, status: string | undefined, when: string): ArmError {
  return new ArmError({
    code: NO_LONGER_PENDING,
    message: `connection ${connectionId} is ${status ?? 'gone'} ${when}; fedlink leaves a decided connection alone`,
    // Retryable: the engine re-observes the item after a short durable wait and plans afresh, which
    // reports the connection as decided elsewhere and writes nothing.
    classification: 'retryable',
    rule: `local ${NO_LONGER_PENDING}`,
    retryAfterSeconds: 1,
    resourceId: connectionId,
  });
}

export function createArmPrivateLink(
  clients: ArmClients,
  options: { readonly clock: Clock; readonly resourceGraph: ResourceGraphOptions },
): PrivateLinkPort {
  const { clock } = options;
  const { call, read } = armCaller(clock);
  /** The clients of the subscription an id is in (calls are spelled out in full: test/infra reads them). */
  const arm = (id: string) => clients.forSubscription(parseResourceId(id).subscriptionId);

  async function getConnection(
    connectionId: string,
    type: string,
  ): Promise<PrivateEndpointConnection | undefined> {
    const info = infoOf(type);
    if (info.apiVersion === undefined) {
      const { parentId, name } = parts(connectionId);
      const t = targetOf(parentId, PRIVATE_LINK_SERVICE);
      const model = await read(connectionId, () =>
        clients
          .forSubscription(t.subscriptionId)
          .network.privateLinkServices.getPrivateEndpointConnection(t.resourceGroup, t.name, name),
      );
      return model === undefined ? undefined : connectionFromNetwork(model);
    }
    const apiVersion = info.apiVersion;
    // Key Vault answers a missing connection with 204 and no body (published example): undefined. The
    // generic getById accepts only 200 and throws "Unexpected status code: 204" for it.
    let raw;
    try {
      raw = await read(connectionId, () =>
        arm(connectionId).resources.resources.getById(connectionId, apiVersion),
      );
    } catch (error) {
      if (error instanceof ArmError && error.status === 204) return undefined;
      throw error;
    }
    return raw === undefined ? undefined : connectionFromJson(raw);
  }

  /** A 4xx on the write: was it because the connection left Pending meanwhile? */
  async function explainRefusal(connectionId: string, type: string, error: ArmErrorType): Promise<never> {
    if (error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 429) {
      const now = await getConnection(connectionId, type);
      if (now?.status !== 'Pending')
        throw noLongerPending(connectionId, now?.status, 'now (the write was refused)');
    }
    throw error;
  }

  return {
    async getConsumerEndpoint(privateEndpointId) {
      const t = targetOf(privateEndpointId, TYPES.privateEndpoint);
      let model;
      try {
        model = await read(privateEndpointId, () =>
          clients.forSubscription(t.subscriptionId).network.privateEndpoints.get(t.resourceGroup, t.name),
        );
      } catch (error) {
        // A consumer's endpoint in a subscription fedlink may not read, or cannot see at all (404
        // SubscriptionNotFound: another tenant's, or one that does not exist): as good as unknown. One
        // requester's endpoint must not fail the decisions on every connection of the target.
        if (
          error instanceof ArmError &&
          (error.status === 403 ||
            error.status === 401 ||
            (error.status === 404 && error.code?.toLowerCase() === 'subscriptionnotfound'))
        )
          return undefined;
        throw error;
      }
      return model === undefined ? undefined : privateEndpointFromModel(model);
    },

    async listConnections(targetId, type) {
      const info = infoOf(type);
      const readAt = new Date(clock.now()).toISOString();
      if (info.apiVersion === undefined) {
        const t = targetOf(targetId, PRIVATE_LINK_SERVICE);
        const models = await read(targetId, () =>
          drain(
            clients
              .forSubscription(t.subscriptionId)
              .network.privateLinkServices.listPrivateEndpointConnections(t.resourceGroup, t.name),
          ),
        );
        if (models === undefined) return { readAt, exists: false, connections: [] };
        return {
          readAt,
          exists: true,
          connections: models.flatMap((m) => {
            const c = connectionFromNetwork(m);
            return c ? [c] : [];
          }),
        };
      }
      const apiVersion = info.apiVersion;
      const parent = await read(targetId, () =>
        arm(targetId).resources.resources.getById(targetId, apiVersion),
      );
      if (parent === undefined || parent === null) return { readAt, exists: false, connections: [] };
      return { readAt, exists: true, connections: connectionsOfParent(parent.properties) };
    },

    getConnection,

    async queryPendingConnections(subscriptionIds): Promise<readonly PendingConnectionRow[]> {
      if (subscriptionIds.length === 0) return [];
      const rows = await call(undefined, () =>
        queryAllRows(
          clients.resourceGraph,
          PENDING_CONNECTIONS_QUERY,
          subscriptionIds,
          options.resourceGraph,
        ),
      );
      const seen = new Set<string>();
      return rows.flatMap((row) => {
        const r = pendingRowFromArg(row);
        if (!r || seen.has(r.connectionId.toLowerCase())) return [];
        seen.add(r.connectionId.toLowerCase());
        return [r];
      });
    },

    async setConnectionState(connectionId, type, state): Promise<ConnectionWrite> {
      const info = infoOf(type);
      if (info.apiVersion === undefined) {
        const { parentId, name } = parts(connectionId);
        const t = targetOf(parentId, PRIVATE_LINK_SERVICE);
        const current = await read(connectionId, () =>
          clients
            .forSubscription(t.subscriptionId)
            .network.privateLinkServices.getPrivateEndpointConnection(t.resourceGroup, t.name, name),
        );
        const now = current === undefined ? undefined : connectionFromNetwork(current);
        if (now?.status !== 'Pending') throw noLongerPending(connectionId, now?.status, 'before the write');
        try {
          await call(connectionId, () =>
            clients
              .forSubscription(t.subscriptionId)
              .network.privateLinkServices.updatePrivateEndpointConnection(t.resourceGroup, t.name, name, {
                ...current,
                privateLinkServiceConnectionState: { ...state, actionsRequired: 'None' },
              }),
          );
        } catch (error) {
          return explainRefusal(connectionId, type, error as ArmErrorType);
        }
        return { kind: 'done' };
      }
      const apiVersion = info.apiVersion;
      // Not a repeat of the observe step's read of the parent, which a fleet check's read count might
      // suggest dropping: this GET is the body the PUT sends back (docs/azure-behaviour.md §4.1, as the
      // Azure CLI does), and the last look at the status before an approval; Key Vault accepts
      // Rejected → Approved (§9.1), so a connection someone rejected meanwhile must not be approved.
      const raw = await read(connectionId, () =>
        arm(connectionId).resources.resources.getById(connectionId, apiVersion),
      );
      const now = raw === undefined ? undefined : connectionFromJson(raw);
      if (raw === undefined || raw === null || now?.status !== 'Pending')
        throw noLongerPending(connectionId, now?.status, 'before the write');
      // PUT back what GET returned with the new state (docs/azure-behaviour.md §4.1, as the Azure CLI does).
      const properties = asRecord(raw.properties) ?? {};
      const oldState = asRecord(properties['privateLinkServiceConnectionState']) ?? {};
      const body = {
        properties: {
          ...properties,
          privateLinkServiceConnectionState: {
            ...oldState,
            status: state.status,
            description: state.description,
          },
        },
      };
      const poller = arm(connectionId).resources.resources.createOrUpdateById(connectionId, apiVersion, body);
      let step: LroStep;
      try {
        // The initial answer: Storage's 200 is final; Key Vault's 200 Updating, Container Registry's 201,
        // Cosmos DB's and Web's 202 leave the poller running (docs/azure-behaviour.md §9.2).
        step = await call(connectionId, () => startLro(poller, () => undefined));
      } catch (error) {
        return explainRefusal(connectionId, type, error as ArmErrorType);
      }
      return step.kind === 'done' ? { kind: 'done' } : { kind: 'running', state: step.state };
    },

    async pollConnectionState(connectionId, state): Promise<ConnectionWrite> {
      const client: ResourceManagementClient = arm(connectionId).resources;
      // Resumes the poller createOrUpdateById started (./lro.ts); sends no write of its own.
      const poller = restorePoller(client, state, client.resources.createOrUpdateById);
      const step = await call(connectionId, () => pollLro(poller, DEFAULT_LRO_RETRY_AFTER_SECONDS));
      return step.kind === 'done' ? { kind: 'done' } : { kind: 'running', state: step.state };
    },
  };
}
