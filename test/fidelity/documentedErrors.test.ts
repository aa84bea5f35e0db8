/**
 * Fidelity: every documented error of docs/azure-behaviour.md §1 (FICs) and §6 (ARM) reproduced through the real
 * SDK clients, asserting what fedlink's error table sees: RestError.statusCode and RestError.code.
 */
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { ResourceManagementClient } from '@azure/arm-resources';
import { type TokenCredential } from '@azure/core-auth';
import { RestError } from '@azure/core-rest-pipeline';
import { VirtualClock } from '../../sandbox/clock';
import { type Emulator, startEmulator } from '../../sandbox/emulator';
import {
  capture,
  cluster,
  estateOf,
  fic,
  identity,
  identityId,
  ISSUER,
  rawRequest,
  RG,
  sdkOptions,
  SUB,
} from '../helpers/emulator';

const AUDIENCE = 'api://AzureADTokenExchange';
const SUBJECT = 'system:serviceaccount:payments:api';
const CLUSTER_ID = cluster('aks-1').id;

interface Clients {
  readonly msi: ManagedServiceIdentityClient;
  readonly resources: ResourceManagementClient;
  readonly graph: ResourceGraphClient;
}

async function failure(
  p: Promise<unknown>,
): Promise<{ status: number | undefined; code: string | undefined; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RestError) return { status: e.statusCode, code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('fidelity: documented errors through the real clients', () => {
  let emulator: Emulator;
  let c: Clients;

  beforeEach(async () => {
    const twenty = Array.from({ length: 20 }, (_, i) =>
      fic('id-full', `fic-${i}`, ISSUER, `system:serviceaccount:ns:sa${i}`),
    );
    emulator = await startEmulator({
      estate: estateOf([
        identity('id-a'),
        fic('id-a', 'existing', ISSUER, SUBJECT),
        identity('id-full'),
        ...twenty,
        identity('id-malaysia', { location: 'malaysiasouth' }),
        cluster('aks-1'),
      ]),
      clock: new VirtualClock({ scale: 1 }),
      limits: 'off',
      latency: { ficWriteMs: 200 },
    });
    const options = sdkOptions(emulator, { retryOptions: { maxRetries: 0 } });
    c = {
      msi: new ManagedServiceIdentityClient(emulator.credential, SUB, options),
      resources: new ResourceManagementClient(emulator.credential, SUB, options),
      graph: new ResourceGraphClient(emulator.credential, options),
    };
  });

  afterEach(() => emulator.close());

  const put = (identityName: string, name: string, body: Record<string, unknown>): Promise<unknown> =>
    c.msi.federatedIdentityCredentials.createOrUpdate(RG, identityName, name, body);

  it.each<[string, () => Promise<unknown>, number, string, string | RegExp]>([
    [
      '§1.5 region not enabled: 405',
      () => put('id-malaysia', 'fic-x', { issuer: ISSUER, subject: SUBJECT, audiences: [AUDIENCE] }),
      405,
      'MethodNotAllowed',
      'The request format was unexpected: Support for federated identity credentials not enabled.',
    ],
    [
      '§1.5 exactly one audience: 400',
      () =>
        put('id-a', 'fic-x', {
          issuer: ISSUER,
          subject: 'system:serviceaccount:a:b',
          audiences: [AUDIENCE, 'api://x'],
        }),
      400,
      'BadRequest',
      'Federated Identity Credentials must have exactly one audience.',
    ],
    [
      '§1.5 empty properties: 400',
      () => put('id-a', 'fic-x', {}),
      400,
      'BadRequest',
      'Federated Identity Credential from HTTP body has empty properties',
    ],
    [
      '§1.5 invalid name: 400',
      () => put('id-a', 'a_', { issuer: ISSUER, subject: SUBJECT, audiences: [AUDIENCE] }),
      400,
      'BadRequest',
      "Federated Identity Credential name 'a_' is invalid.",
    ],
    [
      '§1.5 parent identity missing: 404',
      () => put('id-none', 'fic-x', { issuer: ISSUER, subject: SUBJECT, audiences: [AUDIENCE] }),
      404,
      'ParentResourceNotFound',
      "The parent user-assigned identity doesn't exist.",
    ],
    [
      '§1.5 issuer+subject exists: 400',
      () => put('id-a', 'other-name', { issuer: ISSUER, subject: SUBJECT, audiences: [AUDIENCE] }),
      400,
      'BadRequest',
      'Issuer and subject combination already exists for this Managed Identity.',
    ],
    [
      '§1.5 21st FIC: 400 (synthetic code, response UNVERIFIED)',
      () => put('id-full', 'fic-20', { issuer: ISSUER, subject: SUBJECT, audiences: [AUDIENCE] }),
      400,
      'FedlinkEmulatorFederatedIdentityCredentialLimitExceeded',
      /already has 20 federated identity credentials/,
    ],
    [
      '§6 api-version missing: 400',
      () => c.resources.resources.getById(CLUSTER_ID, ''),
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    ],
    [
      '§6 api-version malformed: 400',
      () => c.resources.resources.getById(CLUSTER_ID, 'latest'),
      400,
      'InvalidApiVersionParameter',
      /^The api-version 'latest' is invalid\. The supported versions are '/,
    ],
    [
      '§6 api-version not supported by the type: 400',
      () => c.resources.resources.getById(CLUSTER_ID, '2015-01-01'),
      400,
      'NoRegisteredProviderFound',
      /^No registered resource provider found for location 'eastus' and API version '2015-01-01' for type 'managedClusters'\. The supported api-versions are '.*2026-06-01/,
    ],
    [
      '§6 resource missing: 404',
      () => c.resources.resources.getById(cluster('nope').id, '2026-06-01'),
      404,
      'ResourceNotFound',
      /^The Resource 'Microsoft\.ContainerService\/managedClusters\/nope' under resource group 'rg-fedlink' was not found\./,
    ],
    [
      '§6 resource group missing: 404',
      () => c.resources.resources.getById(cluster('x', {}, SUB, 'rg-none').id, '2026-06-01'),
      404,
      'ResourceGroupNotFound',
      "Resource group 'rg-none' could not be found.",
    ],
    [
      '§6 subscription missing: 404',
      () =>
        c.resources.resources.getById(
          cluster('x', {}, '99999999-9999-4999-8999-999999999999').id,
          '2026-06-01',
        ),
      404,
      'SubscriptionNotFound',
      "The subscription '99999999-9999-4999-8999-999999999999' could not be found.",
    ],
    [
      '§6 parent missing (child read): 404',
      () =>
        c.resources.resources.getById(`${cluster('gone').id}/privateEndpointConnections/pec`, '2026-06-01'),
      404,
      'ParentResourceNotFound',
      /because the parent resource '.*\/managedClusters\/gone' could not be found\./,
    ],
    [
      '§6.4 bad KQL: 400',
      () => c.graph.resources({ query: 'resources | summarize count() by location' }),
      400,
      'BadRequest',
      /^Please provide below info when asking for support: timestamp = .*, correlationId = /,
    ],
  ])('%s', async (_doc, call, status, code, message) => {
    const f = await failure(call());
    expect([f.status, f.code]).toEqual([status, code]);
    if (typeof message === 'string') expect(f.message).toBe(message);
    else expect(f.message).toMatch(message);
  });

  it('§1.5 concurrent FIC writes on one identity: 409 with the observed code (deletes too)', async () => {
    const results = await Promise.allSettled([
      put('id-a', 'fic-new', { issuer: ISSUER, subject: 'system:serviceaccount:n:s', audiences: [AUDIENCE] }),
      c.msi.federatedIdentityCredentials.delete(RG, 'id-a', 'existing'),
    ]);
    const rejected = results
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => r.reason as RestError);
    expect(rejected.map((e) => [e.statusCode, e.code])).toEqual([
      [409, 'ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity'],
    ]);
    expect(rejected[0]!.message).toContain(`'${identityId('id-a').toLowerCase()}'`);
  });

  it('§6 no bearer token, or a wrong one: 401 before anything else', async () => {
    const wrong: TokenCredential = {
      getToken: () =>
        Promise.resolve({ token: 'not-the-sandbox-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
    };
    const client = new ResourceManagementClient(wrong, SUB, sdkOptions(emulator));
    const f = await failure(client.resources.getById(CLUSTER_ID, '2026-06-01'));
    expect([f.status, f.code]).toEqual([401, 'InvalidAuthenticationToken']);
    const raw = await rawRequest(
      emulator,
      'GET',
      `${CLUSTER_ID}?api-version=2026-06-01`,
      undefined,
      {},
      null,
    );
    expect([raw.status, (raw.body as { error: { code: string } }).error.code]).toEqual([
      401,
      'AuthenticationFailed',
    ]);
  });

  it('§6 a body that is not JSON: 400 InvalidRequestContent', async () => {
    const raw = await rawRequest(
      emulator,
      'PUT',
      `${identityId('id-a')}/federatedIdentityCredentials/x?api-version=2024-11-30`,
      '{"properties": ',
    );
    expect(raw.status).toBe(400);
    expect((raw.body as { error: { code: string; message: string } }).error.code).toBe(
      'InvalidRequestContent',
    );
  });

  it('§6.3 ARM throttling: 429 SubscriptionRequestsThrottled with Retry-After and the remaining-reads header', async () => {
    await emulator.close();
    emulator = await startEmulator({
      estate: estateOf([cluster('aks-1')]),
      limits: { subscriptionReads: { burst: 2, perSecond: 0.5 } },
    });
    const client = new ResourceManagementClient(
      emulator.credential,
      SUB,
      sdkOptions(emulator, { retryOptions: { maxRetries: 0 } }),
    );
    const seen = capture(client.pipeline);
    await client.resources.getById(CLUSTER_ID, '2026-06-01');
    await client.resources.getById(CLUSTER_ID, '2026-06-01');
    const f = await failure(client.resources.getById(CLUSTER_ID, '2026-06-01'));
    expect([f.status, f.code]).toEqual([429, 'SubscriptionRequestsThrottled']);
    expect(seen.map((s) => s.headers['x-ms-ratelimit-remaining-subscription-reads'])).toEqual([
      '1',
      '0',
      '0',
    ]);
    expect(seen[2]!.headers['retry-after']).toBe('2');
    expect(seen[2]!.headers['retry-after-ms']).toBeUndefined(); // scale 1: Azure's header only
  });

  it('§6.4 Resource Graph quota: 15 per 5 s window, quota headers, then 429 RateLimiting', async () => {
    await emulator.close();
    emulator = await startEmulator({ estate: estateOf([cluster('aks-1')]), limits: 'azure' });
    const graph = new ResourceGraphClient(
      emulator.credential,
      sdkOptions(emulator, { retryOptions: { maxRetries: 0 } }),
    );
    const seen = capture(graph.pipeline);
    for (let i = 0; i < 15; i++) await graph.resources({ query: 'resources | project id | limit 1' });
    const f = await failure(graph.resources({ query: 'resources | project id | limit 1' }));
    expect([f.status, f.code]).toEqual([429, 'RateLimiting']);
    expect(seen.slice(0, 3).map((s) => s.headers['x-ms-user-quota-remaining'])).toEqual(['14', '13', '12']);
    expect(seen[0]!.headers['x-ms-user-quota-resets-after']).toBe('00:00:05');
    expect(seen[15]!.headers['retry-after']).toBeDefined();
  });

  it('§6.5 a 429 without Retry-After is NOT retried by the SDK (one with it is: behaviours.test.ts)', async () => {
    await emulator.close();
    emulator = await startEmulator({
      estate: estateOf([cluster('aks-1')]),
      clock: new VirtualClock({ scale: 100 }),
      faults: { throttle429NoRetryAfter: 1 },
    });
    const client = new ResourceManagementClient(emulator.credential, SUB, sdkOptions(emulator));
    const f = await failure(client.resources.getById(CLUSTER_ID, '2026-06-01'));
    expect([f.status, f.code]).toEqual([429, 'SubscriptionRequestsThrottled']);
    expect(emulator.operations).toHaveLength(1);
  });
});
