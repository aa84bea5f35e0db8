/**
 * Bindings: who asks for which (identity, clusters, service accounts). Two sources, one shape:
 * `federation.bindings` in the config, and (with `federation.identityTags`) tags on the identities
 * themselves. A binding that cannot be understood becomes a finding, never an exception and never a
 * guess: a run with one bad tag still federates everything else.
 */
import { type FedlinkConfig } from '../config/schema';
import { type Cluster, type Identity } from '../core/model';
import { normalizeResourceId } from '../core/resourceId';
import { type Finding } from '../validation/findings';
import { CHECKS } from './checkIds';
import {
  CLUSTERS_TAG,
  parseClustersTag,
  parseServiceAccountsTag,
  type ServiceAccount,
  SERVICE_ACCOUNTS_TAG,
  tagValue,
} from './identityTags';

/** Which clusters a binding selects. Tag keys compare case-insensitively, values exactly; ids by normalized key. */
export type ClusterSelector =
  | { readonly kind: 'all' }
  | { readonly kind: 'tags'; readonly tags: Readonly<Record<string, string>> }
  | { readonly kind: 'ids'; readonly keys: readonly string[] };

/** A binding from either source, resolved to normalized keys. */
export interface ResolvedBinding {
  readonly source: 'config' | 'tags';
  /** The config binding's name, or `tags:<identity name>` for a binding declared with tags. */
  readonly name: string;
  /** The identity id as configured or as ARM returned it (used for writes and reports). */
  readonly identityId: string;
  /** `normalizeResourceId(identityId)`: used for every comparison. */
  readonly identityKey: string;
  readonly clusters: ClusterSelector;
  readonly serviceAccounts: readonly ServiceAccount[];
}

export interface BindingResolution {
  readonly bindings: ResolvedBinding[];
  readonly findings: Finding[];
}

/**
 * Resolves every binding: config bindings first (in config order), then tag bindings (by identity
 * key). Findings:
 * - a config binding whose identity is not among `identities` → fail. The binding is still returned:
 *   Resource Graph can lag a freshly created identity by seconds, and the write path re-reads the
 *   identity's FICs (a 404 there fails that identity with its own reason), so nothing is written blind.
 * - a tag that does not parse → fail, naming the identity, the tag and the bad entries.
 * - `fedlink-service-accounts` without `fedlink-clusters` → fail and no binding. Defaulting to every
 *   cluster would let anyone able to create that namespace and service account on *any* cluster in
 *   scope (a dev cluster, say) obtain the identity's tokens, on the strength of a tag that anyone with
 *   tag-write on the identity can set. Every cluster is one character away: `fedlink-clusters: *`.
 * - `fedlink-clusters` alone → warn (it selects clusters for nothing).
 */
export function resolveBindings(config: FedlinkConfig, identities: readonly Identity[]): BindingResolution {
  const bindings: ResolvedBinding[] = [];
  const findings: Finding[] = [];
  const known = new Set(identities.map((i) => i.key));

  for (const b of config.federation.bindings) {
    const identityKey = normalizeResourceId(b.identity);
    if (!known.has(identityKey)) {
      findings.push({
        check: CHECKS.bindingIdentity,
        resourceId: b.identity,
        status: 'fail',
        message: `binding "${b.name}": identity not found among the identities in scope`,
        remediation:
          'Check the identity id in the binding and that its subscription is in scope.subscriptions; an identity created moments ago appears on the next check.',
      });
    }
    bindings.push({
      source: 'config',
      name: b.name,
      identityId: b.identity,
      identityKey,
      clusters: configSelector(b.clusters),
      serviceAccounts: b.serviceAccounts.map((ref) => {
        const [namespace = '', name = ''] = ref.split('/');
        return { namespace, name };
      }),
    });
  }

  if (config.federation.identityTags) {
    const sorted = [...identities].sort((a, b) => compare(a.key, b.key));
    for (const identity of sorted) {
      const result = tagBinding(identity);
      if (result.binding) bindings.push(result.binding);
      findings.push(...result.findings);
    }
  }
  return { bindings, findings };
}

function configSelector(
  clusters: FedlinkConfig['federation']['bindings'][number]['clusters'],
): ClusterSelector {
  if (clusters?.ids !== undefined)
    return { kind: 'ids', keys: [...new Set(clusters.ids.map(normalizeResourceId))] };
  if (clusters?.tags !== undefined) return { kind: 'tags', tags: clusters.tags };
  return { kind: 'all' };
}

/**
 * Tag entries as a finding quotes them: at most five, each at most 64 characters (a tag value holds up to
 * 256, docs/azure-behaviour.md §6.7, and a finding stays one readable line whatever ARM answers).
 */
function listed(entries: readonly string[]): string {
  const shown = entries
    .slice(0, 5)
    .map((e) => JSON.stringify(e.length > 64 ? `${e.slice(0, 64)}…` : e))
    .join(', ');
  return entries.length > 5 ? `${shown} and ${entries.length - 5} more` : shown;
}

function tagBinding(identity: Identity): { binding?: ResolvedBinding; findings: Finding[] } {
  const accountsValue = tagValue(identity.tags, SERVICE_ACCOUNTS_TAG);
  const clustersValue = tagValue(identity.tags, CLUSTERS_TAG);
  const findings: Finding[] = [];
  const tagFinding = (status: 'warn' | 'fail', message: string, remediation: string): Finding => ({
    check: CHECKS.identityTags,
    resourceId: identity.id,
    status,
    message: `identity ${identity.name}: ${message}`,
    remediation,
  });

  if (accountsValue === undefined) {
    if (clustersValue !== undefined) {
      findings.push(
        tagFinding(
          'warn',
          `tag ${CLUSTERS_TAG} is set but ${SERVICE_ACCOUNTS_TAG} is not, so it binds nothing`,
          `Add ${SERVICE_ACCOUNTS_TAG} (e.g. "payments/api payments/worker") or remove ${CLUSTERS_TAG}.`,
        ),
      );
    }
    return { findings };
  }

  const accounts = parseServiceAccountsTag(accountsValue);
  if (accounts.bad.length > 0) {
    findings.push(
      tagFinding(
        'fail',
        `tag ${SERVICE_ACCOUNTS_TAG} has entries that are not namespace/serviceaccount: ${listed(accounts.bad)}`,
        'Use Kubernetes names (lower-case letters, digits, "-"; "." also in service accounts) as namespace/name, separated by spaces or commas.',
      ),
    );
  }
  if (accounts.accounts.length === 0) {
    if (accounts.bad.length === 0) {
      findings.push(
        tagFinding(
          'fail',
          `tag ${SERVICE_ACCOUNTS_TAG} is empty`,
          `List namespace/name entries, or remove the tag.`,
        ),
      );
    }
    return { findings };
  }

  if (clustersValue === undefined) {
    findings.push(
      tagFinding(
        'fail',
        `tag ${SERVICE_ACCOUNTS_TAG} is set but ${CLUSTERS_TAG} is not; fedlink does not guess which clusters to trust`,
        `Add ${CLUSTERS_TAG} with key=value pairs over cluster tags (e.g. "env=prod"), or "*" for every cluster in scope.`,
      ),
    );
    return { findings };
  }
  const clusters = parseClustersTag(clustersValue);
  if (clusters.kind === 'invalid') {
    const entries = clusters.bad.length > 0 ? `: ${listed(clusters.bad)}` : '';
    findings.push(
      tagFinding(
        'fail',
        `tag ${CLUSTERS_TAG} ${clusters.reason}${entries}`,
        `Set ${CLUSTERS_TAG} to "*" or to key=value pairs such as "env=prod team=payments".`,
      ),
    );
    return { findings };
  }

  return {
    binding: {
      source: 'tags',
      name: `tags:${identity.name}`,
      identityId: identity.id,
      identityKey: identity.key,
      clusters: clusters,
      serviceAccounts: accounts.accounts,
    },
    findings,
  };
}

/**
 * `clusterMatches` over one list of items holding clusters, remembered per selector: the bindings of a fleet
 * share a handful of selectors (a team's tags), so a fleet scope matches each selector against the clusters
 * once instead of once per binding. Order of `items` is kept.
 */
export function selectorIndex<T>(
  items: readonly T[],
  clusterOf: (item: T) => Cluster,
): (selector: ClusterSelector) => readonly T[] {
  const memo = new Map<string, readonly T[]>();
  return (selector) => {
    const key =
      selector.kind === 'tags'
        ? `tags\n${JSON.stringify(Object.entries(selector.tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`
        : selector.kind === 'ids'
          ? `ids\n${selector.keys.join('\n')}`
          : 'all';
    let found = memo.get(key);
    if (!found) {
      found = items.filter((item) => clusterMatches(selector, clusterOf(item)));
      memo.set(key, found);
    }
    return found;
  };
}

/** True when `selector` selects `cluster`. */
export function clusterMatches(selector: ClusterSelector, cluster: Cluster): boolean {
  switch (selector.kind) {
    case 'all':
      return true;
    case 'ids':
      return selector.keys.includes(cluster.key);
    case 'tags':
      return Object.entries(selector.tags).every(([key, value]) => tagValue(cluster.tags, key) === value);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
