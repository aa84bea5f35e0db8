/**
 * Convergence under faults at the event level, across federation, private link and private DNS
 * (docs/targets.md "Reliability targets" 1; issue #12 item 1). Each seed generates an estate
 * (estate.ts), delivers its events 20% duplicated, reordered and 5% dropped while the emulator answers
 * 10% 429 (with Retry-After), 5% 5xx, 1% connection resets and a foreign FIC writer's 409s, then runs
 * one drift cycle in apply mode (harness.ts). Extreme rates: extreme.test.ts. Verdicts read the emulator's state and request log and
 * the run's per-event records. Larger sweeps: `npm run bench:chaos -- --seeds N` (bench/chaos.ts).
 */
import { type OperationRecord } from '../../sandbox/emulator';
import { planDelivery } from '../../sandbox/run';
import { generateEstate } from './estate';
import { deliveryFor, doubleWrites, eventViolations, runChaos, stateViolations } from './harness';

/** Seeds whose delivery plan has at least one duplicate and one dropped event (asserted below). */
const SEEDS = [1, 5];

describe.each(SEEDS)('chaos seed %i', (seed) => {
  it('after the events and one drift cycle: every object as desired, nothing written twice, every accepted event converged or failed with its reason', async () => {
    const run = await runChaos({ seed });
    const { deliveries, dropped } = planDelivery(run.estate.events, deliveryFor(seed));
    // The chaos really happened: duplicated and dropped events, and every kind of injected fault.
    expect(deliveries.some((d) => d.copy === 1)).toBe(true);
    expect(dropped.length).toBeGreaterThan(0);
    const faults = new Set(run.requests.map((r) => r.fault).filter((f) => f !== undefined));
    expect(faults.has('throttle429')).toBe(true);
    expect(faults.has('serverError500') || faults.has('serverError503')).toBe(true);
    // The foreign writer's 409s (FICs: ConcurrentFederatedIdentityCredentialsWrites...; connections,
    // links and zone groups: AnotherOperationInProgress).
    expect(run.requests.some((r) => r.status === 409)).toBe(true);

    expect(stateViolations(run)).toEqual([]);
    expect(doubleWrites(run.requests)).toEqual([]);
    expect(eventViolations(run)).toEqual([]);
    // Every delivered event is accounted for: a run that took it, or the trigger's reason for ignoring it.
    expect(run.output.events?.filter((e) => e.delivery === 'delivered')).toHaveLength(deliveries.length);
    expect(run.output.events?.filter((e) => e.delivery === 'dropped')).toHaveLength(dropped.length);
    // No run ended other than Completed, and the report has no failed finding left.
    expect(run.output.runs.filter((r) => r.runtimeStatus !== 'Completed')).toEqual([]);
    expect(run.output.report.findings.filter((f) => f.status === 'fail')).toEqual([]);
  }, 240_000);
});

describe('the verdicts can fail', () => {
  const at = (n: number) => Date.parse('2026-11-23T10:00:00Z') + n * 1000;
  const op = (
    method: string,
    path: string,
    status: number,
    n: number,
    bodyDigest?: string,
  ): OperationRecord => ({
    method,
    path,
    apiVersion: '2023-01-31',
    status,
    at: at(n),
    durationMs: 100,
    operationClass: method === 'DELETE' ? 'delete' : 'write',
    ...(bodyDigest !== undefined ? { bodyDigest } : {}),
  });
  const fic =
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id/federatedIdentityCredentials/fedlink-a';
  const conn =
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/privateEndpointConnections/kv.pe';
  const link =
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/z/virtualNetworkLinks/fedlink-hub';

  it('"written twice": a write repeated after its 2xx, a second decision of a connection, a re-issued long-running PUT', () => {
    expect(
      doubleWrites([op('PUT', fic, 200, 1, 'd1'), op('PUT', fic.toUpperCase(), 200, 2, 'd1')]),
    ).toHaveLength(1);
    expect(doubleWrites([op('PUT', conn, 200, 1, 'a'), op('PUT', conn, 200, 2, 'b')])).toEqual([
      expect.stringMatching(/^connection decided again: PUT/),
    ]);
    expect(doubleWrites([op('PUT', link, 202, 1, 'l'), op('PUT', link, 409, 2, 'l2')])).toEqual([
      expect.stringMatching(/^long-running write re-issued/),
    ]);
    expect(doubleWrites([op('DELETE', fic, 200, 1), op('DELETE', fic, 204, 2)])).toHaveLength(1);
  });

  it('retries after answers the client never saw succeed are not double writes; a changed body is a new write', () => {
    expect(
      doubleWrites([
        op('PUT', fic, 429, 1, 'd1'),
        op('PUT', fic, 503, 2, 'd1'),
        op('PUT', fic, 0, 3, 'd1'),
        op('PUT', fic, 409, 4, 'd1'),
        op('PUT', fic, 200, 5, 'd1'),
        op('PUT', fic, 200, 6, 'd2'),
        op('DELETE', fic, 200, 7),
      ]),
    ).toEqual([]);
  });

  it("the expected state is the generator's, not fedlink's: the untouched estate violates it", () => {
    const estate = generateEstate(1);
    const run = {
      estate,
      output: { events: [] } as never,
      requests: [],
      resources: estate.estate.resources,
      realMs: 0,
    };
    const violations = stateViolations(run);
    expect(violations.some((v) => v.includes('missing FIC'))).toBe(true);
    expect(violations.some((v) => v.includes('unexpected (stale) FIC'))).toBe(true);
    expect(violations.some((v) => v.includes('"Pending"') && v.includes('Approved'))).toBe(true);
    expect(violations.some((v) => v.includes('link fedlink-'))).toBe(true);
    expect(violations.some((v) => v.includes('zone group'))).toBe(true);
  });
});
