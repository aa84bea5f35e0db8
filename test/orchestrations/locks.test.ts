/**
 * The per-resource write lock held past its lease (docs/adr/0003), through the real resourceLock
 * entity and the orchestration helpers of functions/orchestrations/locks.ts, on the durable host's
 * virtual clock. Measured before this lock: the 15-minute lease was taken once and never renewed, so
 * a run holding it longer and the next run both wrote.
 */
import '../../functions/entities/resourceLock';
import { defineOrchestration } from '../../functions/registry';
import {
  acquireLocks,
  type HeldLock,
  LOCK_LEASE_MS,
  releaseLocks,
  renewLocks,
} from '../../functions/orchestrations/locks';
import { START, testHost } from './helpers';

const MINUTE = 60_000;

interface Hold {
  readonly startAfterMinutes: number;
  readonly holdMinutes: number;
  /** Renew between steps, as applyWork does between rounds. */
  readonly renew: boolean;
}

interface Held {
  readonly acquiredAtMs: number;
  readonly releasedAtMs: number;
  readonly lost: boolean;
}

/** Takes the lock `key`, holds it in 5-minute steps (renewing or not), then releases it. */
const holder = defineOrchestration<Hold, Held>('lockHolder', function* (context, input) {
  const at = () => context.df.currentUtcDateTime.getTime();
  const wait = (ms: number) => context.df.createTimer(new Date(at() + ms));
  if (input.startAfterMinutes > 0) yield wait(input.startAfterMinutes * MINUTE);
  let held: HeldLock[] = yield* acquireLocks(context, ['aks-prod:0123']);
  const acquiredAtMs = at() - START;
  let lost = false;
  for (let t = 0; t < input.holdMinutes; t += 5) {
    yield wait(5 * MINUTE);
    if (input.renew) {
      const r = yield* renewLocks(context, held);
      held = r.held;
      lost ||= r.lost.length > 0;
    }
  }
  // Whatever happened, a holder ends by checking it still holds (the next round would) and releasing.
  const final = yield* renewLocks(context, held, true);
  lost ||= final.lost.length > 0;
  // The release is signalled at the end of this episode, so no one can hold the lock before this time.
  const releasedAtMs = at() - START;
  releaseLocks(context, held);
  yield wait(1000); // let the release signal be delivered before we report
  return { acquiredAtMs, releasedAtMs, lost };
});

async function run(holds: readonly Hold[]): Promise<Held[]> {
  const { host } = testHost();
  try {
    for (const [i, input] of holds.entries())
      await host.client.startNew(holder.name, { instanceId: `run-${i}`, input });
    await host.runUntilIdle();
    const out: Held[] = [];
    for (const i of holds.keys()) {
      const status = await host.client.getStatus(`run-${i}`);
      expect(status.runtimeStatus).toBe('Completed');
      out.push(status.output as Held);
    }
    return out;
  } finally {
    await host.close();
  }
}

it('a holder that renews keeps the lock past its lease: the next run waits for the release, not the lease', async () => {
  expect(LOCK_LEASE_MS).toBe(15 * MINUTE);
  const [a, b] = await run([
    { startAfterMinutes: 0, holdMinutes: 40, renew: true },
    { startAfterMinutes: 1, holdMinutes: 0, renew: true },
  ]);
  expect(a!.lost).toBe(false);
  expect(a!.releasedAtMs).toBeGreaterThanOrEqual(40 * MINUTE);
  // Never two holders: b got the lock only after a released it, well past a's first lease.
  expect(b!.acquiredAtMs).toBeGreaterThanOrEqual(a!.releasedAtMs);
  expect(b!.lost).toBe(false);
});

it("fences an expired holder: its renew is refused and its late release does not free the next holder's lock", async () => {
  const [a, b, c] = await run([
    // a never renews: its lease ends at 15 min while it still "holds" until 20 min.
    { startAfterMinutes: 0, holdMinutes: 20, renew: false },
    // b takes the expired lock and holds it (renewing) until ~45 min.
    { startAfterMinutes: 1, holdMinutes: 30, renew: true },
    // c arrives after a's late release (at ~20 min) and must still wait for b.
    { startAfterMinutes: 22, holdMinutes: 0, renew: true },
  ]);
  expect(b!.acquiredAtMs).toBeGreaterThanOrEqual(LOCK_LEASE_MS);
  expect(b!.acquiredAtMs).toBeLessThan(a!.releasedAtMs);
  // a finds out before it would write again: its token is no longer the lock's.
  expect(a!.lost).toBe(true);
  expect(b!.lost).toBe(false);
  expect(c!.acquiredAtMs).toBeGreaterThanOrEqual(b!.releasedAtMs);
});
