/**
 * The docs/targets.md limits in virtual time: ARM token buckets per subscription and per tenant, the
 * managed identity service limits (assumed for FICs too), 'off', and the rate-limit headers.
 */
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { VirtualClock } from '../../sandbox/clock';
import { AZURE_LIMITS, type Emulator, startEmulator } from '../../sandbox/emulator';
import {
  capture,
  cluster,
  estateOf,
  identity,
  ISSUER,
  rawRequest,
  RG,
  sdkOptions,
  SUB,
  restErrorOf,
} from '../helpers/emulator';

const FIC = (n: number): { issuer: string; subject: string; audiences: string[] } => ({
  issuer: ISSUER,
  subject: `system:serviceaccount:ns:sa${n}`,
  audiences: ['api://AzureADTokenExchange'],
});

describe('emulator: limit defaults', () => {
  it('uses the documented numbers by default', () => {
    expect(AZURE_LIMITS).toMatchObject({
      subscriptionReads: { burst: 250, perSecond: 25 },
      subscriptionWrites: { burst: 200, perSecond: 10 },
      subscriptionDeletes: { burst: 200, perSecond: 10 },
      msiWritesPerTenant: { perSecond: 10 },
      msiWritesPerSubscription: { perSecond: 2 },
      msiWritesPerIdentity: { burst: 1, perSecond: 0.25 },
      msiGetsPerTenant: { perSecond: 30 },
      msiListsPerTenant: { perSecond: 15 },
      privateDnsLinkWritesPerZone: { burst: 60, perSecond: 1 },
      resourceGraph: { queries: 15, windowSeconds: 5 },
    });
  });
});

describe('emulator: limits', () => {
  let emulator: Emulator;
  afterEach(() => emulator.close());

  it('FIC writes to one identity: 1 per 4 s (429 TooManyRequests with Retry-After); another identity is not affected', async () => {
    emulator = await startEmulator({
      estate: estateOf([identity('id-a'), identity('id-b')]),
      // Scale 10, not more: a loaded machine must not turn the first call's real time into virtual seconds.
      clock: new VirtualClock({ scale: 10 }),
    });
    const msi = new ManagedServiceIdentityClient(
      emulator.credential,
      SUB,
      sdkOptions(emulator, { retryOptions: { maxRetries: 0 } }),
    );
    const seen = capture(msi.pipeline);
    await msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', 'fic1', FIC(1));
    const e = await restErrorOf(msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', 'fic2', FIC(2)));
    expect([e.statusCode, e.code]).toEqual([429, 'TooManyRequests']);
    // Up to 4 s, less the (scaled) time the first call took; the real client gets the compressed wait too.
    const retryAfter = Number(seen[1]!.headers['retry-after']);
    expect([3, 4]).toContain(retryAfter);
    expect(seen[1]!.headers['retry-after-ms']).toBe(String(Math.ceil((retryAfter * 1000) / 10) + 1));
    await msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-b', 'fic1', FIC(1));
    // 4 virtual seconds later the identity takes writes again.
    emulator.clock.advance(4000);
    await msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', 'fic2', FIC(2));
  });

  it('with SDK retries the same burst completes, every retry waiting its Retry-After', async () => {
    emulator = await startEmulator({
      estate: estateOf([identity('id-a')]),
      // Each Retry-After wait is 400 ms of real time here: short, yet far above scheduling noise.
      clock: new VirtualClock({ scale: 10 }),
    });
    const msi = new ManagedServiceIdentityClient(
      emulator.credential,
      SUB,
      sdkOptions(emulator, { retryOptions: { maxRetries: 5 } }),
    );
    for (let i = 0; i < 3; i++)
      await msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', `fic${i}`, FIC(i));
    expect(emulator.metrics().throttled429).toBeGreaterThanOrEqual(2);
    expect(emulator.retryViolations()).toEqual([]);
    const writes = emulator.operations.filter((o) => o.method === 'PUT' && o.status === 201).map((o) => o.at);
    expect(writes[2]! - writes[0]!).toBeGreaterThanOrEqual(8000 - 10);
  });

  it('subscription write bucket: writes beyond the burst get SubscriptionRequestsThrottled; headers count down', async () => {
    emulator = await startEmulator({
      estate: estateOf([identity('id-a')]),
      limits: {
        subscriptionWrites: { burst: 2, perSecond: 0.1 },
        msiWritesPerIdentity: null,
        msiWritesPerSubscription: null,
      },
    });
    const put = (
      n: string,
    ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: unknown }> =>
      rawRequest(
        emulator,
        'PUT',
        `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${n}?api-version=2024-11-30`,
        { location: 'eastus' },
      );
    const answers = [await put('x1'), await put('x2'), await put('x3')];
    expect(answers.map((a) => a.status)).toEqual([201, 201, 429]);
    expect(answers.map((a) => a.headers['x-ms-ratelimit-remaining-subscription-writes'])).toEqual([
      '1',
      '0',
      '0',
    ]);
    expect((answers[2]!.body as { error: { code: string } }).error.code).toBe(
      'SubscriptionRequestsThrottled',
    );
    expect(answers[2]!.headers['retry-after']).toBe('10');
    const read = await rawRequest(emulator, 'GET', `${identity('id-a').id}?api-version=2024-11-30`);
    expect(read.headers['x-ms-ratelimit-remaining-subscription-reads']).toBe('249');
  });

  it('tenant-level calls (GET /subscriptions) use the tenant bucket', async () => {
    emulator = await startEmulator({
      estate: estateOf([cluster('aks-1')]),
      limits: { tenantReads: { burst: 1, perSecond: 0.1 } },
    });
    const a = await rawRequest(emulator, 'GET', '/subscriptions?api-version=2022-12-01');
    const b = await rawRequest(emulator, 'GET', '/subscriptions?api-version=2022-12-01');
    expect([a.status, b.status]).toEqual([200, 429]);
    expect(a.headers['x-ms-ratelimit-remaining-tenant-reads']).toBe('0');
    expect((b.body as { error: { code: string } }).error.code).toBe('TenantRequestsThrottled');
    // Subscription reads are a different bucket.
    expect((await rawRequest(emulator, 'GET', `${cluster('aks-1').id}?api-version=2026-06-01`)).status).toBe(
      200,
    );
  });

  it("'off' throttles nothing", async () => {
    emulator = await startEmulator({ estate: estateOf([identity('id-a')]), limits: 'off' });
    const msi = new ManagedServiceIdentityClient(
      emulator.credential,
      SUB,
      sdkOptions(emulator, { retryOptions: { maxRetries: 0 } }),
    );
    for (let i = 0; i < 5; i++)
      await msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', `fic${i}`, FIC(i));
    expect(emulator.metrics().throttled429).toBe(0);
  });
});
