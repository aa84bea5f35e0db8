/**
 * A gateway that paces itself below Azure's limits, so fedlink does not cause the 429s it would
 * otherwise spend Retry-After waits on (docs/targets.md performance 3). Every runtime builds its
 * gateway here (`createPacedArmGateway`): the Function App (functions/runtime.ts), the CLI and the
 * sandbox, so the deployed app paces exactly as the sandbox does.
 *
 * The limits come from ./limits.ts, the table the sandbox emulator enforces too:
 * - managed identity service: FIC create/update and delete per tenant, subscription and identity;
 *   identity GET and FIC list per tenant;
 * - ARM: reads, writes and deletes per subscription (and per tenant for GET /subscriptions);
 * - Resource Graph: 15 queries per 5 s window, paced as a bucket of 5 refilled at 2 per second, which
 *   never puts more than 15 queries in any 5 s (so also in any fixed window); page-level quota is
 *   waited out by ./resourceGraph.ts from the quota headers.
 * Pacing is per process: several Function workers share the budget only approximately, and a 429 that
 * still happens is retried by the SDK after Retry-After.
 */
import { type Clock, systemClock } from '../core/clock';
import { type Logger } from '../core/log';
import { parseResourceId } from '../core/resourceId';
import { type Claim, type Rate, RateLimiter } from '../core/rateLimiter';
import { createArmGateway, type ArmGatewayOptions } from './armGateway';
import { type ArmClients } from './clients';
import { type AzureGateway } from './gateway';
import { AZURE_SERVICE_LIMITS } from './limits';

const { arm, msi, resourceGraph } = AZURE_SERVICE_LIMITS;

/** The client-side rates, each derived from ./limits.ts (a test checks them against the emulator's). */
export const PACING = {
  msiWritesPerTenant: msi.writesPerTenant,
  msiWritesPerSubscription: msi.writesPerSubscription,
  msiWritesPerIdentity: msi.writesPerIdentity,
  msiDeletesPerTenant: msi.deletesPerTenant,
  msiDeletesPerSubscription: msi.deletesPerSubscription,
  msiDeletesPerIdentity: msi.deletesPerIdentity,
  msiGetsPerTenant: msi.getsPerTenant,
  msiListsPerTenant: msi.listsPerTenant,
  subscriptionReads: arm.subscriptionReads,
  subscriptionWrites: arm.subscriptionWrites,
  subscriptionDeletes: arm.subscriptionDeletes,
  tenantReads: arm.tenantReads,
  /** At most `queries` in any window: burst + rate × window ≤ queries. */
  resourceGraphQueries: {
    burst: resourceGraph.queries / 3,
    perSecond: (resourceGraph.queries * 2) / 3 / resourceGraph.windowSeconds,
  },
} as const satisfies Record<string, Rate>;

function subscriptionOf(id: string): string {
  return parseResourceId(id).subscriptionId.toLowerCase();
}

function armRead(id: string): Claim {
  return { key: `arm-read:${subscriptionOf(id)}`, rate: PACING.subscriptionReads };
}

function ficWriteClaims(kind: 'write' | 'delete', identityId: string): Claim[] {
  const subscription = subscriptionOf(identityId);
  const rates =
    kind === 'write'
      ? [PACING.msiWritesPerTenant, PACING.msiWritesPerSubscription, PACING.msiWritesPerIdentity]
      : [PACING.msiDeletesPerTenant, PACING.msiDeletesPerSubscription, PACING.msiDeletesPerIdentity];
  return [
    { key: `msi-${kind}:tenant`, rate: rates[0]! },
    { key: `msi-${kind}:sub:${subscription}`, rate: rates[1]! },
    { key: `msi-${kind}:id:${identityId.toLowerCase()}`, rate: rates[2]! },
    {
      key: `arm-${kind}:${subscription}`,
      rate: kind === 'write' ? PACING.subscriptionWrites : PACING.subscriptionDeletes,
    },
  ];
}

export function pacedGateway(inner: AzureGateway, clock: Clock): AzureGateway {
  const limiter = new RateLimiter(clock);
  const graph: Claim[] = [{ key: 'arg', rate: PACING.resourceGraphQueries }];
  return {
    // Ports it does not pace (private DNS: its limits are per zone and far above fedlink's rate,
    // docs/targets.md) pass through; a 429 is retried by the SDK after Retry-After.
    ...inner,
    async listSubscriptions() {
      await limiter.take([{ key: 'arm-read:tenant', rate: PACING.tenantReads }]);
      return inner.listSubscriptions();
    },
    async getCluster(id) {
      await limiter.take([armRead(id)]);
      return inner.getCluster(id);
    },
    async listClusters(sub) {
      await limiter.take([{ key: `arm-read:${sub.toLowerCase()}`, rate: PACING.subscriptionReads }]);
      return inner.listClusters(sub);
    },
    async queryClusters(subs) {
      if (subs.length > 0) await limiter.take(graph);
      return inner.queryClusters(subs);
    },
    async getIdentity(id) {
      await limiter.take([armRead(id), { key: 'msi-get:tenant', rate: PACING.msiGetsPerTenant }]);
      return inner.getIdentity(id);
    },
    async listIdentities(sub) {
      await limiter.take([{ key: `arm-read:${sub.toLowerCase()}`, rate: PACING.subscriptionReads }]);
      return inner.listIdentities(sub);
    },
    async queryIdentities(subs) {
      if (subs.length > 0) await limiter.take(graph);
      return inner.queryIdentities(subs);
    },
    async listFics(identityId) {
      await limiter.take([armRead(identityId), { key: 'msi-list:tenant', rate: PACING.msiListsPerTenant }]);
      return inner.listFics(identityId);
    },
    async putFic(identityId, name, spec) {
      await limiter.take(ficWriteClaims('write', identityId));
      return inner.putFic(identityId, name, spec);
    },
    async deleteFic(identityId, name) {
      await limiter.take(ficWriteClaims('delete', identityId));
      return inner.deleteFic(identityId, name);
    },
    // Private endpoint connections: no documented per-resource write limit to pace below; ARM's own
    // throttling (docs/azure-behaviour.md §6.3) is answered by the SDK's Retry-After handling.
    getConsumerEndpoint: (id) => inner.getConsumerEndpoint(id),
    listConnections: (id, type) => inner.listConnections(id, type),
    getConnection: (id, type) => inner.getConnection(id, type),
    queryPendingConnections: (subs) => inner.queryPendingConnections(subs),
    setConnectionState: (id, type, state) => inner.setConnectionState(id, type, state),
    pollConnectionState: (id, state) => inner.pollConnectionState(id, state),
  };
}

/** The gateway every runtime uses: the real clients, paced (see above). */
export function createPacedArmGateway(
  clients: ArmClients,
  options: ArmGatewayOptions & { readonly clock?: Clock; readonly log?: Logger } = {},
): AzureGateway {
  const clock = options.clock ?? systemClock;
  return pacedGateway(createArmGateway(clients, { ...options, clock }), clock);
}
