/**
 * The ARM actions fedlink's code calls today, one per SDK call in shared/azure's adapters, with the call that
 * needs it. This list is the ONE source of the custom role that infra/ deploys:
 * scripts/gen-infra-json.ts writes it to infra/generated/role-actions.json, which infra/main.bicep
 * reads with `loadJsonContent`, and test/infra fails when the JSON, the compiled template or the
 * calls in shared/azure drift from it.
 *
 * Least privilege (docs/azure-behaviour.md §8.3, §8.4): never a wildcard, never
 * `userAssignedIdentities/write` (that would let fedlink change identities themselves) and nothing
    calls: [
      'ResourceGraphClient.resources (queryClusters, queryIdentities, queryZones, queryPrivateEndpoints, queryLinksTo, queryPendingConnections)',
    ],
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
  // --- private DNS (shared/azure/armPrivateDns.ts, docs/azure-behaviour.md §5) ---------------------
  {
    action: 'Microsoft.Network/privateDnsZones/read',
    calls: [
      'PrivateDnsManagementClient.privateZones.get (getZone)',
      'PrivateDnsManagementClient.privateZones.listByResourceGroup (listZones)',
    ],
  },
  {
    action: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks/read',
    calls: ['PrivateDnsManagementClient.virtualNetworkLinks.list (listLinks)'],
  },
  {
    action: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks/write',
    calls: ['PrivateDnsManagementClient.virtualNetworkLinks.createOrUpdate (startLink)'],
  },
  {
    // A link's virtual network is a linked resource: ARM checks join on it (docs/azure-behaviour.md §5.1;
    // UNVERIFIED). Assigned on the hubs' subscriptions with the rest of the role.
    action: 'Microsoft.Network/virtualNetworks/join/action',
    calls: ['PrivateDnsManagementClient.virtualNetworkLinks.createOrUpdate (startLink: the hub network)'],
  },
  {
    // The link operation's status URL (privateDnsOperationStatuses, §5.1) polled by the restored SDK
    // poller (resumeLink). Whether ARM checks an action on it is UNVERIFIED; granted so polling never 403s.
    action: 'Microsoft.Network/privateDnsOperationStatuses/read',
    calls: ['PrivateDnsManagementClient.virtualNetworkLinks.createOrUpdate (resumeLink: its poller)'],
  },
  {
    action: 'Microsoft.Network/privateDnsZones/A/read',
    calls: ['PrivateDnsManagementClient.recordSets.listByType (listARecords)'],
  },
  {
    action: 'Microsoft.Network/privateEndpoints/read',
    calls: ['NetworkManagementClient.privateEndpoints.get (getPrivateEndpoint, getConsumerEndpoint)'],
  },
  {
    action: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups/read',
    calls: ['NetworkManagementClient.privateDnsZoneGroups.list (listZoneGroups)'],
  },
  {
    action: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups/write',
    calls: ['NetworkManagementClient.privateDnsZoneGroups.createOrUpdate (startZoneGroup)'],
  },
  {
    // A zone group references the central zone: ARM checks join on it (the action Network Contributor
    // users miss when a zone lives in a hub subscription).
    action: 'Microsoft.Network/privateDnsZones/join/action',
    calls: ['NetworkManagementClient.privateDnsZoneGroups.createOrUpdate (startZoneGroup: the central zone)'],
  },
  {
    // Network's operation status URL (`locations/{loc}/operations/{id}`) polled by the restored poller.
    action: 'Microsoft.Network/locations/operations/read',
    calls: ['NetworkManagementClient.privateDnsZoneGroups.createOrUpdate (resumeZoneGroup: its poller)'],
  },
  {
    // POST /providers/Microsoft.ResourceGraph/resources. Rows are further filtered by the read
    // access above; whether ARG checks this action at all is UNVERIFIED (§8.4), it is granted so
    // a role without `*/read` still may query.
    action: 'Microsoft.ResourceGraph/resources/read',
    calls: [
      'ResourceGraphClient.resources (queryClusters, queryIdentities, queryZones, queryPrivateEndpoints, queryLinksTo, queryPendingConnections)',
    ],
  },
  // Private endpoint approvals (./armPrivateLink.ts, docs/azure-behaviour.md §4.3, §8.4). An approve or
  // reject is a PUT of the connection, authorized as `<type>/privateEndpointConnections/write` (the
  // Activity Log shows it as that write, azure-cli#14957; the built-in "Azure AI Enterprise Network
  // Connection Approver" role grants it for that purpose). `PrivateEndpointConnectionsApproval/action`
  // is what a consumer needs to get its endpoint approved automatically when it creates it (§4.3):
  // fedlink creates no endpoint, so it does not ask for it. The SDK pollers' GETs of each provider's
  // operation URLs are not listed: whether ARM checks a separate action on them is UNVERIFIED.
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
