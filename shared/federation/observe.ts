/**
 * Observe: read what a run needs from ARM and decide its scope of work.
 *
 * Events only say *which* resource to look at; everything here is re-read from ARM (docs/design.md rules),
 * so a stale, duplicated or reordered event can never undo newer state. Reads per call: the target
 * itself (one GET) plus one Resource Graph query per 1,000 clusters and per 1,000 identities in scope.
 */
import {
  outOfScope,
  resolveScope,
  SCOPE_CHECK,
  type Scope,
  scopeOf,
  scopeSubscriptions,
} from '../reconcile/subscriptions';
import { type AzureGateway } from '../azure/gateway';
import { type SharedReads } from '../reconcile/sharedReads';
import { type FedlinkConfig } from '../config/schema';
import { toArmError } from '../azure/errors';
import { groupBy } from '../core/collections';
import { mapLimit } from '../core/concurrency';
import { type Cluster, type Fic, type Identity } from '../core/model';
import { identityLockKey } from '../core/instanceIds';
import { normalizeResourceId } from '../core/resourceId';
import { type Finding } from '../validation/findings';
import { CHECKS } from './checkIds';
import { checkClusterFederation } from './checks';
import { clusterMatches, resolveBindings, type ResolvedBinding, selectorIndex } from './bindings';
import { type DesiredFic, desiredOn, federableClusters, federableIndex } from './desired';
import { clusterGate, TERMINAL_PROVISIONING_STATES } from './gates';
import { checkIssuerPinned, issuerPolicy, type IssuerPolicy } from './issuer';
import { ficName } from './names';
import { pruneKey, type PruneVerdict } from './plan';
import { type IdentityWork, type ScopeResult } from './work';

/** What the steps read with: the ARM ports and the config, as one object per activity (its scope is resolved once, `scopeOf`). */
export interface FederationEnv {
  readonly azure: AzureGateway;
  readonly config: FedlinkConfig;
  /** A fleet check's reads shared by its activities (the cluster view, ARM's cluster lists); absent in event runs. */
  readonly shared?: SharedReads;
}

/** What prune needs of a cluster: which FICs it may claim (issuer, name) and how a read of it went. */
type PruneCluster = Pick<Cluster, 'id' | 'key' | 'name' | 'issuerUrl' | 'provisioningState'>;

function pruneCluster(c: Cluster): PruneCluster {
  return {
    id: c.id,
    key: c.key,
    name: c.name,
    issuerUrl: c.issuerUrl,
    provisioningState: c.provisioningState,
  };
}

/** The clusters in scope as one Resource Graph query saw them, and the subscriptions it covered. */
interface ClusterView {
  readonly subscriptions: readonly string[];
  readonly clusters: readonly PruneCluster[];
}

/**
 * Keys of the fleet check's shared reads (shared/reconcile/sharedReads.ts): the scope phase's cluster view,
 * and ARM's own cluster lists of every subscription in scope, made once per check by the first batch
 * that needs them (docs/targets.md performance 1).
 */
const SHARED = { view: 'cluster-view', armClusters: 'arm-clusters' } as const;

export interface Fleet {
  readonly subscriptions: readonly string[];
  readonly clusters: readonly Cluster[];
  readonly identities: readonly Identity[];
  readonly bindings: readonly ResolvedBinding[];
  readonly findings: readonly Finding[];
}

/** The subscriptions in scope (shared by every capability: shared/reconcile/subscriptions.ts). */
export { outOfScope, resolveScope, type Scope, scopeSubscriptions };

/** Configured subscriptions the credential cannot see, as findings of a fleet-wide run. */
function unreachableFindings(scope: Scope): Finding[] {
  return scope.unreachable.map((s) => ({
    check: SCOPE_CHECK,
    resourceId: `/subscriptions/${s}`,
    status: 'warn' as const,
    message: `subscription ${s} is in scope.subscriptions, but the credential cannot see it; it was not read`,
    remediation: `Grant fedlink's identity Reader on subscription ${s}, or remove it from scope.subscriptions.`,
  }));
}

/** Every cluster and identity in scope (Resource Graph), and the bindings they declare. */
export async function loadFleet(azure: AzureGateway, config: FedlinkConfig, given?: Scope): Promise<Fleet> {
  const { subscriptions } = given ?? (await resolveScope(azure, config));
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

/** The complete desired set of each identity: all its bindings × every gated-in cluster they select. */
export function workFor(
  fleet: Fleet,
  identityKeys: ReadonlySet<string>,
  config: FedlinkConfig,
): IdentityWork[] {
  const select = federableIndex(federableClusters(fleet.clusters, issuerPolicy(config)));
  const bindingsOf = groupBy(fleet.bindings, (b) => b.identityKey);
  const identityIds = new Map<string, string>();
  for (const identity of fleet.identities)
    if (identityKeys.has(identity.key)) identityIds.set(identity.key, identity.id);
  // A config binding may name an identity Resource Graph has not indexed yet; keep its id as configured,
  // unless its subscription is out of scope or unreachable (never read there).
  const reachable = new Set(fleet.subscriptions.map((s) => s.toLowerCase()));
  for (const b of fleet.bindings)
    if (
      identityKeys.has(b.identityKey) &&
      !identityIds.has(b.identityKey) &&
      reachable.has((b.identityKey.split('/')[2] ?? '').toLowerCase())
    )
      identityIds.set(b.identityKey, b.identityId);
  return [...identityIds.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, identityId]) => ({
      identityId,
      lockKey: identityLockKey(identityId),
      desired: desiredOn(bindingsOf.get(key) ?? [], select, config.federation.audience),
    }));
}

/**
 * Scope of a cluster event. A written cluster touches the identities whose bindings select it. A deleted
 * cluster is gone, and so are its tags, so it touches every identity whose binding could have selected
 * it (all clusters, a tag selector, or an id list naming it): their FICs for its issuer are pruned.
 */
export async function scopeForCluster(env: FederationEnv, clusterId: string): Promise<ScopeResult> {
  const { azure, config } = env;
  const scope = await scopeOf(env, { visibility: true });
  const outside = outOfScope(scope, config, clusterId);
  if (outside) return outside;
  const [cluster, fleet] = await Promise.all([azure.getCluster(clusterId), loadFleet(azure, config, scope)]);
  const key = normalizeResourceId(clusterId);
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
export async function scopeForIdentity(env: FederationEnv, identityId: string): Promise<ScopeResult> {
  const { azure, config } = env;
  const scope = await scopeOf(env, { visibility: true });
  const outside = outOfScope(scope, config, identityId);
  if (outside) return outside;
  const [identity, fleet] = await Promise.all([
    azure.getIdentity(identityId),
    loadFleet(azure, config, scope),
  ]);
  if (!identity) {
    return {
      kind: 'skip',
      reason: 'identity does not exist (its federated credentials were deleted with it)',
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
export async function scopeForFleet(env: FederationEnv): Promise<ScopeResult> {
  const { azure, config } = env;
  const scope = await scopeOf(env);
  const fleet = await loadFleet(azure, config, scope);
  // The batches' prune confirmation starts from this view instead of querying Resource Graph again.
  const view: ClusterView = {
    subscriptions: fleet.subscriptions,
    clusters: fleet.clusters.map(pruneCluster),
  };
  await env.shared?.keep(SHARED.view, view);
  const keys = new Set([...fleet.identities.map((i) => i.key), ...fleet.bindings.map((b) => b.identityKey)]);
  // Each cluster is checked against the bindings that select it, found once per selector.
  const select = selectorIndex(fleet.clusters, (c) => c);
  const boundTo = groupBy(
    fleet.bindings.flatMap((binding) => select(binding.clusters).map((cluster) => ({ binding, cluster }))),
    ({ cluster }) => cluster.key,
  );
  const clusterFindings = fleet.clusters.flatMap((cluster) =>
    checkClusterFederation({
      cluster,
      bindings: (boundTo.get(cluster.key) ?? []).map((b) => b.binding),
      ...tenantsOf(config),
    }),
  );
  return {
    kind: 'proceed',
    work: workFor(fleet, keys, config),
    findings: [...unreachableFindings(scope), ...fleet.findings, ...clusterFindings],
  };
}

/** What `confirmIssuers` found: desired FICs to hold back (by `desiredKey`), and why, per identity. */
export interface IssuerConfirmation {
  readonly heldBack: ReadonlySet<string>;
  readonly findings: ReadonlyMap<string, readonly Finding[]>;
}

export function desiredKey(d: Pick<DesiredFic, 'identityKey' | 'issuer' | 'subject'>): string {
  return `${d.identityKey}\n${d.issuer}\n${d.subject}`;
}

/**
 * Direct ARM reads of clusters made by one call (prepare step), shared by prune and issuer confirmation:
 * each cluster is read at most once per batch. `undefined` is a 404.
 */
export type ClusterAnswer =
  | { readonly ok: true; readonly cluster: Cluster | undefined }
  | { readonly ok: false; readonly reason: string };
export type ClusterReads = Map<string, Promise<ClusterAnswer>>;

function readCluster(
  azure: AzureGateway,
  reads: ClusterReads,
  key: string,
  id: string,
): Promise<ClusterAnswer> {
  let r = reads.get(key);
  if (!r) {
    r = azure.getCluster(id).then(
      (cluster): ClusterAnswer => ({ ok: true, cluster }),
      (error: unknown): ClusterAnswer => ({
        ok: false,
        reason: `cannot read cluster ${id}: ${errorReason(error)}`,
      }),
    );
    reads.set(key, r);
  }
  return r;
}

/**
 * Invariant 1 against a lagging Resource Graph (docs/azure-behaviour.md §9.5). A desired FIC that no
 * observed FIC already trusts (a create, or a rename) names an issuer that comes from a Resource Graph
 * row (the cluster's own `properties.oidcIssuerProfile.issuerURL`, copied byte for byte; §2.1), which may
 * be older than the cluster, e.g. the old issuer of a cluster re-created a minute ago.
 *
 * - Event runs (`confirm`: a cluster or identity target) read each such cluster with a GET (once per
 *   call) before anything is written for it.
 * - The fleet check trusts the inventory (docs/design.md invariant 1; docs/azure-behaviour.md §9.5):
 *   no GET per cluster (docs/targets.md performance 1). It still uses every direct read this call made
 *   anyway (prune confirmation, `reads`): a cluster read there that contradicts its row holds its FICs back.
 *
 * A FIC is held back when the cluster is gone, no longer proceeds, or now has another issuer (its write
 * event, or the next check, brings the right one), or when the read fails.
 */
export async function confirmIssuers(
  azure: AzureGateway,
  config: FedlinkConfig,
  items: readonly {
    readonly desired: readonly DesiredFic[];
    readonly observed: readonly Fic[];
    readonly confirm: boolean;
  }[],
  reads: ClusterReads = new Map(),
): Promise<IssuerConfirmation> {
  const policy = issuerPolicy(config);
  const pending = items.flatMap(({ desired, observed, confirm }) =>
    desired
      .filter((d) => !observed.some((o) => o.issuer === d.issuer && o.subject === d.subject))
      .map((d) => ({ d, confirm })),
  );
  const toRead = [
    ...new Map(pending.filter((p) => p.confirm).map(({ d }) => [d.clusterKey, d.clusterId])).entries(),
  ];
  await mapLimit(toRead, 8, ([key, id]) => readCluster(azure, reads, key, id));
  const fresh = new Map<string, { ok: true; issuer: string } | { ok: false; reason: string }>();
  for (const { d } of pending) {
    const read = reads.get(d.clusterKey);
    if (!read || fresh.has(d.clusterKey)) continue;
    const r = await read;
    const id = d.clusterId;
    if (!r.ok) fresh.set(d.clusterKey, r);
    else if (!r.cluster) fresh.set(d.clusterKey, { ok: false, reason: `cluster ${id} no longer exists` });
    else {
      const gate = clusterGate(r.cluster, policy);
      fresh.set(
        d.clusterKey,
        gate.kind !== 'proceed' || r.cluster.issuerUrl === undefined
          ? {
              ok: false,
              reason: gate.kind === 'proceed' ? `cluster ${id} reports no OIDC issuer` : gate.reason,
            }
          : { ok: true, issuer: r.cluster.issuerUrl },
      );
    }
  }
  const heldBack = new Set<string>();
  const findings = new Map<string, Finding[]>();
  for (const { d, confirm } of pending) {
    const now = fresh.get(d.clusterKey);
    if (now?.ok && now.issuer === d.issuer) continue;
    // The fleet check writes what its inventory says unless a read of this call contradicts it.
    if (!now && !confirm) continue;
    heldBack.add(desiredKey(d));
    const why = !now
      ? `cluster ${d.clusterId} was not read`
      : now.ok
        ? `cluster ${d.clusterId} now has the issuer ${now.issuer}`
        : now.reason;
    const list = findings.get(d.identityKey) ?? [];
    list.push({
      check: CHECKS.issuerStale,
      resourceId: d.clusterId,
      status: 'warn',
      message: `not writing ${d.name} for ${d.subject}: Resource Graph gave the issuer ${d.issuer}, but ${why}`,
      remediation:
        'Nothing to do if the cluster was just re-created or changed: its write event, or the next check, writes what it needs.',
    });
    findings.set(d.identityKey, list);
  }
  return { heldBack, findings };
}

/** The clusters of `view` that may have been the source of an owned FIC: same issuer, or a name that regenerates the FIC's name. */
function claimants(
  view: readonly PruneCluster[],
  fic: Fic,
): { byIssuer: PruneCluster[]; byName: PruneCluster[] } {
  const byIssuer = view.filter((c) => c.issuerUrl === fic.issuer);
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(fic.subject);
  const byName = sa
    ? view.filter(
        (c) =>
          c.issuerUrl !== fic.issuer &&
          ficName({
            clusterName: c.name,
            namespace: sa[1] ?? '',
            serviceAccount: sa[2] ?? '',
            issuer: fic.issuer,
            subject: fic.subject,
          }) === fic.name,
      )
    : [];
  return { byIssuer, byName };
}

/** One cluster as a direct ARM read just saw it, for prune. */
type ClusterRead =
  | { readonly kind: 'gone' }
  | { readonly kind: 'issuer'; readonly issuer: string }
  | { readonly kind: 'unreadable'; readonly reason: string };

function readOf(cluster: PruneCluster, policy: IssuerPolicy): ClusterRead {
  const state = cluster.provisioningState;
  if (
    state !== undefined &&
    !TERMINAL_PROVISIONING_STATES.some((t) => t.toLowerCase() === state.toLowerCase())
  )
    return { kind: 'unreadable', reason: `cluster ${cluster.id} is ${state}` };
  if (cluster.issuerUrl === undefined)
    return {
      kind: 'unreadable',
      reason: `cluster ${cluster.id} reports no OIDC issuer (oidcIssuerProfile is missing or null)`,
    };
  const pinned = checkIssuerPinned(cluster.issuerUrl, policy);
  if (!pinned.ok)
    return {
      kind: 'unreadable',
      reason: `cluster ${cluster.id} has an issuer fedlink cannot trust (${pinned.reason})`,
    };
  return { kind: 'issuer', issuer: cluster.issuerUrl };
}

function errorReason(error: unknown): string {
  const e = toArmError(error);
  return `${e.status ?? ''} ${e.code ?? ''} ${e.message}`.replace(/\s+/g, ' ').trim();
}

/**
 * Prune confirmation (docs/azure-behaviour.md §9.5: decisions that delete are confirmed by a direct ARM read). Resource Graph lags ARM by seconds to minutes, so it
 * only says *which* cluster an owned FIC came from; a direct ARM read decides:
 * 1. Claimants in the Resource Graph view: clusters with the FIC's issuer, or whose name regenerates
 *    the FIC's deterministic name (names.ts hashes issuer and subject, so a cluster whose issuer is now
 *    null or changed is still found by name). Each claimant is read with a GET (once per run):
 *    404 → it is gone; 200 with a valid issuer → it holds the FIC's issuer or not; 200 mid-operation,
 *    with a null/absent or untrustworthy issuer, or a failed read → unconfirmed.
 * 2. Any claimant holding the issuer → `live`. Any unconfirmed claimant → `unconfirmed` (kept, with
 *    the reason). If a claimant had the issuer in the view and every claimant is confirmed gone or
 *    re-issued → `gone`.
 * 3. Otherwise Resource Graph did not know the issuer's cluster (deleted long ago, or created so
 *    recently it is not indexed yet): the clusters of every subscription in scope are listed from
 *    ARM itself and step 2 is repeated on that list; no claimant there → `gone`. In the fleet check
 *    (`env.shared`) the view is the scope phase's and the lists are made once per check for all its
 *    batches (docs/targets.md performance 1); an event run queries and lists for itself.
 * Never throws: a failed read gives `unconfirmed` verdicts.
 */
export async function confirmPrune(
  env: FederationEnv,
  fics: readonly Fic[],
  reads: ClusterReads = new Map(),
): Promise<Map<string, PruneVerdict>> {
  const { azure, config } = env;
  const verdicts = new Map<string, PruneVerdict>();
  if (fics.length === 0) return verdicts;
  const policy = issuerPolicy(config);
  const { shared } = env;
  // The fleet check starts from its scope phase's cluster view (kept in the work store); an event run,
  // or a check whose view is not kept, queries Resource Graph (once per check through `shared`).
  const inventory = async (): Promise<ClusterView> => {
    const { subscriptions } = await scopeOf(env);
    const clusters = subscriptions.length ? await azure.queryClusters(subscriptions) : [];
    return { subscriptions, clusters: clusters.map(pruneCluster) };
  };
  let subscriptions: readonly string[];
  let view: readonly PruneCluster[];
  try {
    ({ subscriptions, clusters: view } = shared
      ? await shared.once(SHARED.view, inventory)
      : await inventory());
  } catch (error) {
    for (const fic of fics)
      verdicts.set(pruneKey(fic), {
        kind: 'unconfirmed',
        reason: `cannot list clusters: ${errorReason(error)}`,
      });
    return verdicts;
  }

  const read = async (cluster: PruneCluster): Promise<ClusterRead> => {
    const r = await readCluster(azure, reads, cluster.key, cluster.id);
    if (!r.ok) return { kind: 'unreadable', reason: r.reason };
    return r.cluster ? readOf(r.cluster, policy) : { kind: 'gone' };
  };
  // ARM's own cluster lists (a direct read, docs/azure-behaviour.md §9.5), of the subscriptions the view
  // covered. In the fleet check they are made once per check, by the first batch that needs them, and
  // every other batch reads them from the work store (shared/reconcile/sharedReads.ts): one list per
  // subscription per check, never one per batch. They are taken after the check's scope phase, so they
  // are never older than the view they complete.
  const listArm = async (): Promise<PruneCluster[]> =>
    (await mapLimit(subscriptions, 4, (s) => azure.listClusters(s))).flat().map(pruneCluster);
  let listed:
    Promise<{ ok: true; clusters: readonly PruneCluster[] } | { ok: false; reason: string }> | undefined;
  const armList = () =>
    (listed ??= (shared ? shared.once(SHARED.armClusters, listArm) : listArm()).then(
      (clusters) => ({ ok: true as const, clusters }),
      (error: unknown) => ({
        ok: false as const,
        reason: `cannot list clusters from ARM: ${errorReason(error)}`,
      }),
    ));

  const judge = (
    fic: Fic,
    found: readonly { cluster: PruneCluster; read: ClusterRead }[],
  ): PruneVerdict | undefined => {
    const holder = found.find((f) => f.read.kind === 'issuer' && f.read.issuer === fic.issuer);
    if (holder) return { kind: 'live', clusterId: holder.cluster.id };
    const unsure = found.find((f) => f.read.kind === 'unreadable');
    if (unsure && unsure.read.kind === 'unreadable')
      return { kind: 'unconfirmed', reason: `its cluster may still use it: ${unsure.read.reason}` };
    return undefined;
  };

  await mapLimit(fics, 8, async (fic) => {
    const { byIssuer, byName } = claimants(view, fic);
    const candidates = [...byIssuer, ...byName];
    const found = await Promise.all(
      candidates.map(async (cluster) => ({ cluster, read: await read(cluster) })),
    );
    const first = judge(fic, found);
    if (first) return verdicts.set(pruneKey(fic), first);
    const origin = found.find((f) => byIssuer.includes(f.cluster));
    if (origin) {
      return verdicts.set(pruneKey(fic), {
        kind: 'gone',
        reason:
          origin.read.kind === 'gone'
            ? `its cluster ${origin.cluster.id} is gone (ARM answered 404)`
            : `its cluster ${origin.cluster.id} now has the issuer ${origin.read.kind === 'issuer' ? origin.read.issuer : '?'}`,
      });
    }
    const list = await armList();
    if (!list.ok) return verdicts.set(pruneKey(fic), { kind: 'unconfirmed', reason: list.reason });
    const again = claimants(list.clusters, fic);
    const second = judge(
      fic,
      [...again.byIssuer, ...again.byName].map((cluster) => ({ cluster, read: readOf(cluster, policy) })),
    );
    return verdicts.set(
      pruneKey(fic),
      second ?? {
        kind: 'gone',
        reason: `no cluster in scope has its issuer (ARM lists the clusters of ${subscriptions.length} subscription(s))`,
      },
    );
  });
  return verdicts;
}
