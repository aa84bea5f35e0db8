/**
 * Observe: read what a run needs from ARM and decide its scope of work.
 *
 * Events only say *which* resource to look at; everything here is re-read from ARM (docs/design.md rules),
 * so a stale, duplicated or reordered event can never undo newer state. Reads per call: the target
 * itself (one GET) plus one Resource Graph query per 1,000 clusters and per 1,000 identities in scope.
 */
import { scopeSubscriptions } from '../reconcile/subscriptions';
import { type AzureGateway } from '../azure/gateway';
import { type FedlinkConfig } from '../config/schema';
import { type Cluster, type Identity } from '../core/model';
import { identityLockKey } from '../core/instanceIds';
import { normalizeResourceId } from '../core/resourceId';
import { checkClusterFederation } from './checks';
import { type Finding } from '../validation/findings';
import { clusterMatches, resolveBindings, type ResolvedBinding } from './bindings';
import { desiredFics } from './desired';
import { clusterGate } from './gates';
import { issuerPolicy } from './issuer';
import { type IdentityWork, type ScopeResult } from './work';

export interface Fleet {
  readonly subscriptions: readonly string[];
  readonly clusters: readonly Cluster[];
  readonly identities: readonly Identity[];
  readonly bindings: readonly ResolvedBinding[];
  readonly findings: readonly Finding[];
}

/** The subscriptions in scope (shared by every capability: shared/reconcile/subscriptions.ts). */
export { scopeSubscriptions };

/** Every cluster and identity in scope (Resource Graph), and the bindings they declare. */
export async function loadFleet(azure: AzureGateway, config: FedlinkConfig): Promise<Fleet> {
  const subscriptions = await scopeSubscriptions(azure, config);
  if (subscriptions.length === 0) {
    return { subscriptions, clusters: [], identities: [], bindings: [], findings: [] };
  }
  const [clusters, identities] = await Promise.all([
    azure.queryClusters(subscriptions),
    azure.queryIdentities(subscriptions),
  ]);
  const { bindings, findings } = resolveBindings(config, identities);
  return { subscriptions, clusters, identities, bindings, findings };
}

/** What checkClusterFederation needs of the config: the tenants and issuer hosts that are allowed. */
function tenantsOf(config: FedlinkConfig): { tenants?: readonly string[]; issuerHosts: readonly string[] } {
  return {
    issuerHosts: config.federation.issuerHosts,
    ...(config.scope.tenants ? { tenants: config.scope.tenants } : {}),
  };
}

function inScope(fleet: Fleet, subscriptionId: string): boolean {
  return fleet.subscriptions.some((s) => s.toLowerCase() === subscriptionId.toLowerCase());
}

/** The complete desired set of each identity: all its bindings × every gated-in cluster they select. */
export function workFor(
  fleet: Fleet,
  identityKeys: ReadonlySet<string>,
  config: FedlinkConfig,
): IdentityWork[] {
  const policy = issuerPolicy(config);
  const proceeding = fleet.clusters.filter((c) => clusterGate(c, policy).kind === 'proceed');
  const identityIds = new Map<string, string>();
  for (const identity of fleet.identities)
    if (identityKeys.has(identity.key)) identityIds.set(identity.key, identity.id);
  // A config binding may name an identity Resource Graph has not indexed yet; keep its id as configured.
  for (const b of fleet.bindings)
    if (identityKeys.has(b.identityKey) && !identityIds.has(b.identityKey))
      identityIds.set(b.identityKey, b.identityId);
  return [...identityIds.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, identityId]) => ({
      identityId,
      lockKey: identityLockKey(identityId),
      desired: desiredFics(
        fleet.bindings.filter((b) => b.identityKey === key),
        proceeding,
        config.federation.audience,
        policy,
      ),
    }));
}

/**
 * Scope of a cluster event. A written cluster touches the identities whose bindings select it. A deleted
 * cluster is gone, and so are its tags, so it touches every identity whose binding could have selected
 * it (all clusters, a tag selector, or an id list naming it): their FICs for its issuer are pruned.
 */
export async function scopeForCluster(
  azure: AzureGateway,
  config: FedlinkConfig,
  clusterId: string,
): Promise<ScopeResult> {
  const [cluster, fleet] = await Promise.all([azure.getCluster(clusterId), loadFleet(azure, config)]);
  const key = normalizeResourceId(clusterId);
  const subscription = clusterId.split('/')[2] ?? '';
  if (!inScope(fleet, subscription)) {
    return { kind: 'skip', reason: `cluster's subscription ${subscription} is not in scope`, findings: [] };
  }
  // The GET is the freshest truth; Resource Graph may lag it by seconds, so the GET wins.
  const clusters = [...fleet.clusters.filter((c) => c.key !== key), ...(cluster ? [cluster] : [])];
  const current: Fleet = { ...fleet, clusters };
  const identitiesOf = (bindings: readonly ResolvedBinding[]): Set<string> =>
    new Set(bindings.map((b) => b.identityKey));
  if (!cluster) {
    const couldHaveSelected = fleet.bindings.filter(
      (b) => b.clusters.kind !== 'ids' || b.clusters.keys.includes(key),
    );
    return {
      kind: 'proceed',
      work: workFor(current, identitiesOf(couldHaveSelected), config),
      findings: fleet.findings,
    };
  }
  const gate = clusterGate(cluster, issuerPolicy(config));
  const clusterFindings = checkClusterFederation({ cluster, bindings: fleet.bindings, ...tenantsOf(config) });
  if (gate.kind === 'block')
    return {
      kind: 'block',
      reason: gate.reason,
      retryAfterSeconds: gate.retryAfterSeconds,
      findings: clusterFindings,
    };
  if (gate.kind === 'skip') return { kind: 'skip', reason: gate.reason, findings: clusterFindings };
  const selecting = fleet.bindings.filter((b) => clusterMatches(b.clusters, cluster));
  return {
    kind: 'proceed',
    work: workFor(current, identitiesOf(selecting), config),
    findings: [...fleet.findings, ...clusterFindings],
  };
}

/** Scope of an identity event: that identity against every cluster its bindings select. */
export async function scopeForIdentity(
  azure: AzureGateway,
  config: FedlinkConfig,
  identityId: string,
): Promise<ScopeResult> {
  const [identity, fleet] = await Promise.all([azure.getIdentity(identityId), loadFleet(azure, config)]);
  if (!identity) {
    return {
      kind: 'skip',
      reason: 'identity does not exist (its federated credentials were deleted with it)',
      findings: [],
    };
  }
  if (!inScope(fleet, identity.subscriptionId)) {
    return {
      kind: 'skip',
      reason: `identity's subscription ${identity.subscriptionId} is not in scope`,
      findings: [],
    };
  }
  // Use the GET (fresh tags) rather than the Resource Graph row, which may lag a tag change.
  const identities = [...fleet.identities.filter((i) => i.key !== identity.key), identity];
  const { bindings, findings } = resolveBindings(config, identities);
  const current: Fleet = { ...fleet, identities, bindings };
  const own = bindings.filter((b) => b.identityKey === identity.key);
  return {
    kind: 'proceed',
    work: workFor(current, new Set([identity.key]), config),
    findings: [
      ...findings.filter((f) => normalizeResourceId(f.resourceId) === identity.key),
      ...fleet.clusters.flatMap((cluster) =>
        checkClusterFederation({ cluster, bindings: own, ...tenantsOf(config) }),
      ),
    ],
  };
}

/** Scope of a fleet-wide check: every identity in scope (an unbound one may still hold owned FICs to prune). */
export async function scopeForFleet(azure: AzureGateway, config: FedlinkConfig): Promise<ScopeResult> {
  const fleet = await loadFleet(azure, config);
  const keys = new Set([...fleet.identities.map((i) => i.key), ...fleet.bindings.map((b) => b.identityKey)]);
  const clusterFindings = fleet.clusters.flatMap((cluster) =>
    checkClusterFederation({ cluster, bindings: fleet.bindings, ...tenantsOf(config) }),
  );
  return {
    kind: 'proceed',
    work: workFor(fleet, keys, config),
    findings: [...fleet.findings, ...clusterFindings],
  };
}

/** Exact issuer strings of every cluster that exists in scope now, whatever its gate (prune must not race an update). */
export async function liveIssuers(azure: AzureGateway, config: FedlinkConfig): Promise<ReadonlySet<string>> {
  const subscriptions = await scopeSubscriptions(azure, config);
  const clusters = subscriptions.length ? await azure.queryClusters(subscriptions) : [];
  return new Set(clusters.flatMap((c) => (c.issuerUrl !== undefined ? [c.issuerUrl] : [])));
}
