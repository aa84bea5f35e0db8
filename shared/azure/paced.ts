/**
 * A gateway that paces itself below the managed identity service's documented limits, so fedlink
 * does not cause the 429s it would otherwise spend Retry-After waits on (docs/targets.md performance 3).
 *
 * Limits (docs/azure-behaviour.md §1.5, docs/targets.md): create/update and delete 10/s per tenant, 2/s per
 * subscription, 0.25/s per resource; list 15/s per tenant. Whether they apply to FIC operations is
 * UNVERIFIED; the emulator assumes they do, keyed by the parent identity, and so do we. Pacing is per
 * process: several Function workers share the budget only approximately, and a 429 that still
 * happens is retried by the SDK after Retry-After.
 */
import { type Clock } from '../core/clock';
import { parseResourceId } from '../core/resourceId';
import { type Claim, type Rate, RateLimiter } from '../core/rateLimiter';
import { type AzureGateway } from './gateway';

export const MSI_LIMITS = {
  writesPerTenant: { burst: 10, perSecond: 10 },
  writesPerSubscription: { burst: 2, perSecond: 2 },
  writesPerIdentity: { burst: 1, perSecond: 0.25 },
  listsPerTenant: { burst: 15, perSecond: 15 },
} as const satisfies Record<string, Rate>;

function writeClaims(kind: 'write' | 'delete', identityId: string): Claim[] {
  const subscription = parseResourceId(identityId).subscriptionId.toLowerCase();
  return [
    { key: `msi-${kind}:tenant`, rate: MSI_LIMITS.writesPerTenant },
    { key: `msi-${kind}:sub:${subscription}`, rate: MSI_LIMITS.writesPerSubscription },
    { key: `msi-${kind}:id:${identityId.toLowerCase()}`, rate: MSI_LIMITS.writesPerIdentity },
  ];
}

export function pacedGateway(inner: AzureGateway, clock: Clock): AzureGateway {
  const limiter = new RateLimiter(clock);
  return {
    listSubscriptions: () => inner.listSubscriptions(),
    getCluster: (id) => inner.getCluster(id),
    listClusters: (sub) => inner.listClusters(sub),
    queryClusters: (subs) => inner.queryClusters(subs),
    getIdentity: (id) => inner.getIdentity(id),
    listIdentities: (sub) => inner.listIdentities(sub),
    queryIdentities: (subs) => inner.queryIdentities(subs),
    async listFics(identityId) {
      await limiter.take([{ key: 'msi-list:tenant', rate: MSI_LIMITS.listsPerTenant }]);
      return inner.listFics(identityId);
    },
    async putFic(identityId, name, spec) {
      await limiter.take(writeClaims('write', identityId));
      return inner.putFic(identityId, name, spec);
    },
    async deleteFic(identityId, name) {
      await limiter.take(writeClaims('delete', identityId));
      return inner.deleteFic(identityId, name);
    },
    // Private endpoint connections: no documented per-resource write limit to pace below; ARM's own
    // throttling (docs/azure-behaviour.md §6.3) is answered by the SDK's Retry-After handling.
    getPrivateEndpoint: (id) => inner.getPrivateEndpoint(id),
    listConnections: (id, type) => inner.listConnections(id, type),
    getConnection: (id, type) => inner.getConnection(id, type),
    queryPendingConnections: (subs) => inner.queryPendingConnections(subs),
    setConnectionState: (id, type, state) => inner.setConnectionState(id, type, state),
    pollConnectionState: (id, state) => inner.pollConnectionState(id, state),
  };
}
