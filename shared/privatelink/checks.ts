/**
 * The private link capability's check ids, when a state change has finished per type, and the checks
 * of observed state after a write (validate). Pure.
 */
import { type PrivateEndpointConnection } from '../azure/gateway';
import { type PrivateLinkTypeInfo } from '../core/privateLinkTypes';
import { type Finding } from '../validation/findings';
import { ruleOfDescription } from './policy';

export const CHECKS = {
  /** One decision about a pending connection: approve, reject or leave, with its rule. */
  decision: 'privatelink.decision',
  /** An approve rule matched a requester outside scope.tenants (or of an unknown tenant): not approved. */
  foreignRequester: 'privatelink.foreign-requester',
  /** A connection fedlink decided earlier (its description names the rule), as it stands now. */
  decided: 'privatelink.decided',
  /** A connection that is not Pending and that fedlink did not decide: left alone. */
  decidedElsewhere: 'privatelink.decided-elsewhere',
  /** A state change fedlink made that has not finished yet. */
  inProgress: 'privatelink.in-progress',
  targetMissing: 'privatelink.target-missing',
  unsupportedType: 'privatelink.unsupported-type',
  /** A failed read or write (the engine's failure check). */
  apply: 'privatelink.apply',
} as const;

/**
 * Whether a change to `wanted` has finished on `connection` (docs/azure-behaviour.md §9.2): it shows the
 * wanted status (a stale body still shows the old one: Cosmos DB, Container Registry) and, unless the
 * type is judged by status alone (Web), a final provisioning state of the type (Key Vault's `Updating`
 * is not; SQL ends `Ready`). A connection without a provisioningState is judged by its status.
 */
export function isDone(
  info: PrivateLinkTypeInfo,
  connection: PrivateEndpointConnection,
  wanted: 'Approved' | 'Rejected',
): boolean {
  if (connection.status !== wanted) return false;
  if (info.done === 'any' || connection.provisioningState === undefined) return true;
  return (info.done as readonly string[]).includes(connection.provisioningState);
}

/** After a write: every connection fedlink decided whose change has not finished shows as in progress. */
export function checkConnections(
  info: PrivateLinkTypeInfo,
  connections: readonly PrivateEndpointConnection[],
): Finding[] {
  return connections.flatMap((c): Finding[] => {
    const rule = ruleOfDescription(c.description);
    if (rule === undefined) return [];
    const wanted = c.description?.startsWith('Approved') ? 'Approved' : 'Rejected';
    if (isDone(info, c, wanted)) return [];
    return [
      {
        check: CHECKS.inProgress,
        resourceId: c.id,
        status: 'warn',
        message: `connection ${c.name}: fedlink rule ${rule} set it ${wanted}; it shows ${c.status ?? 'no status'} / ${c.provisioningState ?? 'no provisioningState'} so far`,
        remediation: 'The provider is still applying the change; the next run checks it again.',
      },
    ];
  });
}
