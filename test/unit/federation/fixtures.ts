/**
 * Core-model builders for federation and validation unit tests: realistic AKS ids and issuers
 * (`https://<region>.oic.prod-aks.azure.com/<tenant>/<uuid>/`, docs/azure-behaviour.md §2.2).
 */
import { configSchema, type FedlinkConfig } from '../../../shared/config/schema';
import { type Cluster, type Fic, type Identity } from '../../../shared/core/model';
import { normalizeResourceId } from '../../../shared/core/resourceId';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const SUB = 'c267c0e7-0a73-4789-9e17-d26aeb0904e5';
export const AUD = 'api://AzureADTokenExchange';

export function aksIssuer(uuid: string, region = 'eastus', tenant = TENANT): string {
  return `https://${region}.oic.prod-aks.azure.com/${tenant}/${uuid}/`;
}

export function clusterId(name: string, resourceGroup = 'rg-aks'): string {
  return `/subscriptions/${SUB}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${name}`;
}

export function identityId(name: string, resourceGroup = 'rg-identities'): string {
  return `/subscriptions/${SUB}/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
}

export function cluster(name: string, issuerUuid: string | undefined, extra: Partial<Cluster> = {}): Cluster {
  const id = extra.id ?? clusterId(name);
  return {
    id,
    key: normalizeResourceId(id),
    name,
    subscriptionId: SUB,
    resourceGroup: 'rg-aks',
    location: 'eastus',
    tags: { env: 'prod' },
    provisioningState: 'Succeeded',
    oidcIssuerEnabled: issuerUuid !== undefined,
    issuerUrl: issuerUuid === undefined ? undefined : aksIssuer(issuerUuid),
    workloadIdentityEnabled: true,
    privateCluster: false,
    privateDnsZone: undefined,
    privateFqdn: undefined,
    nodeResourceGroup: `MC_rg-aks_${name}_eastus`,
    ...extra,
  };
}

export function identity(name: string, tags: Record<string, string> = {}): Identity {
  const id = identityId(name);
  return {
    id,
    key: normalizeResourceId(id),
    name,
    subscriptionId: SUB,
    resourceGroup: 'rg-identities',
    location: 'eastus',
    tags,
    tenantId: TENANT,
    clientId: '6d1c5b2a-0000-4000-8000-000000000001',
    principalId: '9e8d7c6b-0000-4000-8000-000000000001',
  };
}

export function fic(
  identity: string,
  name: string,
  issuer: string,
  subject: string,
  audiences: string[] = [AUD],
): Fic {
  return { id: `${identity}/federatedIdentityCredentials/${name}`, name, issuer, subject, audiences };
}

export function config(raw: unknown): FedlinkConfig {
  return configSchema.parse(raw);
}
