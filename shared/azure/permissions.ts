/**
 * The ARM actions fedlink's code calls today, one per SDK call in shared/azure's adapters, with the call that
 * needs it. This list is the ONE source of the custom role that infra/ deploys:
 * scripts/gen-infra-json.ts writes it to infra/generated/role-actions.json, which infra/main.bicep
 * reads with `loadJsonContent`, and test/infra fails when the JSON, the compiled template or the
 * calls in shared/azure drift from it.
 *
 * Least privilege (docs/azure-behaviour.md §8.3, §8.4): never a wildcard, never
 * `userAssignedIdentities/write` (that would let fedlink change identities themselves) and nothing
 * fedlink does not call yet. Private DNS link actions join this list in the change that makes the
 * code call them.
 *
 * Actions are listed as Azure's operations catalogue spells them; ARM compares them
 * case-insensitively.
 */
import { PRIVATE_LINK_TYPES } from '../core/privateLinkTypes';

/**
 * The private link types whose connections go through the generic resources client
 * (shared/core/privateLinkTypes.ts; private link services go through @azure/arm-network, listed apart).
 */
const GENERIC_PRIVATE_LINK_TYPES: readonly string[] = PRIVATE_LINK_TYPES.filter(
  (t) => t.apiVersion !== undefined,
).map((t) => t.type);

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
    calls: ['ResourceGraphClient.resources (queryClusters, queryIdentities, queryPendingConnections)'],
  },
  // Private endpoint approvals (./armPrivateLink.ts, docs/azure-behaviour.md §4.3, §8.4). An approve or
  // reject is a PUT of the connection, authorized as `<type>/privateEndpointConnections/write` (the
  // Activity Log shows it as that write, azure-cli#14957; the built-in "Azure AI Enterprise Network
  // Connection Approver" role grants it for that purpose). `PrivateEndpointConnectionsApproval/action`
  // is what a consumer needs to get its endpoint approved automatically when it creates it (§4.3):
  // fedlink creates no endpoint, so it does not ask for it. The SDK pollers' GETs of each provider's
  // operation URLs are not listed: whether ARM checks a separate action on them is UNVERIFIED.
  {
    action: 'Microsoft.Network/privateEndpoints/read',
    calls: ['NetworkManagementClient.privateEndpoints.get (getPrivateEndpoint)'],
  },
  {
    action: 'Microsoft.Network/privateLinkServices/privateEndpointConnections/read',
    calls: [
      'NetworkManagementClient.privateLinkServices.listPrivateEndpointConnections (listConnections)',
      'NetworkManagementClient.privateLinkServices.getPrivateEndpointConnection (getConnection, setConnectionState)',
    ],
  },
  {
    action: 'Microsoft.Network/privateLinkServices/privateEndpointConnections/write',
    calls: [
      'NetworkManagementClient.privateLinkServices.updatePrivateEndpointConnection (setConnectionState)',
    ],
  },
  ...GENERIC_PRIVATE_LINK_TYPES.flatMap((type): ArmPermission[] => [
    {
      // The parent's GET lists its connections (how the Azure CLI reads them, §4.1).
      action: `${type}/read`,
      calls: ['ResourceManagementClient.resources.getById (listConnections)'],
    },
    {
      action: `${type}/privateEndpointConnections/read`,
      calls: ['ResourceManagementClient.resources.getById (getConnection, setConnectionState)'],
    },
    {
      action: `${type}/privateEndpointConnections/write`,
      calls: [
        'ResourceManagementClient.resources.createOrUpdateById (setConnectionState, pollConnectionState)',
      ],
    },
  ]),
];

/** The actions alone, in manifest order. */
export const ARM_ACTIONS: readonly string[] = ARM_PERMISSIONS.map((p) => p.action);
