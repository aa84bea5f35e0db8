/**
 * The wording of federation findings, in one place. The planner and the checks both report some of the
 * same facts (a foreign FIC fedlink may not fix); building them here makes the two findings identical,
 * and `buildReport` keeps one of identical findings.
 */
import { type Fic } from '../core/model';
import { type DesiredFic } from './desired';
import { type Finding, type FindingSubject } from '../validation/findings';
import { CHECKS } from './checkIds';

/** The ARM id of the FIC `name` on identity `identityId`. */
export function ficResourceId(identityId: string, name: string): string {
  return `${identityId}/federatedIdentityCredentials/${name}`;
}

/**
 * The finding's cell in the report's fleet matrix (clusters × identities): `present`, `planned`,
 * `missing`, `refused` (over Azure's limit), `conflict` (a credential fedlink may not change),
 * `wrong-audience`, `near-miss` (issuer or subject off by a slash or case), `stale` (a credential of a
 * cluster no longer in scope: its row is the issuer, since the cluster is gone).
 */
export function fleetCell(
  cell: { readonly clusterName: string },
  identityId: string,
  state: string,
): FindingSubject {
  return {
    view: 'fleet',
    rowKind: 'cluster',
    row: cell.clusterName,
    columnKind: 'identity',
    column: shortName(identityId),
    state,
  };
}

/** The last segment of a resource id: the name people recognise. */
export function shortName(resourceId: string): string {
  return (
    resourceId
      .split('/')
      .filter((s) => s !== '')
      .pop() ?? resourceId
  );
}

export function formatAudiences(audiences: readonly string[]): string {
  return `[${audiences.map((a) => JSON.stringify(a)).join(', ')}]`;
}

/** Same issuer and subject as a desired FIC, wrong audiences, and not fedlink's. */
export function foreignAudienceConflict(identityId: string, fic: Fic, desired: DesiredFic): Finding {
  return {
    check: CHECKS.ficConflict,
    resourceId: fic.id,
    status: 'fail',
    message:
      `federated credential ${fic.name} trusts ${desired.clusterName} for ${desired.subject} with audiences ${formatAudiences(fic.audiences)}, ` +
      `not [${JSON.stringify(desired.audience)}]; it is not fedlink's, so fedlink will not change it, and Azure rejects a second credential with the same issuer and subject`,
    remediation: `Set the audience of ${fic.name} on ${shortName(identityId)} to ${desired.audience}, or delete it and let fedlink create its own.`,
    subject: fleetCell(desired, identityId, 'conflict'),
  };
}

/** The identity would pass Azure's limit of FICs per identity: the whole identity is refused. */
export function capacityRefused(
  identityId: string,
  counts: {
    readonly observed: number;
    readonly creates: number;
    readonly deletes: number;
    readonly needed: number;
    readonly limit: number;
  },
  bindings: readonly string[],
): Finding {
  return {
    check: CHECKS.identityCapacity,
    resourceId: identityId,
    status: 'fail',
    message:
      `identity ${shortName(identityId)} would need ${counts.needed} federated credentials; Azure allows ${counts.limit} ` +
      `(${counts.observed} exist, ${counts.creates} to create, ${counts.deletes} to delete); nothing was written for it` +
      (bindings.length > 0 ? ` (asked for by ${bindings.join(', ')})` : ''),
    remediation:
      'Delete federated credentials the identity no longer needs, narrow the bindings (fewer clusters or service accounts), or split the service accounts across another identity.',
  };
}
