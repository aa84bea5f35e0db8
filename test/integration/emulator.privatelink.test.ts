/**
 * Private endpoint connections on the provider side (docs/azure-behaviour.md §4) through the real clients:
 * approval reflected in the parent and in the consumer's private endpoint, sync vs LRO per type,
 * deletes, and the refusals.
 */
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { ResourceManagementClient } from '@azure/arm-resources';
import { VirtualClock } from '../../sandbox/clock';
import { type ArmResource } from '../../sandbox/estate';
import { type Emulator, startEmulator } from '../../sandbox/emulator';
import { TRANSITION_REFUSED } from '../../sandbox/emulator/providers/privateLinkTypes';
import { capture, cluster, rawRequest, RG, sdkOptions, SUB, TENANT, restErrorOf } from '../helpers/emulator';

const CONSUMER = '33333333-3333-4333-8333-333333333333';
const VAULT = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/kv-1`;
const SITE = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Web/sites/app-1`;
const STORAGE = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/st1`;
const AKS = cluster('aks-private').id;
const PE_ID = `/subscriptions/${CONSUMER}/resourceGroups/rg-consumer/providers/Microsoft.Network/privateEndpoints/pe-kv`;

function parent(id: string, type: string): ArmResource {
  return { id, name: id.split('/').pop()!, type, location: 'eastus', properties: {} };
}

function connection(
  parentId: string,
  type: string,
  name: string,
  pe: string,
  status = 'Pending',
): ArmResource {
  return {
    id: `${parentId}/privateEndpointConnections/${name}`,
    name,
    type: `${type}/privateEndpointConnections`,
    properties: {
      privateEndpoint: { id: pe },
      privateLinkServiceConnectionState: { status, description: 'please', actionsRequired: 'None' },
      provisioningState: 'Succeeded',
    },
  };
}

const consumerEndpoint: ArmResource = {
  id: PE_ID,
  name: 'pe-kv',
  type: 'Microsoft.Network/privateEndpoints',
  location: 'eastus',
  properties: {
    provisioningState: 'Succeeded',
    privateLinkServiceConnections: [],
    manualPrivateLinkServiceConnections: [
      {
        id: `${PE_ID}/manualPrivateLinkServiceConnections/pe-kv`,
        name: 'pe-kv',
        properties: {
          privateLinkServiceId: VAULT,
          groupIds: ['vault'],
          privateLinkServiceConnectionState: {
            status: 'Pending',
            description: 'please',
            actionsRequired: 'None',
          },
        },
      },
    ],
  },
};

const APPROVE = {
  properties: {
    privateLinkServiceConnectionState: { status: 'Approved', description: 'fedlink rule kv-from-spokes' },
  },
};

describe('emulator: private endpoint connections', () => {
  let emulator: Emulator;
  let arm: ResourceManagementClient;

  beforeEach(async () => {
    emulator = await startEmulator({
      estate: {
        tenants: [{ tenantId: TENANT, subscriptions: [SUB, CONSUMER] }],
        resources: [
          parent(VAULT, 'Microsoft.KeyVault/vaults'),
          connection(VAULT, 'Microsoft.KeyVault/vaults', 'kv-pec', PE_ID),
          consumerEndpoint,
          parent(SITE, 'Microsoft.Web/sites'),
          connection(SITE, 'Microsoft.Web/sites', 'site-pec', PE_ID),
          parent(STORAGE, 'Microsoft.Storage/storageAccounts'),
          connection(STORAGE, 'Microsoft.Storage/storageAccounts', 'st-pec', PE_ID, 'Approved'),
          cluster('aks-private'),
          connection(AKS, 'Microsoft.ContainerService/managedClusters', 'aks-pec', PE_ID, 'Approved'),
        ],
      },
      clock: new VirtualClock({ scale: 100 }),
      limits: 'off',
      // Long enough that no LRO here ends by itself under load (300 ms real); tests end them with advance().
      latency: { lroMs: 30_000 },
    });
    arm = new ResourceManagementClient(emulator.credential, SUB, sdkOptions(emulator));
  });
  afterEach(() => emulator.close());

  it('Key Vault approve (200 Updating, Succeeded later): the parent shows it as an item, the consumer endpoint follows, ARG no longer lists it pending', async () => {
    const graph = new ResourceGraphClient(emulator.credential, sdkOptions(emulator));
    const pendingQuery =
      "resources | mv-expand pec = properties.privateEndpointConnections | where tostring(pec.properties.privateLinkServiceConnectionState.status) =~ 'Pending' | project id, pecId = tostring(pec.id)";
    expect((await graph.resources({ query: pendingQuery })).data).toEqual([
      { id: VAULT, pecId: `${VAULT}/privateEndpointConnections/kv-pec` },
      { id: SITE, pecId: `${SITE}/privateEndpointConnections/site-pec` },
    ]);
    const seen = capture(arm.pipeline);
    await arm.resources.createOrUpdateById(
      `${VAULT}/privateEndpointConnections/kv-pec`,
      '2019-09-01',
      APPROVE,
    );
    // Recorded (azure-cli test_private_endpoint_connection_keyvault.yaml): 200 with the new state and
    // provisioningState Updating; Succeeded ~45 s later. The consumer's copy follows when it is done.
    expect(seen[0]!.status).toBe(200);
    const first = seen[0]!.body as {
      properties: { privateLinkServiceConnectionState: unknown; provisioningState: string };
    };
    expect(first.properties.provisioningState).toBe('Updating');
    expect(first.properties.privateLinkServiceConnectionState).toEqual({
      status: 'Approved',
      description: 'fedlink rule kv-from-spokes',
      actionsRequired: 'None',
    });
    const consumerStatus = (): string =>
      (
        emulator.getResource(PE_ID)!['properties'] as {
          manualPrivateLinkServiceConnections: {
            properties: { privateLinkServiceConnectionState: { status: string } };
          }[];
        }
      ).manualPrivateLinkServiceConnections[0]!.properties.privateLinkServiceConnectionState.status;
    expect(consumerStatus()).toBe('Pending');
    emulator.clock.advance(48_000);
    const vault = await rawRequest(emulator, 'GET', `${VAULT}?api-version=2019-09-01`);
    expect(
      (vault.body as { properties: { privateEndpointConnections: unknown[] } }).properties
        .privateEndpointConnections,
    ).toEqual([
      {
        id: `${VAULT}/privateEndpointConnections/kv-pec`,
        etag: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
        properties: {
          privateEndpoint: { id: PE_ID },
          privateLinkServiceConnectionState: {
            status: 'Approved',
            description: 'fedlink rule kv-from-spokes',
            actionsRequired: 'None',
          },
          provisioningState: 'Succeeded',
        },
      },
    ]);
    const pe = emulator.getResource(PE_ID)!['properties'] as {
      manualPrivateLinkServiceConnections: {
        properties: { privateLinkServiceConnectionState: { status: string } };
      }[];
    };
    expect(
      pe.manualPrivateLinkServiceConnections[0]!.properties.privateLinkServiceConnectionState.status,
    ).toBe('Approved');
    expect((await graph.resources({ query: pendingQuery })).data).toEqual([
      { id: SITE, pecId: `${SITE}/privateEndpointConnections/site-pec` },
    ]);
    // The stored parent follows too, so state() agrees with what reads show.
    expect(emulator.state().resources.find((r) => r.id === VAULT)!['properties']).toMatchObject({
      privateEndpointConnections: [{ id: `${VAULT}/privateEndpointConnections/kv-pec` }],
    });
    // Deleting it (Key Vault: an LRO) leaves the consumer's copy Disconnected.
    const poller = arm.resources.deleteById(`${VAULT}/privateEndpointConnections/kv-pec`, '2019-09-01');
    await poller.submitted();
    emulator.clock.advance(31_000);
    await poller;
    const after = emulator.getResource(PE_ID)!['properties'] as typeof pe;
    expect(
      after.manualPrivateLinkServiceConnections[0]!.properties.privateLinkServiceConnectionState.status,
    ).toBe('Disconnected');
  });

  it('Web sites approve is an LRO (202, Approving), driven to the end by the generic poller; a second write meanwhile gets 409', async () => {
    const seen = capture(arm.pipeline);
    const id = `${SITE}/privateEndpointConnections/site-pec`;
    const first = await rawRequest(emulator, 'PUT', `${id}?api-version=2019-08-01`, APPROVE);
    expect(first.status).toBe(202);
    // Recorded (azure-cli test_private_endpoint_connection_webapp.yaml): Web's status URL is `operationResults`.
    expect(first.headers['azure-asyncoperation']).toMatch(
      /\/providers\/Microsoft\.Web\/locations\/eastus\/operationResults\//,
    );
    expect(
      (first.body as { properties: { privateLinkServiceConnectionState: { status: string } } }).properties
        .privateLinkServiceConnectionState.status,
    ).toBe('Approving');
    const clash = await rawRequest(emulator, 'PUT', `${id}?api-version=2019-08-01`, APPROVE);
    expect([clash.status, (clash.body as { error: { code: string } }).error.code]).toEqual([
      409,
      'AnotherOperationInProgress',
    ]);
    // Recorded: the transitional status lasts ~42-52 s.
    emulator.clock.advance(53_000);
    const poller = arm.resources.createOrUpdateById(id, '2019-08-01', {
      properties: { privateLinkServiceConnectionState: { status: 'Rejected', description: 'no' } },
    });
    await poller.submitted();
    expect(emulator.getResource(id)!['properties']).toMatchObject({
      privateLinkServiceConnectionState: { status: 'Rejecting' },
      provisioningState: 'Succeeded',
    });
    emulator.clock.advance(53_000);
    const result = await poller;
    expect(result.properties).toMatchObject({
      privateLinkServiceConnectionState: { status: 'Rejected' },
      provisioningState: 'Succeeded',
    });
    expect(seen[0]!.status).toBe(202);
  });

  it('deletes: AKS is an LRO, Storage is synchronous, absent is 204', async () => {
    const aks = new ContainerServiceClient(emulator.credential, SUB, sdkOptions(emulator));
    const seen = capture(aks.pipeline);
    const poller = aks.privateEndpointConnections.delete(RG, 'aks-private', 'aks-pec');
    await poller.submitted();
    expect(seen[0]!.status).toBe(202);
    expect(emulator.getResource(`${AKS}/privateEndpointConnections/aks-pec`)!['properties']).toMatchObject({
      provisioningState: 'Deleting',
    });
    emulator.clock.advance(31_000); // past the operation's end: the first poll sees it done
    await poller;
    expect(emulator.getResource(`${AKS}/privateEndpointConnections/aks-pec`)).toBeUndefined();
    const st = await rawRequest(
      emulator,
      'DELETE',
      `${STORAGE}/privateEndpointConnections/st-pec?api-version=2019-06-01`,
    );
    expect(st.status).toBe(200);
    const again = await rawRequest(
      emulator,
      'DELETE',
      `${STORAGE}/privateEndpointConnections/st-pec?api-version=2019-06-01`,
    );
    expect(again.status).toBe(204);
    const parentView = await rawRequest(emulator, 'GET', `${STORAGE}?api-version=2019-06-01`);
    expect((parentView.body as { properties: unknown }).properties).toEqual({
      privateEndpointConnections: [],
    });
  });

  it('refuses a PUT on a connection that does not exist, a state without a valid status, and a wrong api-version', async () => {
    const missing = await restErrorOf(
      arm.resources.createOrUpdateById(`${VAULT}/privateEndpointConnections/nope`, '2019-09-01', APPROVE),
    );
    expect([missing.statusCode, missing.code]).toEqual([404, 'ResourceNotFound']);
    const bad = await rawRequest(
      emulator,
      'PUT',
      `${VAULT}/privateEndpointConnections/kv-pec?api-version=2019-09-01`,
      { properties: { privateLinkServiceConnectionState: { status: 'Sure' } } },
    );
    expect([bad.status, (bad.body as { error: { code: string } }).error.code]).toEqual([400, 'BadRequest']);
    const version = await rawRequest(
      emulator,
      'GET',
      `${VAULT}/privateEndpointConnections?api-version=2019-08-01`,
    );
    expect((version.body as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'NoRegisteredProviderFound',
    });
    expect(emulator.getResource(`${VAULT}/privateEndpointConnections/kv-pec`)!['properties']).toMatchObject({
      privateLinkServiceConnectionState: { status: 'Pending' },
    });
  });
});

describe('emulator: connections an estate lists only inside the parent', () => {
  const ACCOUNT = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/st-embedded`;
  const entry = (name: string, status: string): Record<string, unknown> => ({
    id: `${ACCOUNT}/privateEndpointConnections/${name}`,
    name,
    type: 'Microsoft.Storage/storageAccounts/privateEndpointConnections',
    properties: {
      privateEndpoint: { id: PE_ID },
      privateLinkServiceConnectionState: { status, description: '', actionRequired: 'None' },
      provisioningState: 'Succeeded',
    },
  });

  it('are listed and read like child resources, and become child resources when approved; the others stay', async () => {
    const account: ArmResource = {
      ...parent(ACCOUNT, 'Microsoft.Storage/storageAccounts'),
      properties: { privateEndpointConnections: [entry('c1', 'Pending'), entry('c2', 'Rejected')] },
    };
    const emulator = await startEmulator({
      estate: { tenants: [{ tenantId: TENANT, subscriptions: [SUB] }], resources: [account] },
      limits: 'off',
    });
    try {
      const list = await rawRequest(
        emulator,
        'GET',
        `${ACCOUNT}/privateEndpointConnections?api-version=2019-06-01`,
      );
      expect((list.body as { value: { name: string }[] }).value.map((v) => v.name)).toEqual(['c1', 'c2']);
      const got = await rawRequest(
        emulator,
        'GET',
        `${ACCOUNT}/privateEndpointConnections/c1?api-version=2019-06-01`,
      );
      expect(got.body).toEqual(entry('c1', 'Pending'));
      expect(emulator.state().resources).toHaveLength(1);
      const bad = await rawRequest(
        emulator,
        'PUT',
        `${ACCOUNT}/privateEndpointConnections/c1?api-version=2019-06-01`,
        { properties: {} },
      );
      expect(bad.status).toBe(400);
      expect(emulator.state().resources).toHaveLength(1);
      const put = await rawRequest(
        emulator,
        'PUT',
        `${ACCOUNT}/privateEndpointConnections/c1?api-version=2019-06-01`,
        APPROVE,
      );
      expect(put.status).toBe(200);
      const state = emulator.state().resources;
      expect(state.map((r) => r.name)).toEqual(['st-embedded', 'c1']);
      expect(
        (
          state[0]!['properties'] as {
            privateEndpointConnections: {
              name: string;
              properties: { privateLinkServiceConnectionState: { status: string } };
            }[];
          }
        ).privateEndpointConnections.map((c) => [
          c.name,
          c.properties.privateLinkServiceConnectionState.status,
        ]),
      ).toEqual([
        ['c1', 'Approved'],
        ['c2', 'Rejected'],
      ]);
    } finally {
      await emulator.close();
    }
  });
});

/**
 * Every refused state change (privateLinkTypes.ts TRANSITIONS, docs/azure-behaviour.md §9.1): the exact
 * answer, and nothing in the emulator changes (the connection, the parent's view, the consumer's copy),
 * and no operation starts (a valid write right after is not 409).
 */
describe('emulator: private endpoint connection state changes Azure refuses', () => {
  const P = `/subscriptions/${SUB}/resourceGroups/${RG}/providers`;
  const PE_REFUSE = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateEndpoints/pe-r`;
  interface Case {
    readonly title: string;
    readonly type: string;
    readonly apiVersion: string;
    readonly from: string;
    readonly to: string;
    readonly status: number;
    readonly code: string;
    readonly message: string | RegExp;
  }
  const refusedRejected = (name: string): RegExp =>
    new RegExp(
      `^Private endpoint connection '${name}' is Rejected; a rejected connection cannot be approved\\.$`,
    );
  const CASES: readonly Case[] = [
    {
      title: 'Cosmos DB: Rejected → Approved (MicrosoftDocs/azure-docs PR #86823)',
      type: 'Microsoft.DocumentDB/databaseAccounts',
      apiVersion: '2019-08-01-preview',
      from: 'Rejected',
      to: 'Approved',
      status: 400,
      code: 'BadRequest',
      message: 'Approving rejected private endpoint connections is not supported.',
    },
    {
      title: 'Storage: Approved → Approved (azure-rest-api-specs#30308)',
      type: 'Microsoft.Storage/storageAccounts',
      apiVersion: '2019-06-01',
      from: 'Approved',
      to: 'Approved',
      status: 400,
      code: 'InvalidValuesForRequestParameters',
      message: 'Values for request parameters are invalid: privateLinkServiceConnectionState.status.',
    },
    {
      title: 'Storage: Rejected → Approved (azure-cli#21160; same answer ASSUMED)',
      type: 'Microsoft.Storage/storageAccounts',
      apiVersion: '2019-06-01',
      from: 'Rejected',
      to: 'Approved',
      status: 400,
      code: 'InvalidValuesForRequestParameters',
      message: 'Values for request parameters are invalid: privateLinkServiceConnectionState.status.',
    },
    {
      title: 'SQL: Approved → Rejected, only Pending moves (azure-docs#71740; code ASSUMED)',
      type: 'Microsoft.Sql/servers',
      apiVersion: '2018-06-01-preview',
      from: 'Approved',
      to: 'Rejected',
      status: 400,
      code: TRANSITION_REFUSED,
      message: 'private endpoint connection status is not pending',
    },
    {
      title: 'SQL: Rejected → Approved',
      type: 'Microsoft.Sql/servers',
      apiVersion: '2018-06-01-preview',
      from: 'Rejected',
      to: 'Approved',
      status: 400,
      code: TRANSITION_REFUSED,
      message: 'private endpoint connection status is not pending',
    },
    ...(
      [
        ['Microsoft.ContainerRegistry/registries', '2019-12-01-preview'],
        ['Microsoft.Web/sites', '2019-08-01'],
        ['Microsoft.Network/privateLinkServices', '2024-05-01'],
        ['Microsoft.ContainerService/managedClusters', '2026-06-01'],
      ] as const
    ).map(([type, apiVersion]): Case => ({
      title: `${type}: Rejected → Approved (azure-docs#115121; code and message ASSUMED)`,
      type,
      apiVersion,
      from: 'Rejected',
      to: 'Approved',
      status: 400,
      code: TRANSITION_REFUSED,
      message: refusedRejected('pec-r'),
    })),
    {
      title: 'Key Vault: Disconnected → Approved (Disconnected is terminal, §9.1; code ASSUMED)',
      type: 'Microsoft.KeyVault/vaults',
      apiVersion: '2019-09-01',
      from: 'Disconnected',
      to: 'Approved',
      status: 400,
      code: TRANSITION_REFUSED,
      message:
        "Private endpoint connection 'pec-r' is Disconnected; a disconnected connection cannot change state, delete it instead.",
    },
    {
      title: 'Web: Approved → Pending (a provider cannot set Pending; ASSUMED)',
      type: 'Microsoft.Web/sites',
      apiVersion: '2019-08-01',
      from: 'Approved',
      to: 'Pending',
      status: 400,
      code: TRANSITION_REFUSED,
      message:
        "Private endpoint connection 'pec-r' cannot be set to Pending by the resource owner; approve, reject or delete it.",
    },
  ];

  async function setUp(
    type: string,
    from: string,
  ): Promise<{ emulator: Emulator; parentId: string; id: string }> {
    const parentId = type.startsWith('Microsoft.ContainerService') ? AKS : `${P}/${type}/parent-r`;
    const id = `${parentId}/privateEndpointConnections/pec-r`;
    const resources: ArmResource[] = [
      type.startsWith('Microsoft.ContainerService') ? cluster('aks-private') : parent(parentId, type),
      {
        id,
        name: 'pec-r',
        type: `${type}/privateEndpointConnections`,
        properties: {
          privateEndpoint: { id: PE_REFUSE },
          privateLinkServiceConnectionState: { status: from, description: 'before', actionsRequired: 'None' },
          provisioningState: 'Succeeded',
        },
      },
      {
        id: PE_REFUSE,
        name: 'pe-r',
        type: 'Microsoft.Network/privateEndpoints',
        location: 'eastus',
        properties: {
          manualPrivateLinkServiceConnections: [
            {
              id: `${PE_REFUSE}/manualPrivateLinkServiceConnections/pe-r`,
              name: 'pe-r',
              properties: {
                privateLinkServiceId: parentId,
                privateLinkServiceConnectionState: {
                  status: from,
                  description: 'before',
                  actionsRequired: 'None',
                },
              },
            },
          ],
        },
      },
    ];
    const emulator = await startEmulator({
      estate: { tenants: [{ tenantId: TENANT, subscriptions: [SUB] }], resources },
      clock: new VirtualClock({ scale: 1 }),
      limits: 'off',
    });
    return { emulator, parentId, id };
  }

  it.each(CASES.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const { emulator, parentId, id } = await setUp(c.type, c.from);
    try {
      const before = emulator.state();
      const parentView = await rawRequest(
        emulator,
        'GET',
        `${parentId}?api-version=${c.apiVersion === '2019-08-01-preview' ? '2020-03-01' : c.apiVersion}`,
      );
      const answer = await rawRequest(emulator, 'PUT', `${id}?api-version=${c.apiVersion}`, {
        properties: { privateLinkServiceConnectionState: { status: c.to, description: 'fedlink' } },
      });
      expect(answer.status).toBe(c.status);
      const error = (answer.body as { error: { code: string; message: string } }).error;
      expect(error.code).toBe(c.code);
      if (typeof c.message === 'string') expect(error.message).toBe(c.message);
      else expect(error.message).toMatch(c.message);
      expect(answer.headers['azure-asyncoperation']).toBeUndefined();
      // Nothing changed, anywhere, even after time passes.
      emulator.clock.advance(120_000);
      expect(emulator.state()).toEqual(before);
      const parentAfter = await rawRequest(
        emulator,
        'GET',
        `${parentId}?api-version=${c.apiVersion === '2019-08-01-preview' ? '2020-03-01' : c.apiVersion}`,
      );
      expect(parentAfter.body).toEqual(parentView.body);
      // No operation was started: the next write is judged on its own, not answered 409.
      const again = await rawRequest(emulator, 'PUT', `${id}?api-version=${c.apiVersion}`, {
        properties: { privateLinkServiceConnectionState: { status: c.to, description: 'fedlink' } },
      });
      expect([again.status, (again.body as { error: { code: string } }).error.code]).toEqual([
        c.status,
        c.code,
      ]);
    } finally {
      await emulator.close();
    }
  });

  it('Key Vault allows Rejected → Approved (recorded), and the SDK surfaces a refusal as a RestError with the code', async () => {
    const kv = await setUp('Microsoft.KeyVault/vaults', 'Rejected');
    try {
      const ok = await rawRequest(kv.emulator, 'PUT', `${kv.id}?api-version=2019-09-01`, APPROVE);
      expect(ok.status).toBe(200);
      kv.emulator.clock.advance(48_000);
      expect(kv.emulator.getResource(kv.id)!['properties']).toMatchObject({
        privateLinkServiceConnectionState: { status: 'Approved' },
        provisioningState: 'Succeeded',
      });
    } finally {
      await kv.emulator.close();
    }
    const cosmos = await setUp('Microsoft.DocumentDB/databaseAccounts', 'Rejected');
    try {
      const arm = new ResourceManagementClient(cosmos.emulator.credential, SUB, sdkOptions(cosmos.emulator));
      const e = await restErrorOf(arm.resources.createOrUpdateById(cosmos.id, '2019-08-01-preview', APPROVE));
      expect([e.statusCode, e.code, e.message]).toEqual([
        400,
        'BadRequest',
        'Approving rejected private endpoint connections is not supported.',
      ]);
    } finally {
      await cosmos.emulator.close();
    }
  });
});
