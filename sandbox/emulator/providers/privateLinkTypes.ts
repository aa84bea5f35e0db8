/**
 * Per-type behaviour of private endpoint connections on the provider side (docs/azure-behaviour.md §4).
 *
 * CLI_TABLE is the Azure CLI's type → api-version table, copied from
 * `test/fixtures/azure/arm/private-endpoint-connection-api-versions.json` (Azure/azure-cli custom.py @ 924eac2b);
 * test/fidelity checks the copy against the file so they cannot drift. The CLI's `supportsListEndpoint`
 * says how the CLI reads connections (LIST vs the parent's `properties.privateEndpointConnections`); the
 * emulator serves both for every type: the published Key Vault (2026-02-01) and Web (2026-09-01) examples
 * show LIST exists at current api-versions even for types the CLI reads through the parent.
 *
 * LRO behaviour per type: docs/azure-behaviour.md §4.2. Rows without a source there are ASSUMED (approve = synchronous
 * 200, delete = LRO, ARM's most common pattern).
 */
import { CONTAINER_SERVICE_VERSIONS, NETWORK_VERSIONS } from '../apiVersions';

/** [type, CLI api-version, CLI uses LIST, CLI parent GET api-version] */
export const CLI_TABLE: readonly (readonly [string, string, boolean, string | null])[] = [
  ['Microsoft.Automation/automationAccounts', '2020-01-13-preview', true, null],
  ['Microsoft.Authorization/resourceManagementPrivateLinks', '2020-05-01', true, null],
  ['Microsoft.ApiManagement/service', '2021-08-01', true, null],
  ['Microsoft.AppConfiguration/configurationStores', '2020-06-01', true, null],
  ['Microsoft.Batch/batchAccounts', '2022-06-01', true, null],
  ['Microsoft.BotService/botServices', '2021-03-01', true, null],
  ['Microsoft.Cache/Redis', '2021-06-01', true, null],
  ['Microsoft.CognitiveServices/accounts', '2022-03-01', true, null],
  ['Microsoft.Compute/diskAccesses', '2020-09-30', true, null],
  ['Microsoft.ContainerRegistry/registries', '2019-12-01-preview', true, null],
  ['Microsoft.DBforMySQL/servers', '2018-06-01', false, '2017-12-01-preview'],
  ['Microsoft.DBforMariaDB/servers', '2018-06-01', false, null],
  ['Microsoft.DBforPostgreSQL/servers', '2018-06-01', false, '2017-12-01-preview'],
  ['Microsoft.Devices/IotHubs', '2020-03-01', true, null],
  ['Microsoft.DocumentDB/databaseAccounts', '2019-08-01-preview', false, '2020-03-01'],
  ['Microsoft.DigitalTwins/digitalTwinsInstances', '2020-12-01', true, null],
  ['Microsoft.EventGrid/topics', '2020-04-01-preview', true, null],
  ['Microsoft.EventGrid/domains', '2020-04-01-preview', true, null],
  ['Microsoft.EventHub/namespaces', '2021-06-01-preview', true, null],
  ['Microsoft.HDInsight/clusters', '2018-06-01-preview', true, null],
  ['Microsoft.HybridCompute/privateLinkScopes', '2021-05-20', true, null],
  ['Microsoft.HealthcareApis/services', '2020-03-30', true, null],
  ['microsoft.insights/privateLinkScopes', '2019-10-17-preview', true, null],
  ['Microsoft.KeyVault/managedHSMs', '2021-04-01-preview', true, null],
  ['Microsoft.Keyvault/vaults', '2019-09-01', false, null],
  ['Microsoft.MachineLearningServices/workspaces', '2021-01-01', true, null],
  ['Microsoft.Media/mediaservices', '2021-06-01', true, null],
  ['Microsoft.Network/applicationGateways', '2020-05-01', true, null],
  ['Microsoft.Network/privateLinkServices', '2021-05-01', true, null],
  ['Microsoft.Purview/accounts', '2021-07-01', true, null],
  ['Microsoft.PowerBI/privateLinkServicesForPowerBI', '2020-06-01', false, null],
  ['Microsoft.Search/searchServices', '2020-08-01', true, null],
  ['Microsoft.ServiceBus/namespaces', '2021-06-01-preview', true, null],
  ['Microsoft.SignalRService/signalr', '2020-05-01', false, null],
  ['Microsoft.Sql/servers', '2018-06-01-preview', true, null],
  ['Microsoft.Storage/storageAccounts', '2019-06-01', true, null],
  ['Microsoft.StorageSync/storageSyncServices', '2020-03-01', true, null],
  ['Microsoft.Synapse/workspaces', '2019-06-01-preview', true, null],
  ['Microsoft.Web/sites', '2019-08-01', false, null],
  ['Microsoft.Web/hostingEnvironments', '2020-10-01', true, null],
  ['Microsoft.SignalRService/WebPubSub', '2021-09-01-preview', false, null],
  ['Microsoft.DataFactory/factories', '2018-06-01', true, null],
  ['Microsoft.Databricks/workspaces', '2021-04-01-preview', true, null],
  ['Microsoft.RecoveryServices/vaults', '2021-07-01', true, null],
  ['Microsoft.Kusto/clusters', '2021-08-27', true, null],
  ['Microsoft.KubernetesConfiguration/privateLinkScopes', '2022-04-02-preview', true, null],
];

/** How a parent GET shows its connections in `properties.privateEndpointConnections`. */
export type Reflection =
  /** Not at all (AKS managedClusters: ManagedClusterProperties has no such field). */
  | 'none'
  /** `{id, etag?, properties}` items (Key Vault's PrivateEndpointConnectionItem). */
  | 'item'
  /** The connection resources as a GET of each returns them (Storage, Network, most RPs; ASSUMED for the rest). */
  | 'full';

export interface PrivateLinkType {
  readonly type: string;
  /** undefined: any well-formed api-version (types outside the table). */
  readonly apiVersions: readonly string[] | undefined;
  /** Parent GET api-versions, when they differ from the connection's. */
  readonly parentApiVersions: readonly string[] | undefined;
  readonly put: 'sync' | 'lro';
  readonly delete: 'sync' | 'lro';
  readonly reflection: Reflection;
  /** Keys the RP adds to `privateLinkServiceConnectionState` when the PUT omits them (published examples). */
  readonly stateDefaults: Readonly<Record<string, string>>;
  /** Key Vault answers GET of a missing connection with 204 and no body (published example). */
  readonly getMissingIs204: boolean;
  readonly source: string;
}

interface Override {
  readonly extraVersions?: readonly string[];
  readonly apiVersions?: readonly string[];
  readonly put?: 'sync' | 'lro';
  readonly delete?: 'sync' | 'lro';
  readonly reflection?: Reflection;
  readonly stateDefaults?: Readonly<Record<string, string>>;
  readonly getMissingIs204?: boolean;
  readonly source: string;
}

const OVERRIDES: Readonly<Record<string, Override>> = {
  'microsoft.containerservice/managedclusters': {
    apiVersions: CONTAINER_SERVICE_VERSIONS,
    put: 'sync',
    delete: 'lro',
    reflection: 'none',
    source:
      'docs/azure-behaviour.md §2.4/§4.2: update() is a synchronous PUT, delete is an LRO; not in the CLI table',
  },
  'microsoft.keyvault/vaults': {
    extraVersions: [
      '2021-10-01',
      '2022-07-01',
      '2023-02-01',
      '2023-07-01',
      '2024-11-01',
      '2024-12-01-preview',
      '2025-05-01',
      '2026-02-01',
    ],
    put: 'sync',
    delete: 'lro',
    reflection: 'item',
    stateDefaults: { actionsRequired: 'None' },
    getMissingIs204: true,
    source:
      'docs/azure-behaviour.md §4.2 (put sync, delete LRO); keyvault.*PrivateEndpointConnection.json (204 when absent, actionsRequired None)',
  },
  'microsoft.storage/storageaccounts': {
    extraVersions: [
      '2021-09-01',
      '2022-09-01',
      '2023-01-01',
      '2023-05-01',
      '2024-01-01',
      '2025-01-01',
      '2025-06-01',
      '2026-06-01',
    ],
    put: 'sync',
    delete: 'sync',
    reflection: 'full',
    stateDefaults: { actionRequired: 'None' },
    source:
      'docs/azure-behaviour.md §4.2 (put 200 sync, delete sync); storage.*PrivateEndpointConnection*.json (actionRequired None)',
  },
  'microsoft.web/sites': {
    extraVersions: [
      '2022-03-01',
      '2022-09-01',
      '2023-01-01',
      '2023-12-01',
      '2024-04-01',
      '2024-11-01',
      '2025-03-01',
      '2026-09-01',
    ],
    put: 'lro',
    delete: 'lro',
    reflection: 'full',
    source:
      'docs/azure-behaviour.md §4.2 (approve 200/202 LRO, delete LRO); web.GetSitePrivateEndpointConnection*.json',
  },
  'microsoft.sql/servers': {
    extraVersions: ['2021-11-01', '2022-05-01-preview', '2023-05-01-preview', '2023-08-01'],
    put: 'lro',
    delete: 'lro',
    source: 'docs/azure-behaviour.md §4.2: LRO put/delete UNVERIFIED',
  },
  'microsoft.network/privatelinkservices': {
    apiVersions: NETWORK_VERSIONS,
    put: 'sync',
    delete: 'lro',
    reflection: 'full',
    source:
      'docs/azure-behaviour.md §4.2 (approve 200 sync, delete LRO); network.PrivateLinkService*PrivateEndpointConnection.json',
  },
  'microsoft.network/applicationgateways': {
    apiVersions: NETWORK_VERSIONS,
    source: 'CLI table; Network api-versions',
  },
};

const TABLE = new Map<string, PrivateLinkType>();
for (const [type, apiVersion, , parentVersion] of CLI_TABLE)
  TABLE.set(type.toLowerCase(), build(type, apiVersion, parentVersion));
for (const key of Object.keys(OVERRIDES))
  if (!TABLE.has(key)) TABLE.set(key, build(canonical(key), undefined, null));

function canonical(key: string): string {
  return key === 'microsoft.containerservice/managedclusters'
    ? 'Microsoft.ContainerService/managedClusters'
    : key;
}

function build(type: string, cliVersion: string | undefined, parentVersion: string | null): PrivateLinkType {
  const o = OVERRIDES[type.toLowerCase()];
  const versions = o?.apiVersions ?? [...(cliVersion ? [cliVersion] : []), ...(o?.extraVersions ?? [])];
  return {
    type,
    apiVersions: versions,
    parentApiVersions: parentVersion ? [...versions, parentVersion] : undefined,
    put: o?.put ?? 'sync',
    delete: o?.delete ?? 'lro',
    reflection: o?.reflection ?? 'full',
    stateDefaults: o?.stateDefaults ?? {},
    getMissingIs204: o?.getMissingIs204 ?? false,
    source: o?.source ?? 'Azure CLI table; put sync / delete LRO ASSUMED',
  };
}

/** The behaviour for a parent type (e.g. `Microsoft.KeyVault/vaults`), falling back to ASSUMED defaults. */
export function privateLinkType(parentType: string): PrivateLinkType {
  return (
    TABLE.get(parentType.toLowerCase()) ?? {
      type: parentType,
      apiVersions: undefined,
      parentApiVersions: undefined,
      put: 'sync',
      delete: 'lro',
      reflection: 'full',
      stateDefaults: {},
      getMissingIs204: false,
      source: 'not in the CLI table: any well-formed api-version, put sync / delete LRO ASSUMED',
    }
  );
}

export function isKnownPrivateLinkType(parentType: string): boolean {
  return TABLE.has(parentType.toLowerCase());
}
