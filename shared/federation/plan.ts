/**
 * The planner (docs/style.md 3): desired FICs + observed FICs → the writes that make one identity right.
 * Pure and deterministic; converged input gives `writes: []`. Executors (act.ts) do the I/O.
 */
import { type Fic } from '../core/model';
import { normalizeResourceId } from '../core/resourceId';
import { capacityRefused, fleetCell, foreignAudienceConflict, formatAudiences, shortName } from './findings';
import { type Finding } from '../validation/findings';
import { CHECKS } from './checkIds';
import { type DesiredFic } from './desired';
import { checkIssuerShape } from './issuer';
import { isOwned } from './names';

/** Azure's limit of FICs per user-assigned identity (docs/azure-behaviour.md §1.5). */
export const FIC_LIMIT = 20;

/** One write to one identity's FICs: a closed union on `kind`. */
export type FicWrite =
  | {
      readonly kind: 'create';
      readonly name: string;
      readonly issuer: string;
      readonly subject: string;
      readonly audience: string;
      readonly reason: string;
    }
  | {
      readonly kind: 'update';
      readonly name: string;
      readonly issuer: string;
      readonly subject: string;
      readonly audience: string;
      readonly reason: string;
    }
  | {
      readonly kind: 'delete';
      readonly name: string;
      readonly issuer: string;
      readonly subject: string;
      readonly reason: string;
    };

/**
 * What direct ARM reads say about the cluster an owned FIC's issuer came from (observe.ts
 * `confirmPrune`; docs/azure-behaviour.md §9.5): `gone` (404, or the cluster now has another valid
 * issuer, or no cluster in scope has it) allows the delete; `live` keeps it; `unconfirmed` (an
 * unreadable or null issuer, a cluster mid-operation, a failed read) keeps it and says why.
 */
export type PruneVerdict =
  | { readonly kind: 'gone'; readonly reason: string }
  | { readonly kind: 'live'; readonly clusterId: string }
  | { readonly kind: 'unconfirmed'; readonly reason: string };

/** The key of a FIC in a verdict map: its name, issuer and subject exactly. */
export function pruneKey(fic: {
  readonly name: string;
  readonly issuer: string;
  readonly subject: string;
}): string {
  return `${fic.name}\n${fic.issuer}\n${fic.subject}`;
}

/** An existing FIC that satisfies a desired one as it is: no write. */
export interface Adoption {
  /** The existing FIC's name (owned or not). */
  readonly name: string;
  readonly issuer: string;
  readonly subject: string;
  readonly owned: boolean;
  /** The name fedlink would have given it. */
  readonly desiredName: string;
}

/** Why an identity got no writes at all. */
export interface Refusal {
  /** FICs the identity would hold after the plan. */
  readonly needed: number;
  readonly limit: number;
  /** Bindings asking for the FICs that would have been created. */
  readonly bindings: readonly string[];
}

export interface IdentityPlan {
  readonly identityId: string;
  /** Deletes first (they free slots under the limit before creates use them), then creates/updates, each by name. */
  readonly writes: FicWrite[];
  readonly adopted: Adoption[];
  readonly refused?: Refusal;
  /** A refusal's finding comes first. */
  readonly findings: Finding[];
}

export interface PlanInput {
  readonly identityId: string;
  /** The identity's complete desired set: all its bindings × all matching gated-in live clusters. */
  readonly desired: readonly DesiredFic[];
  /** Every FIC on the identity now, owned or not. */
  readonly observed: readonly Fic[];
  /** Exact issuer strings known to belong to a live cluster (never pruned). */
  readonly liveIssuers: ReadonlySet<string>;
  readonly prune: boolean;
  /**
   * Verdicts of direct ARM reads for the owned FICs that no desired FIC uses (by `pruneKey`). Prune
   * deletes only a FIC whose verdict is `gone`; without a verdict nothing is deleted.
   */
  readonly pruneVerdicts?: ReadonlyMap<string, PruneVerdict>;
  /** Defaults to `FIC_LIMIT`. */
  readonly limit?: number;
}

/**
 * Plans one identity. Rules (docs/design.md invariants 1, 2, 4; docs/azure-behaviour.md §1.4, §1.5):
 * - A desired FIC is satisfied by any observed FIC, owned or foreign, with the same issuer and subject
 *   (exact, case-sensitive, trailing slash included) and exactly the desired audience → adopted.
 *   A near miss (issuer differing by a trailing slash or case) is a different issuer: it satisfies
 *   nothing, and the checks report it.
 * - Same issuer and subject, wrong audiences: an owned FIC is updated in place; a foreign one is a
 *   fail finding and no write (creating another would be refused: issuer+subject is unique per identity).
 * - Otherwise create it under its deterministic name. If an owned FIC already has that name with other
 *   content, update it; if a foreign FIC holds the name (ARM names are case-insensitive), no write.
 * - With `prune`, delete each owned FIC nobody adopted whose issuer is not in `liveIssuers`. An owned
 *   FIC whose issuer is live but which no binding asks for stays (prune goes by issuer, docs/design.md) with
 *   a warning. Foreign FICs are never written or deleted.
 * - If the identity would end above `limit` FICs, nothing is written for it, not even deletes.
 *
 * Throws only on a programming error: a desired FIC of another identity.
 */
export function planIdentity(input: PlanInput): IdentityPlan {
  const { identityId, observed, liveIssuers, prune } = input;
  const limit = input.limit ?? FIC_LIMIT;
  const identityKey = normalizeResourceId(identityId);
  const findings: Finding[] = [];
  const creates: FicWrite[] = [];
  const updates: FicWrite[] = [];
  const adopted: Adoption[] = [];
  const createBindings = new Set<string>();
  /** Observed FICs (by name) that a desired FIC uses: adopted, updated, or blocking. Never pruned. */
  const used = new Set<string>();

  const desired = uniqueDesired(input.desired, identityKey);
  const exactKeys = new Set(desired.map((d) => pairKey(d.issuer, d.subject)));

  for (const d of desired) {
    // Defence in depth: the gate already checked the issuer, but DesiredFic crossed a JSON boundary.
    const shape = checkIssuerShape(d.issuer);
    if (!shape.ok) {
      findings.push({
        check: CHECKS.issuerShape,
        resourceId: d.clusterId,
        status: 'fail',
        message: `not writing ${d.name}: ${shape.reason}`,
        remediation:
          'Check the cluster: fedlink only trusts the oidcIssuerProfile.issuerURL of a live cluster, and only a plain https URL.',
      });
      continue;
    }
    const exact = observed.filter((o) => o.issuer === d.issuer && o.subject === d.subject);
    const satisfying = exact.find((o) => hasExactly(o.audiences, d.audience));
    if (satisfying) {
      used.add(satisfying.name);
      adopted.push({
        name: satisfying.name,
        issuer: d.issuer,
        subject: d.subject,
        owned: isOwned(satisfying.name),
        desiredName: d.name,
      });
      continue;
    }
    const fixable = exact.find((o) => isOwned(o.name));
    if (fixable) {
      used.add(fixable.name);
      updates.push(write('update', fixable.name, d, `audiences were ${formatAudiences(fixable.audiences)}`));
      continue;
    }
    const foreign = exact[0];
    if (foreign) {
      used.add(foreign.name);
      findings.push(foreignAudienceConflict(identityId, foreign, d));
      continue;
    }
    const holder = observed.find((o) => o.name.toLowerCase() === d.name.toLowerCase());
    if (holder === undefined) {
      creates.push(write('create', d.name, d, `no credential trusts ${d.clusterName} for ${d.subject}`));
      for (const b of d.bindings) createBindings.add(b);
      continue;
    }
    used.add(holder.name);
    if (isOwned(holder.name) && !exactKeys.has(pairKey(holder.issuer, holder.subject))) {
      updates.push(write('update', holder.name, d, `it trusted ${holder.issuer} for ${holder.subject}`));
      continue;
    }
    findings.push({
      check: CHECKS.ficConflict,
      resourceId: holder.id,
      status: 'fail',
      message: `cannot create ${d.name} for ${d.subject} on ${d.clusterName}: the name is taken by ${holder.name}, which trusts ${holder.issuer} for ${holder.subject}`,
      remediation: `Rename or delete ${holder.name} on ${shortName(identityId)}.`,
      subject: fleetCell(d, identityId, 'conflict'),
    });
  }

  const deletes: FicWrite[] = [];
  for (const o of observed) {
    if (!isOwned(o.name) || used.has(o.name)) continue;
    const verdict = input.pruneVerdicts?.get(pruneKey(o));
    const live = liveIssuers.has(o.issuer) || verdict?.kind === 'live';
    if (!live && prune && verdict?.kind === 'gone') {
      deletes.push({
        kind: 'delete',
        name: o.name,
        issuer: o.issuer,
        subject: o.subject,
        reason: verdict.reason,
      });
    } else if (!live && prune) {
      findings.push({
        check: CHECKS.pruneUnconfirmed,
        resourceId: o.id,
        subject: fleetCell({ clusterName: o.issuer }, identityId, 'stale'),
        status: 'warn',
        message: `not deleting federated credential ${o.name} (${o.issuer}): ${verdict?.kind === 'unconfirmed' ? verdict.reason : 'no direct ARM read confirmed that its cluster is gone'}`,
        remediation: `fedlink deletes it once a read of its cluster answers 404 or a different valid issuer. If the cluster is really gone, delete ${o.name} by hand.`,
      });
    } else if (!live) {
      findings.push({
        check: CHECKS.ficStale,
        resourceId: o.id,
        subject: fleetCell({ clusterName: o.issuer }, identityId, 'stale'),
        status: 'warn',
        message: `federated credential ${o.name} trusts ${o.issuer}, which no live cluster in scope has; prune is off, so it stays`,
        remediation: `Delete ${o.name}, or set federation.prune: true to let fedlink delete credentials of clusters that are gone.`,
      });
    } else {
      findings.push({
        check: CHECKS.ficUnbound,
        resourceId: o.id,
        subject: fleetCell({ clusterName: o.issuer }, identityId, 'unbound'),
        status: 'warn',
        message: `federated credential ${o.name} trusts a live cluster (${o.issuer}) for ${o.subject}, but no binding asks for it now (its binding was removed, or the cluster is skipped or waiting)`,
        remediation: `If the binding was removed on purpose, delete ${o.name}; fedlink only prunes credentials whose cluster is gone.`,
      });
    }
  }

  const byName = (a: FicWrite, b: FicWrite): number => compare(a.name, b.name);
  const writes = [...deletes.sort(byName), ...[...creates, ...updates].sort(byName)];
  adopted.sort((a, b) => compare(a.name, b.name));
  const sortedFindings = findings.sort(
    (a, b) =>
      compare(a.resourceId, b.resourceId) || compare(a.check, b.check) || compare(a.message, b.message),
  );

  const needed = observed.length - deletes.length + creates.length;
  if (creates.length > 0 && needed > limit) {
    const bindings = [...createBindings].sort(compare);
    const refusal = capacityRefused(
      identityId,
      { observed: observed.length, creates: creates.length, deletes: deletes.length, needed, limit },
      bindings,
    );
    // Each credential that is not written shows as refused in the report's fleet matrix.
    const refusedCells = creates.flatMap((w): Finding[] => {
      const d = desired.find((x) => x.name === w.name);
      if (d === undefined) return [];
      return [
        {
          check: CHECKS.ficPresent,
          resourceId: `${identityId}/federatedIdentityCredentials/${w.name}`,
          status: 'fail',
          message: `no federated credential trusts ${d.clusterName} (${d.issuer}) for ${d.subject}: not created, identity ${shortName(identityId)} is over Azure's limit of ${limit}`,
          remediation: refusal.remediation ?? '',
          subject: fleetCell(d, identityId, 'refused'),
        },
      ];
    });
    return {
      identityId,
      writes: [],
      adopted,
      refused: { needed, limit, bindings },
      findings: [refusal, ...sortedFindings, ...refusedCells],
    };
  }
  return { identityId, writes, adopted, findings: sortedFindings };
}

/** Drops duplicate (issuer, subject) entries, keeping the first; rejects another identity's entries. */
function uniqueDesired(desired: readonly DesiredFic[], identityKey: string): DesiredFic[] {
  const seen = new Set<string>();
  const out: DesiredFic[] = [];
  for (const d of desired) {
    if (d.identityKey !== identityKey) {
      throw new Error(
        `planIdentity: desired FIC ${d.name} belongs to ${d.identityId}, not to the identity being planned (${identityKey})`,
      );
    }
    const key = pairKey(d.issuer, d.subject);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

function write(kind: 'create' | 'update', name: string, d: DesiredFic, reason: string): FicWrite {
  return { kind, name, issuer: d.issuer, subject: d.subject, audience: d.audience, reason };
}

/** Azure requires exactly one audience (docs/azure-behaviour.md §1.3); anything else needs rewriting. */
function hasExactly(audiences: readonly string[], audience: string): boolean {
  return audiences.length === 1 && audiences[0] === audience;
}

function pairKey(issuer: string, subject: string): string {
  return `${issuer}\n${subject}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
