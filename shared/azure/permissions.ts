/**
 * The ARM actions fedlink's code calls today, one per SDK call in shared/azure's adapters, with the call that
 * needs it. This list is the ONE source of the custom role that infra/ deploys:
 * scripts/gen-infra-json.ts writes it to infra/generated/role-actions.json, which infra/main.bicep
 * reads with `loadJsonContent`, and test/infra fails when the JSON, the compiled template or the
 * calls in shared/azure drift from it.
 *
 * Least privilege (docs/azure-behaviour.md §8.3, §8.4): never a wildcard, never
 * `userAssignedIdentities/write` (that would let fedlink change identities themselves) and nothing
 * fedlink does not call yet. Private endpoint approval and private DNS link actions join this list
 * in the change that makes the code call them.
 *
 * Actions are listed as Azure's operations catalogue spells them; ARM compares them
 * case-insensitively.
 */

export interface ArmPermission {
  /** The RBAC action (Microsoft.<Provider>/<type>/<verb>). */
  readonly action: string;
  /** The SDK call(s) in shared/azure that need it. */
  readonly calls: readonly string[];
}

export const ARM_PERMISSIONS: readonly ArmPermission[] = [
  {
    // GET /subscriptions lists only subscriptions the caller holds a role in; this action on each
    // makes the subscription visible (the role is assigned at subscription scope).
    action: 'Microsoft.Resources/subscriptions/read',
    calls: ['SubscriptionClient.subscriptions.list (listSubscriptions)'],
  },
  {
    action: 'Microsoft.ContainerService/managedClusters/read',
    calls: [
      'ContainerServiceClient.managedClusters.get (getCluster)',
      'ContainerServiceClient.managedClusters.list (listClusters)',
    ],
  },
  {
    action: 'Microsoft.ManagedIdentity/userAssignedIdentities/read',
    calls: [
      'ManagedServiceIdentityClient.userAssignedIdentities.get (getIdentity)',
      'ManagedServiceIdentityClient.userAssignedIdentities.listBySubscription (listIdentities)',
    ],
  },
  {
    action: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read',
    calls: ['ManagedServiceIdentityClient.federatedIdentityCredentials.list (listFics)'],
  },
  {
    action: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write',
    calls: ['ManagedServiceIdentityClient.federatedIdentityCredentials.createOrUpdate (putFic)'],
  },
  {
    action: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete',
    calls: ['ManagedServiceIdentityClient.federatedIdentityCredentials.delete (deleteFic)'],
  },
  {
    // POST /providers/Microsoft.ResourceGraph/resources. Rows are further filtered by the read
    // access above; whether ARG checks this action at all is UNVERIFIED (§8.4), it is granted so
    // a role without `*/read` still may query.
    action: 'Microsoft.ResourceGraph/resources/read',
    calls: ['ResourceGraphClient.resources (queryClusters, queryIdentities)'],
  },
];

/** The actions alone, in manifest order. */
export const ARM_ACTIONS: readonly string[] = ARM_PERMISSIONS.map((p) => p.action);
