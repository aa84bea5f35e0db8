/**
 * What the managed identity handlers share: MSI-style ids and the managed identity service's own
 * throttles (docs/azure-behaviour.md §1.5, docs/targets.md), charged per tenant, per subscription and per identity.
 */
import { chargeService, type EmulatorCore } from '../context';
import { type BucketClaim, type Limits } from '../limits';

export const IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';
export const FIC_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials';

/**
 * The MSI resource provider writes `resourcegroups` in lower case in the ids it returns (OBSERVED in
 * the published IdentityCreate / FederatedIdentityCredential* examples); everything else keeps the
 * request's casing.
 */
export function msiIdentityId(subscriptionId: string, resourceGroup: string, identityName: string): string {
  return `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/providers/${IDENTITY_TYPE}/${identityName}`;
}

export function msiFicId(
  subscriptionId: string,
  resourceGroup: string,
  identityName: string,
  ficName: string,
): string {
  return `${msiIdentityId(subscriptionId, resourceGroup, identityName)}/federatedIdentityCredentials/${ficName}`;
}

export type MsiOperation = 'write' | 'delete' | 'get' | 'list';

const LIMIT_NAMES: Record<MsiOperation, readonly [keyof Limits, keyof Limits, keyof Limits]> = {
  write: ['msiWritesPerTenant', 'msiWritesPerSubscription', 'msiWritesPerIdentity'],
  delete: ['msiDeletesPerTenant', 'msiDeletesPerSubscription', 'msiDeletesPerIdentity'],
  get: ['msiGetsPerTenant', 'msiGetsPerSubscription', 'msiGetsPerIdentity'],
  list: ['msiListsPerTenant', 'msiListsPerSubscription', 'msiListsPerIdentity'],
};

/**
 * Charges the managed identity service buckets. `resourceKey` is the identity for identity and FIC
 * operations (ASSUMED: FIC operations count against their parent identity) or the listed scope.
 */
export function chargeMsi(
  core: EmulatorCore,
  operation: MsiOperation,
  subscriptionId: string,
  resourceKey: string,
): void {
  const tenantId = core.store.subscription(subscriptionId)?.tenantId ?? 'unknown-tenant';
  const [perTenant, perSubscription, perResource] = LIMIT_NAMES[operation];
  const claims: BucketClaim[] = [
    { limit: perTenant, key: tenantId },
    { limit: perSubscription, key: subscriptionId },
    { limit: perResource, key: resourceKey },
  ];
  chargeService(core, claims, 'The managed identity service');
}
