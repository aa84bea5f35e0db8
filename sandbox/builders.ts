/**
 * Builders for ARM resources and Event Grid events in the exact shapes Azure publishes, for the demo
 * estate, tests and the benchmark. Shapes follow the verbatim examples in `test/fixtures/azure`:
 * clusters as containerservice/ManagedClustersCreate_SecurityProfile.json's 200 body (plus
 * `oidcIssuerProfile`, which no published example carries: docs/azure-behaviour.md §2.1 gives its REST
 * casing, `issuerURL`), identities as managedidentity/IdentityCreate.json, FICs as
 * FederatedIdentityCredentialCreate.json, events as eventgrid/resource-write-success.*.json.
 */

import { type ArmResource } from './estate';

export type { ArmResource };

export interface ClusterSpec {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  readonly tenantId: string;
  /** The `{uuid}` of the issuer URL; undefined = OIDC issuer disabled. */
  readonly issuerId?: string;
  readonly workloadIdentity?: boolean;
  readonly provisioningState?: string;
  readonly tags?: Record<string, string>;
  readonly privateCluster?: boolean;
  /** `apiServerAccessProfile.privateDNSZone` of a private cluster (default `system`). */
  readonly privateDnsZone?: string;
  /**
   * The zone name the API server's `privateFQDN` is in (`<guid>.privatelink.<region>.azmk8s.io` for
   * `system`, docs/azure-behaviour.md §2.3); undefined: no privateFQDN.
   */
  readonly privateZoneName?: string;
}

/** The AKS issuer format, trailing slash included (docs/azure-behaviour.md §2.2). */
export function aksIssuer(location: string, tenantId: string, issuerId: string): string {
  return `https://${location}.oic.prod-aks.azure.com/${tenantId}/${issuerId}/`;
}

export function clusterId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${name}`;
}

export function identityId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
}

export function clusterResource(spec: ClusterSpec): ArmResource {
  const oidc =
    spec.issuerId !== undefined
      ? { enabled: true, issuerURL: aksIssuer(spec.location, spec.tenantId, spec.issuerId) }
      : { enabled: false }; // OBSERVED: no issuerURL key at all when disabled (docs/azure-behaviour.md §2.1)
  return {
    id: clusterId(spec.subscriptionId, spec.resourceGroup, spec.name),
    name: spec.name,
    type: 'Microsoft.ContainerService/managedClusters',
    location: spec.location,
    tags: spec.tags ?? {},
    properties: {
      provisioningState: spec.provisioningState ?? 'Succeeded',
      kubernetesVersion: '1.33.2',
      currentKubernetesVersion: '1.33.2',
      dnsPrefix: `${spec.name}-dns`,
      fqdn: `${spec.name}-dns-abcd1234.hcp.${spec.location}.azmk8s.io`,
      agentPoolProfiles: [
        {
          name: 'nodepool1',
          count: 3,
          vmSize: 'Standard_DS2_v2',
          osType: 'Linux',
          mode: 'System',
          type: 'VirtualMachineScaleSets',
          provisioningState: 'Succeeded',
        },
      ],
      enableRBAC: true,
      nodeResourceGroup: `MC_${spec.resourceGroup}_${spec.name}_${spec.location}`,
      oidcIssuerProfile: oidc,
      securityProfile: spec.workloadIdentity === false ? {} : { workloadIdentity: { enabled: true } },
      ...(spec.privateCluster
        ? {
            apiServerAccessProfile: {
              enablePrivateCluster: true,
              privateDNSZone: spec.privateDnsZone ?? 'system',
              enablePrivateClusterPublicFQDN: false,
            },
            ...(spec.privateZoneName !== undefined
              ? { privateFQDN: privateFqdnOf(spec.name, spec.privateZoneName) }
              : {}),
          }
        : {}),
    },
  };
}

/** The API server's private name in its zone: `<dnsPrefix>-<hash>.<zone>` (docs/azure-behaviour.md §2.3, §9.3). */
export function privateFqdnOf(clusterName: string, zoneName: string): string {
  return `${clusterName}-dns-abcd1234.${zoneName}`;
}

export function privateDnsZoneId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/privateDnsZones/${name}`;
}

/** A private DNS zone as a GET answers it (test/fixtures/azure/privatedns shapes). */
export function privateDnsZoneResource(
  subscriptionId: string,
  resourceGroup: string,
  name: string,
): ArmResource {
  return {
    id: privateDnsZoneId(subscriptionId, resourceGroup, name),
    name,
    type: 'Microsoft.Network/privateDnsZones',
    location: 'global',
    tags: {},
    properties: { provisioningState: 'Succeeded' },
  };
}

/** A virtual network link of a zone (Succeeded, Completed, registration off). */
export function virtualNetworkLinkResource(
  zoneId: string,
  name: string,
  virtualNetworkId: string,
): ArmResource {
  return {
    id: `${zoneId}/virtualNetworkLinks/${name}`,
    name,
    type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
    location: 'global',
    properties: {
      virtualNetwork: { id: virtualNetworkId },
      registrationEnabled: false,
      virtualNetworkLinkState: 'Completed',
      provisioningState: 'Succeeded',
    },
  };
}

/** An A record set (name relative to the zone, lower-cased as ARM stores it). */
export function aRecordResource(
  zoneId: string,
  zoneName: string,
  name: string,
  ips: readonly string[],
): ArmResource {
  const n = name.toLowerCase();
  return {
    id: `${zoneId}/A/${n}`,
    name: n,
    type: 'Microsoft.Network/privateDnsZones/A',
    properties: {
      ttl: 10,
      fqdn: `${n}.${zoneName}.`,
      isAutoRegistered: false,
      aRecords: ips.map((ipv4Address) => ({ ipv4Address })),
    },
  };
}

/** A private endpoint to a resource's `groupId`, answering for `fqdn` at `ip` (customDnsConfigs). */
export function privateEndpointResource(spec: {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  readonly targetId: string;
  readonly groupId: string;
  readonly fqdn: string;
  readonly ip: string;
}): ArmResource {
  return {
    id: `/subscriptions/${spec.subscriptionId}/resourceGroups/${spec.resourceGroup}/providers/Microsoft.Network/privateEndpoints/${spec.name}`,
    name: spec.name,
    type: 'Microsoft.Network/privateEndpoints',
    location: spec.location,
    tags: {},
    properties: {
      provisioningState: 'Succeeded',
      privateLinkServiceConnections: [
        {
          name: spec.name,
          properties: {
            provisioningState: 'Succeeded',
            privateLinkServiceId: spec.targetId,
            groupIds: [spec.groupId],
            privateLinkServiceConnectionState: {
              status: 'Approved',
              description: '',
              actionsRequired: 'None',
            },
          },
        },
      ],
      manualPrivateLinkServiceConnections: [],
      customDnsConfigs: [{ fqdn: spec.fqdn, ipAddresses: [spec.ip] }],
    },
  };
}

export interface IdentitySpec {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly principalId: string;
  readonly tags?: Record<string, string>;
}

export function identityResource(spec: IdentitySpec): ArmResource {
  return {
    id: identityId(spec.subscriptionId, spec.resourceGroup, spec.name),
    name: spec.name,
    type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    location: spec.location,
    tags: spec.tags ?? {},
    properties: {
      clientId: spec.clientId,
      principalId: spec.principalId,
      tenantId: spec.tenantId,
      isolationScope: 'None',
    },
  };
}

export function ficResource(
  identity: string,
  name: string,
  issuer: string,
  subject: string,
  audience = 'api://AzureADTokenExchange',
): ArmResource {
  return {
    id: `${identity}/federatedIdentityCredentials/${name}`,
    name,
    type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
    properties: { issuer, subject, audiences: [audience] },
  };
}

export type ResourceEventType =
  'Microsoft.Resources.ResourceWriteSuccess' | 'Microsoft.Resources.ResourceDeleteSuccess';

/**
 * An ARM event in Event Grid schema as a subscription-scoped system topic delivers it. Like the
 * published samples it uses `resourcegroups` (lower case) in subject and resourceUri.
 */
export function armEvent(options: {
  eventType: ResourceEventType;
  resourceId: string;
  tenantId: string;
  eventId: string;
  eventTime: string;
}): Record<string, unknown> {
  const { resourceId, tenantId } = options;
  const subscriptionId = resourceId.split('/')[2] ?? '';
  const subject = resourceId.replace('/resourceGroups/', '/resourcegroups/');
  const provider = /\/providers\/([^/]+)\//.exec(resourceId)?.[1] ?? '';
  const typePath =
    resourceId
      .split('/providers/')[1]
      ?.split('/')
      .filter((_, i) => i % 2 === 0)
      .join('/') ?? '';
  const action = options.eventType === 'Microsoft.Resources.ResourceWriteSuccess' ? 'write' : 'delete';
  const operationName = `${typePath}/${action}`;
  return {
    subject,
    eventType: options.eventType,
    eventTime: options.eventTime,
    id: options.eventId,
    data: {
      authorization: {
        scope: subject,
        action: operationName,
        evidence: {
          role: 'Contributor',
          roleAssignmentScope: `/subscriptions/${subscriptionId}`,
          principalType: 'User',
        },
      },
      claims: { ver: '1.0', 'http://schemas.microsoft.com/identity/claims/tenantid': tenantId },
      correlationId: options.eventId,
      resourceProvider: provider,
      resourceUri: subject,
      operationName,
      status: 'Succeeded',
      subscriptionId,
      tenantId,
    },
    dataVersion: '2',
    metadataVersion: '1',
    topic: `/subscriptions/${subscriptionId}`,
  };
}

/** The same event in CloudEvents 1.0 schema (docs/azure-behaviour.md §3.4 mapping). */
export function toCloudEvent(event: Record<string, unknown>): Record<string, unknown> {
  return {
    specversion: '1.0',
    type: event.eventType,
    source: event.topic,
    subject: event.subject,
    id: event.id,
    time: event.eventTime,
    data: event.data,
  };
}
