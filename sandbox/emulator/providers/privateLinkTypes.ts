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
 * LRO behaviour per type: docs/azure-behaviour.md §4.2 and §9.2, from the Azure CLI's recorded traffic
 * (Azure/azure-cli `src/azure-cli/azure/cli/command_modules/network/tests/latest/recordings/
 * test_private_endpoint_connection_{keyvault,storage_account,acr,cosmosdb,sql_server,webapp}.yaml`); the
 * shapes themselves are in privateEndpointConnections.ts. Which state changes each type refuses:
 * TRANSITIONS below (docs/azure-behaviour.md §9.1). Types without a source are ASSUMED (approve =
 * synchronous 200, delete = LRO, ARM's most common pattern; Rejected → Approved refused as the Private
 * Link docs say).
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
  /** `{id, properties: {privateEndpoint, privateLinkServiceConnectionState}}` (Cosmos DB, recorded). */
  | 'cosmos'
  /** The connection resources as a GET of each returns them (Storage, Network, most RPs; ASSUMED for the rest). */
  | 'full';

/**
 * How an approve/reject PUT answers (recorded shapes, docs/azure-behaviour.md §9.2):
 * - `sync`: 200 with the new state (Storage recorded; private link services and AKS per §4.2).
 * - `keyVault`: 200, new state, `provisioningState: Updating`, a new etag, `Azure-AsyncOperation` = the
 *   connection's own URL plus `&kv-operation=<base64url {code, st, etag}>`; Succeeded (another new etag)
 *   when done.
 * - `containerRegistry`: 201 although the connection exists, the OLD state with `Updating`,
 *   `Azure-AsyncOperation: {connectionId}/operationStatuses/privateendpointconnections-{guid}`.
 * - `cosmos`: 202 `{"status":"Enqueued"}`, `Azure-AsyncOperation: .../Microsoft.DocumentDB/locations/{loc}/
 *   operationsStatus/{id}` and `Location: {connectionId}/operationResults/{id}`; GETs keep showing the old
 *   state with `Succeeded` until done.
 * - `web`: 202, the connection with a transitional status (`Rejecting`; `Approving` ASSUMED) and its
 *   provisioningState unchanged; `Azure-AsyncOperation` and `Location` both
 *   `.../Microsoft.Web/locations/{Location}/operationResults/{id}`. A rejected connection keeps
 *   `provisioningState: Pending` (recorded for 3.5 minutes; the emulator never changes it, ASSUMED).
 * - `sql`: ASSUMED 202 with `Azure-AsyncOperation`/`Location` in SQL's recorded (DELETE) URL family,
 *   provisioningState `Approving`/`Rejecting` meanwhile (the SQL spec's enum, ASSUMED) and `Ready` when done.
 * - `generic`: ASSUMED 202 with the generic operation headers.
 */
export type ApprovalShape = 'sync' | 'keyVault' | 'containerRegistry' | 'cosmos' | 'web' | 'sql' | 'generic';

/**
 * How a DELETE answers: `sync` 200 (Storage, recorded); `keyVault` 202 with only `Location` = the
 * kv-operation URL (recorded); `containerRegistry` 202 body `null` with only `Location: .../locations/{loc}/
 * operationResults/privateendpointconnections-{guid}` (recorded); `web` 202 empty, `Azure-AsyncOperation`
 * `.../operationResults/{id}` and `Location` `.../operations/{id}` (api-version 2019-01-01, recorded), the
 * connection `Disconnecting`/`Deleting` meanwhile; `sql` 202 `{"operation":"DropPrivateEndpointConnection",
 * "startTime"}` with `.../resourceGroups/{rg}/providers/Microsoft.Sql/locations/{loc}/
 * privateEndpointConnectionAzureAsyncOperation|privateEndpointConnectionOperationResults/{id}` (recorded);
 * `network` / `generic`: 202 with that family's headers (ASSUMED for unrecorded types).
 */
export type RemovalShape = 'sync' | 'keyVault' | 'containerRegistry' | 'web' | 'sql' | 'network' | 'generic';

/** Which state changes a type refuses (TRANSITIONS). */
export type TransitionPolicy = 'keyVault' | 'storage' | 'cosmos' | 'sql' | 'default';

export interface PrivateLinkType {
  readonly type: string;
  /** undefined: any well-formed api-version (types outside the table). */
  readonly apiVersions: readonly string[] | undefined;
  /** Parent GET api-versions, when they differ from the connection's. */
  readonly parentApiVersions: readonly string[] | undefined;
  readonly approval: ApprovalShape;
  readonly removal: RemovalShape;
  readonly transitions: TransitionPolicy;
  /** The provisioningState a finished change shows (`Ready` on SQL, recorded). */
  readonly finalProvisioningState: 'Succeeded' | 'Ready';
  /** Virtual durations seen in the recordings (bounded by their polls), used under `privateLinkMs: 'recorded'`. */
  readonly recordedMs: {
    readonly put?: readonly [number, number];
    readonly delete?: readonly [number, number];
  };
  /** The connection names the recordings show (informative; connections come from the estate). */
  readonly nameForm: string;
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
  readonly approval?: ApprovalShape;
  readonly removal?: RemovalShape;
  readonly transitions?: TransitionPolicy;
  readonly finalProvisioningState?: 'Succeeded' | 'Ready';
  readonly recordedMs?: PrivateLinkType['recordedMs'];
  readonly nameForm?: string;
  readonly reflection?: Reflection;
  readonly stateDefaults?: Readonly<Record<string, string>>;
  readonly getMissingIs204?: boolean;
  readonly source: string;
}

const OVERRIDES: Readonly<Record<string, Override>> = {
  'microsoft.containerservice/managedclusters': {
    apiVersions: CONTAINER_SERVICE_VERSIONS,
    approval: 'sync',
    removal: 'generic',
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
    approval: 'keyVault',
    removal: 'keyVault',
    transitions: 'keyVault',
    // reject 06:13:49 → Succeeded seen 06:14:36 (last Updating 06:14:25); approve 06:14:42 → 06:15:29.
    recordedMs: { put: [35_000, 47_000], delete: [5_000, 30_000] },
    nameForm: 'the name the estate gives (recordings mask it as cli-pec-NNNNNN)',
    reflection: 'item',
    stateDefaults: { actionsRequired: 'None' },
    getMissingIs204: true,
    source:
      'recording test_private_endpoint_connection_keyvault.yaml (200 Updating + kv-operation, Rejected → Approved allowed, DELETE 202 Location); keyvault.*PrivateEndpointConnection.json (204 when absent)',
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
    approval: 'sync',
    removal: 'sync',
    transitions: 'storage',
    nameForm: '<accountName>.<guid> (recorded: saplr000002.283d3720-9386-4428-8431-8c2b9e2458ba)',
    reflection: 'full',
    stateDefaults: { actionRequired: 'None' },
    source:
      'recording test_private_endpoint_connection_storage_account.yaml (PUT 200 sync, DELETE 200, actionRequired); azure-rest-api-specs#30308 (approving an approved connection: InvalidValuesForRequestParameters)',
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
    approval: 'web',
    removal: 'web',
    // reject 07:40:23 → last Rejecting 07:41:05, Rejected 07:41:15.
    recordedMs: { put: [42_000, 52_000], delete: [5_000, 30_000] },
    nameForm: '<pe connection name>-<guid> (recorded: webapp-privatelink-endpointconn000007-e61d08ac-…)',
    reflection: 'full',
    stateDefaults: { actionsRequired: 'None' },
    source:
      'recording test_private_endpoint_connection_webapp.yaml (202 Rejecting, Pending kept, DELETE 202 Disconnecting); web.GetSitePrivateEndpointConnection*.json',
  },
  'microsoft.sql/servers': {
    extraVersions: ['2021-11-01', '2022-05-01-preview', '2023-05-01-preview', '2023-08-01'],
    approval: 'sql',
    removal: 'sql',
    transitions: 'sql',
    finalProvisioningState: 'Ready',
    nameForm: '<pe name>-<guid> (recorded: cli-pe-000004-87c23e24-bba9-4f69-b66a-b33ffb192793)',
    stateDefaults: { actionsRequired: 'None' },
    source:
      'recording test_private_endpoint_connection_sql_server.yaml (Ready, DELETE 202 DropPrivateEndpointConnection); azure-docs#71740 (only out of Pending); approve PUT shape ASSUMED',
  },
  'microsoft.network/privatelinkservices': {
    apiVersions: NETWORK_VERSIONS,
    approval: 'sync',
    removal: 'network',
    reflection: 'full',
    source:
      'docs/azure-behaviour.md §4.2 (approve 200 sync, delete LRO); network.PrivateLinkService*PrivateEndpointConnection.json',
  },
  'microsoft.network/applicationgateways': {
    apiVersions: NETWORK_VERSIONS,
    removal: 'network',
    source: 'CLI table; Network api-versions',
  },
  'microsoft.containerregistry/registries': {
    // The recorded `api-supported-versions` header.
    extraVersions: [
      '2020-11-01-preview',
      '2021-06-01-preview',
      '2021-08-01-preview',
      '2021-09-01',
      '2021-12-01-preview',
    ],
    approval: 'containerRegistry',
    removal: 'containerRegistry',
    // reject 23:47:00 → Rejected seen 23:47:11; delete 23:47:12 → gone 23:47:42.
    recordedMs: { put: [3_000, 11_000], delete: [3_000, 30_000] },
    nameForm: '<registryName>.<32 hex> (recorded: testreg000002.5a55a3dca1344167b82bc63b77191f61)',
    source:
      'recording test_private_endpoint_connection_acr.yaml (201 old status + Updating, operationStatuses; DELETE 202 null + Location)',
  },
  'microsoft.documentdb/databaseaccounts': {
    approval: 'cosmos',
    transitions: 'cosmos',
    reflection: 'cosmos',
    // approve 09:44:22 → old state at 09:44:35, new at 09:44:52; reject 09:44:40 → old at 09:45:43, new at 09:45:56.
    recordedMs: { put: [13_000, 76_000] },
    nameForm: '<pe name> (recorded: cli-pe-000005)',
    stateDefaults: { actionsRequired: 'None' },
    source:
      'recording test_private_endpoint_connection_cosmosdb.yaml (202 Enqueued, old state shown meanwhile); MicrosoftDocs/azure-docs#86823 (Rejected → Approved: BadRequest); delete ASSUMED generic LRO',
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
    approval: o?.approval ?? 'sync',
    removal: o?.removal ?? 'generic',
    transitions: o?.transitions ?? 'default',
    finalProvisioningState: o?.finalProvisioningState ?? 'Succeeded',
    recordedMs: o?.recordedMs ?? {},
    nameForm: o?.nameForm ?? 'the name the estate gives (no recording)',
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
      approval: 'sync',
      removal: 'generic',
      transitions: 'default',
      finalProvisioningState: 'Succeeded',
      recordedMs: {},
      nameForm: 'the name the estate gives (no recording)',
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

export type ConnectionStatus = 'Pending' | 'Approved' | 'Rejected' | 'Disconnected';

/** A refused state change: what the RP answers (HTTP status, error code and message) and where that is from. */
export interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly source: string;
}

/**
 * The error code for refusals whose real code no source shows (ASSUMED): synthetic, so no caller can
 * mistake it for a documented one. Callers must treat any 4xx on a state change as a refusal.
 */
export const TRANSITION_REFUSED = 'FedlinkEmulatorPrivateEndpointConnectionTransitionRefused';

const STORAGE_INVALID: Omit<Refusal, 'source'> = {
  status: 400,
  code: 'InvalidValuesForRequestParameters',
  message: 'Values for request parameters are invalid: privateLinkServiceConnectionState.status.',
};

/**
 * TRANSITIONS (docs/azure-behaviour.md §9.1): the first matching rule refuses; anything else is allowed
 * (including writing the same status again, which the Cosmos DB and Key Vault recordings show).
 *
 * | from → to | type | answer | source |
 * | Disconnected → any | all | 400 TRANSITION_REFUSED (ASSUMED) | §9.1 "Disconnected is terminal (delete it)" |
 * | any → Pending/Disconnected (from another status) | all | 400 TRANSITION_REFUSED (ASSUMED) | none: a provider approves, rejects or deletes |
 * | not Pending → any | SQL | 400 TRANSITION_REFUSED "private endpoint connection status is not pending" (code ASSUMED) | azure-docs#71740 |
 * | Approved → Approved | Storage | 400 InvalidValuesForRequestParameters | azure-rest-api-specs#30308 |
 * | Rejected → Approved | Storage | 400 InvalidValuesForRequestParameters (ASSUMED the same answer) | azure-cli#21160 ("not in a status that can be approved") |
 * | Rejected → Approved | Cosmos DB | 400 BadRequest "Approving rejected private endpoint connections is not supported." | azure-docs PR #86823 |
 * | Rejected → Approved | Key Vault | allowed | recording test_private_endpoint_connection_keyvault.yaml |
 * | Rejected → Approved | every other type | 400 TRANSITION_REFUSED (code/message ASSUMED) | azure-docs#115121 ("connections denied can't be approved") |
 */
export function refusalOf(
  policy: TransitionPolicy,
  from: ConnectionStatus,
  to: ConnectionStatus,
  connectionName: string,
): Refusal | undefined {
  if (from === 'Disconnected') {
    return {
      status: 400,
      code: TRANSITION_REFUSED,
      message: `Private endpoint connection '${connectionName}' is Disconnected; a disconnected connection cannot change state, delete it instead.`,
      source: 'docs/azure-behaviour.md §9.1 (Disconnected is terminal); code and message ASSUMED',
    };
  }
  if ((to === 'Pending' || to === 'Disconnected') && from !== to) {
    return {
      status: 400,
      code: TRANSITION_REFUSED,
      message: `Private endpoint connection '${connectionName}' cannot be set to ${to} by the resource owner; approve, reject or delete it.`,
      source: 'ASSUMED (no source shows a provider-side PUT to Pending or Disconnected)',
    };
  }
  if (policy === 'sql' && from !== 'Pending') {
    return {
      status: 400,
      code: TRANSITION_REFUSED,
      message: 'private endpoint connection status is not pending',
      source: 'MicrosoftDocs/azure-docs#71740 (message); HTTP status and code ASSUMED',
    };
  }
  if (policy === 'storage' && to === 'Approved' && (from === 'Approved' || from === 'Rejected')) {
    return {
      ...STORAGE_INVALID,
      source:
        from === 'Approved'
          ? 'Azure/azure-rest-api-specs#30308 (approving an approved connection; HTTP 400 per the CLI catching 400, azure-cli#12383)'
          : 'Azure/azure-cli#21160 ("not in a status that can be approved"); the same answer as for Approved ASSUMED',
    };
  }
  if (from === 'Rejected' && to === 'Approved') {
    if (policy === 'keyVault') return undefined;
    if (policy === 'cosmos') {
      return {
        status: 400,
        code: 'BadRequest',
        message: 'Approving rejected private endpoint connections is not supported.',
        source: 'MicrosoftDocs/azure-docs PR #86823 (the CLI shows "(BadRequest) Approving rejected ...")',
      };
    }
    return {
      status: 400,
      code: TRANSITION_REFUSED,
      message: `Private endpoint connection '${connectionName}' is Rejected; a rejected connection cannot be approved.`,
      source:
        'MicrosoftDocs/azure-docs#115121 ("connections denied can\'t be approved"); code and message ASSUMED',
    };
  }
  return undefined;
}
