/**
 * `AzureGateway` over the real @azure/arm-* clients (./clients.ts). The same code talks to Azure and to
 * the sandbox emulator; only the endpoint and the credential differ.
 *
 * - Every SDK model is mapped to a core type by one mapper per resource type (./mappers); SDK types
 *   do not leave this folder.
 * - Reads return undefined on 404 (the resource does not exist); every other failure is thrown as an
 *   `ArmError` classified by ./errors.ts.
 * - List methods drain every page (the SDK's iterators follow `nextLink`).
 * - No retry loop here: the SDK pipeline retries 429-with-Retry-After, 408, 5xx and socket errors
 *   (docs/azure-behaviour.md §6.5); 409 concurrency is retried by the orchestration layer with durable timers,
 *   where waiting costs nothing and survives restarts.
 */
import { TYPES, parseResourceId, sameType, type ResourceId } from '../core/resourceId';
import { type Clock, systemClock } from '../core/clock';
import { type Cluster, type Fic, type Identity } from '../core/model';
import { type Logger, silentLogger } from '../core/log';
import { type ArmClients } from './clients';
import { type ArmError, localArmError, toArmError } from './errors';
import { type AzureGateway, type FicSpec } from './gateway';
import { clusterFromArgRow, clusterFromModel } from './mappers/cluster';
import { ficFromModel } from './mappers/fic';
import { identityFromArgRow, identityFromModel } from './mappers/identity';
import { subscriptionFromModel } from './mappers/subscription';
import { CLUSTERS_QUERY, IDENTITIES_QUERY } from './queries';
import { queryAllRows } from './resourceGraph';

export interface ArmGatewayOptions {
  /** Used to wait out Resource Graph's per-user quota; the sandbox passes its virtual clock. */
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Rows per Resource Graph page (default and maximum 1,000). */
  readonly argPageSize?: number;
  /** Subscriptions per Resource Graph query (default 250; must stay below 300, docs/azure-behaviour.md §6.4). */
  readonly argSubscriptionsPerQuery?: number;
}

interface Target {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

/** The parts of an id the SDK methods take; a malformed id or one of another type is a terminal error. */
function targetOf(id: string, type: string): Target {
  let parsed: ResourceId;
  try {
    parsed = parseResourceId(id);
  } catch (error) {
    throw localArmError('InvalidResourceId', error instanceof Error ? error.message : String(error), id);
  }
  if (!sameType(parsed.type, type) || parsed.resourceGroup === undefined || parsed.name === undefined) {
    throw localArmError(
      'InvalidResourceId',
      `expected a ${type} id, got ${parsed.type ?? 'a scope'}: ${id}`,
      id,
    );
  }
  return { subscriptionId: parsed.subscriptionId, resourceGroup: parsed.resourceGroup, name: parsed.name };
}

/**
 * "Does not exist": any 404 but `SubscriptionNotFound`, which means the credential cannot see the
 * subscription at all; reading that as "deleted" would let a permissions problem prune credentials.
 */
function isNotFound(error: ArmError): boolean {
  return error.status === 404 && error.code?.toLowerCase() !== 'subscriptionnotfound';
}

async function drain<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of pages) items.push(item);
  return items;
}

/** Keeps the first of any rows with the same normalized id (pages of a live index can overlap). */
function uniqueByKey<T extends { readonly key: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => (seen.has(item.key) ? false : (seen.add(item.key), true)));
}

export function createArmGateway(clients: ArmClients, options: ArmGatewayOptions = {}): AzureGateway {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLogger;
  const argOptions = {
    clock,
    log,
    ...(options.argPageSize !== undefined ? { pageSize: options.argPageSize } : {}),
    ...(options.argSubscriptionsPerQuery !== undefined
      ? { subscriptionsPerQuery: options.argSubscriptionsPerQuery }
      : {}),
  };

  /** Runs an SDK call; anything it throws comes out as a classified ArmError about `resourceId`. */
  async function call<T>(resourceId: string | undefined, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toArmError(error, { resourceId, nowMs: clock.now() });
    }
  }

  /** A GET that answers undefined when the resource does not exist. */
  async function read<T>(resourceId: string, operation: () => Promise<T>): Promise<T | undefined> {
    try {
      return await operation();
    } catch (error) {
      const armError = toArmError(error, { resourceId, nowMs: clock.now() });
      if (isNotFound(armError)) return undefined;
      throw armError;
    }
  }

  const gateway: AzureGateway = {
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

    async listFics(identityId: string): Promise<readonly Fic[]> {
      const t = targetOf(identityId, TYPES.userAssignedIdentity);
      const models = await call(identityId, () =>
        drain(
          clients
            .forSubscription(t.subscriptionId)
            .msi.federatedIdentityCredentials.list(t.resourceGroup, t.name),
        ),
      );
      return models.map(ficFromModel);
    },

    async putFic(identityId: string, ficName: string, spec: FicSpec): Promise<Fic> {
      const t = targetOf(identityId, TYPES.userAssignedIdentity);
      const ficId = `${identityId}/federatedIdentityCredentials/${ficName}`;
      // issuer and subject go out exactly as given: the planner took them byte for byte from the
      // cluster and the binding (docs/azure-behaviour.md §1.4).
      const model = await call(ficId, () =>
        clients
          .forSubscription(t.subscriptionId)
          .msi.federatedIdentityCredentials.createOrUpdate(t.resourceGroup, t.name, ficName, {
            issuer: spec.issuer,
            subject: spec.subject,
            audiences: [...spec.audiences],
          }),
      );
      return ficFromModel(model);
    },

    async deleteFic(identityId: string, ficName: string): Promise<'deleted' | 'absent'> {
      const t = targetOf(identityId, TYPES.userAssignedIdentity);
      const ficId = `${identityId}/federatedIdentityCredentials/${ficName}`;
      // The SDK returns void for both 200 (deleted) and 204 (did not exist, docs/azure-behaviour.md §1.2); the raw
      // status tells them apart. onResponse fires per attempt: the last one is the answer.
      let status: number | undefined;
      await call(ficId, () =>
        clients
          .forSubscription(t.subscriptionId)
          .msi.federatedIdentityCredentials.delete(t.resourceGroup, t.name, ficName, {
            onResponse: (raw) => {
              status = raw.status;
            },
          }),
      );
      return status === 204 ? 'absent' : 'deleted';
    },
  };
  return gateway;
}
