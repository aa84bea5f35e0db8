/**
 * Private endpoint connection approve / reject / delete replayed as the Azure CLI's recorded traffic shows
 * them (docs/azure-behaviour.md §9.1, §9.2). Each block names its recording under RECORDINGS; the requests
 * are shaped as recorded (the CLI PUTs the GET result with the new status), and the answers' status codes,
 * headers, bodies and state sequences are asserted in virtual time. Then the real SDK pollers
 * (@azure/arm-resources `createOrUpdateById`, @azure/arm-network for private link services) are driven to
 * their terminal state.
 */
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import { VirtualClock } from '../../sandbox/clock';
import { type Emulator, startEmulator } from '../../sandbox/emulator';
import { capture, rawRequest, RG, sdkOptions, SUB } from '../helpers/emulator';
import {
  ACCOUNT,
  COSMOS,
  NAMES,
  pec,
  PLS,
  RECORDINGS,
  recordedEstate,
  REGISTRY,
  SITE,
  SQL,
  VAULT,
} from './privateLinkRecorded';

type Json = Record<string, unknown>;
const props = (body: unknown): Json => (body as { properties: Json }).properties;
const stateOf = (body: unknown): Json => props(body)['privateLinkServiceConnectionState'] as Json;

/** The CLI's approve/reject: GET, set status and description, PUT the whole object back (§4.1). */
async function cliSet(
  e: Emulator,
  id: string,
  apiVersion: string,
  status: 'Approved' | 'Rejected',
  description: string | null,
): Promise<Awaited<ReturnType<typeof rawRequest>>> {
  const got = await rawRequest(e, 'GET', `${id}?api-version=${apiVersion}`);
  expect(got.status).toBe(200);
  const body = got.body as Json;
  const p = props(body);
  const next = {
    ...body,
    properties: {
      ...p,
      privateLinkServiceConnectionState: {
        ...(p['privateLinkServiceConnectionState'] as Json),
        status,
        description,
      },
    },
  };
  return rawRequest(e, 'PUT', `${id}?api-version=${apiVersion}`, next);
}

const get = async (e: Emulator, id: string, v: string): Promise<Awaited<ReturnType<typeof rawRequest>>> =>
  rawRequest(e, 'GET', `${id}?api-version=${v}`);

function urlPath(url: unknown): string {
  const u = new URL(String(url));
  return `${decodeURIComponent(u.pathname)}${u.search}`;
}

describe('fidelity: private endpoint connections as recorded (virtual time, raw requests)', () => {
  let e: Emulator;
  beforeEach(async () => {
    // Scale 1: virtual time moves only as fast as the wall clock, so advance() alone decides what a GET sees.
    e = await startEmulator({
      estate: recordedEstate(),
      clock: new VirtualClock({ scale: 1 }),
      limits: 'off',
    });
  });
  afterEach(() => e.close());

  it(`Key Vault: 200 Updating + kv-operation Azure-AsyncOperation, Succeeded with a new etag ~45 s later, Rejected → Approved allowed, DELETE 202 Location (${RECORDINGS}/test_private_endpoint_connection_keyvault.yaml)`, async () => {
    const id = pec(VAULT, NAMES.keyVault);
    const reject = await cliSet(e, id, '2019-09-01', 'Rejected', 'You are rejected!');
    expect(reject.status).toBe(200);
    const etag1 = (reject.body as Json)['etag'];
    expect(etag1).toMatch(/^[0-9a-f]{32}$/);
    expect(props(reject.body)['provisioningState']).toBe('Updating');
    expect(stateOf(reject.body)).toEqual({
      status: 'Rejected',
      description: 'You are rejected!',
      actionsRequired: 'None',
    });
    expect(reject.headers['location']).toBeUndefined();
    const aao = urlPath(reject.headers['azure-asyncoperation']);
    expect(aao.startsWith(`${id}?api-version=2019-09-01&kv-operation=`)).toBe(true);
    const token = JSON.parse(
      Buffer.from(aao.split('kv-operation=')[1]!, 'base64url').toString('utf8'),
    ) as Json;
    expect(token).toMatchObject({ code: 'privateEndpointConnections/reject', etag: etag1 });
    // Polled every ~12 s in the recording: Updating with the same etag until ~47 s.
    e.clock.advance(30_000);
    const during = await get(e, id, '2019-09-01');
    expect([props(during.body)['provisioningState'], (during.body as Json)['etag']]).toEqual([
      'Updating',
      etag1,
    ]);
    e.clock.advance(18_000);
    const done = await get(e, id, '2019-09-01');
    expect(props(done.body)['provisioningState']).toBe('Succeeded');
    expect((done.body as Json)['etag']).not.toEqual(etag1);
    expect(stateOf(done.body)['status']).toBe('Rejected');

    // Key Vault lets a rejected connection be approved again (recorded).
    const approve = await cliSet(e, id, '2019-09-01', 'Approved', 'You are approved!');
    expect([approve.status, props(approve.body)['provisioningState']]).toEqual([200, 'Updating']);
    e.clock.advance(48_000);
    const approved = await get(e, id, '2019-09-01');
    expect([stateOf(approved.body)['status'], props(approved.body)['provisioningState']]).toEqual([
      'Approved',
      'Succeeded',
    ]);
    // The vault lists it as an item with the connection's etag (recorded list via the parent GET).
    const vault = await get(e, VAULT, '2019-09-01');
    expect(props(vault.body)['privateEndpointConnections']).toEqual([
      { id, etag: (approved.body as Json)['etag'], properties: props(approved.body) },
    ]);

    const del = await rawRequest(e, 'DELETE', `${id}?api-version=2019-09-01`);
    expect([del.status, del.body, del.headers['azure-asyncoperation']]).toEqual([202, undefined, undefined]);
    const loc = urlPath(del.headers['location']);
    expect(loc.startsWith(`${id}?api-version=2019-09-01&kv-operation=`)).toBe(true);
    expect(
      JSON.parse(Buffer.from(loc.split('kv-operation=')[1]!, 'base64url').toString('utf8')),
    ).toMatchObject({ code: 'privateEndpointConnections/delete' });
    e.clock.advance(31_000);
    expect((await get(e, id, '2019-09-01')).status).toBe(204);
  });

  it(`Storage: synchronous 200 (description null → ""), actionRequired kept, LIST, DELETE 200 empty (${RECORDINGS}/test_private_endpoint_connection_storage_account.yaml)`, async () => {
    const id = pec(ACCOUNT, NAMES.storage);
    const reject = await cliSet(e, id, '2019-06-01', 'Rejected', null);
    expect(reject.status).toBe(200);
    expect(reject.headers['azure-asyncoperation']).toBeUndefined();
    expect(reject.body).toEqual({
      id,
      name: NAMES.storage,
      type: 'Microsoft.Storage/storageAccounts/privateEndpointConnections',
      properties: {
        provisioningState: 'Succeeded',
        privateEndpoint: {
          id: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateEndpoints/cli-pe-st`,
        },
        privateLinkServiceConnectionState: { status: 'Rejected', description: '', actionRequired: 'None' },
      },
    });
    const list = await rawRequest(e, 'GET', `${ACCOUNT}/privateEndpointConnections?api-version=2019-06-01`);
    expect(list.body).toEqual({ value: [reject.body] });
    const del = await rawRequest(e, 'DELETE', `${id}?api-version=2019-06-01`);
    expect([del.status, del.body]).toEqual([200, undefined]);
    expect((await get(e, id, '2019-06-01')).status).toBe(404);
  });

  it(`Container Registry: 201 with the OLD status and Updating, operationStatuses Azure-AsyncOperation; DELETE 202 null + Location (${RECORDINGS}/test_private_endpoint_connection_acr.yaml)`, async () => {
    const id = pec(REGISTRY, NAMES.registry);
    const v = '2019-12-01-preview';
    const reject = await cliSet(e, id, v, 'Rejected', 'somedescription');
    expect(reject.status).toBe(201);
    expect(stateOf(reject.body)).toEqual({ status: 'Pending' });
    expect(props(reject.body)['provisioningState']).toBe('Updating');
    expect(reject.headers['location']).toBeUndefined();
    expect(urlPath(reject.headers['azure-asyncoperation'])).toMatch(
      new RegExp(
        `^${id.replace(/\./g, '\\.')}/operationStatuses/privateendpointconnections-[0-9a-f-]{36}\\?api-version=${v}$`,
      ),
    );
    e.clock.advance(11_000);
    const done = await get(e, id, v);
    expect(props(done.body)).toEqual({
      privateEndpoint: { id: expect.stringContaining('/privateEndpoints/priv_endpoint7') as unknown },
      privateLinkServiceConnectionState: { status: 'Rejected', description: 'somedescription' },
      provisioningState: 'Succeeded',
    });
    const del = await rawRequest(e, 'DELETE', `${id}?api-version=${v}`);
    expect([del.status, del.body, del.headers['azure-asyncoperation']]).toEqual([202, null, undefined]);
    expect(urlPath(del.headers['location'])).toMatch(
      new RegExp(
        `^/subscriptions/${SUB}/providers/Microsoft\\.ContainerRegistry/locations/centraluseuap/operationResults/privateendpointconnections-[0-9a-f-]{36}\\?api-version=${v}$`,
      ),
    );
    e.clock.advance(30_000);
    const list = await rawRequest(e, 'GET', `${REGISTRY}/privateEndpointConnections?api-version=${v}`);
    expect((list.body as { value: { name: string }[] }).value.map((c) => c.name)).toEqual([NAMES.registry2]);
  });

  it(`Cosmos DB: 202 {"status":"Enqueued"} + operationsStatus / operationResults; GETs show the old state with Succeeded meanwhile; the account lists {id, properties} (${RECORDINGS}/test_private_endpoint_connection_cosmosdb.yaml)`, async () => {
    const id = pec(COSMOS, NAMES.cosmos);
    const v = '2019-08-01-preview';
    const before = await get(e, id, v);
    const approve = await cliSet(e, id, v, 'Approved', 'You are approved!');
    expect([approve.status, approve.body]).toEqual([202, { status: 'Enqueued' }]);
    expect(urlPath(approve.headers['azure-asyncoperation'])).toMatch(
      new RegExp(
        `^/subscriptions/${SUB}/providers/Microsoft\\.DocumentDB/locations/westus/operationsStatus/[0-9a-f-]{36}\\?api-version=${v}$`,
      ),
    );
    expect(urlPath(approve.headers['location'])).toMatch(
      new RegExp(`^${id}/operationResults/[0-9a-f-]{36}\\?api-version=${v}$`),
    );
    e.clock.advance(12_000);
    expect((await get(e, id, v)).body).toEqual(before.body);
    e.clock.advance(65_000);
    expect(stateOf((await get(e, id, v)).body)).toEqual({
      status: 'Approved',
      actionsRequired: 'None',
      description: 'You are approved!',
    });

    const reject = await cliSet(e, id, v, 'Rejected', 'You are rejected!');
    expect(reject.status).toBe(202);
    e.clock.advance(12_000);
    expect(stateOf((await get(e, id, v)).body)['status']).toBe('Approved');
    e.clock.advance(65_000);
    const rejected = await get(e, id, v);
    expect([stateOf(rejected.body)['status'], props(rejected.body)['provisioningState']]).toEqual([
      'Rejected',
      'Succeeded',
    ]);
    const account = await get(e, COSMOS, '2020-03-01');
    expect(props(account.body)['privateEndpointConnections']).toEqual([
      {
        id,
        properties: {
          privateEndpoint: props(rejected.body)['privateEndpoint'],
          privateLinkServiceConnectionState: stateOf(rejected.body),
        },
      },
    ]);
  });

  it(`SQL: finished provisioningState is Ready; DELETE 202 {"operation":"DropPrivateEndpointConnection"} with SQL's operation URLs (${RECORDINGS}/test_private_endpoint_connection_sql_server.yaml)`, async () => {
    const id = pec(SQL, NAMES.sql);
    const v = '2018-06-01-preview';
    expect(props((await get(e, id, v)).body)['provisioningState']).toBe('Ready');
    const del = await rawRequest(e, 'DELETE', `${id}?api-version=${v}`);
    expect(del.status).toBe(202);
    expect(del.body).toEqual({
      operation: 'DropPrivateEndpointConnection',
      startTime: expect.any(String) as unknown,
    });
    const prefix = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft\\.Sql/locations/westus`;
    expect(urlPath(del.headers['azure-asyncoperation'])).toMatch(
      new RegExp(`^${prefix}/privateEndpointConnectionAzureAsyncOperation/[0-9a-f-]{36}\\?api-version=${v}$`),
    );
    expect(urlPath(del.headers['location'])).toMatch(
      new RegExp(`^${prefix}/privateEndpointConnectionOperationResults/[0-9a-f-]{36}\\?api-version=${v}$`),
    );
    const status = await rawRequest(e, 'GET', urlPath(del.headers['azure-asyncoperation']));
    expect((status.body as Json)['status']).toBe('InProgress');
  });

  it(`Web: 202 with Rejecting and provisioningState Pending; Rejected ~50 s later and still Pending minutes on; DELETE 202 Disconnecting (${RECORDINGS}/test_private_endpoint_connection_webapp.yaml)`, async () => {
    const id = pec(SITE, NAMES.web);
    const v = '2019-08-01';
    const reject = await cliSet(e, id, v, 'Rejected', null);
    expect(reject.status).toBe(202);
    expect(stateOf(reject.body)).toEqual({ status: 'Rejecting', description: '', actionsRequired: 'None' });
    expect(props(reject.body)['provisioningState']).toBe('Pending');
    const op = urlPath(reject.headers['azure-asyncoperation']);
    expect(op).toMatch(
      new RegExp(
        `^/subscriptions/${SUB}/providers/Microsoft\\.Web/locations/West US/operationResults/[0-9a-f-]{36}\\?api-version=${v}$`,
      ),
    );
    expect(String(reject.headers['azure-asyncoperation'])).toContain('/locations/West%20US/');
    expect(reject.headers['location']).toBe(reject.headers['azure-asyncoperation']);
    e.clock.advance(41_000);
    expect(stateOf((await get(e, id, v)).body)['status']).toBe('Rejecting');
    e.clock.advance(12_000);
    const rejected = await get(e, id, v);
    expect([stateOf(rejected.body)['status'], props(rejected.body)['provisioningState']]).toEqual([
      'Rejected',
      'Pending',
    ]);
    e.clock.advance(10 * 60_000);
    expect(props((await get(e, id, v)).body)['provisioningState']).toBe('Pending');

    const del = await rawRequest(e, 'DELETE', `${id}?api-version=${v}`);
    expect([del.status, del.body]).toEqual([202, undefined]);
    expect(urlPath(del.headers['azure-asyncoperation'])).toMatch(
      /\/locations\/West US\/operationResults\/[0-9a-f-]{36}\?api-version=2019-01-01$/,
    );
    expect(urlPath(del.headers['location'])).toMatch(
      /\/locations\/West US\/operations\/[0-9a-f-]{36}\?api-version=2019-01-01$/,
    );
    const deleting = await get(e, id, v);
    expect([stateOf(deleting.body)['status'], props(deleting.body)['provisioningState']]).toEqual([
      'Disconnecting',
      'Deleting',
    ]);
  });
});

describe('fidelity: the real SDK pollers against the recorded shapes', () => {
  let e: Emulator;
  let arm: ResourceManagementClient;
  const poll = { updateIntervalInMs: 20 };
  beforeEach(async () => {
    // Scale 1000: one real millisecond is a virtual second, so pollers see recorded durations pass quickly.
    e = await startEmulator({
      estate: recordedEstate(),
      clock: new VirtualClock({ scale: 1000 }),
      limits: 'off',
    });
    arm = new ResourceManagementClient(e.credential, SUB, sdkOptions(e));
  });
  afterEach(() => e.close());

  const body = (status: string, description: string): { properties: Json } => ({
    properties: { privateLinkServiceConnectionState: { status, description } },
  });

  it('Container Registry: createOrUpdateById follows operationStatuses to Succeeded and returns the new state', async () => {
    const seen = capture(arm.pipeline);
    const result = await arm.resources.createOrUpdateById(
      pec(REGISTRY, NAMES.registry2),
      '2019-12-01-preview',
      body('Approved', 'fedlink'),
      poll,
    );
    expect(seen[0]!.status).toBe(201);
    expect(result.properties).toMatchObject({
      privateLinkServiceConnectionState: { status: 'Approved', description: 'fedlink' },
      provisioningState: 'Succeeded',
    });
    expect(seen.some((s) => s.url.includes('/operationStatuses/privateendpointconnections-'))).toBe(true);
  });

  it('Cosmos DB: createOrUpdateById polls operationsStatus past the Enqueued answer to the new state', async () => {
    const result = await arm.resources.createOrUpdateById(
      pec(COSMOS, NAMES.cosmos),
      '2019-08-01-preview',
      body('Rejected', 'no'),
      poll,
    );
    expect(result.properties).toMatchObject({
      privateLinkServiceConnectionState: { status: 'Rejected', description: 'no' },
      provisioningState: 'Succeeded',
    });
  });

  it("SQL: createOrUpdateById reaches the terminal state and the connection's provisioningState is Ready", async () => {
    const seen = capture(arm.pipeline);
    const result = await arm.resources.createOrUpdateById(
      pec(SQL, NAMES.sqlPending),
      '2018-06-01-preview',
      body('Approved', 'fedlink'),
      poll,
    );
    expect(seen[0]!.status).toBe(202);
    expect(result.properties).toMatchObject({
      privateLinkServiceConnectionState: { status: 'Approved' },
      provisioningState: 'Ready',
    });
  });

  it('Web: createOrUpdateById approves through Approving to Approved / Succeeded', async () => {
    const result = await arm.resources.createOrUpdateById(
      pec(SITE, NAMES.web2),
      '2019-08-01',
      body('Approved', 'fedlink'),
      poll,
    );
    expect(result.properties).toMatchObject({
      privateLinkServiceConnectionState: { status: 'Approved', description: 'fedlink' },
      provisioningState: 'Succeeded',
    });
  });

  it('Key Vault: the poller trusts the kv-operation URL and returns while provisioningState is still Updating (ASSUMED); polling the connection reaches Succeeded', async () => {
    // Its own emulator at scale 1: at 1000 a loaded machine lets the ~45 virtual seconds of Updating pass
    // before the poller's single round trip ends. The clock is advanced by hand instead.
    await e.close();
    e = await startEmulator({
      estate: recordedEstate(),
      clock: new VirtualClock({ scale: 1 }),
      limits: 'off',
    });
    arm = new ResourceManagementClient(e.credential, SUB, sdkOptions(e));
    const id = pec(VAULT, NAMES.keyVault);
    const result = await arm.resources.createOrUpdateById(id, '2019-09-01', body('Rejected', 'no'), poll);
    expect(result.properties).toMatchObject({
      privateLinkServiceConnectionState: { status: 'Rejected' },
      provisioningState: 'Updating',
    });
    e.clock.advance(60_000);
    const current = await arm.resources.getById(id, '2019-09-01');
    expect(current.properties).toMatchObject({ provisioningState: 'Succeeded' });
  });

  it('Storage and private link services: synchronous 200 through the SDKs', async () => {
    const seen = capture(arm.pipeline);
    const st = await arm.resources.createOrUpdateById(
      pec(ACCOUNT, NAMES.storage),
      '2019-06-01',
      body('Rejected', 'no'),
      poll,
    );
    expect([seen.length, seen[0]!.status]).toEqual([1, 200]);
    expect(st.properties).toMatchObject({
      privateLinkServiceConnectionState: { status: 'Rejected', actionRequired: 'None' },
    });
    const network = new NetworkManagementClient(e.credential, SUB, sdkOptions(e));
    const nseen = capture(network.pipeline);
    const updated = await network.privateLinkServices.updatePrivateEndpointConnection(
      RG,
      'pls-pe',
      NAMES.pls,
      {
        privateLinkServiceConnectionState: { status: 'Approved', description: 'fedlink' },
      },
    );
    expect(nseen.map((s) => s.status)).toEqual([200]);
    expect(updated.privateLinkServiceConnectionState?.status).toBe('Approved');
    await network.privateLinkServices.deletePrivateEndpointConnection(RG, 'pls-pe', NAMES.pls, poll);
    expect(e.getResource(pec(PLS, NAMES.pls))).toBeUndefined();
  });
});
