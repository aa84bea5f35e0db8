/**
 * The estate the private-link recording replays use: one provider resource per type, with connections
 * named and shaped as the Azure CLI's recorded traffic shows them (Azure/azure-cli
 * `src/azure-cli/azure/cli/command_modules/network/tests/latest/recordings/test_private_endpoint_connection_*.yaml`).
 * Only our own TypeScript restatement of what the recordings show; the recordings are not in the repo.
 */
import { type ArmResource, type Estate } from '../../sandbox/estate';
import { RG, SUB, TENANT } from '../helpers/emulator';

export const RECORDINGS =
  'Azure/azure-cli src/azure-cli/azure/cli/command_modules/network/tests/latest/recordings';

const P = `/subscriptions/${SUB}/resourceGroups/${RG}/providers`;
export const PE = (name: string): string => `${P}/Microsoft.Network/privateEndpoints/${name}`;

export const VAULT = `${P}/Microsoft.KeyVault/vaults/kv-pe`;
export const ACCOUNT = `${P}/Microsoft.Storage/storageAccounts/saplr1`;
export const REGISTRY = `${P}/Microsoft.ContainerRegistry/registries/testreg1`;
export const COSMOS = `${P}/Microsoft.DocumentDB/databaseAccounts/cosmos-pe`;
export const SQL = `${P}/Microsoft.Sql/servers/sql-pe`;
export const SITE = `${P}/Microsoft.Web/sites/webapp-pe`;
export const PLS = `${P}/Microsoft.Network/privateLinkServices/pls-pe`;

/** Connection names in each type's recorded form. */
export const NAMES = {
  keyVault: 'cli-pec-000006',
  storage: 'saplr1.283d3720-9386-4428-8431-8c2b9e2458ba',
  registry: 'testreg1.5a55a3dca1344167b82bc63b77191f61',
  registry2: 'testreg1.a3c8bf4658694b83aa97a4a4ac2e2309',
  cosmos: 'cli-pe-cosmos',
  sql: 'cli-pe-sql-87c23e24-bba9-4f69-b66a-b33ffb192793',
  sqlPending: 'cli-pe-sql2-1d3f7a52-6a0e-4a07-9f3e-9b0f1b3d5a11',
  web: 'webapp-privatelink-endpointconn2-e0525a0d-3811-44ad-9dd2-bddb7dc415e6',
  web2: 'webapp-privatelink-endpointconn3-0b6c35c4-6f4f-4a46-9a52-5b3c9e3e7c10',
  pls: 'pls-pe.conn1',
} as const;

export const pec = (parent: string, name: string): string => `${parent}/privateEndpointConnections/${name}`;

function parent(id: string, type: string, location = 'eastus'): ArmResource {
  return { id, name: id.split('/').pop()!, type, location, properties: {} };
}

function connection(
  parentId: string,
  type: string,
  name: string,
  properties: Record<string, unknown>,
): ArmResource {
  return { id: pec(parentId, name), name, type: `${type}/privateEndpointConnections`, properties };
}

export function recordedEstate(): Estate {
  return {
    tenants: [{ tenantId: TENANT, subscriptions: [SUB] }],
    resources: [
      parent(VAULT, 'Microsoft.KeyVault/vaults', 'centraluseuap'),
      connection(VAULT, 'Microsoft.KeyVault/vaults', NAMES.keyVault, {
        provisioningState: 'Succeeded',
        privateEndpoint: { id: PE('cli-pe-000005') },
        privateLinkServiceConnectionState: { status: 'Approved', actionsRequired: 'None' },
      }),
      parent(ACCOUNT, 'Microsoft.Storage/storageAccounts', 'westus'),
      connection(ACCOUNT, 'Microsoft.Storage/storageAccounts', NAMES.storage, {
        provisioningState: 'Succeeded',
        privateEndpoint: { id: PE('cli-pe-st') },
        privateLinkServiceConnectionState: {
          status: 'Approved',
          description: 'Auto-Approved',
          actionRequired: 'None',
        },
      }),
      parent(REGISTRY, 'Microsoft.ContainerRegistry/registries', 'centraluseuap'),
      connection(REGISTRY, 'Microsoft.ContainerRegistry/registries', NAMES.registry, {
        privateEndpoint: { id: PE('priv_endpoint7') },
        privateLinkServiceConnectionState: { status: 'Pending' },
        provisioningState: 'Succeeded',
      }),
      connection(REGISTRY, 'Microsoft.ContainerRegistry/registries', NAMES.registry2, {
        privateEndpoint: { id: PE('priv_endpoint5') },
        privateLinkServiceConnectionState: { status: 'Pending' },
        provisioningState: 'Succeeded',
      }),
      parent(COSMOS, 'Microsoft.DocumentDB/databaseAccounts', 'West US'),
      connection(COSMOS, 'Microsoft.DocumentDB/databaseAccounts', NAMES.cosmos, {
        provisioningState: 'Succeeded',
        groupId: 'Sql',
        privateEndpoint: { id: PE(NAMES.cosmos) },
        privateLinkServiceConnectionState: { status: 'Approved', actionsRequired: 'None' },
      }),
      parent(SQL, 'Microsoft.Sql/servers', 'westus'),
      connection(SQL, 'Microsoft.Sql/servers', NAMES.sql, {
        privateEndpoint: { id: PE('cli-pe-sql') },
        groupIds: ['sqlServer'],
        privateLinkServiceConnectionState: {
          status: 'Approved',
          description: 'Auto-approved',
          actionsRequired: 'None',
        },
        provisioningState: 'Ready',
      }),
      connection(SQL, 'Microsoft.Sql/servers', NAMES.sqlPending, {
        privateEndpoint: { id: PE('cli-pe-sql2') },
        groupIds: ['sqlServer'],
        privateLinkServiceConnectionState: {
          status: 'Pending',
          description: 'Awaiting approval',
          actionsRequired: 'None',
        },
        provisioningState: 'Ready',
      }),
      parent(SITE, 'Microsoft.Web/sites', 'West US'),
      ...[NAMES.web, NAMES.web2].map((name, i) => ({
        ...connection(SITE, 'Microsoft.Web/sites', name, {
          provisioningState: 'Pending',
          privateEndpoint: { id: PE(`webapp-privatelink-endpoint${i + 2}`) },
          groupIds: ['sites'],
          privateLinkServiceConnectionState: { status: 'Pending', description: '', actionsRequired: 'None' },
          ipAddresses: [],
        }),
        location: 'West US',
      })),
      parent(PLS, 'Microsoft.Network/privateLinkServices'),
      connection(PLS, 'Microsoft.Network/privateLinkServices', NAMES.pls, {
        privateEndpoint: { id: PE('pe-pls') },
        privateLinkServiceConnectionState: {
          status: 'Pending',
          description: 'please',
          actionsRequired: 'None',
        },
      }),
    ],
  };
}
