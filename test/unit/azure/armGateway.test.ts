/**
 * The gateway over the real SDK clients and a fake transport (./fakeArm.ts): mapping of what the SDK
 * deserializes, 404 → undefined, paging, Resource Graph batching and quota, errors → ArmError.
 * The stateful behaviour (409 from concurrent writes, throttling buckets) is in
 * test/integration/gateway.test.ts against the emulator.
 */
import { createArmGateway } from '../../../shared/azure/armGateway';
import { ArmError } from '../../../shared/azure/errors';
import { CLUSTERS_QUERY, IDENTITIES_QUERY } from '../../../shared/azure/queries';
import { clusterFromArgRow } from '../../../shared/azure/mappers/cluster';
import { identityFromArgRow } from '../../../shared/azure/mappers/identity';
import { type Clock } from '../../../shared/core/clock';
import { FakeArm, fakeClients, type FakeRequest } from './fakeArm';
import { clone, obj, readFixture, str, type JsonObject } from './json';

/** The body of a published example's response (`responses[status].body`), as a fresh copy. */
function exampleBody(path: string, status = '200'): JsonObject {
  return clone(obj(readFixture(path), 'responses', status, 'body'));
}

const SUB = '00000000-0000-0000-0000-000000000000';
const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1`;
// AKS issuer format (docs/azure-behaviour.md §2.2), with its trailing slash; plus odd casing, to prove nothing normalizes it.
const ISSUER =
  'https://eastus.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/';
const ODD_ISSUER = 'https://EastUS.oic.prod-aks.azure.com/Tenant/Issuer//';

/** The published SecurityProfile cluster with the OIDC issuer enabled (the fixture has none, README "Known gaps"). */
function oidcCluster(issuer: string = ISSUER): JsonObject {
  const body = exampleBody('containerservice/ManagedClustersCreate_SecurityProfile.json');
  obj(body, 'properties')['oidcIssuerProfile'] = { enabled: true, issuerURL: issuer };
  body['tags'] = { env: 'prod', 'fedlink-clusters': '*' };
  return body;
}

/** What ARG returns for a resource: REST-cased properties, lower-cased type and resourceGroup (docs/azure-behaviour.md §6.4). */
function argRow(resource: JsonObject): JsonObject {
  const id = str(resource, 'id');
  return {
    id,
    name: resource['name'],
    type: str(resource, 'type').toLowerCase(),
    location: resource['location'],
    resourceGroup: id.split('/')[4]?.toLowerCase(),
    subscriptionId: id.split('/')[2],
    tags: resource['tags'] ?? {},
    properties: resource['properties'],
  };
}

const identityFixture = () => exampleBody('managedidentity/IdentityCreate.json');

const noWaitClock = (sleeps: number[] = []): Clock => ({
  now: () => 0,
  sleep: (ms) => {
    sleeps.push(ms);
    return Promise.resolve();
  },
});

const CLUSTER_PATH =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)$/i;

describe('getCluster', () => {
  it('maps the SDK model: issuer byte for byte, booleans, resource group from the id, tags', async () => {
    const fake = new FakeArm().on('GET', CLUSTER_PATH, () => ({
      status: 200,
      body: oidcCluster(ODD_ISSUER),
    }));
    const cluster = await createArmGateway(fakeClients(fake)).getCluster(CLUSTER_ID);
    expect(cluster).toEqual({
      id: CLUSTER_ID,
      key: CLUSTER_ID.toLowerCase(),
      name: 'clustername1',
      subscriptionId: SUB,
      resourceGroup: 'rg1',
      location: 'location1',
      tags: { env: 'prod', 'fedlink-clusters': '*' },
      provisioningState: 'Succeeded',
      oidcIssuerEnabled: true,
      issuerUrl: ODD_ISSUER,
      workloadIdentityEnabled: true,
      privateCluster: false,
      privateDnsZone: undefined,
      privateFqdn: undefined,
      nodeResourceGroup: 'MC_rg1_clustername1_location1',
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.url.searchParams.get('api-version')).toBe('2026-06-01');
  });

  it('decides absent keys once: no oidcIssuerProfile, no issuerURL, {} security profile, no tags', async () => {
    const body = exampleBody('containerservice/ManagedClustersCreate_SecurityProfile.json');
    obj(body, 'properties')['oidcIssuerProfile'] = { enabled: false }; // as a real GET omits issuerURL (docs/azure-behaviour.md §2.1)
    obj(body, 'properties')['securityProfile'] = {};
    delete body['tags'];
    const fake = new FakeArm().on('GET', CLUSTER_PATH, () => ({ status: 200, body }));
    const cluster = await createArmGateway(fakeClients(fake)).getCluster(CLUSTER_ID);
    expect(cluster).toMatchObject({
      oidcIssuerEnabled: false,
      issuerUrl: undefined,
      workloadIdentityEnabled: false,
      tags: {},
    });
  });

  it('maps the published private cluster (custom private DNS zone)', async () => {
    const body = exampleBody('containerservice/ManagedClustersCreate_PrivateClusterFQDNSubdomain.json');
    const fake = new FakeArm().on('GET', CLUSTER_PATH, () => ({ status: 200, body }));
    const cluster = await createArmGateway(fakeClients(fake)).getCluster(str(body, 'id'));
    expect(cluster?.privateCluster).toBe(true);
    expect(cluster?.privateDnsZone).toBe(obj(body, 'properties', 'apiServerAccessProfile')['privateDNSZone']);
    expect(cluster?.privateDnsZone).toMatch(/privatelink\.location1\.azmk8s\.io$/);
  });

  it('returns undefined on 404, whatever the casing of the id', async () => {
    const fake = new FakeArm().on('GET', CLUSTER_PATH, () => ({
      status: 404,
      body: { error: { code: 'ResourceNotFound', message: 'not found' } },
    }));
    const gateway = createArmGateway(fakeClients(fake));
    await expect(gateway.getCluster(CLUSTER_ID)).resolves.toBeUndefined();
    await expect(
      gateway.getCluster(CLUSTER_ID.replace('resourceGroups', 'resourcegroups')),
    ).resolves.toBeUndefined();
    expect(fake.requests).toHaveLength(2);
  });

  it('does not read SubscriptionNotFound as "deleted": it throws', async () => {
    const fake = new FakeArm().on('GET', CLUSTER_PATH, () => ({
      status: 404,
      body: { error: { code: 'SubscriptionNotFound', message: 'The subscription was not found.' } },
    }));
    const error = await createArmGateway(fakeClients(fake))
      .getCluster(CLUSTER_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArmError);
    expect(error).toMatchObject({
      status: 404,
      code: 'SubscriptionNotFound',
      classification: 'terminal',
      resourceId: CLUSTER_ID,
    });
  });

  it('rejects an id of the wrong type or a malformed id without calling ARM', async () => {
    const fake = new FakeArm();
    const gateway = createArmGateway(fakeClients(fake));
    const identityId = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1`;
    await expect(gateway.getCluster(identityId)).rejects.toMatchObject({
      code: 'InvalidResourceId',
      classification: 'terminal',
    });
    await expect(gateway.getCluster('not-an-id')).rejects.toMatchObject({ code: 'InvalidResourceId' });
    expect(fake.requests).toHaveLength(0);
  });

  it('turns a 500 (after the SDK retries, here none) into a retryable ArmError', async () => {
    const fake = new FakeArm().on('GET', CLUSTER_PATH, () => ({
      status: 500,
      body: { error: { code: 'InternalServerError', message: 'oops' } },
    }));
    await expect(createArmGateway(fakeClients(fake)).getCluster(CLUSTER_ID)).rejects.toMatchObject({
      status: 500,
      classification: 'retryable',
      message: 'oops',
    });
  });

  it('refuses a response without an id instead of inventing one', async () => {
    const body = oidcCluster();
    delete body['id'];
    const fake = new FakeArm().on('GET', CLUSTER_PATH, () => ({ status: 200, body }));
    await expect(createArmGateway(fakeClients(fake)).getCluster(CLUSTER_ID)).rejects.toMatchObject({
      code: 'InvalidResponse',
      classification: 'terminal',
    });
  });
});

describe('Resource Graph rows map exactly as GETs do', () => {
  const variants: [string, (properties: JsonObject, body: JsonObject) => void][] = [
    ['OIDC on, odd issuer', (p) => (p['oidcIssuerProfile'] = { enabled: true, issuerURL: ODD_ISSUER })],
    ['OIDC off, no issuerURL', (p) => (p['oidcIssuerProfile'] = { enabled: false })],
    ['issuerURL null', (p) => (p['oidcIssuerProfile'] = { enabled: true, issuerURL: null })],
    ['no securityProfile, no tags', (p, b) => (delete p['securityProfile'], delete b['tags'])],
    [
      'private, system zone',
      (p) =>
        (p['apiServerAccessProfile'] = {
          enablePrivateCluster: true,
          privateDNSZone: 'system',
          enablePrivateClusterPublicFQDN: false,
        }),
    ],
    ['updating', (p) => (p['provisioningState'] = 'Updating')],
  ];
  it.each(variants)('cluster: %s', async (_name, change) => {
    const body = oidcCluster();
    change(obj(body, 'properties'), body);
    const fake = new FakeArm().on('GET', CLUSTER_PATH, () => ({ status: 200, body }));
    const viaGet = await createArmGateway(fakeClients(fake)).getCluster(CLUSTER_ID);
    expect(clusterFromArgRow(argRow(body))).toEqual(viaGet);
  });

  it('identity: the published example', async () => {
    const body = identityFixture();
    const fake = new FakeArm().on('GET', /userAssignedIdentities\/[^/]+$/, () => ({ status: 200, body }));
    const viaGet = await createArmGateway(fakeClients(fake)).getIdentity(str(body, 'id'));
    const properties = obj(body, 'properties');
    expect(viaGet).toMatchObject({
      name: body['name'],
      tenantId: properties['tenantId'],
      clientId: properties['clientId'],
      principalId: properties['principalId'],
      tags: body['tags'],
    });
    expect(identityFromArgRow(argRow(body))).toEqual(viaGet);
  });
});

describe('federated identity credentials', () => {
  const identityId =
    '/subscriptions/c267c0e7-0a73-4789-9e17-d26aeb0904e5/resourcegroups/rgName/providers/Microsoft.ManagedIdentity/userAssignedIdentities/identityName';
  const FICS =
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)\/federatedIdentityCredentials$/i;
  const FIC =
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)\/federatedIdentityCredentials\/([^/]+)$/i;

  it('drains every page of the list (nextLink with $skipToken), keeping issuers byte for byte', async () => {
    const page1 = exampleBody('managedidentity/FederatedIdentityCredentialList.json');
    const second = clone(obj(page1, 'value', 0));
    second['id'] = str(second, 'id').replace('ficResourceName', 'fedlink-second');
    second['name'] = 'fedlink-second';
    obj(second, 'properties')['issuer'] = ISSUER;
    const fake = new FakeArm().on('GET', FICS, (req: FakeRequest) =>
      req.url.searchParams.has('$skipToken')
        ? { status: 200, body: { value: [second] } }
        : { status: 200, body: page1 },
    );
    const fics = await createArmGateway(fakeClients(fake)).listFics(identityId);
    expect(fics.map((f) => [f.name, f.issuer, f.subject, f.audiences])).toEqual([
      [
        'ficResourceName',
        'https://oidc.prod-aks.azure.com/TenantGUID/IssuerGUID',
        'system:serviceaccount:ns:svcaccount',
        ['api://AzureADTokenExchange'],
      ],
      ['fedlink-second', ISSUER, 'system:serviceaccount:ns:svcaccount', ['api://AzureADTokenExchange']],
    ]);
    expect(fake.requests).toHaveLength(2);
  });

  it('PUTs the REST shape and returns what ARM stored', async () => {
    const stored = exampleBody('managedidentity/FederatedIdentityCredentialCreate.json');
    const fake = new FakeArm().on('PUT', FIC, (req) => {
      stored['properties'] = obj(req.body, 'properties');
      return { status: 201, body: stored };
    });
    const spec = {
      issuer: ODD_ISSUER,
      subject: 'system:serviceaccount:payments:api',
      audiences: ['api://AzureADTokenExchange'],
    };
    const fic = await createArmGateway(fakeClients(fake)).putFic(identityId, 'fedlink-payments-abc', spec);
    expect(fake.requests[0]!.body).toEqual({ properties: spec });
    expect(decodeURIComponent(fake.requests[0]!.url.pathname)).toMatch(
      /\/userAssignedIdentities\/identityName\/federatedIdentityCredentials\/fedlink-payments-abc$/,
    );
    expect(fic).toMatchObject({ issuer: ODD_ISSUER, subject: spec.subject, audiences: spec.audiences });
  });

  it('tells a delete (200) from a delete of nothing (204)', async () => {
    const fake = new FakeArm().on('DELETE', FIC, (_req, m) => ({ status: m[2] === 'there' ? 200 : 204 }));
    const gateway = createArmGateway(fakeClients(fake));
    await expect(gateway.deleteFic(identityId, 'there')).resolves.toBe('deleted');
    await expect(gateway.deleteFic(identityId, 'gone')).resolves.toBe('absent');
  });

  it('classifies the concurrent-write 409 as retryable and keeps the FIC id', async () => {
    const message = `Too many Federated Identity Credentials are written concurrently for the managed identity '${identityId.toLowerCase()}'.`;
    const fake = new FakeArm().on('PUT', FIC, () => ({
      status: 409,
      body: {
        error: { code: 'ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity', message },
      },
    }));
    const error = await createArmGateway(fakeClients(fake))
      .putFic(identityId, 'fedlink-x', {
        issuer: ISSUER,
        subject: 'system:serviceaccount:a:b',
        audiences: ['api://AzureADTokenExchange'],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArmError);
    expect(error).toMatchObject({
      status: 409,
      classification: 'retryable',
      message,
      resourceId: `${identityId}/federatedIdentityCredentials/fedlink-x`,
    });
  });

  it('throws a terminal 404 when the identity is gone (listFics)', async () => {
    const fake = new FakeArm().on('GET', FICS, () => ({
      status: 404,
      body: {
        error: { code: 'ResourceNotFound', message: "The parent user-assigned identity doesn't exist." },
      },
    }));
    await expect(createArmGateway(fakeClients(fake)).listFics(identityId)).rejects.toMatchObject({
      status: 404,
      classification: 'terminal',
    });
  });

  it('reports throttling with its Retry-After', async () => {
    const fake = new FakeArm().on('GET', FICS, () => ({
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: { code: 'SubscriptionRequestsThrottled', message: 'slow down' } },
    }));
    await expect(createArmGateway(fakeClients(fake)).listFics(identityId)).rejects.toMatchObject({
      classification: 'throttled',
      retryAfterSeconds: 7,
    });
  });
});

describe('lists by subscription', () => {
  it('drain every page of clusters and identities', async () => {
    const list = exampleBody('containerservice/ManagedClustersList.json');
    const first = obj(list, 'value', 0);
    const other = clone(first);
    other['id'] = str(first, 'id').replace(/managedClusters\/.*/, 'managedClusters/second');
    other['name'] = 'second';
    const identities = exampleBody('managedidentity/IdentityListByResourceGroup.json');
    const fake = new FakeArm()
      .on('GET', /managedClusters$/, (req) =>
        req.url.searchParams.has('page2')
          ? { status: 200, body: { value: [other] } }
          : {
              status: 200,
              body: {
                value: [first],
                nextLink: `${req.url.origin}${req.url.pathname}?page2=1&api-version=2026-06-01`,
              },
            },
      )
      .on('GET', /userAssignedIdentities$/, (req) =>
        req.url.searchParams.has('$skiptoken')
          ? { status: 200, body: { value: [] } }
          : { status: 200, body: identities },
      );
    const gateway = createArmGateway(fakeClients(fake));
    expect((await gateway.listClusters(SUB)).map((c) => c.name)).toEqual([first['name'], 'second']);
    expect((await gateway.listIdentities(SUB)).map((i) => i.name)).toEqual(['identityName']);
  });

  it('lists subscriptions with their tenant', async () => {
    const fake = new FakeArm().on('GET', /^\/subscriptions$/, () => ({
      status: 200,
      body: {
        value: [
          {
            id: `/subscriptions/${SUB}`,
            subscriptionId: SUB,
            tenantId: 'tenant-1',
            displayName: 'Prod',
            state: 'Enabled',
          },
        ],
      },
    }));
    expect(await createArmGateway(fakeClients(fake)).listSubscriptions()).toEqual([
      { subscriptionId: SUB, tenantId: 'tenant-1', displayName: 'Prod' },
    ]);
  });
});

describe('Resource Graph queries', () => {
  const subscriptionIds = Array.from(
    { length: 600 },
    (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
  );
  const clusterRows = Array.from({ length: 2500 }, (_, i) => {
    const body = oidcCluster(`https://eastus.oic.prod-aks.azure.com/t/${i}/`);
    body['id'] =
      `/subscriptions/${subscriptionIds[i % 600]!}/resourceGroups/RG-${i}/providers/Microsoft.ContainerService/managedClusters/aks-${String(i).padStart(4, '0')}`;
    body['name'] = `aks-${String(i).padStart(4, '0')}`;
    return argRow(body);
  });

  /** A Resource Graph stand-in: filters rows by the request's subscriptions, pages by $top/$skipToken. */
  function resourceGraph(
    rows: JsonObject[],
    headers: (call: number) => Record<string, string> = () => ({}),
  ): FakeArm {
    let calls = 0;
    return new FakeArm().on('POST', /^\/providers\/Microsoft\.ResourceGraph\/resources$/, (req) => {
      const body = req.body as {
        query: string;
        subscriptions: string[];
        options: { $top: number; $skipToken?: string; resultFormat: string };
      };
      const subs = new Set(body.subscriptions);
      const matching = rows
        .filter((r) => subs.has(String(r['subscriptionId'])))
        .sort((a, b) => String(a['id']).localeCompare(String(b['id'])));
      const start = body.options.$skipToken ? Number(body.options.$skipToken) : 0;
      const page = matching.slice(start, start + body.options.$top);
      const next = start + page.length < matching.length ? String(start + page.length) : undefined;
      return {
        status: 200,
        headers: headers(calls++),
        body: {
          totalRecords: matching.length,
          count: page.length,
          resultTruncated: 'false',
          data: page,
          ...(next ? { $skipToken: next } : {}),
        },
      };
    });
  }

  it('pages by 1,000 rows and batches subscriptions below 300 per query', async () => {
    const fake = resourceGraph(clusterRows);
    const clusters = await createArmGateway(fakeClients(fake), { clock: noWaitClock() }).queryClusters(
      subscriptionIds,
    );
    expect(clusters).toHaveLength(2500);
    expect(new Set(clusters.map((c) => c.key)).size).toBe(2500);
    const bodies = fake.requests.map(
      (r) => r.body as { query: string; subscriptions: string[]; options: Record<string, unknown> },
    );
    expect(bodies.every((b) => b.query === CLUSTERS_QUERY)).toBe(true);
    expect(
      bodies.every(
        (b) =>
          b.subscriptions.length < 300 &&
          b.options['$top'] === 1000 &&
          b.options['resultFormat'] === 'objectArray',
      ),
    ).toBe(true);
    expect(new Set(bodies.flatMap((b) => b.subscriptions)).size).toBe(600);
    // Cluster i lives in subscription i % 600, so the batches of 250, 250 and 100 subscriptions hold
    // 1,100, 1,000 and 400 clusters: 2 pages, 1 page (exactly full: no $skipToken), 1 page.
    expect(bodies.map((b) => [b.subscriptions.length, b.options['$skipToken'] ?? null])).toEqual([
      [250, null],
      [250, '1000'],
      [250, null],
      [100, null],
    ]);
    // A cluster read through ARG is the cluster a GET gives.
    const one = clusters.find((c) => c.name === 'aks-0042')!;
    expect(one).toMatchObject({
      issuerUrl: 'https://eastus.oic.prod-aks.azure.com/t/42/',
      resourceGroup: 'RG-42',
      oidcIssuerEnabled: true,
    });
  });

  it('queries identities with their own query, and nothing for no subscriptions', async () => {
    const body = identityFixture();
    const fake = resourceGraph([argRow(body)]);
    const gateway = createArmGateway(fakeClients(fake), { clock: noWaitClock() });
    expect(await gateway.queryIdentities([])).toEqual([]);
    expect(fake.requests).toHaveLength(0);
    const identities = await gateway.queryIdentities([str(body, 'id').split('/')[2]!]);
    expect(identities.map((i) => i.name)).toEqual([body['name']]);
    expect((fake.requests[0]!.body as { query: string }).query).toBe(IDENTITIES_QUERY);
  });

  it('waits for the quota reset when x-ms-user-quota-remaining hits 0 (docs/azure-behaviour.md §6.4)', async () => {
    const sleeps: number[] = [];
    const fake = resourceGraph(clusterRows, (call) =>
      call === 0
        ? { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:04' }
        : { 'x-ms-user-quota-remaining': '10', 'x-ms-user-quota-resets-after': '00:00:05' },
    );
    await createArmGateway(fakeClients(fake), { clock: noWaitClock(sleeps) }).queryClusters(subscriptionIds);
    // Only the first response said the quota was spent: one wait, before the second request.
    expect(sleeps).toEqual([4000]);
    expect(fake.requests).toHaveLength(4);
  });

  it('refuses a truncated result without a $skipToken rather than return a short list', async () => {
    const fake = new FakeArm().on('POST', /ResourceGraph\/resources$/, () => ({
      status: 200,
      body: { totalRecords: 5, count: 1, resultTruncated: 'true', data: [clusterRows[0]] },
    }));
    await expect(
      createArmGateway(fakeClients(fake), { clock: noWaitClock() }).queryClusters([SUB]),
    ).rejects.toMatchObject({ code: 'IncompleteResult', classification: 'terminal' });
  });

  it('classifies a Resource Graph 429 as throttled with the quota reset as Retry-After', async () => {
    const fake = new FakeArm().on('POST', /ResourceGraph\/resources$/, () => ({
      status: 429,
      headers: { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:03' },
      body: { error: { code: 'RateLimiting', message: 'Please provide below info when asking for support' } },
    }));
    await expect(
      createArmGateway(fakeClients(fake), { clock: noWaitClock() }).queryClusters([SUB]),
    ).rejects.toMatchObject({ status: 429, classification: 'throttled', retryAfterSeconds: 3 });
  });
});
