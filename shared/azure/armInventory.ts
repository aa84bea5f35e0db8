/**
 * `InventoryPort` over the real @azure/arm-* clients: subscriptions, clusters and identities, by GET,
 * list or Resource Graph. Reads return undefined on 404; lists drain every page (the SDK's iterators
 * follow `nextLink`); Resource Graph pages by 1,000 rows in batches of < 300 subscriptions.
 */
import { TYPES } from '../core/resourceId';
import { type Clock } from '../core/clock';
import { type Cluster, type Identity } from '../core/model';
import { type Logger } from '../core/log';
import { armCaller, drain, targetOf, uniqueByKey } from './armCall';
import { type ArmClients } from './clients';
import { type InventoryPort } from './gateway';
import { clusterFromArgRow, clusterFromModel } from './mappers/cluster';
import { identityFromArgRow, identityFromModel } from './mappers/identity';
import { subscriptionFromModel } from './mappers/subscription';
import { CLUSTERS_QUERY, IDENTITIES_QUERY } from './queries';
import { queryAllRows } from './resourceGraph';

export interface ArmInventoryOptions {
  readonly clock: Clock;
  readonly log: Logger;
  /** Rows per Resource Graph page (default and maximum 1,000). */
  readonly argPageSize?: number;
  /** Subscriptions per Resource Graph query (default 250; must stay below 300, docs/azure-behaviour.md §6.4). */
  readonly argSubscriptionsPerQuery?: number;
}

export function createArmInventory(clients: ArmClients, options: ArmInventoryOptions): InventoryPort {
  const { clock, log } = options;
  const { call, read } = armCaller(clock);
  const argOptions = {
    clock,
    log,
    ...(options.argPageSize !== undefined ? { pageSize: options.argPageSize } : {}),
    ...(options.argSubscriptionsPerQuery !== undefined
      ? { subscriptionsPerQuery: options.argSubscriptionsPerQuery }
      : {}),
  };

  return {
    async listSubscriptions() {
      const models = await call(undefined, () => drain(clients.subscriptions.subscriptions.list()));
      return models.map(subscriptionFromModel);
    },

    async getCluster(clusterId: string): Promise<Cluster | undefined> {
      const t = targetOf(clusterId, TYPES.managedCluster);
      const model = await read(clusterId, () =>
        clients
          .forSubscription(t.subscriptionId)
          .containerService.managedClusters.get(t.resourceGroup, t.name),
      );
      return model === undefined ? undefined : clusterFromModel(model);
    },

    async listClusters(subscriptionId: string): Promise<readonly Cluster[]> {
      const models = await call(`/subscriptions/${subscriptionId}`, () =>
        drain(clients.forSubscription(subscriptionId).containerService.managedClusters.list()),
      );
      return uniqueByKey(models.map(clusterFromModel));
    },

    async queryClusters(subscriptionIds: readonly string[]): Promise<readonly Cluster[]> {
      if (subscriptionIds.length === 0) return [];
      const rows = await call(undefined, () =>
        queryAllRows(clients.resourceGraph, CLUSTERS_QUERY, subscriptionIds, argOptions),
      );
      return uniqueByKey(rows.map(clusterFromArgRow));
    },

    async getIdentity(identityId: string): Promise<Identity | undefined> {
      const t = targetOf(identityId, TYPES.userAssignedIdentity);
      const model = await read(identityId, () =>
        clients.forSubscription(t.subscriptionId).msi.userAssignedIdentities.get(t.resourceGroup, t.name),
      );
      return model === undefined ? undefined : identityFromModel(model);
    },

    async listIdentities(subscriptionId: string): Promise<readonly Identity[]> {
      const models = await call(`/subscriptions/${subscriptionId}`, () =>
        drain(clients.forSubscription(subscriptionId).msi.userAssignedIdentities.listBySubscription()),
      );
      return uniqueByKey(models.map(identityFromModel));
    },

    async queryIdentities(subscriptionIds: readonly string[]): Promise<readonly Identity[]> {
      if (subscriptionIds.length === 0) return [];
      const rows = await call(undefined, () =>
        queryAllRows(clients.resourceGraph, IDENTITIES_QUERY, subscriptionIds, argOptions),
      );
      return uniqueByKey(rows.map(identityFromArgRow));
    },
  };
}
