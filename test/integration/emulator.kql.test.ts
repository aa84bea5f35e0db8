/**
 * The Resource Graph KQL subset (sandbox/emulator/README.md) through the real ResourceGraphClient:
 * the queries fedlink sends, each construct of the subset, ARG's row shape, paging edge cases, and
 * 400s for everything outside the subset.
 */
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { RestError } from '@azure/core-rest-pipeline';
import { type ArmResource } from '../../sandbox/estate';
import { type Emulator, startEmulator } from '../../sandbox/emulator';
import {
  capture,
  cluster,
  fic,
  identity,
  ISSUER,
  RG,
  sdkOptions,
  SUB,
  TENANT,
  restErrorOf,
} from '../helpers/emulator';

const SUB2 = '22222222-2222-4222-8222-222222222222';
const VAULT = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/kv-1`;
const STORAGE = `/subscriptions/${SUB2}/resourceGroups/rg-two/providers/Microsoft.Storage/storageAccounts/st1`;
const PE = (n: string): string =>
  `/subscriptions/${SUB2}/resourceGroups/rg-two/providers/Microsoft.Network/privateEndpoints/${n}`;

/** A Key Vault connection (the vault GET shows it as an item without a name: Key Vault's shape). */
function pec(parent: string, name: string, status: string, pe: string): ArmResource {
  return {
    id: `${parent}/privateEndpointConnections/${name}`,
    name,
    type: 'Microsoft.KeyVault/vaults/privateEndpointConnections',
    properties: {
      privateEndpoint: { id: pe },
      privateLinkServiceConnectionState: { status, description: '', actionsRequired: 'None' },
      provisioningState: 'Succeeded',
    },
  };
}

const RESOURCES: ArmResource[] = [
  cluster('aks-prod', { apiServerAccessProfile: { enablePrivateCluster: true } }),
  {
    ...cluster('aks-dev', { oidcIssuerProfile: { enabled: false } }),
    tags: { env: 'dev', 'team name': 'x' },
  },
  { ...cluster('aks-sku'), sku: { name: 'Base', tier: 'Free' }, tags: { env: 'prod' } },
  identity('id-a', { tags: { 'fedlink-service-accounts': 'payments/api' } }),
  identity('id-b'),
  fic('id-a', 'f1', ISSUER, 'system:serviceaccount:a:b'),
  {
    id: VAULT,
    name: 'kv-1',
    type: 'Microsoft.KeyVault/vaults',
    location: 'eastus',
    properties: { tenantId: TENANT },
  },
  pec(VAULT, 'pec-pending', 'Pending', PE('pe-1')),
  pec(VAULT, 'pec-approved', 'Approved', PE('pe-2')),
  {
    id: STORAGE,
    name: 'st1',
    type: 'Microsoft.Storage/storageAccounts',
    location: 'westeurope',
    kind: 'StorageV2',
    properties: {
      privateEndpointConnections: [
        {
          id: `${STORAGE}/privateEndpointConnections/c1`,
          name: 'c1',
          properties: {
            privateEndpoint: { id: PE('pe-3') },
            privateLinkServiceConnectionState: { status: 'pending' },
          },
        },
        {
          id: `${STORAGE}/privateEndpointConnections/c2`,
          name: 'c2',
          properties: {
            privateEndpoint: { id: PE('pe-4') },
            privateLinkServiceConnectionState: { status: 'Rejected' },
          },
        },
      ],
      emptyList: [],
    },
  },
];

describe('emulator: Resource Graph KQL subset', () => {
  let emulator: Emulator;
  let graph: ResourceGraphClient;

  beforeAll(async () => {
    emulator = await startEmulator({
      estate: { tenants: [{ tenantId: TENANT, subscriptions: [SUB, SUB2] }], resources: RESOURCES },
      limits: 'off',
    });
    graph = new ResourceGraphClient(
      emulator.credential,
      sdkOptions(emulator, { retryOptions: { maxRetries: 0 } }),
    );
  });
  afterAll(() => emulator.close());

  async function rows(query: string, subscriptions?: string[]): Promise<Record<string, unknown>[]> {
    const r = await graph.resources({ query, ...(subscriptions ? { subscriptions } : {}) });
    return r.data as Record<string, unknown>[];
  }

  async function rejected(
    query: string,
  ): Promise<{ status: number | undefined; details: { code: string; message: string; token?: string }[] }> {
    const seen = capture(graph.pipeline);
    try {
      await graph.resources({ query });
    } catch (e) {
      if (!(e instanceof RestError)) throw e;
      const body = seen[seen.length - 1]!.body as {
        error: { details: { code: string; message: string; token?: string }[] };
      };
      return { status: e.statusCode, details: body.error.details };
    }
    throw new Error(`expected '${query}' to be rejected`);
  }

  it("fedlink's cluster query: ARG-shaped rows, type lower-cased, ordered by id", async () => {
    const data = await rows(
      "resources | where type =~ 'microsoft.containerservice/managedclusters' | project id, name, type, location, resourceGroup, subscriptionId, tags, properties | order by id asc",
      [SUB],
    );
    expect(data.map((d) => d['name'])).toEqual(['aks-dev', 'aks-prod', 'aks-sku']);
    expect(data[1]).toEqual({
      id: cluster('aks-prod').id,
      name: 'aks-prod',
      type: 'microsoft.containerservice/managedclusters',
      location: 'eastus',
      resourceGroup: RG,
      subscriptionId: SUB,
      tags: { env: 'prod' },
      properties: {
        provisioningState: 'Succeeded',
        oidcIssuerProfile: { enabled: true, issuerURL: ISSUER },
        apiServerAccessProfile: { enablePrivateCluster: true },
      },
    });
  });

  it("docs/azure-behaviour.md §4.4's pending-connection query finds pending connections, reflected children and embedded ones alike", async () => {
    const query = `resources
| where isnotnull(properties.privateEndpointConnections)
| mv-expand pec = properties.privateEndpointConnections
| extend status = tostring(pec.properties.privateLinkServiceConnectionState.status)
| where status =~ 'Pending'
| project subscriptionId, type, parentId = id, pecId = tostring(pec.id), pecName = tostring(pec.name),
          privateEndpointId = tostring(pec.properties.privateEndpoint.id)`;
    expect(await rows(query)).toEqual([
      {
        subscriptionId: SUB,
        type: 'microsoft.keyvault/vaults',
        parentId: VAULT,
        pecId: `${VAULT}/privateEndpointConnections/pec-pending`,
        pecName: '',
        privateEndpointId: PE('pe-1'),
      },
      {
        subscriptionId: SUB2,
        type: 'microsoft.storage/storageaccounts',
        parentId: STORAGE,
        pecId: `${STORAGE}/privateEndpointConnections/c1`,
        pecName: 'c1',
        privateEndpointId: PE('pe-3'),
      },
    ]);
  });

  it('a full row has the ARG columns, with ARG defaults for absent ones; FICs and connections are not rows', async () => {
    const [row] = await rows(`resources | where id =~ '${identity('id-b').id.toUpperCase()}'`);
    expect(Object.keys(row!)).toEqual([
      'id',
      'name',
      'type',
      'tenantId',
      'kind',
      'location',
      'resourceGroup',
      'subscriptionId',
      'managedBy',
      'sku',
      'plan',
      'properties',
      'tags',
      'identity',
      'zones',
      'extendedLocation',
    ]);
    expect(row).toMatchObject({
      tenantId: TENANT,
      kind: '',
      managedBy: '',
      sku: null,
      plan: null,
      identity: null,
      zones: null,
      extendedLocation: null,
      tags: {},
    });
    expect(
      await rows(
        "resources | where type contains 'federatedidentitycredentials' or type endswith 'privateendpointconnections'",
      ),
    ).toEqual([]);
    expect((await rows('resources | count'))[0]).toEqual({ Count: 7 });
  });

  it.each<[string, string, string[]]>([
    ['== is case-sensitive', "resources | where name == 'AKS-PROD' | project name", []],
    ['=~ is not', "Resources | where name =~ 'AKS-PROD' | project name", ['aks-prod']],
    [
      '!= and !~',
      "resources | where type =~ 'microsoft.containerservice/managedclusters' and name != 'aks-prod' and name !~ 'AKS-DEV' | project name",
      ['aks-sku'],
    ],
    [
      'in and !in',
      "resources | where name in ('aks-prod', 'id-a') and name !in ('id-a') | project name",
      ['aks-prod'],
    ],
    [
      'in~ and !in~',
      "resources | where name in~ ('AKS-PROD', 'ID-A') and name !in~ ('ID-A') | project name",
      ['aks-prod'],
    ],
    [
      'tags[...] and parentheses',
      "resources | where (tags['env'] == 'prod' or tags.env == 'dev') and type =~ 'Microsoft.ContainerService/managedClusters' | order by name asc | project name",
      ['aks-dev', 'aks-prod', 'aks-sku'],
    ],
    ['a tag name with a space', "resources | where tags['team name'] == 'x' | project name", ['aks-dev']],
    [
      'isnull / isnotnull on paths',
      'resources | where isnull(properties.oidcIssuerProfile.issuerURL) and isnotnull(properties.oidcIssuerProfile) | project name',
      ['aks-dev'],
    ],
    [
      'a boolean property',
      'resources | where properties.apiServerAccessProfile.enablePrivateCluster == true | project name',
      ['aks-prod'],
    ],
    [
      'a missing property compares as null (never equal, never unequal)',
      "resources | where type =~ 'microsoft.containerservice/managedclusters' and properties.apiServerAccessProfile.enablePrivateCluster != true | project name",
      [],
    ],
    [
      'tostring of a missing property is ""',
      "resources | where type =~ 'microsoft.containerservice/managedclusters' and tostring(properties.apiServerAccessProfile.enablePrivateCluster) != 'true' | order by name asc | project name",
      ['aks-dev', 'aks-sku'],
    ],
    [
      'startswith / !contains',
      "resources | where name startswith 'AKS' and name !contains 'dev' | order by name asc | project name",
      ['aks-prod', 'aks-sku'],
    ],
    ['a query that starts with where (implicit resources)', "where name =~ 'id-a' | project name", ['id-a']],
    [
      'order by defaults to descending',
      "resources | where name startswith 'aks' | order by name | project name",
      ['aks-sku', 'aks-prod', 'aks-dev'],
    ],
    [
      'take / limit',
      "resources | where name startswith 'aks' | order by name asc | take 2 | project name",
      ['aks-dev', 'aks-prod'],
    ],
    ['top n by', "resources | where name startswith 'aks' | top 1 by name asc | project name", ['aks-dev']],
    [
      'extend then project a computed column',
      "resources | where name =~ 'id-a' | extend sa = tostring(tags['fedlink-service-accounts']) | project sa",
      ['payments/api'],
    ],
    [
      'project-away keeps the rest',
      "resources | where name =~ 'id-a' | project name, location | project-away location | project name",
      ['id-a'],
    ],
    [
      'mv-expand: an empty array drops the row (st1), null keeps it',
      'resources | mv-expand x = properties.emptyList | project name',
      ['aks-prod', 'aks-dev', 'aks-sku', 'id-a', 'id-b', 'kv-1'],
    ],
    [
      'resourcecontainers: subscriptions and resource groups',
      "resourcecontainers | where type =~ 'microsoft.resources/subscriptions' or resourceGroup == 'rg-two' | order by id asc | project name",
      [SUB, SUB2, 'rg-two'],
    ],
  ])('%s', async (_what, query, names) => {
    expect((await rows(query)).map((r) => (r['name'] ?? r['sa']) as string)).toEqual(names);
  });

  it('scopes to the requested subscriptions (unknown ones ignored)', async () => {
    expect(
      (await rows('resources | project name', [SUB2, '99999999-9999-4999-8999-999999999999'])).map(
        (r) => r['name'],
      ),
    ).toEqual(['st1']);
  });

  it.each<[string, string, string, string]>([
    [
      'an unsupported operator',
      'resources | summarize count() by location',
      'UnsupportedByEmulator',
      'summarize',
    ],
    ['an unsupported comparison', "resources | where name has 'x'", 'UnsupportedByEmulator', 'has'],
    [
      'an unsupported function',
      "resources | where strcat(name, 'x') == 'y'",
      'UnsupportedByEmulator',
      'strcat',
    ],
    ['join', 'resources | join (resourcecontainers) on subscriptionId', 'UnsupportedByEmulator', 'join'],
    ['another ARG table', 'securityresources | project id', 'UnsupportedByEmulator', 'securityresources'],
    ['an unknown column', 'resources | project nme', 'SemanticError', 'nme'],
    ['a column removed by project', 'resources | project id | where name == "x"', 'SemanticError', 'name'],
    ['a syntax error', "resources | where name == 'x", 'ParserFailure', "'"],
    ['a missing pipe', 'resources where', 'ParserFailure', 'where'],
    ['an unknown table', 'resourcez | project id', 'SemanticError', 'resourcez'],
    ['a non-boolean where', 'resources | where name', 'SemanticError', ''],
  ])('400 for %s, naming the offending part', async (_what, query, code, token) => {
    const r = await rejected(query);
    expect(r.status).toBe(400);
    expect(r.details[0]!.code).toBe('InvalidQuery');
    expect(r.details[1]!.code).toBe(code);
    if (token !== '') expect(r.details[1]!.token).toBe(token);
  });

  it('results without an id column cannot page: truncated, and ARG says so', async () => {
    const seen = capture(graph.pipeline);
    const r = await graph.resources({ query: 'resources | project name', options: { top: 2 } });
    expect([r.count, r.totalRecords, r.resultTruncated, r.skipToken]).toEqual([2, 7, 'true', undefined]);
    expect((seen[seen.length - 1]!.body as Record<string, unknown>)['resultTruncated']).toBe('true');
    const paged = await graph.resources({ query: 'resources | project id', options: { top: 2 } });
    expect([paged.count, paged.resultTruncated, typeof paged.skipToken]).toEqual([2, 'false', 'string']);
    const skipped = await graph.resources({ query: 'resources | project id', options: { skip: 6 } });
    expect(skipped.count).toBe(1);
  });

  it('a $skipToken belongs to its query', async () => {
    const first = await graph.resources({ query: 'resources | project id', options: { top: 2 } });
    const e = await restErrorOf(
      graph.resources({ query: 'resources | project id, name', options: { skipToken: first.skipToken! } }),
    );
    expect([e.statusCode, e.code]).toEqual([400, 'BadRequest']);
  });
});
