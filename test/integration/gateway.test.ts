/**
 * The real gateway (real @azure/arm-* clients, real pipeline, retries on) against the sandbox ARM
 * emulator over loopback HTTPS. Resources are the published examples of `test/fixtures/azure`, derived
 * in code (an OIDC issuer added to the SecurityProfile cluster, ids re-pointed); the fixtures are
 * never edited. Outcomes are asserted on what the gateway returns and on the emulator's state and
 * recorded operations, not on call order.
 */
import { createArmClients } from '../../shared/azure/clients';
import { createArmGateway } from '../../shared/azure/armGateway';
import { ArmError } from '../../shared/azure/errors';
import { clusterFromArgRow } from '../../shared/azure/mappers/cluster';
import { type AzureGateway } from '../../shared/azure/gateway';
import { VirtualClock } from '../../sandbox/clock';
import { type ArmResource, type Estate } from '../../sandbox/estate';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../sandbox/emulator';
import { clone, obj, readFixture, str, type JsonObject } from '../unit/azure/json';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const SUB = '00000000-0000-0000-0000-000000000000'; // the subscription of the published AKS examples
const SUB2 = '5b0f8b5d-2c0e-4d8a-9f1e-0a1b2c3d4e5f';
const IDENTITY_ID = `/subscriptions/${SUB}/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/payments`;
// The AKS issuer format with its trailing slash (docs/azure-behaviour.md §2.2), in mixed case: it must come back byte for byte.
const ISSUER =
  'https://eastus.oic.prod-aks.azure.com/72F988BF-86f1-41af-91ab-2d7cd011db47/7bd3c2a1-Aa11-4b6e-9c1d-0e2f3a4b5c6d/';

function exampleBody(path: string): JsonObject {
  return clone(obj(readFixture(path), 'responses', '200', 'body'));
}

/** ManagedClustersCreate_SecurityProfile (workload identity on) with the OIDC issuer the example lacks. */
function oidcCluster(id?: string, issuer = ISSUER): ArmResource {
  const body = exampleBody('containerservice/ManagedClustersCreate_SecurityProfile.json');
  obj(body, 'properties')['oidcIssuerProfile'] = { enabled: true, issuerURL: issuer };
  body['tags'] = { env: 'prod' };
  if (id !== undefined) {
    body['id'] = id;
    body['name'] = id.split('/').pop();
  }
  return resource(body);
}

/** A published body as an estate entry (id, name and type checked present). */
function resource(body: JsonObject): ArmResource {
  return { ...body, id: str(body, 'id'), name: str(body, 'name'), type: str(body, 'type') };
}

function identity(): ArmResource {
  const body = exampleBody('managedidentity/IdentityCreate.json');
  return resource({ ...body, id: IDENTITY_ID, name: 'payments' });
}

function fic(name: string, issuer: string, subject: string): ArmResource {
  const body = exampleBody('managedidentity/FederatedIdentityCredentialCreate.json');
  return resource({
    ...body,
    id: `${IDENTITY_ID}/federatedIdentityCredentials/${name}`,
    name,
    properties: { issuer, subject, audiences: ['api://AzureADTokenExchange'] },
  });
}

function estate(resources: ArmResource[]): Estate {
  return { tenants: [{ tenantId: TENANT, subscriptions: [SUB, SUB2] }], resources };
}

interface Running {
  readonly emulator: Emulator;
  readonly gateway: AzureGateway;
}

const open: Emulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

async function run(resources: ArmResource[], options: Partial<EmulatorOptions> = {}): Promise<Running> {
  const clock = options.clock ?? new VirtualClock({ scale: 50 });
  const emulator = await startEmulator({ estate: estate(resources), clock, limits: 'off', ...options });
  open.push(emulator);
  const clients = createArmClients({
    credential: emulator.credential,
    endpoint: emulator.endpoint,
    caPem: emulator.caPem,
  });
  return { emulator, gateway: createArmGateway(clients, { clock }) };
}

const CLUSTER_ID = str(oidcCluster(), 'id');

describe('clusters', () => {
  it('maps a GET: issuer byte for byte, workload identity, resource group from the id', async () => {
    const { gateway } = await run([oidcCluster()]);
    const cluster = await gateway.getCluster(CLUSTER_ID);
    expect(cluster).toEqual({
      id: CLUSTER_ID,
      key: CLUSTER_ID.toLowerCase(),
      name: 'clustername1',
      subscriptionId: SUB,
      resourceGroup: 'rg1',
      location: 'location1',
      tags: { env: 'prod' },
      provisioningState: 'Succeeded',
      oidcIssuerEnabled: true,
      issuerUrl: ISSUER,
      workloadIdentityEnabled: true,
      privateCluster: false,
      privateDnsZone: undefined,
      privateFqdn: undefined,
      nodeResourceGroup: 'MC_rg1_clustername1_location1',
    });
  });

  it('reads the same cluster whatever the casing of the id', async () => {
    const { gateway } = await run([oidcCluster()]);
    const other = await gateway.getCluster(
      CLUSTER_ID.replace('resourceGroups', 'resourcegroups').replace(
        'Microsoft.ContainerService',
        'microsoft.containerservice',
      ),
    );
    expect(other?.key).toBe(CLUSTER_ID.toLowerCase());
    expect(other?.issuerUrl).toBe(ISSUER);
  });

  it('returns undefined for a cluster (or resource group) that does not exist', async () => {
    const { gateway, emulator } = await run([oidcCluster()]);
    await expect(gateway.getCluster(CLUSTER_ID.replace('clustername1', 'gone'))).resolves.toBeUndefined();
    await expect(gateway.getCluster(CLUSTER_ID.replace('/rg1/', '/no-such-rg/'))).resolves.toBeUndefined();
    await expect(gateway.getIdentity(IDENTITY_ID)).resolves.toBeUndefined();
    expect(emulator.operations.map((o) => o.status)).toEqual([404, 404, 404]);
  });

  it('maps the published private cluster (custom private DNS zone)', async () => {
    const body = exampleBody('containerservice/ManagedClustersCreate_PrivateClusterFQDNSubdomain.json');
    const { gateway } = await run([resource(body)]);
    const cluster = await gateway.getCluster(str(body, 'id'));
    expect(cluster).toMatchObject({
      privateCluster: true,
      privateDnsZone: obj(body, 'properties', 'apiServerAccessProfile')['privateDNSZone'],
      privateFqdn: obj(body, 'properties')['privateFQDN'],
    });
  });

  it("lists a subscription's clusters, all pages", async () => {
    const many = Array.from({ length: 7 }, (_, i) =>
      oidcCluster(
        `/subscriptions/${SUB}/resourceGroups/rg-list/providers/Microsoft.ContainerService/managedClusters/aks-${i}`,
        `${ISSUER}${i}/`,
      ),
    );
    const { gateway, emulator } = await run(many, { pageSize: 3 });
    const clusters = await gateway.listClusters(SUB);
    expect(clusters.map((c) => c.name).sort()).toEqual(many.map((c) => String(c['name'])).sort());
    expect(emulator.operations.filter((o) => o.method === 'GET').length).toBe(3);
  });
});

describe('Resource Graph', () => {
  // 1,250 clusters in two subscriptions: more than one 1,000-row page.
  const fleet = Array.from({ length: 1250 }, (_, i) =>
    oidcCluster(
      `/subscriptions/${i % 2 === 0 ? SUB : SUB2}/resourceGroups/RG-Fleet-${i % 7}/providers/Microsoft.ContainerService/managedClusters/aks-${String(i).padStart(4, '0')}`,
      `https://westeurope.oic.prod-aks.azure.com/${TENANT}/${String(i).padStart(8, '0')}-0000-4000-8000-000000000000/`,
    ),
  );

  it('pages over more than 1,000 clusters with $skipToken and maps rows exactly as GETs', async () => {
    const { gateway, emulator } = await run(fleet);
    const clusters = await gateway.queryClusters([SUB, SUB2]);
    expect(clusters).toHaveLength(1250);
    expect(new Set(clusters.map((c) => c.key)).size).toBe(1250);
    const queries = emulator.operations.filter(
      (o) => o.path.toLowerCase() === '/providers/microsoft.resourcegraph/resources',
    );
    expect(queries).toHaveLength(2);
    expect(queries.every((q) => q.status === 200)).toBe(true);
    for (const name of ['aks-0000', 'aks-0777', 'aks-1249']) {
      const viaArg = clusters.find((c) => c.name === name)!;
      const viaGet = await gateway.getCluster(viaArg.id);
      expect(viaArg).toEqual(viaGet);
      expect(viaArg.resourceGroup).toMatch(/^RG-Fleet-\d$/); // the id's casing, not ARG's lower-cased column
    }
  });

  it('queries only the subscriptions asked for, and identities with their own query', async () => {
    const { gateway } = await run([...fleet.slice(0, 10), identity()]);
    const clusters = await gateway.queryClusters([SUB2]);
    expect(clusters.map((c) => c.subscriptionId)).toEqual(Array(5).fill(SUB2));
    const identities = await gateway.queryIdentities([SUB, SUB2]);
    expect(identities).toEqual([await gateway.getIdentity(IDENTITY_ID)]);
    expect(identities[0]).toMatchObject({
      name: 'payments',
      tenantId: obj(identity(), 'properties')['tenantId'],
    });
  });

  it("a row maps like the GET of the same resource (mapper check on the emulator's row shape)", async () => {
    const { gateway } = await run([oidcCluster()]);
    const [viaArg] = await gateway.queryClusters([SUB]);
    expect(viaArg).toEqual(
      clusterFromArgRow({ ...oidcCluster(), type: 'microsoft.containerservice/managedclusters' }),
    );
  });
});

describe('federated identity credentials', () => {
  const existing = Array.from({ length: 12 }, (_, i) =>
    fic(`fic-${String(i).padStart(2, '0')}`, `${ISSUER}`, `system:serviceaccount:ns:sa-${i}`),
  );

  it('lists every page', async () => {
    const { gateway, emulator } = await run([identity(), ...existing], { pageSize: 5 });
    const fics = await gateway.listFics(IDENTITY_ID);
    expect(fics.map((f) => f.name).sort()).toEqual(existing.map((f) => String(f['name'])).sort());
    expect(fics.every((f) => f.issuer === ISSUER && f.audiences.length === 1)).toBe(true);
    expect(emulator.operations.filter((o) => o.path.endsWith('/federatedIdentityCredentials')).length).toBe(
      3,
    );
  });

  it('puts and deletes (200 deleted, then 204 absent)', async () => {
    const { gateway, emulator } = await run([identity()]);
    const spec = {
      issuer: ISSUER,
      subject: 'system:serviceaccount:payments:api',
      audiences: ['api://AzureADTokenExchange'],
    };
    const written = await gateway.putFic(IDENTITY_ID, 'fedlink-payments-api', spec);
    // The id as ARM returned it (the published MSI examples spell it `resourcegroups`).
    expect(written).toEqual({
      id: expect.stringMatching(/\/federatedIdentityCredentials\/fedlink-payments-api$/) as string,
      name: 'fedlink-payments-api',
      ...spec,
    });
    expect(written.id.toLowerCase()).toBe(
      `${IDENTITY_ID}/federatedIdentityCredentials/fedlink-payments-api`.toLowerCase(),
    );
    expect(obj(emulator.getResource(written.id), 'properties')).toEqual(spec);
    expect(await gateway.listFics(IDENTITY_ID)).toEqual([written]);

    await expect(gateway.deleteFic(IDENTITY_ID, 'fedlink-payments-api')).resolves.toBe('deleted');
    await expect(gateway.deleteFic(IDENTITY_ID, 'fedlink-payments-api')).resolves.toBe('absent');
    expect(emulator.getResource(written.id)).toBeUndefined();
    expect(emulator.operations.filter((o) => o.method === 'DELETE').map((o) => o.status)).toEqual([200, 204]);
  });

  it('turns concurrent writes to one identity into a retryable 409 (the orchestrations retry it)', async () => {
    // Each write holds the identity for 400 ms at wall-clock speed, so the two requests surely overlap.
    const { gateway, emulator } = await run([identity()], {
      latency: { ficWriteMs: 400 },
      clock: new VirtualClock({ scale: 1 }),
    });
    const spec = (sa: string) => ({
      issuer: ISSUER,
      subject: `system:serviceaccount:payments:${sa}`,
      audiences: ['api://AzureADTokenExchange'],
    });
    const results = await Promise.allSettled([
      gateway.putFic(IDENTITY_ID, 'fedlink-a', spec('a')),
      gateway.putFic(IDENTITY_ID, 'fedlink-b', spec('b')),
    ]);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    const error: unknown = rejected[0]!.reason;
    expect(error).toBeInstanceOf(ArmError);
    expect(error).toMatchObject({
      status: 409,
      code: 'ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity',
      classification: 'retryable',
    });
    // The SDK did not retry the 409 (docs/azure-behaviour.md §6.5): one request each.
    expect(emulator.operations.filter((o) => o.method === 'PUT')).toHaveLength(2);
  });

  it('reports a missing identity as a terminal 404 on list and put', async () => {
    const { gateway } = await run([oidcCluster()]);
    const missing = IDENTITY_ID.replace('rg-id', 'rg1');
    await expect(gateway.listFics(missing)).rejects.toMatchObject({
      status: 404,
      classification: 'terminal',
    });
    await expect(
      gateway.putFic(missing, 'fedlink-x', {
        issuer: ISSUER,
        subject: 'system:serviceaccount:a:b',
        audiences: ['api://AzureADTokenExchange'],
      }),
    ).rejects.toMatchObject({
      status: 404,
      classification: 'terminal',
    });
  });

  it('rejects a 400 as terminal (issuer and subject already used under another name)', async () => {
    const { gateway } = await run([identity(), fic('theirs', ISSUER, 'system:serviceaccount:payments:api')]);
    const error = await gateway
      .putFic(IDENTITY_ID, 'fedlink-payments-api', {
        issuer: ISSUER,
        subject: 'system:serviceaccount:payments:api',
        audiences: ['api://AzureADTokenExchange'],
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 400,
      classification: 'terminal',
      message: 'Issuer and subject combination already exists for this Managed Identity.',
    });
  });

  it('leaves throttling to the SDK: a 429 with Retry-After is waited out and the write succeeds', async () => {
    // Azure limits: one FIC write per identity per 4 s (sandbox docs/targets.md), so the second write is throttled.
    const { gateway, emulator } = await run([identity()], {
      limits: 'azure',
      clock: new VirtualClock({ scale: 100 }),
    });
    const spec = (sa: string) => ({
      issuer: ISSUER,
      subject: `system:serviceaccount:payments:${sa}`,
      audiences: ['api://AzureADTokenExchange'],
    });
    await gateway.putFic(IDENTITY_ID, 'fedlink-a', spec('a'));
    await gateway.putFic(IDENTITY_ID, 'fedlink-b', spec('b'));
    expect((await gateway.listFics(IDENTITY_ID)).map((f) => f.name).sort()).toEqual([
      'fedlink-a',
      'fedlink-b',
    ]);
    const puts = emulator.operations.filter((o) => o.method === 'PUT').map((o) => o.status);
    expect(puts).toContain(429);
    expect(puts.filter((s) => s < 300)).toHaveLength(2);
    expect(emulator.retryViolations()).toEqual([]);
  });
});

describe('subscriptions', () => {
  it('lists the subscriptions the credential sees, with their tenant', async () => {
    const { gateway } = await run([]);
    const subscriptions = await gateway.listSubscriptions();
    expect(subscriptions.map((s) => [s.subscriptionId, s.tenantId]).sort()).toEqual([
      [SUB, TENANT],
      [SUB2, TENANT],
    ]);
  });
});
