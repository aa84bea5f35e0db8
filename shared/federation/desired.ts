/**
 * Desired state: the FICs that should exist, one per (identity, cluster, service account) some binding
 * asks for. Pure; plain JSON records (they cross the durable activity boundary).
 */
import { type Cluster } from '../core/model';
import { type ClusterSelector, type ResolvedBinding, selectorIndex } from './bindings';
import { clusterGate } from './gates';
import { DEFAULT_ISSUER_POLICY, type IssuerPolicy } from './issuer';
import { ficName } from './names';

/** One FIC that should exist on one identity. */
export interface DesiredFic {
  readonly identityId: string;
  readonly identityKey: string;
  readonly clusterId: string;
  readonly clusterKey: string;
  readonly clusterName: string;
  /** `oidcIssuerProfile.issuerURL` of the live cluster, byte for byte (docs/design.md invariant 1). */
  readonly issuer: string;
  /** `system:serviceaccount:<ns>:<sa>`. */
  readonly subject: string;
  readonly audience: string;
  /** The deterministic name fedlink gives it when it has to create it (names.ts). */
  readonly name: string;
  /** Names of the bindings asking for it, sorted. */
  readonly bindings: readonly string[];
}

/** The subject Kubernetes puts in a service account token (docs/azure-behaviour.md §1.3). */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/** A gated-in cluster and its issuer, as only `federableClusters` makes them (the brand keeps it so). */
export interface Federable {
  readonly cluster: Cluster;
  readonly issuer: string;
  readonly [gatedIn]: true;
}
declare const gatedIn: unique symbol;

/**
 * The clusters a FIC may name: those whose gate says `proceed` (gates.ts), each with its issuer exactly
 * as read, sorted by key. This is where invariant 1 holds (an issuer only from a live, gated-in cluster
 * read). A fleet scope computes it once, not once per identity.
 */
export function federableClusters(
  clusters: readonly Cluster[],
  policy: IssuerPolicy = DEFAULT_ISSUER_POLICY,
): readonly Federable[] {
  return clusters
    .flatMap((c) =>
      c.issuerUrl !== undefined && clusterGate(c, policy).kind === 'proceed'
        ? [{ cluster: c, issuer: c.issuerUrl } as Federable]
        : [],
    )
    .sort((a, b) => compare(a.cluster.key, b.cluster.key));
}

/**
 * Every FIC the bindings ask for on the clusters given, deduplicated by (identity, issuer, subject),
 * sorted by identity key then name. Clusters whose gate does not `proceed` contribute nothing, whatever
 * the caller passed (`federableClusters`). For a complete per-identity set (what `planIdentity` needs),
 * pass every binding of the identity and every cluster in scope.
 */
export function desiredFics(
  bindings: readonly ResolvedBinding[],
  clusters: readonly Cluster[],
  audience: string,
  policy: IssuerPolicy = DEFAULT_ISSUER_POLICY,
): DesiredFic[] {
  return desiredOn(bindings, federableIndex(federableClusters(clusters, policy)), audience);
}

/** The gated-in clusters each selector picks, remembered per selector (bindings.ts `selectorIndex`). */
export type FederableIndex = (selector: ClusterSelector) => readonly Federable[];

export function federableIndex(federable: readonly Federable[]): FederableIndex {
  return selectorIndex(federable, (f) => f.cluster);
}

/** `desiredFics` over clusters already gated in, through one index shared by every identity of a scope. */
export function desiredOn(
  bindings: readonly ResolvedBinding[],
  select: FederableIndex,
  audience: string,
): DesiredFic[] {
  const byKey = new Map<string, { fic: Omit<DesiredFic, 'bindings'>; bindings: Set<string> }>();
  for (const binding of bindings) {
    for (const { cluster, issuer } of select(binding.clusters)) {
      for (const sa of binding.serviceAccounts) {
        const subject = serviceAccountSubject(sa.namespace, sa.name);
        const key = `${binding.identityKey}\n${issuer}\n${subject}`;
        const entry = byKey.get(key) ?? {
          fic: {
            identityId: binding.identityId,
            identityKey: binding.identityKey,
            clusterId: cluster.id,
            clusterKey: cluster.key,
            clusterName: cluster.name,
            issuer,
            subject,
            audience,
            name: ficName({
              clusterName: cluster.name,
              namespace: sa.namespace,
              serviceAccount: sa.name,
              issuer,
              subject,
            }),
          },
          bindings: new Set<string>(),
        };
        entry.bindings.add(binding.name);
        byKey.set(key, entry);
      }
    }
  }
  return [...byKey.values()]
    .map(({ fic, bindings: names }) => ({ ...fic, bindings: [...names].sort(compare) }))
    .sort((a, b) => compare(a.identityKey, b.identityKey) || compare(a.name, b.name));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
