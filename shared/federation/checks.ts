/**
 * Federation checks: does each identity hold exactly the credentials its bindings need, and can each
 * bound cluster be federated at all? Pure functions of observed state → findings.
 *
 * Token exchange compares issuer and subject byte for byte (docs/azure-behaviour.md §1.4): a FIC whose issuer
 * lacks the AKS issuer's trailing slash fails with AADSTS70021 ("No matching federated identity
 * record"), and one differing only by case fails with AADSTS7002138. Those near misses look right in
 * the portal, so they get findings of their own.
 */
import { type Cluster, type Fic } from '../core/model';
import { clusterMatches, type ResolvedBinding } from './bindings';
import { type DesiredFic } from './desired';
import { clusterGate } from './gates';
import { EXPECTED_ISSUER_HOSTS, isExpectedIssuerHost, issuerTenant } from './issuer';
import { isOwned } from './names';
import { FIC_LIMIT, type FicWrite } from './plan';
import { ficResourceId, foreignAudienceConflict, formatAudiences, shortName } from './findings';
import { type Finding } from '../validation/findings';
import { CHECKS } from './checkIds';
import { fleetCell } from './findings';

/** From this many FICs on one identity, capacity is a warning. */
export const CAPACITY_WARN_AT = 18;

export interface IdentityFederationInput {
  readonly identityId: string;
  /** The identity's complete desired set (as given to `planIdentity`). */
  readonly desired: readonly DesiredFic[];
  /** The FICs on the identity as last read. */
  readonly observed: readonly Fic[];
  /**
   * Writes planned but not made (plan mode): a missing FIC with a pending create is a warning, not a
   * failure, since the run that found it is the run that fixes it. Empty or omitted after apply.
   */
  readonly pending?: readonly FicWrite[];
  /** Defaults to `FIC_LIMIT`. */
  readonly limit?: number;
}

/**
 * Per desired FIC: `federation.fic-present` (pass: exact issuer, subject and audience; warn: missing
 * or wrong but a pending write fixes it; fail otherwise), or the foreign-conflict finding the planner
 * also reports. Per near-miss FIC: `federation.issuer-exact` (fail while no exact FIC exists; warn once
 * one does, since the near miss only wastes a slot). Per identity with desired FICs:
 * `federation.identity-capacity` (pass; warn from 18; fail when more are needed than 20 allow).
 */
export function checkIdentityFederation(input: IdentityFederationInput): Finding[] {
  const { identityId, observed } = input;
  const pending = input.pending ?? [];
  const limit = input.limit ?? FIC_LIMIT;
  const findings: Finding[] = [];
  const seen = new Set<string>();
  let unmetNew = 0;

  for (const d of input.desired) {
    const key = `${d.issuer}\n${d.subject}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const exact = observed.filter((o) => o.issuer === d.issuer && o.subject === d.subject);
    const ok = exact.find((o) => o.audiences.length === 1 && o.audiences[0] === d.audience);
    const what = `${d.clusterName} (${d.issuer}) for ${d.subject}`;

    if (ok) {
      findings.push({
        check: CHECKS.ficPresent,
        resourceId: ok.id,
        status: 'pass',
        message: `federated credential ${ok.name} trusts ${what}`,
        subject: fleetCell(d, identityId, 'present'),
      });
    } else {
      const wrong = exact.find((o) => isOwned(o.name)) ?? exact[0];
      const fix = pending.find(
        (w) => w.kind !== 'delete' && w.issuer === d.issuer && w.subject === d.subject,
      );
      if (wrong !== undefined && !isOwned(wrong.name)) {
        findings.push(foreignAudienceConflict(identityId, wrong, d));
      } else if (fix !== undefined) {
        findings.push({
          check: CHECKS.ficPresent,
          resourceId: ficResourceId(identityId, fix.name),
          status: 'warn',
          message: `${wrong ? `federated credential ${wrong.name} has audiences ${formatAudiences(wrong.audiences)}` : 'no federated credential trusts ' + what}; this run plans to ${fix.kind} ${fix.name}`,
          remediation: 'Apply the plan (fedlink apply, or POST /api/runs with mode apply).',
          subject: fleetCell(d, identityId, 'planned'),
        });
      } else {
        if (wrong === undefined) unmetNew++;
        findings.push({
          check: CHECKS.ficPresent,
          resourceId: wrong?.id ?? ficResourceId(identityId, d.name),
          status: 'fail',
          message: wrong
            ? `federated credential ${wrong.name} trusts ${what} with audiences ${formatAudiences(wrong.audiences)}, not [${JSON.stringify(d.audience)}]`
            : `no federated credential trusts ${what}; pods using it cannot get tokens (AADSTS70021)`,
          remediation: `Run fedlink apply for ${shortName(identityId)}; if it is refused, see the other findings for this identity.`,
          subject: fleetCell(d, identityId, wrong ? 'wrong-audience' : 'missing'),
        });
      }
    }

    for (const o of observed) {
      const miss = nearMiss(o, d);
      if (miss === undefined) continue;
      findings.push({
        check: CHECKS.issuerExact,
        resourceId: o.id,
        status: ok ? 'warn' : 'fail',
        message:
          `federated credential ${o.name} differs from ${d.clusterName}'s issuer and subject only by ${miss.differences.join(' and ')} ` +
          `(it has issuer ${JSON.stringify(o.issuer)} and subject ${JSON.stringify(o.subject)}; the cluster's issuer is ${JSON.stringify(d.issuer)}), ` +
          `so token exchange fails with ${miss.code}` +
          (ok ? `; ${ok.name} has the exact values, so ${o.name} only takes a slot` : ''),
        remediation: isOwned(o.name)
          ? `fedlink deletes ${o.name} when prune is on; otherwise delete it.`
          : `Delete ${o.name}: an issuer must be copied byte for byte from the cluster (az aks show --query oidcIssuerProfile.issuerUrl -o tsv), trailing slash included; fedlink writes the exact one as ${d.name}.`,
        subject: fleetCell(d, identityId, 'near-miss'),
      });
    }
  }

  if (seen.size === 0) return findings;
  const limits = capacity(identityId, observed.length, pending, unmetNew, limit);
  findings.push(limits);
  // Over the limit nothing is written for the identity: its missing credentials are refused, not late.
  if (limits.status !== 'fail') return findings;
  return findings.map((f) =>
    f.subject?.state === 'missing' ? { ...f, subject: { ...f.subject, state: 'refused' } } : f,
  );
}

function capacity(
  identityId: string,
  observedCount: number,
  pending: readonly FicWrite[],
  unmetNew: number,
  limit: number,
): Finding {
  const creates = pending.filter((w) => w.kind === 'create').length;
  const deletes = pending.filter((w) => w.kind === 'delete').length;
  const projected = observedCount + creates - deletes;
  const total = projected + unmetNew;
  const name = shortName(identityId);
  const base = { check: CHECKS.identityCapacity, resourceId: identityId };
  if (total > limit) {
    return {
      ...base,
      status: 'fail',
      message: `identity ${name} would need ${total} federated credentials; Azure allows ${limit}`,
      remediation:
        'Delete federated credentials the identity no longer needs, narrow its bindings, or split the service accounts across another identity.',
    };
  }
  const after = creates + deletes > 0 ? ' after this run' : '';
  if (total >= CAPACITY_WARN_AT) {
    return {
      ...base,
      status: 'warn',
      message: `identity ${name} has ${total} of ${limit} federated credentials${after}; ${limit - total} left for new clusters`,
      remediation:
        'Plan ahead: each new matching cluster needs one credential per service account. Remove unused credentials or split bindings across identities.',
    };
  }
  return {
    ...base,
    status: 'pass',
    message: `identity ${name} has ${total} of ${limit} federated credentials${after}`,
  };
}

/**
 * How `o` misses `d` if it differs only by a trailing slash, surrounding whitespace or letter case,
 * and the error token exchange then gives. Only a pure case difference matches case-insensitively,
 * hence AADSTS7002138; anything else finds no record at all: AADSTS70021 (docs/azure-behaviour.md §1.4).
 */
function nearMiss(
  o: Fic,
  d: DesiredFic,
): { differences: string[]; code: 'AADSTS70021' | 'AADSTS7002138' } | undefined {
  if (o.issuer === d.issuer && o.subject === d.subject) return undefined;
  const core = (s: string): string => s.trim().replace(/\/+$/, '');
  if (
    core(o.issuer).toLowerCase() !== core(d.issuer).toLowerCase() ||
    o.subject.trim().toLowerCase() !== d.subject.toLowerCase()
  ) {
    return undefined;
  }
  const differences: string[] = [];
  const slashes = (s: string): number => /\/*$/.exec(s.trim())?.[0].length ?? 0;
  const have = slashes(o.issuer);
  const want = slashes(d.issuer);
  if (have < want) differences.push('a missing trailing slash');
  if (have > want) differences.push('an extra trailing slash');
  if (o.issuer !== o.issuer.trim() || o.subject !== o.subject.trim())
    differences.push('surrounding whitespace');
  if (core(o.issuer) !== core(d.issuer) || o.subject.trim() !== d.subject) differences.push('letter case');
  const onlyCase = differences.length === 1 && differences[0] === 'letter case';
  return { differences, code: onlyCase ? 'AADSTS7002138' : 'AADSTS70021' };
}

export interface ClusterFederationInput {
  readonly cluster: Cluster;
  /** All resolved bindings; only those selecting the cluster matter. */
  readonly bindings: readonly ResolvedBinding[];
  /** `scope.tenants`, when configured: an AKS issuer naming another tenant is refused. */
  readonly tenants?: readonly string[];
  /** `federation.issuerHosts`: issuer hosts allowed besides the AKS ones. */
  readonly issuerHosts?: readonly string[];
}

/**
 * Can a bound cluster be federated? Nothing for a cluster no binding selects. Otherwise
 * `federation.cluster-oidc` (pass; or OIDC issuer / workload identity off: fail when a binding names
 * the cluster by id, warn when it is selected by tags or as "every cluster", since those may knowingly
 * span clusters without workload identity), `federation.issuer-shape` (fail: fedlink will not write
 * it), `federation.cluster-state` (warn: mid-operation, or a `Failed` cluster still federated), and
 * `federation.issuer-host` (warn: an issuer host not in EXPECTED_ISSUER_HOSTS, or another tenant).
 */
export function checkClusterFederation(input: ClusterFederationInput): Finding[] {
  const { cluster } = input;
  const bound = input.bindings.filter((b) => clusterMatches(b.clusters, cluster));
  if (bound.length === 0) return [];
  const unique = [...new Set(bound.map((b) => b.name))].sort();
  const names = unique.join(', ');
  const selectors = unique.length === 1 ? `binding ${names} selects it` : `bindings ${names} select it`;
  const named = bound.some((b) => b.clusters.kind === 'ids');
  const base = { resourceId: cluster.id };
  const gate = clusterGate(cluster, {
    hosts: [...EXPECTED_ISSUER_HOSTS, ...(input.issuerHosts ?? [])],
    ...(input.tenants ? { tenants: input.tenants } : {}),
  });
  switch (gate.kind) {
    case 'block':
      return [
        {
          ...base,
          check: CHECKS.clusterState,
          status: 'warn',
          message: `${gate.reason} (bound by ${names}); fedlink federates it when the operation finishes`,
          remediation:
            'Nothing to do unless the operation is stuck; check the cluster in the portal or with az aks show.',
        },
      ];
    case 'skip':
      if (gate.cause === 'issuer-shape') {
        return [
          {
            ...base,
            check: CHECKS.issuerShape,
            status: 'fail',
            message: `${gate.reason} (bound by ${names})`,
            remediation:
              'Investigate the cluster: AKS reports its issuer as https://<region>.oic.prod-aks.azure.com/<tenant>/<uuid>/.',
          },
        ];
      }
      return [
        {
          ...base,
          check: CHECKS.clusterOidc,
          status: named ? 'fail' : 'warn',
          message: `${gate.reason}, but ${selectors}; fedlink writes no federated credentials for it`,
          remediation:
            `az aks update --resource-group ${cluster.resourceGroup} --name ${cluster.name} --enable-oidc-issuer --enable-workload-identity ` +
            '(enabling the OIDC issuer restarts the API server and cannot be undone), or narrow the bindings so they do not select this cluster.',
        },
      ];
    case 'proceed': {
      const issuer = cluster.issuerUrl ?? '';
      const findings: Finding[] = [
        {
          ...base,
          check: CHECKS.clusterOidc,
          status: 'pass',
          message: `cluster ${cluster.name} has the OIDC issuer and workload identity enabled (issuer ${issuer})`,
        },
      ];
      if (gate.note !== undefined) {
        findings.push({
          ...base,
          check: CHECKS.clusterState,
          status: 'warn',
          message: gate.note,
          remediation: "Check the cluster's last operation (az aks show); federation is unaffected.",
        });
      }
      if (!isExpectedIssuerHost(issuer)) {
        findings.push({
          ...base,
          check: CHECKS.issuerHost,
          status: 'warn',
          message: `cluster ${cluster.name}'s issuer ${issuer} is not on a known AKS issuer host; it is federated because ARM reported it`,
          remediation:
            'Confirm the cluster is an AKS cluster in a cloud fedlink knows; add the host to EXPECTED_ISSUER_HOSTS once confirmed.',
        });
      }
      const tenant = issuerTenant(issuer);
      const tenants = input.tenants?.map((t) => t.toLowerCase());
      if (tenant !== undefined && tenants !== undefined && !tenants.includes(tenant)) {
        findings.push({
          ...base,
          check: CHECKS.issuerHost,
          status: 'warn',
          message: `cluster ${cluster.name}'s issuer names tenant ${tenant}, which is not in scope.tenants`,
          remediation:
            "Check whether the cluster's subscription moved tenants; add the tenant to scope.tenants if it is yours.",
        });
      }
      return findings;
    }
  }
}
