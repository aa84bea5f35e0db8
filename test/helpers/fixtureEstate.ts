/**
 * Estates derived, in code, from the verbatim published examples in `test/fixtures/azure` (never edited):
 * one FixtureCase per example the emulator can replay (its own small estate, the request to send and
 * the published answer to expect), the list of examples it cannot use and why, and `fixtureEstate()`,
 * one estate holding every usable example's resources (for round-trip tests).
 *
 * Derivation rules, applied per case and listed in `derivation`:
 * - A GET/list example's 200 body is the estate (a CreateOrUpdate example's 200 body is the resource as
 *   a GET returns it).
 * - Where a body has no id, or placeholders (`{subscription-id}`, `{privateEndpointConnectionName}`),
 *   or an id that does not match the request path the example publishes, the request's path parameters
 *   build the id and the comparison names the field as a published oddity.
 * - Parents the example does not give (the key vault of a connection, the identity of a FIC) are
 *   synthesized minimally, or re-homed from a sibling example.
 * - The estate requires `name` and `type` on every resource; where a published body lacks them the
 *   derivation adds them and the comparison ignores them.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { normalizeResourceId } from '../../shared/core/resourceId';
import { type ArmResource, type Estate } from '../../sandbox/estate';

export const FIXTURES_DIR = resolve(__dirname, '../fixtures/azure');
/** The tenant of the published IdentityCreate example; every fixture subscription is placed in it. */
export const FIXTURE_TENANT = 'b6c948ef-f6b5-4384-8354-da3a15eca969';
/** Stands for the `{subscription-id}` placeholder of the Storage examples. */
export const PLACEHOLDER_SUBSCRIPTION = 'f1f1f1f1-0000-4000-8000-000000000001';

export interface Example {
  readonly parameters: Record<string, unknown>;
  readonly responses: Record<string, { readonly body?: unknown; readonly headers?: Record<string, string> }>;
  readonly operationId?: string;
  readonly title?: string;
}

export interface FixtureCase {
  /** Path under `test/fixtures/azure`. */
  readonly file: string;
  /** The operation replayed against the emulator. */
  readonly operation: string;
  readonly apiVersion: string;
  readonly estate: Estate;
  readonly request: {
    readonly subscriptionId: string;
    readonly resourceGroup: string;
    /** Resource names along the path, outermost first (e.g. identity, FIC). */
    readonly names: readonly string[];
    /** The REST request body (as published, substitutions applied). */
    readonly body?: unknown;
  };
  /** Published answers by status, with the derivation's substitutions applied. */
  readonly expected: Readonly<Record<string, unknown>>;
  /** Paths left out of the comparison (e.g. `properties.clientId`, `value[0].id`) and why. */
  readonly ignore: Readonly<Record<string, string>>;
  /** What the derivation changed compared with the published file. */
  readonly derivation: readonly string[];
}

export interface SkippedFixture {
  readonly file: string;
  readonly reason: string;
}

export function readFixture(file: string): Example {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, file), 'utf8')) as Example;
}

/** Every JSON file under `test/fixtures/azure`, relative paths, sorted. */
export function allFixtureFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith('.json')) out.push(relative(FIXTURES_DIR, full));
    }
  };
  walk(FIXTURES_DIR);
  return out.sort();
}

// ---- small JSON utilities ----

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Replaces substrings in every string of a JSON value. */
export function substitute<T>(value: T, map: Readonly<Record<string, string>>): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string')
      return Object.entries(map).reduce((s, [from, to]) => s.split(from).join(to), v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** A copy of `value` without the given paths (`a.b`, `value[0].id`, `value[*].etag`). */
export function withoutPaths(value: unknown, paths: readonly string[]): unknown {
  if (value === undefined) return undefined;
  const copy = clone(value);
  for (const path of paths) {
    const parts = path.match(/[^.[\]]+/g) ?? [];
    const drop = (node: unknown, i: number): void => {
      if (node === null || typeof node !== 'object') return;
      const key = parts[i]!;
      const targets =
        key === '*' && Array.isArray(node)
          ? node.map((_, k) => k)
          : [Array.isArray(node) ? Number(key) : key];
      for (const t of targets) {
        if (i === parts.length - 1) {
          if (Array.isArray(node)) continue;
          delete (node as Record<string, unknown>)[t as string];
        } else drop((node as Record<string | number, unknown>)[t], i + 1);
      }
    };
    drop(copy, 0);
  }
  return copy;
}

function body(example: Example, status: string): Record<string, unknown> {
  const b = example.responses[status]?.body;
  if (b === undefined || b === null || typeof b !== 'object')
    throw new Error(`fixture has no ${status} body`);
  return clone(b as Record<string, unknown>);
}

function resource(value: Record<string, unknown>): ArmResource {
  const { id, name, type } = value;
  if (typeof id !== 'string' || typeof name !== 'string' || typeof type !== 'string') {
    throw new Error(`derived resource lacks id/name/type: ${JSON.stringify(value).slice(0, 200)}`);
  }
  return { ...value, id, name, type };
}

function resourceGroup(subscriptionId: string, name: string, location = 'eastus'): ArmResource {
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${name}`,
    name,
    type: 'Microsoft.Resources/resourceGroups',
    location,
    properties: { provisioningState: 'Succeeded' },
  };
}

function estate(resources: ArmResource[]): Estate {
  const subs = new Map<string, string>();
  for (const r of resources) {
    const sub = r.id.split('/')[2]!;
    if (!subs.has(sub.toLowerCase())) subs.set(sub.toLowerCase(), sub);
  }
  return { tenants: [{ tenantId: FIXTURE_TENANT, subscriptions: [...subs.values()] }], resources };
}

function pending<T extends Record<string, unknown>>(connection: T): T {
  const c = clone(connection);
  const props = c['properties'] as Record<string, unknown>;
  props['privateLinkServiceConnectionState'] = {
    status: 'Pending',
    description: 'Awaiting approval (derived variant)',
    actionsRequired: 'None',
  };
  return c;
}

// ---- the cases ----

const AKS_SUB = '00000000-0000-0000-0000-000000000000';
const AKS_CLUSTER_ID = `/subscriptions/${AKS_SUB}/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1`;
const MSI_SUB_FIC = 'c267c0e7-0a73-4789-9e17-d26aeb0904e5';

function aksCluster(): ArmResource {
  return resource(
    (
      body(readFixture('containerservice/ManagedClustersList.json'), '200')['value'] as Record<
        string,
        unknown
      >[]
    )[0]!,
  );
}

/** The published identity (IdentityCreate 200 body) moved to another id. */
function identityAt(id: string): ArmResource {
  const b = body(readFixture('managedidentity/IdentityCreate.json'), '200');
  return resource({ ...b, id, name: id.split('/').pop()! });
}

function clusterCases(): FixtureCase[] {
  const list = readFixture('containerservice/ManagedClustersList.json');
  const byRg = readFixture('containerservice/ManagedClustersListByResourceGroup.json');
  const out: FixtureCase[] = [
    {
      file: 'containerservice/ManagedClustersList.json',
      operation: 'ManagedClusters_List (GET, subscription)',
      apiVersion: '2026-08-01',
      estate: estate([aksCluster()]),
      request: { subscriptionId: AKS_SUB, resourceGroup: 'rg1', names: [] },
      expected: { '200': body(list, '200') },
      ignore: {},
      derivation: ['estate: the 200 body value[0]'],
    },
    {
      file: 'containerservice/ManagedClustersListByResourceGroup.json',
      operation: 'ManagedClusters_ListByResourceGroup (GET)',
      apiVersion: '2026-08-01',
      estate: estate([resource((body(byRg, '200')['value'] as Record<string, unknown>[])[0]!)]),
      request: { subscriptionId: AKS_SUB, resourceGroup: 'rg1', names: [] },
      expected: { '200': body(byRg, '200') },
      ignore: {},
      derivation: ['estate: the 200 body value[0]'],
    },
  ];
  for (const file of [
    'containerservice/ManagedClustersCreate_SecurityProfile.json',
    'containerservice/ManagedClustersCreate_PrivateClusterFQDNSubdomain.json',
  ]) {
    const ex = readFixture(file);
    out.push({
      file,
      operation: 'ManagedClusters_Get (GET of the resource the CreateOrUpdate example answers with)',
      apiVersion: '2026-08-01',
      estate: estate([resource(body(ex, '200'))]),
      request: { subscriptionId: AKS_SUB, resourceGroup: 'rg1', names: ['clustername1'] },
      expected: { '200': body(ex, '200') },
      ignore: {},
      derivation: [
        'estate: the CreateOrUpdate 200 body (the cluster as a GET returns it); the emulator does not serve cluster PUT',
      ],
    });
  }
  return out;
}

function identityCases(): FixtureCase[] {
  const create = readFixture('managedidentity/IdentityCreate.json');
  const list = readFixture('managedidentity/IdentityListByResourceGroup.json');
  const ficCreate = readFixture('managedidentity/FederatedIdentityCredentialCreate.json');
  const ficList = readFixture('managedidentity/FederatedIdentityCredentialList.json');
  const ficDelete = readFixture('managedidentity/FederatedIdentityCredentialDelete.json');
  const serverSetIdentity = {
    'properties.clientId': 'server-set: a new client id (seeded GUID in the emulator)',
    'properties.principalId': 'server-set: a new principal id (seeded GUID in the emulator)',
    'properties.assignmentRestrictions': 'not modelled: appears in the 2026-05-31 example only',
  };
  const ficIdentityId = `/subscriptions/${MSI_SUB_FIC}/resourcegroups/rgName/providers/Microsoft.ManagedIdentity/userAssignedIdentities/identityName`;
  const ficBody = body(ficCreate, '200');
  return [
    {
      file: 'managedidentity/IdentityCreate.json',
      operation: 'UserAssignedIdentities_CreateOrUpdate (PUT: 201, then 200)',
      apiVersion: '2026-05-31',
      estate: estate([resourceGroup('subid', 'rgName')]),
      request: {
        subscriptionId: 'subid',
        resourceGroup: 'rgName',
        names: ['identityName'],
        body: create.parameters['parameters'],
      },
      expected: { '201': body(create, '201'), '200': body(create, '200') },
      ignore: serverSetIdentity,
      derivation: [
        "request: subscription 'subid' and name 'identityName' from the published answer's id (the published parameters say 12345678-… and 'resourceName')",
        "estate: only the resource group 'rgName' (synthesized)",
      ],
    },
    {
      file: 'managedidentity/IdentityListByResourceGroup.json',
      operation: 'UserAssignedIdentities_ListByResourceGroup (GET)',
      apiVersion: '2026-05-31',
      estate: estate([resource((body(list, '200')['value'] as Record<string, unknown>[])[0]!)]),
      request: { subscriptionId: 'subid', resourceGroup: 'rgName', names: [] },
      expected: { '200': body(list, '200') },
      ignore: {
        nextLink:
          'paging: the published example points at a second page; the emulator sends nextLink only when more items exist',
      },
      derivation: [
        "request: subscription 'subid' from the listed id (the published parameters say 12345678-…)",
      ],
    },
    {
      file: 'managedidentity/FederatedIdentityCredentialCreate.json',
      operation: 'FederatedIdentityCredentials_CreateOrUpdate (PUT: 201, then 200)',
      apiVersion: '2026-05-31',
      estate: estate([identityAt(ficIdentityId)]),
      request: {
        subscriptionId: MSI_SUB_FIC,
        resourceGroup: 'rgName',
        names: ['identityName', 'ficResourceName'],
        body: ficCreate.parameters['parameters'],
      },
      expected: { '201': body(ficCreate, '201'), '200': body(ficCreate, '200') },
      ignore: {},
      derivation: [
        "request: identity 'identityName' from the published answer's id (the published parameters say 'resourceName')",
        'estate: the parent identity, IdentityCreate.json 200 body re-homed to that id',
      ],
    },
    {
      file: 'managedidentity/FederatedIdentityCredentialList.json',
      operation: 'FederatedIdentityCredentials_List (GET, $top=20)',
      apiVersion: '2026-05-31',
      estate: estate([
        identityAt(ficIdentityId),
        resource((body(ficList, '200')['value'] as Record<string, unknown>[])[0]!),
      ]),
      request: { subscriptionId: MSI_SUB_FIC, resourceGroup: 'rgName', names: ['identityName'] },
      expected: { '200': body(ficList, '200') },
      ignore: {
        nextLink:
          'paging: the published example points at a second page; the emulator sends nextLink only when more items exist',
      },
      derivation: [
        "request: identity 'identityName' from the listed id",
        'estate: the parent identity re-homed from IdentityCreate.json, and value[0]',
      ],
    },
    {
      file: 'managedidentity/FederatedIdentityCredentialDelete.json',
      operation: 'FederatedIdentityCredentials_Delete (DELETE: 200, then 204)',
      apiVersion: '2026-05-31',
      estate: estate([
        identityAt(
          `/subscriptions/${MSI_SUB_FIC}/resourceGroups/rgName/providers/Microsoft.ManagedIdentity/userAssignedIdentities/resourceName`,
        ),
        resource({
          ...ficBody,
          id: `/subscriptions/${MSI_SUB_FIC}/resourceGroups/rgName/providers/Microsoft.ManagedIdentity/userAssignedIdentities/resourceName/federatedIdentityCredentials/ficResourceName`,
        }),
      ]),
      request: {
        subscriptionId: String(ficDelete.parameters['subscriptionId']),
        resourceGroup: String(ficDelete.parameters['resourceGroupName']),
        names: [
          String(ficDelete.parameters['resourceName']),
          String(ficDelete.parameters['federatedIdentityCredentialResourceName']),
        ],
      },
      expected: { '200': undefined, '204': undefined },
      ignore: {},
      derivation: [
        'estate: the ids from the path parameters (the example has no body); identity from IdentityCreate.json, FIC properties from FederatedIdentityCredentialCreate.json',
      ],
    },
  ];
}

function storageAccount(subscriptionId: string, rg: string, name: string): ArmResource {
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${name}`,
    name,
    type: 'Microsoft.Storage/storageAccounts',
    location: 'eastus',
    kind: 'StorageV2',
    sku: { name: 'Standard_LRS', tier: 'Standard' },
    properties: { provisioningState: 'Succeeded' },
  };
}

function privateLinkCases(): FixtureCase[] {
  const aksGet = readFixture('privatelink/aks.PrivateEndpointConnectionsGet.json');
  const aksList = readFixture('privatelink/aks.PrivateEndpointConnectionsList.json');
  const aksUpdate = readFixture('privatelink/aks.PrivateEndpointConnectionsUpdate.json');
  const aksPecId = `${AKS_CLUSTER_ID}/privateEndpointConnections/privateendpointconnection1`;
  const aksPec = resource({ ...body(aksGet, '200'), id: aksPecId });
  const aksOddity = {
    id: "published oddity: the example's id says 'managedCluster' (singular), not an id the request path addresses",
  };

  const kvGet = readFixture('privatelink/keyvault.getPrivateEndpointConnection.json');
  const kvList = readFixture('privatelink/keyvault.listPrivateEndpointConnection.json');
  const kvPut = readFixture('privatelink/keyvault.putPrivateEndpointConnection.json');
  const kvVaultId = `/subscriptions/${AKS_SUB}/resourceGroups/sample-group/providers/Microsoft.KeyVault/vaults/sample-vault`;
  const vault: ArmResource = {
    id: kvVaultId,
    name: 'sample-vault',
    type: 'Microsoft.KeyVault/vaults',
    location: 'westus',
    properties: { tenantId: FIXTURE_TENANT, sku: { family: 'A', name: 'standard' }, accessPolicies: [] },
  };
  const kvPec = resource(body(kvGet, '200'));
  const kvListBody = body(kvList, '200');
  const kvValue = kvListBody['value'] as unknown[];

  const stList = readFixture('privatelink/storage.StorageAccountListPrivateEndpointConnections.json');
  const stPut = readFixture('privatelink/storage.StorageAccountPutPrivateEndpointConnection.json');
  const stListBody = substitute(body(stList, '200'), { '{subscription-id}': PLACEHOLDER_SUBSCRIPTION });
  const stAccountPath = `/subscriptions/${PLACEHOLDER_SUBSCRIPTION}/resourceGroups/res6977/providers/Microsoft.Storage/storageAccounts/sto2527`;
  const stListValue = (stListBody['value'] as Record<string, unknown>[]).map((v, i) => {
    const name = `petest0${i + 1}`;
    return { ...v, id: `${stAccountPath}/privateEndpointConnections/${name}`, name };
  });
  const stPutAccount = storageAccount(AKS_SUB, 'res7687', 'sto9699');
  const stPutPecId = `${stPutAccount.id}/privateEndpointConnections/petest01`;
  const stPutBody = {
    ...substitute(body(stPut, '200'), { '{subscription-id}': PLACEHOLDER_SUBSCRIPTION }),
    id: stPutPecId,
    name: 'petest01',
  };

  const webGet = readFixture('privatelink/web.GetSitePrivateEndpointConnection.json');
  const webList = readFixture('privatelink/web.GetSitePrivateEndpointConnectionList.json');
  const webSiteId =
    '/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg/providers/Microsoft.Web/sites/testSite';
  const site: ArmResource = {
    id: webSiteId,
    name: 'testSite',
    type: 'Microsoft.Web/sites',
    location: 'eastus',
    kind: 'app',
    properties: { state: 'Running' },
  };
  const webPec = resource({
    ...body(webGet, '200'),
    name: 'connection',
    type: 'Microsoft.Web/sites/privateEndpointConnections',
  });
  const webAdded = {
    name: 'added by the derivation (the published body has none)',
    type: 'added by the derivation (the published body has none)',
  };

  const plsGet = readFixture('privatelink/network.PrivateLinkServiceGetPrivateEndpointConnection.json');
  const plsUpdate = readFixture('privatelink/network.PrivateLinkServiceUpdatePrivateEndpointConnection.json');
  const plsId =
    '/subscriptions/subId/resourceGroups/rg1/providers/Microsoft.Network/privateLinkServices/testPls';
  const pls: ArmResource = {
    id: plsId,
    name: 'testPls',
    type: 'Microsoft.Network/privateLinkServices',
    location: 'eastus',
    properties: {
      provisioningState: 'Succeeded',
      visibility: { subscriptions: [] },
      autoApproval: { subscriptions: [] },
    },
  };
  const plsPecType = 'Microsoft.Network/privateLinkServices/privateEndpointConnections';
  const plsTypeAdded = { type: 'added by the derivation (the published body has none)' };

  const peGet = readFixture('privatelink/network.PrivateEndpointGet.json');
  const zoneGroup = readFixture('privatelink/network.PrivateEndpointDnsZoneGroupCreate.json');
  const zoneGroupPe: ArmResource = resource(
    substitute(
      {
        ...body(peGet, '200'),
        properties: {
          ...(body(peGet, '200')['properties'] as Record<string, unknown>),
          customDnsConfigs: [
            { fqdn: 'abc.zone1.com', ipAddresses: ['10.0.0.4'] },
            { fqdn: 'abc2.zone1.com', ipAddresses: ['10.0.0.5'] },
          ],
        },
      },
      { '/subscriptions/subId/': `/subscriptions/${AKS_SUB}/` },
    ),
  );
  const zone1 = resource({
    ...body(readFixture('privatedns/PrivateZoneGet.json'), '200'),
    id: `/subscriptions/${AKS_SUB}/resourceGroups/rg1/providers/Microsoft.Network/privateDnsZones/zone1.com`,
    name: 'zone1.com',
  });

  return [
    {
      file: 'privatelink/aks.PrivateEndpointConnectionsGet.json',
      operation: 'PrivateEndpointConnections_Get (AKS)',
      apiVersion: '2026-08-01',
      estate: estate([aksCluster(), aksPec]),
      request: {
        subscriptionId: AKS_SUB,
        resourceGroup: 'rg1',
        names: ['clustername1', 'privateendpointconnection1'],
      },
      expected: { '200': body(aksGet, '200') },
      ignore: aksOddity,
      derivation: [
        'estate: the parent cluster from ManagedClustersList.json, and the connection under the id the path parameters build',
      ],
    },
    {
      file: 'privatelink/aks.PrivateEndpointConnectionsList.json',
      operation: 'PrivateEndpointConnections_List (AKS)',
      apiVersion: '2026-08-01',
      estate: estate([aksCluster(), aksPec]),
      request: { subscriptionId: AKS_SUB, resourceGroup: 'rg1', names: ['clustername1'] },
      expected: { '200': body(aksList, '200') },
      ignore: { 'value[0].id': aksOddity.id },
      derivation: ['estate: as for aks.PrivateEndpointConnectionsGet.json'],
    },
    {
      file: 'privatelink/aks.PrivateEndpointConnectionsUpdate.json',
      operation: 'PrivateEndpointConnections_Update (AKS, synchronous PUT: 200)',
      apiVersion: '2026-08-01',
      estate: estate([aksCluster(), resource(pending(body(aksUpdate, '200')))]),
      request: {
        subscriptionId: AKS_SUB,
        resourceGroup: 'rg1',
        names: ['clustername1', 'privateendpointconnection1'],
        body: aksUpdate.parameters['parameters'],
      },
      expected: { '200': body(aksUpdate, '200') },
      ignore: {},
      derivation: [
        'estate: the 200 body as a Pending connection (the state before approval); the 201 answer needs a connection the provider cannot create, so it is not replayed',
      ],
    },
    {
      file: 'privatelink/keyvault.getPrivateEndpointConnection.json',
      operation: 'PrivateEndpointConnections_Get (Key Vault; 200, and 204 for a missing connection)',
      apiVersion: '2026-02-01',
      estate: estate([vault, kvPec]),
      request: {
        subscriptionId: AKS_SUB,
        resourceGroup: 'sample-group',
        names: ['sample-vault', 'sample-pec'],
      },
      expected: { '200': body(kvGet, '200'), '204': undefined },
      ignore: {},
      derivation: ['estate: a synthesized vault, and the 200 body'],
    },
    {
      file: 'privatelink/keyvault.listPrivateEndpointConnection.json',
      operation: 'PrivateEndpointConnections_ListByResource (Key Vault)',
      apiVersion: '2026-02-01',
      estate: estate([vault, kvPec]),
      request: { subscriptionId: AKS_SUB, resourceGroup: 'sample-group', names: ['sample-vault'] },
      expected: { '200': { ...kvListBody, value: [kvValue[0]] } },
      ignore: { nextLink: 'paging: published as null; the emulator omits nextLink on the last page' },
      derivation: [
        'expected: the published list repeats one connection (same id) twice; an estate holds one resource per id, so it is expected once',
      ],
    },
    {
      file: 'privatelink/keyvault.putPrivateEndpointConnection.json',
      operation: 'PrivateEndpointConnections_Put (Key Vault: 200 Updating, then Succeeded)',
      apiVersion: '2026-02-01',
      estate: estate([vault, resource(pending(body(kvGet, '200')))]),
      request: {
        subscriptionId: AKS_SUB,
        resourceGroup: 'sample-group',
        names: ['sample-vault', 'sample-pec'],
        body: kvPut.parameters['properties'],
      },
      expected: { '200': body(kvPut, '200') },
      ignore: {
        etag: "recorded traffic (azure-cli test_private_endpoint_connection_keyvault.yaml) shows a fresh etag per write; the published '' is a placeholder",
      },
      derivation: [
        'estate: keyvault.getPrivateEndpointConnection.json 200 body as a Pending connection',
        'compared: the connection once the recorded long-running update has finished (the published example answers Succeeded at once)',
      ],
    },
    {
      file: 'privatelink/storage.StorageAccountListPrivateEndpointConnections.json',
      operation: 'PrivateEndpointConnections_List (Storage)',
      apiVersion: '2025-01-01',
      estate: estate([
        storageAccount(PLACEHOLDER_SUBSCRIPTION, 'res6977', 'sto2527'),
        ...stListValue.map(resource),
      ]),
      request: { subscriptionId: PLACEHOLDER_SUBSCRIPTION, resourceGroup: 'res6977', names: ['sto2527'] },
      expected: { '200': { ...stListBody, value: stListValue } },
      ignore: {},
      derivation: [
        `'{subscription-id}' → ${PLACEHOLDER_SUBSCRIPTION}`,
        "ids: the published ones name account res7231/sto288 and the placeholder '{privateEndpointConnectionName}' twice; the path parameters' account (res6977/sto2527) and the names petest01/petest02 are used",
        'estate: a synthesized storage account',
      ],
    },
    {
      file: 'privatelink/storage.StorageAccountPutPrivateEndpointConnection.json',
      operation: 'PrivateEndpointConnections_Put (Storage, synchronous)',
      apiVersion: '2026-06-01',
      estate: estate([stPutAccount, resource(pending(stPutBody))]),
      request: {
        subscriptionId: AKS_SUB,
        resourceGroup: 'res7687',
        names: ['sto9699', 'petest01'],
        body: stPut.parameters['properties'],
      },
      expected: { '200': stPutBody },
      ignore: {},
      derivation: [
        `'{subscription-id}' → ${PLACEHOLDER_SUBSCRIPTION}; the connection name placeholder → petest01`,
        "id: the published answer names account res7231/sto288; the path parameters' account res7687/sto9699 is used",
        'estate: a synthesized storage account and the answer as a Pending connection',
      ],
    },
    {
      file: 'privatelink/web.GetSitePrivateEndpointConnection.json',
      operation: 'WebApps_GetPrivateEndpointConnection',
      apiVersion: '2026-09-01',
      estate: estate([site, webPec]),
      request: {
        subscriptionId: '34adfa4f-cedf-4dc0-ba29-b6d1a69ab345',
        resourceGroup: 'rg',
        names: ['testSite', 'connection'],
      },
      expected: { '200': body(webGet, '200') },
      ignore: webAdded,
      derivation: ['estate: a synthesized site, and the 200 body with name and type added'],
    },
    {
      file: 'privatelink/web.GetSitePrivateEndpointConnectionList.json',
      operation: 'WebApps_GetPrivateEndpointConnectionList',
      apiVersion: '2026-09-01',
      estate: estate([site, webPec]),
      request: {
        subscriptionId: '34adfa4f-cedf-4dc0-ba29-b6d1a69ab345',
        resourceGroup: 'rg',
        names: ['testSite'],
      },
      expected: { '200': body(webList, '200') },
      ignore: {
        nextLink: 'paging: published as null; the emulator omits nextLink on the last page',
        'value[0].name': webAdded.name,
        'value[0].type': webAdded.type,
      },
      derivation: [
        "request: site 'testSite' from the listed ids (the published parameters say 'testStaticSite0')",
      ],
    },
    {
      file: 'privatelink/network.PrivateEndpointGet.json',
      operation: 'PrivateEndpoints_Get',
      apiVersion: '2025-05-01',
      estate: estate([resource(body(peGet, '200'))]),
      request: { subscriptionId: 'subId', resourceGroup: 'rg1', names: ['testPe'] },
      expected: { '200': body(peGet, '200') },
      ignore: {},
      derivation: ['estate: the 200 body'],
    },
    {
      file: 'privatelink/network.PrivateEndpointDnsZoneGroupCreate.json',
      operation: 'PrivateDnsZoneGroups_CreateOrUpdate (LRO: 201, polled to Succeeded; then 200)',
      apiVersion: '2025-07-01',
      estate: estate([zoneGroupPe, zone1]),
      request: {
        subscriptionId: AKS_SUB,
        resourceGroup: 'rg1',
        names: ['testPe', 'testPdnsgroup'],
        body: zoneGroup.parameters['parameters'],
      },
      expected: { '200': body(zoneGroup, '200'), '201': body(zoneGroup, '201') },
      ignore: {
        id: "published oddity: the example's id says privateLinkServices/testPe, the request path privateEndpoints/testPe",
        etag: 'server-set (the published example omits it)',
        type: 'server-set (the published example omits it)',
      },
      derivation: [
        'estate: the private endpoint of PrivateEndpointGet.json moved to subscription 00000000-…, with customDnsConfigs abc.zone1.com/abc2.zone1.com → 10.0.0.4/10.0.0.5 (the records the published answer lists; a record goes only into the zone that contains its fqdn, docs/azure-behaviour.md §9.3)',
        'estate: zone zone1.com, PrivateZoneGet.json re-homed',
        'expected: the published 201 body is the final state; the emulator answers 201 with the operation in progress (docs/azure-behaviour.md §6.1) and the poller reads the final body',
      ],
    },
    {
      file: 'privatelink/network.PrivateLinkServiceGetPrivateEndpointConnection.json',
      operation: 'PrivateLinkServices_GetPrivateEndpointConnection',
      apiVersion: '2025-01-01',
      estate: estate([pls, resource({ ...body(plsGet, '200'), type: plsPecType })]),
      request: { subscriptionId: 'subId', resourceGroup: 'rg1', names: ['testPls', 'testPlePeConnection'] },
      expected: { '200': body(plsGet, '200') },
      ignore: plsTypeAdded,
      derivation: ['estate: a synthesized private link service, and the 200 body with type added'],
    },
    {
      file: 'privatelink/network.PrivateLinkServiceUpdatePrivateEndpointConnection.json',
      operation: 'PrivateLinkServices_UpdatePrivateEndpointConnection (synchronous PUT)',
      apiVersion: '2025-07-01',
      estate: estate([pls, resource({ ...pending(body(plsUpdate, '200')), type: plsPecType })]),
      request: {
        subscriptionId: 'subId',
        resourceGroup: 'rg1',
        names: ['testPls', 'testPlePeConnection'],
        body: plsUpdate.parameters['parameters'],
      },
      expected: { '200': body(plsUpdate, '200') },
      ignore: plsTypeAdded,
      derivation: [
        'estate: a synthesized private link service and the 200 body as a Pending connection, type added',
      ],
    },
  ];
}

function privateDnsCases(): FixtureCase[] {
  const zoneGet = readFixture('privatedns/PrivateZoneGet.json');
  const linkPut = readFixture('privatedns/VirtualNetworkLinkPut.json');
  const linkList = readFixture('privatedns/VirtualNetworkLinkList.json');
  const recordGet = readFixture('privatedns/RecordSetAGet.json');
  const zone = resource(body(zoneGet, '200'));
  return [
    {
      file: 'privatedns/PrivateZoneGet.json',
      operation: 'PrivateZones_Get (api-version 2020-06-01 as published)',
      apiVersion: '2020-06-01',
      estate: estate([zone]),
      request: {
        subscriptionId: 'subscriptionId',
        resourceGroup: 'resourceGroup1',
        names: ['privatezone1.com'],
      },
      expected: { '200': body(zoneGet, '200') },
      ignore: {},
      derivation: ['estate: the 200 body'],
    },
    {
      file: 'privatedns/VirtualNetworkLinkPut.json',
      operation: 'VirtualNetworkLinks_CreateOrUpdate (LRO: 202 {} then polled, create and update alike)',
      apiVersion: '2024-06-01',
      estate: estate([zone]),
      request: {
        subscriptionId: 'subscriptionId',
        resourceGroup: 'resourceGroup1',
        names: ['privatezone1.com', 'virtualNetworkLink1'],
        body: linkPut.parameters['parameters'],
      },
      expected: { '201': body(linkPut, '201'), '200': body(linkPut, '200') },
      ignore: { etag: 'server-set: a new etag per write' },
      derivation: [
        'estate: the zone of PrivateZoneGet.json',
        "expected: the published 201/200 bodies are the finished link after a create / an update; the emulator answers both with the 202 variant (body `{}`, as Azure/azure-cli's recordings test_PutLink_*.yaml show) and the poller reads the finished link",
      ],
    },
    {
      file: 'privatedns/VirtualNetworkLinkList.json',
      operation: 'VirtualNetworkLinks_List',
      apiVersion: '2024-06-01',
      estate: estate([zone, ...(body(linkList, '200')['value'] as Record<string, unknown>[]).map(resource)]),
      request: {
        subscriptionId: 'subscriptionId',
        resourceGroup: 'resourceGroup1',
        names: ['privatezone1.com'],
      },
      expected: { '200': body(linkList, '200') },
      ignore: {
        nextLink:
          'paging: the published example points at a second page; the emulator sends nextLink only when more items exist',
      },
      derivation: ['estate: the zone of PrivateZoneGet.json and both links'],
    },
    {
      file: 'privatedns/RecordSetAGet.json',
      operation: 'RecordSets_Get (A)',
      apiVersion: '2024-06-01',
      estate: estate([zone, resource(body(recordGet, '200'))]),
      request: {
        subscriptionId: 'subscriptionId',
        resourceGroup: 'resourceGroup1',
        names: ['privatezone1.com', 'recordA'],
      },
      expected: { '200': body(recordGet, '200') },
      ignore: {},
      derivation: [
        'estate: the zone of PrivateZoneGet.json and the 200 body (requested as recordA, stored lower-case as published)',
      ],
    },
  ];
}

function armTypeOf(id: string): string {
  const parts = id.split('/');
  const p = parts.findIndex((x) => x.toLowerCase() === 'providers');
  const types: string[] = [parts[p + 1]!];
  for (let i = p + 2; i < parts.length; i += 2) types.push(parts[i]!);
  return types.join('/');
}

function resourceGraphCases(): FixtureCase[] {
  const basic = readFixture('resourcegraph/ResourcesBasicQuery.json');
  const rows = body(basic, '200')['data'] as Record<string, unknown>[];
  const resources = rows.map((r) =>
    resource({
      id: r['id'],
      name: r['name'],
      type: armTypeOf(String(r['id'])),
      location: r['location'],
      tags: r['tags'],
    }),
  );
  return [
    {
      file: 'resourcegraph/ResourcesBasicQuery.json',
      operation: 'Resources (POST query: project + limit)',
      apiVersion: '2024-04-01',
      estate: estate(resources),
      request: {
        subscriptionId: 'cfbbd179-59d2-4052-aa06-9270a38aa9d6',
        resourceGroup: '',
        names: [],
        body: basic.parameters['query'],
      },
      expected: { '200': body(basic, '200') },
      ignore: {},
      derivation: [
        'estate: one resource per published row (id, name, location, tags; type in ARM casing from the id)',
      ],
    },
  ];
}

/** Examples replayed as shapes rather than resources (see the fidelity suite). */
const SHAPE_CASES: readonly SkippedFixture[] = [
  {
    file: 'arm/async-operation-status.vm-start-inprogress.json',
    reason: "shape: the emulator's in-progress status body has exactly these keys",
  },
  {
    file: 'arm/error-response.rpc.json',
    reason: "shape: the emulator's error bodies use the RPC envelope's keys",
  },
  {
    file: 'arm/private-endpoint-connection-api-versions.json',
    reason: "table: the emulator's per-type api-versions are this file's",
  },
];

export function shapeFixtures(): readonly SkippedFixture[] {
  return SHAPE_CASES;
}

export function skippedFixtures(): SkippedFixture[] {
  const events = allFixtureFiles().filter((f) => f.startsWith('eventgrid/'));
  return [
    ...events.map((file) => ({
      file,
      reason: 'an Event Grid event or handshake: belongs to the trigger tests, not to the ARM emulator',
    })),
    {
      file: 'resourcegraph/ResourcesNextPageQuery.json',
      reason:
        'not replayable: its $skipToken is base64 for {"no":"luck","but":"nice","try":"!"} (not a real continuation) and its rows do not match its own query ("name contains \'test\'"); ARG paging is covered by the >1,000-row test',
    },
    {
      file: 'arm/async-operation-status.deployment-running.json',
      reason:
        "Microsoft.Resources deployments (status word 'Running') are not served; the emulator's status words are InProgress/Succeeded, as the vm-start example",
    },
  ];
}

export function fixtureCases(): FixtureCase[] {
  return [
    ...clusterCases(),
    ...identityCases(),
    ...privateLinkCases(),
    ...privateDnsCases(),
    ...resourceGraphCases(),
  ];
}

function jsonEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/**
 * One estate with the resources of every usable example. When two examples give different resources
 * the same id (four clusters are all `clustername1`), the later one and everything under it is renamed
 * `<name>-f<case index>` so that both survive; identical resources are kept once.
 */
export function fixtureEstate(): Estate {
  const resources: ArmResource[] = [];
  const byId = new Map<string, ArmResource>();
  const subscriptions = new Map<string, string>();
  fixtureCases().forEach((c, index) => {
    let list = c.estate.resources.map(clone);
    for (;;) {
      const clash = list.find((r) => {
        const existing = byId.get(normalizeResourceId(r.id));
        return existing !== undefined && !jsonEqual(existing, r);
      });
      if (!clash) break;
      const oldId = clash.id;
      const newName = `${clash.name}-f${index}`;
      const newId = `${oldId.slice(0, oldId.length - clash.name.length)}${newName}`;
      list = list.map((r) => {
        const moved = renameIds(r, oldId, newId) as ArmResource;
        return r.id === oldId ? { ...moved, name: newName } : moved;
      });
    }
    for (const r of list) {
      const key = normalizeResourceId(r.id);
      if (byId.has(key)) continue;
      byId.set(key, r);
      resources.push(r);
    }
    for (const s of c.estate.tenants.flatMap((t) => t.subscriptions)) {
      const id = typeof s === 'string' ? s : s.subscriptionId;
      if (!subscriptions.has(id.toLowerCase())) subscriptions.set(id.toLowerCase(), id);
    }
  });
  return { tenants: [{ tenantId: FIXTURE_TENANT, subscriptions: [...subscriptions.values()] }], resources };
}

/** Replaces `oldId` (case-insensitively, as a whole id or an id prefix) in every string of a value. */
function renameIds(value: unknown, oldId: string, newId: string): unknown {
  const lower = oldId.toLowerCase();
  if (typeof value === 'string') {
    const l = value.toLowerCase();
    if (l === lower || l.startsWith(`${lower}/`)) return newId + value.slice(oldId.length);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => renameIds(v, oldId, newId));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameIds(v, oldId, newId)]));
  return value;
}
