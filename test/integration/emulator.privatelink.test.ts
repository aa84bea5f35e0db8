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

  it('Key Vault approve (synchronous PUT): the parent shows it as an item, the consumer endpoint follows, ARG no longer lists it pending', async () => {
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
    expect(seen.map((s) => s.status)).toEqual([200]);
    expect(
      (seen[0]!.body as { properties: { privateLinkServiceConnectionState: unknown } }).properties
        .privateLinkServiceConnectionState,
    ).toEqual({
      status: 'Approved',
      description: 'fedlink rule kv-from-spokes',
      actionsRequired: 'None',
    });
    const vault = await rawRequest(emulator, 'GET', `${VAULT}?api-version=2019-09-01`);
    expect(
      (vault.body as { properties: { privateEndpointConnections: unknown[] } }).properties
        .privateEndpointConnections,
    ).toEqual([
      {
        id: `${VAULT}/privateEndpointConnections/kv-pec`,
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

  it('Web sites approve is an LRO (202), driven to Succeeded by the generic poller; a second write meanwhile gets 409', async () => {
    const seen = capture(arm.pipeline);
    const id = `${SITE}/privateEndpointConnections/site-pec`;
    const first = await rawRequest(emulator, 'PUT', `${id}?api-version=2019-08-01`, APPROVE);
    expect(first.status).toBe(202);
    expect(first.headers['azure-asyncoperation']).toMatch(
      /\/providers\/Microsoft\.Web\/locations\/eastus\/operationStatuses\//,
    );
    const clash = await rawRequest(emulator, 'PUT', `${id}?api-version=2019-08-01`, APPROVE);
    expect([clash.status, (clash.body as { error: { code: string } }).error.code]).toEqual([
      409,
      'AnotherOperationInProgress',
    ]);
    emulator.clock.advance(31_000);
    const poller = arm.resources.createOrUpdateById(id, '2019-08-01', {
      properties: { privateLinkServiceConnectionState: { status: 'Rejected', description: 'no' } },
    });
    await poller.submitted();
    expect(emulator.getResource(id)!['properties']).toMatchObject({ provisioningState: 'Updating' });
    emulator.clock.advance(31_000);
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
