/**
 * Fidelity: each documented behaviour fedlink depends on has a test here that fails if the emulator
 * stops doing it (docs/design.md "The sandbox"; docs/azure-behaviour.md §1, §5, §6; docs/targets.md limits).
 */
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { ResourceManagementClient } from '@azure/arm-resources';
import { type RestError } from '@azure/core-rest-pipeline';
import { VirtualClock } from '../../sandbox/clock';
import { type ArmResource } from '../../sandbox/estate';
import { type Emulator, startEmulator } from '../../sandbox/emulator';
import {
  capture,
  cluster,
  estateOf,
  fic,
  identity,
  ISSUER,
  RG,
  sdkOptions,
  SUB,
  restErrorOf,
} from '../helpers/emulator';

const AUDIENCE = 'api://AzureADTokenExchange';
const SUBJECT = 'system:serviceaccount:payments:api';

function zone(name: string): ArmResource {
  return {
    id: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateDnsZones/${name}`,
    name,
    type: 'Microsoft.Network/privateDnsZones',
    location: 'global',
    properties: { provisioningState: 'Succeeded' },
  };
}

const HUB = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/hub`;

describe('fidelity: documented behaviours', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('two concurrent FIC PUTs on one identity: exactly one 409', async () => {
    emulator = await startEmulator({
      estate: estateOf([identity('id-a')]),
      clock: new VirtualClock({ scale: 1 }),
      limits: 'off',
      latency: { ficWriteMs: 200 },
    });
    const msi = new ManagedServiceIdentityClient(emulator.credential, SUB, sdkOptions(emulator));
    const results = await Promise.allSettled(
      ['one', 'two'].map((n) =>
        msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', `fedlink-${n}`, {
          issuer: ISSUER,
          subject: `${SUBJECT}-${n}`,
          audiences: [AUDIENCE],
        }),
      ),
    );
    const statuses = results
      .map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as RestError).statusCode))
      .sort();
    expect(statuses).toEqual([409, 'ok']);
  });

  it('a 21st FIC is refused and nothing is written', async () => {
    const twenty = Array.from({ length: 20 }, (_, i) => fic('id-a', `f${i}x`, ISSUER, `${SUBJECT}${i}`));
    emulator = await startEmulator({ estate: estateOf([identity('id-a'), ...twenty]), limits: 'off' });
    const msi = new ManagedServiceIdentityClient(emulator.credential, SUB, sdkOptions(emulator));
    const e = await restErrorOf(
      msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', 'f20x', {
        issuer: ISSUER,
        subject: SUBJECT,
        audiences: [AUDIENCE],
      }),
    );
    expect(e.statusCode).toBe(400);
    expect(emulator.state().resources).toHaveLength(21);
  });

  it('issuer+subject already on the identity (under another name) → 400', async () => {
    emulator = await startEmulator({
      estate: estateOf([identity('id-a'), fic('id-a', 'first', ISSUER, SUBJECT)]),
      limits: 'off',
    });
    const msi = new ManagedServiceIdentityClient(emulator.credential, SUB, sdkOptions(emulator));
    const e = await restErrorOf(
      msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', 'second', {
        issuer: ISSUER,
        subject: SUBJECT,
        audiences: [AUDIENCE],
      }),
    );
    expect([e.statusCode, e.message]).toEqual([
      400,
      'Issuer and subject combination already exists for this Managed Identity.',
    ]);
    // Matching is exact: a different case of the subject is another FIC (docs/azure-behaviour.md §1.4).
    await msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', 'second', {
      issuer: ISSUER,
      subject: SUBJECT.toUpperCase(),
      audiences: [AUDIENCE],
    });
  });

  it('a virtual network link PUT is an LRO, polled to Succeeded by the real @azure/arm-privatedns poller', async () => {
    emulator = await startEmulator({
      estate: estateOf([zone('privatelink.eastus.azmk8s.io')]),
      clock: new VirtualClock({ scale: 100 }),
      limits: 'off',
      latency: { lroMs: 30_000 },
    });
    const dns = new PrivateDnsManagementClient(emulator.credential, SUB, sdkOptions(emulator));
    const seen = capture(dns.pipeline);
    const link = await dns.virtualNetworkLinks.createOrUpdate(RG, 'privatelink.eastus.azmk8s.io', 'hub', {
      location: 'global',
      virtualNetwork: { id: HUB },
      registrationEnabled: false,
    });
    expect([link.provisioningState, link.virtualNetworkLinkState]).toEqual(['Succeeded', 'Completed']);
    const [initial, ...polls] = seen;
    // Recorded: Azure/azure-cli src/azure-cli/azure/cli/command_modules/privatedns/tests/latest/recordings/
    // test_PutLink_LinkExistsIfNoneMatchFailure_ExpectError.yaml (its first, successful link PUT).
    expect([initial!.status, initial!.body]).toEqual([202, {}]);
    expect(initial!.headers['azure-asyncoperation']).toMatch(
      /\/providers\/Microsoft\.Network\/privateDnsOperationStatuses\/[0-9a-f-]+\?api-version=2024-06-01$/,
    );
    expect(initial!.headers['location']).toMatch(
      /\/providers\/Microsoft\.Network\/privateDnsOperationResults\/[0-9a-f-]+\?api-version=2024-06-01$/,
    );
    expect(initial!.headers['retry-after']).toBe('1');
    const statuses = polls
      .filter((p) => p.url.includes('privateDnsOperationStatuses'))
      .map((p) => [p.status, p.body]);
    expect(statuses[0]).toEqual([202, { status: 'InProgress' }]);
    expect(statuses[statuses.length - 1]).toEqual([200, { status: 'Succeeded' }]);
    // The poller's final GET of the link (a PUT's resource location is the request URL).
    expect(polls[polls.length - 1]!.url).toContain('/virtualNetworkLinks/hub?');
    // It waited the LRO out in virtual time.
    const at = emulator.operations.map((o) => o.at);
    expect(at[at.length - 1]! - at[0]!).toBeGreaterThanOrEqual(30_000);
  });

  it('429 with Retry-After is retried by the SDK after at least Retry-After (virtual), scaled clock', async () => {
    emulator = await startEmulator({
      estate: estateOf([cluster('aks-1')]),
      clock: new VirtualClock({ scale: 100 }),
      limits: { subscriptionReads: { burst: 2, perSecond: 0.1 } },
    });
    const client = new ResourceManagementClient(emulator.credential, SUB, sdkOptions(emulator));
    const seen = capture(client.pipeline);
    for (let i = 0; i < 5; i++) await client.resources.getById(cluster('aks-1').id, '2026-06-01');
    // The caller sees only successes: every 429 was retried by the SDK's throttling strategy.
    expect(seen.map((s) => s.status)).toEqual([200, 200, 200, 200, 200]);
    const throttled = emulator.operations.filter((o) => o.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(1);
    const retries = emulator.operations.filter((o) => o.retry !== undefined);
    expect(retries).toHaveLength(throttled.length);
    for (const r of retries) {
      // Retry-After is whole seconds until a token is back (≤ 10 s at 0.1/s); tolerance: one real ms = 100 virtual.
      expect(r.retry!.requiredMs).toBeGreaterThanOrEqual(1000);
      expect(r.retry!.requiredMs).toBeLessThanOrEqual(10_000);
      expect(r.retry!.waitedMs).toBeGreaterThanOrEqual(r.retry!.requiredMs - 100);
      expect(r.retry!.ok).toBe(true);
    }
    expect(emulator.retryViolations()).toEqual([]);
    expect(emulator.metrics()).toMatchObject({
      throttled429: throttled.length,
      retriesAfterThrottle: retries.length,
      retryHygieneViolations: 0,
    });
  });

  it('429 with Retry-After at wall-clock speed: the SDK waits the whole second', async () => {
    emulator = await startEmulator({
      estate: estateOf([cluster('aks-1')]),
      clock: new VirtualClock({ scale: 1 }),
      limits: { subscriptionReads: { burst: 1, perSecond: 1 } },
    });
    const client = new ResourceManagementClient(emulator.credential, SUB, sdkOptions(emulator));
    await client.resources.getById(cluster('aks-1').id, '2026-06-01');
    await client.resources.getById(cluster('aks-1').id, '2026-06-01');
    const retry = emulator.operations.find((o) => o.retry !== undefined)!;
    expect(retry.retry!.requiredMs).toBe(1000);
    expect(retry.retry!.waitedMs).toBeGreaterThanOrEqual(999);
    expect(emulator.retryViolations()).toEqual([]);
  });

  it('Resource Graph pages over more than 1,000 rows with $skipToken', async () => {
    const identities = Array.from({ length: 2345 }, (_, i) => identity(`id-${String(i).padStart(4, '0')}`));
    emulator = await startEmulator({ estate: estateOf([...identities, cluster('aks-1')]), limits: 'off' });
    const graph = new ResourceGraphClient(emulator.credential, sdkOptions(emulator));
    const query =
      "resources | where type =~ 'Microsoft.ManagedIdentity/userAssignedIdentities' | project id, name | order by name asc";
    const pages: { count: number; total: number; token: string | undefined }[] = [];
    const names: string[] = [];
    let skipToken: string | undefined;
    do {
      const r = await graph.resources({
        query,
        subscriptions: [SUB],
        ...(skipToken ? { options: { skipToken } } : {}),
      });
      pages.push({ count: r.count, total: r.totalRecords, token: r.skipToken });
      names.push(...(r.data as { name: string }[]).map((d) => d.name));
      skipToken = r.skipToken;
    } while (skipToken);
    expect(pages.map((p) => [p.count, p.total, p.token !== undefined])).toEqual([
      [1000, 2345, true],
      [1000, 2345, true],
      [345, 2345, false],
    ]);
    expect(names).toEqual(identities.map((i) => i.name));
  });

  it('a KQL query outside the subset → 400 BadRequest with InvalidQuery and the offending part, never an answer', async () => {
    emulator = await startEmulator({ estate: estateOf([cluster('aks-1')]), limits: 'off' });
    const graph = new ResourceGraphClient(emulator.credential, sdkOptions(emulator));
    const seen = capture(graph.pipeline);
    const e = await restErrorOf(graph.resources({ query: "resources | where name has 'aks'" }));
    expect([e.statusCode, e.code]).toEqual([400, 'BadRequest']);
    const details = (
      seen[0]!.body as {
        error: {
          details: { code: string; token?: string; line?: number; characterPositionInLine?: number }[];
        };
      }
    ).error.details;
    expect(details[0]!.code).toBe('InvalidQuery');
    expect(details[1]).toMatchObject({
      code: 'UnsupportedByEmulator',
      token: 'has',
      line: 1,
      characterPositionInLine: 24,
    });
  });
});
