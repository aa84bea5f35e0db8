/**
 * ARM's own surface and the read-mostly providers through the real clients: subscriptions, resource
 * groups, managed clusters (paging, no nulls), user-assigned identities (PUT/PATCH/DELETE), and the
 * emulator's answers for what it does not serve.
 */
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { ResourceManagementClient } from '@azure/arm-resources';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { VirtualClock } from '../../sandbox/clock';
import { type Emulator, startEmulator } from '../../sandbox/emulator';
import {
  capture,
  cluster,
  fic,
  identity,
  identityId,
  ISSUER,
  rawRequest,
  RG,
  sdkOptions,
  SUB,
  TENANT,
  restErrorOf,
} from '../helpers/emulator';

const SUB2 = '22222222-2222-4222-8222-222222222222';

describe('emulator: ARM endpoints, clusters and identities', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({
      estate: {
        tenants: [
          { tenantId: TENANT, subscriptions: [{ subscriptionId: SUB, displayName: 'Production' }, SUB2] },
        ],
        resources: [
          ...Array.from({ length: 5 }, (_, i) => cluster(`aks-${i}`)),
          cluster('aks-other', {}, SUB2, 'rg-two'),
          cluster('aks-null', {
            oidcIssuerProfile: { enabled: false, issuerURL: null },
            securityProfile: { workloadIdentity: null },
          }),
          identity('id-a'),
          fic('id-a', 'f1', ISSUER, 'system:serviceaccount:a:b'),
          {
            id: `/subscriptions/${SUB}/resourceGroups/rg-empty`,
            name: 'rg-empty',
            type: 'Microsoft.Resources/resourceGroups',
            location: 'westeurope',
            properties: { provisioningState: 'Succeeded' },
          },
        ],
      },
      clock: new VirtualClock({ scale: 100 }),
      limits: 'off',
      pageSize: 2,
    });
  });
  afterAll(() => emulator.close());

  it('lists subscriptions with their tenant (arm-resources-subscriptions 2022-12-01) and gets one', async () => {
    const client = new SubscriptionClient(emulator.credential, sdkOptions(emulator));
    const subs: { id?: string; tenantId?: string; displayName?: string; state?: string }[] = [];
    for await (const s of client.subscriptions.list()) subs.push(s);
    expect(subs.map((s) => [s.id, s.tenantId, s.displayName, s.state])).toEqual([
      [`/subscriptions/${SUB}`, TENANT, 'Production', 'Enabled'],
      [`/subscriptions/${SUB2}`, TENANT, SUB2, 'Enabled'],
    ]);
    expect((await client.subscriptions.get(SUB)).displayName).toBe('Production');
    const e = await restErrorOf(client.subscriptions.get('99999999-9999-4999-8999-999999999999'));
    expect([e.statusCode, e.code]).toEqual([404, 'SubscriptionNotFound']);
  });

  it('lists resource groups: explicit ones and those named by resource ids', async () => {
    const client = new ResourceManagementClient(emulator.credential, SUB, sdkOptions(emulator));
    const groups: { name?: string; location?: string }[] = [];
    for await (const g of client.resourceGroups.list()) groups.push(g);
    expect(groups.map((g) => [g.name, g.location])).toEqual([
      [RG, 'eastus'],
      ['rg-empty', 'westeurope'],
    ]);
    expect((await client.resourceGroups.get('RG-EMPTY')).name).toBe('rg-empty');
  });

  it('lists clusters by subscription and resource group through nextLink pages', async () => {
    const client = new ContainerServiceClient(emulator.credential, SUB, sdkOptions(emulator));
    const seen = capture(client.pipeline);
    const names: (string | undefined)[] = [];
    for await (const c of client.managedClusters.list()) names.push(c.name);
    expect(names).toEqual(['aks-0', 'aks-1', 'aks-2', 'aks-3', 'aks-4', 'aks-null']);
    expect(seen.map((s) => (s.body as { value: unknown[] }).value.length)).toEqual([2, 2, 2]);
    const other = new ContainerServiceClient(emulator.credential, SUB2, sdkOptions(emulator));
    const inRg: (string | undefined)[] = [];
    for await (const c of other.managedClusters.listByResourceGroup('rg-two')) inRg.push(c.name);
    expect(inRg).toEqual(['aks-other']);
  });

  it('omits null-valued keys from clusters (docs/azure-behaviour.md §2.1: absent, never null) but stores the estate as given', async () => {
    const client = new ContainerServiceClient(emulator.credential, SUB, sdkOptions(emulator));
    const seen = capture(client.pipeline);
    await client.managedClusters.get(RG, 'aks-null');
    expect((seen[0]!.body as { properties: unknown }).properties).toEqual({
      provisioningState: 'Succeeded',
      oidcIssuerProfile: { enabled: false },
      securityProfile: {},
    });
    expect(emulator.getResource(cluster('aks-null').id)!['properties']).toMatchObject({
      oidcIssuerProfile: { enabled: false, issuerURL: null },
    });
  });

  it('identities: PUT 201 (server-set ids, MSI-style id), PUT 200, PATCH tags, DELETE 200 with its FICs, then 204', async () => {
    const msi = new ManagedServiceIdentityClient(emulator.credential, SUB, sdkOptions(emulator));
    const seen = capture(msi.pipeline);
    const created = await msi.userAssignedIdentities.createOrUpdate(RG, 'id-new', {
      location: 'eastus',
      tags: { team: 'a' },
    });
    expect(created.id).toBe(
      `/subscriptions/${SUB}/resourcegroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-new`,
    );
    expect(created.tenantId).toBe(TENANT);
    expect(created.principalId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const again = await msi.userAssignedIdentities.createOrUpdate(RG, 'id-new', { location: 'eastus' });
    expect(again.principalId).toBe(created.principalId);
    const patched = await msi.userAssignedIdentities.update(RG, 'id-new', { tags: { team: 'b' } });
    expect(patched.tags).toEqual({ team: 'b' });
    expect(seen.map((s) => s.status)).toEqual([201, 200, 200]);
    await msi.userAssignedIdentities.delete(RG, 'id-a');
    await msi.userAssignedIdentities.delete(RG, 'id-a');
    expect(seen.slice(3).map((s) => s.status)).toEqual([200, 204]);
    expect(emulator.getResource(`${identityId('id-a')}/federatedIdentityCredentials/f1`)).toBeUndefined();
    // The SDK itself refuses a missing location, so ask without it.
    const noLocation = await rawRequest(emulator, 'PUT', `${identityId('id-x')}?api-version=2024-11-30`, {
      tags: {},
    });
    expect([noLocation.status, (noLocation.body as { error: { code: string } }).error.code]).toEqual([
      400,
      'LocationRequired',
    ]);
  });

  it('answers what it does not serve with ARM-shaped errors, never a crash', async () => {
    const clusterPut = await rawRequest(emulator, 'PUT', `${cluster('aks-0').id}?api-version=2026-06-01`, {
      location: 'eastus',
    });
    expect([clusterPut.status, (clusterPut.body as { error: { code: string } }).error.code]).toEqual([
      405,
      'FedlinkEmulatorUnsupportedOperation',
    ]);
    const nowhere = await rawRequest(emulator, 'GET', '/nothing/here?api-version=2020-01-01');
    expect([nowhere.status, (nowhere.body as { error: { code: string } }).error.code]).toEqual([
      404,
      'NotFound',
    ]);
    const unknownType = await rawRequest(
      emulator,
      'GET',
      `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Foo/bars/baz?api-version=2020-01-01`,
    );
    expect([unknownType.status, (unknownType.body as { error: { code: string } }).error.code]).toEqual([
      404,
      'ResourceNotFound',
    ]);
    const emptyList = await rawRequest(
      emulator,
      'GET',
      `/subscriptions/${SUB}/providers/Microsoft.Foo/bars?api-version=2020-01-01`,
    );
    expect([emptyList.status, emptyList.body]).toEqual([200, { value: [] }]);
    const garbage = await rawRequest(
      emulator,
      'PATCH',
      `${identityId('id-new')}?api-version=2024-11-30`,
      '{{{',
    );
    expect([garbage.status, (garbage.body as { error: { code: string } }).error.code]).toEqual([
      400,
      'InvalidRequestContent',
    ]);
  });

  it('HEAD (checkExistence) answers 204 or 404 without a body', async () => {
    const client = new ResourceManagementClient(emulator.credential, SUB, sdkOptions(emulator));
    expect(await client.resources.checkExistenceById(cluster('aks-0').id, '2026-06-01')).toEqual({
      body: true,
    });
    expect(await client.resources.checkExistenceById(cluster('nope').id, '2026-06-01')).toEqual({
      body: false,
    });
  });

  it('sends request and correlation ids on answers', async () => {
    const r = await rawRequest(emulator, 'GET', `${cluster('aks-0').id}?api-version=2026-06-01`);
    expect(r.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers['x-ms-correlation-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
