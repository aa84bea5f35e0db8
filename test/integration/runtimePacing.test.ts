/**
 * The deployed app paces like the sandbox: the dependencies functions/runtime.ts builds (the Azure
 * entry point's, only the credential, CA and clock swapped for the emulator's) stay below Azure's
 * limits, where an unpaced gateway over the same clients is answered 429. And the client pacing and
 * the emulator's enforcement are one set of numbers (shared/azure/limits.ts).
 */
import { createRuntime } from '../../functions/runtime';
import { createArmGateway } from '../../shared/azure/armGateway';
import { createArmClients } from '../../shared/azure/clients';
import { type AzureGateway } from '../../shared/azure/gateway';
import { PACING } from '../../shared/azure/paced';
import { VirtualClock } from '../../sandbox/clock';
import { AZURE_LIMITS, type Emulator, type Limits, startEmulator } from '../../sandbox/emulator';
import { estate, identity, issuerOf, cluster } from '../helpers/scenario';

const identities = Array.from({ length: 8 }, (_, i) => identity(`id-pace-${i}`));
const issuer = issuerOf(cluster('aks-pace', '9a9a9a9a-0000-4000-8000-000000000001'));

async function burst(
  build: (emulator: Emulator, clock: VirtualClock) => AzureGateway,
): Promise<{ throttled: number; fics: number }> {
  // Scale 2: real network and CPU jitter is multiplied by the scale (pacing absorbs 0.6 s of it).
  const clock = new VirtualClock({ scale: 2 });
  const emulator = await startEmulator({ estate: estate(identities), clock });
  try {
    const azure = build(emulator, clock);
    // As a sync does: list each identity's FICs, then write. One FIC write to each of 8 identities in
    // one subscription, all at once, against 2 writes per second per subscription.
    await Promise.all(identities.map((id) => azure.listFics(id.id)));
    await Promise.all(
      identities.map((id) =>
        azure.putFic(id.id, 'fedlink-pace-api', {
          issuer,
          subject: 'system:serviceaccount:pace:api',
          audiences: ['api://AzureADTokenExchange'],
        }),
      ),
    );
    const fics = emulator
      .state()
      .resources.filter(
        (r) => r.type === 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
      ).length;
    return { throttled: emulator.metrics().throttled429, fics };
  } finally {
    await emulator.close();
  }
}

describe('functions/runtime.ts deps pace', () => {
  it('the runtime-built gateway makes 8 concurrent FIC writes with zero 429s; an unpaced one is throttled', async () => {
    const paced = await burst(
      (emulator, clock) =>
        createRuntime(
          {
            AZURE_RESOURCE_MANAGER_ENDPOINT: emulator.endpoint,
            FEDLINK_CONFIG_JSON: '{}',
            FEDLINK_LOG_LEVEL: 'error',
            FEDLINK_WORK_URL: 'https://stfedlink.blob.core.windows.net/fedlink-work',
          },
          { credential: emulator.credential, caPem: emulator.caPem, clock },
        ).deps().azure,
    );
    expect(paced).toEqual({ throttled: 0, fics: 8 });

    const unpaced = await burst((emulator, clock) =>
      createArmGateway(
        createArmClients({
          credential: emulator.credential,
          endpoint: emulator.endpoint,
          caPem: emulator.caPem,
        }),
        { clock },
      ),
    );
    expect(unpaced.fics).toBe(8);
    expect(unpaced.throttled).toBeGreaterThan(0);
  });

  it('paces with exactly the rates the emulator enforces (one table, shared/azure/limits.ts)', () => {
    const shared = Object.keys(PACING).filter((k) => k in AZURE_LIMITS) as (keyof Limits &
      keyof typeof PACING)[];
    expect(shared.sort()).toEqual(
      [
        'msiDeletesPerIdentity',
        'msiDeletesPerSubscription',
        'msiDeletesPerTenant',
        'msiGetsPerTenant',
        'msiListsPerTenant',
        'msiWritesPerIdentity',
        'msiWritesPerSubscription',
        'msiWritesPerTenant',
        'privateDnsLinkReadsPerZone',
        'privateDnsLinkWritesPerZone',
        'subscriptionDeletes',
        'subscriptionReads',
        'subscriptionWrites',
        'tenantDeletes',
        'tenantReads',
        'tenantWrites',
      ].sort(),
    );
    for (const key of shared) expect(PACING[key]).toEqual(AZURE_LIMITS[key]);
    const window = AZURE_LIMITS.resourceGraph!;
    // A bucket never lets more than the window's quota through in any window.
    expect(
      PACING.resourceGraphQueries.burst + PACING.resourceGraphQueries.perSecond * window.windowSeconds,
    ).toBeLessThanOrEqual(window.queries);
  });
});
