/**
 * The pacing invariant (shared/core/rateLimiter.ts, docs/azure-behaviour.md §6.6): a client that
 * paces with `RateLimiter` is never refused by the server's bucket when arrivals lag the sends by any
 * amount up to the jitter it was built for, even when its event loop stalls. The server is the
 * emulator's own TokenBucket; time is simulated (discrete events), every random draw seeded.
 */
import { type Clock } from '../../../shared/core/clock';
import {
  type Claim,
  clientBucket,
  DEFAULT_PACING,
  type PacingOptions,
  type Rate,
  RateLimiter,
  toleratedJitterMs,
} from '../../../shared/core/rateLimiter';
import { AZURE_SERVICE_LIMITS } from '../../../shared/azure/limits';
import { mulberry32 } from '../../../sandbox/emulator/prng';
import { TokenBucket } from '../../../sandbox/emulator/tokenBucket';

/** A simulated clock: timers fire in order; a timer due inside a stall fires when the stall ends. */
class SimClock implements Clock {
  private t = 0;
  private seq = 0;
  private readonly timers: { at: number; seq: number; wake: () => void }[] = [];

  constructor(private readonly stalls: readonly (readonly [number, number])[] = []) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let at = this.t + Math.max(0, ms);
      for (const [from, to] of this.stalls) if (at >= from && at < to) at = to;
      this.timers.push({ at, seq: this.seq++, wake: resolve });
    });
  }

  /** Runs until no timer is left, letting promise chains settle between timers. */
  async run(): Promise<void> {
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (this.timers.length === 0) return;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.wake();
    }
  }
}

/**
 * The pacer before docs/azure-behaviour.md §6.6, as it was: the server's own burst, slots spaced 10%
 * wider than the rate, sent whenever the timer fires.
 */
class OldRateLimiter {
  private readonly tat = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  async take(claims: readonly Claim[]): Promise<number> {
    const now = this.clock.now();
    let at = now;
    for (const { key, rate } of claims) {
      const interval = (1000 / rate.perSecond) * 1.1;
      at = Math.max(at, (this.tat.get(key) ?? now) - (Math.max(1, rate.burst) - 1) * interval);
    }
    for (const { key, rate } of claims)
      this.tat.set(key, Math.max(this.tat.get(key) ?? now, at) + (1000 / rate.perSecond) * 1.1);
    if (at > now) await this.clock.sleep(at - now);
    return at - now;
  }

  throttled(): void {}
}

interface Scenario {
  /** The server buckets and which of them each request claims. */
  readonly buckets: Readonly<Record<string, Rate>>;
  readonly requests: number;
  readonly claimsOf: (i: number) => readonly string[];
  /**
   * Arrival lag after the limiter lets a request go, at most jitterMs. `random`: jitterMs for half the
   * requests, uniform in [0, jitterMs] for the rest; `phased`: jitterMs for requests let go in an even
   * period of jitterMs, 0 in an odd one, so a delayed period lands on top of the next (the worst case).
   */
  readonly jitterMs: number;
  readonly lags?: 'random' | 'phased';
  readonly seed: number;
  /** Requests are offered over [0, offerSpreadMs) (0: all at once). */
  readonly offerSpreadMs?: number;
  /** Event-loop stalls: count and longest length (ms); timers due inside fire at the end. */
  readonly stalls?: { readonly count: number; readonly maxMs: number };
  readonly pacing?: Partial<PacingOptions>;
  /** The old pacer instead of RateLimiter. */
  readonly old?: boolean;
  /** Report each refusal back to the limiter (as the pacing policy does for a 429). */
  readonly feedback?: boolean;
  /** Go through `send`, each request in flight until it arrives (answered at once), as the pacing policy does. */
  readonly send?: boolean;
}

interface Outcome {
  readonly refused: number;
  /** Time of the last arrival (ms). */
  readonly endMs: number;
}

async function simulate(s: Scenario): Promise<Outcome> {
  const random = mulberry32(s.seed);
  const horizon = Math.max(s.offerSpreadMs ?? 0, 1000) * 4;
  const stalls: [number, number][] = [];
  for (let i = 0; i < (s.stalls?.count ?? 0); i++) {
    const from = random() * horizon;
    stalls.push([from, from + random() * s.stalls!.maxMs]);
  }
  const clock = new SimClock(stalls);
  const limiter = s.old ? new OldRateLimiter(clock) : new RateLimiter(clock, s.pacing);
  const claimsFor = (i: number): Claim[] => s.claimsOf(i).map((key) => ({ key, rate: s.buckets[key]! }));
  const arrivals: { at: number; i: number }[] = [];
  const offers = Array.from({ length: s.requests }, () => random() * (s.offerSpreadMs ?? 0));
  const lags = Array.from({ length: s.requests }, () => (random() < 0.5 ? 1 : random()) * s.jitterMs);
  const servers = new Map<string, TokenBucket>();
  const server = (key: string): TokenBucket => {
    let b = servers.get(key);
    if (!b) servers.set(key, (b = new TokenBucket(s.buckets[key]!, 0)));
    return b;
  };
  let refused = 0;
  // With feedback the server answers as requests arrive (in arrival order), so a refusal can slow the
  // requests still waiting; without it, arrivals are checked at the end.
  const pending: { at: number; i: number }[] = [];
  const deliver = (upTo: number): void => {
    pending.sort((a, b) => a.at - b.at || a.i - b.i);
    while (pending.length > 0 && pending[0]!.at <= upTo) {
      const a = pending.shift()!;
      arrivals.push(a);
      const keys = s.claimsOf(a.i);
      const wait = Math.max(...keys.map((k) => server(k).waitMs(a.at)));
      if (wait > 0) {
        refused++;
        if (s.feedback) limiter.throttled(claimsFor(a.i));
      } else for (const k of keys) server(k).take(a.at);
    }
  };
  await Promise.all([
    clock.run(),
    ...offers.map(async (offer, i) => {
      await clock.sleep(offer);
      if (s.send && limiter instanceof RateLimiter) {
        const lag = lags[i]!;
        await limiter.send(claimsFor(i), async () => {
          pending.push({ at: clock.now() + lag, i });
          deliver(clock.now());
          await clock.sleep(lag);
          deliver(clock.now());
        });
        return;
      }
      await limiter.take(claimsFor(i));
      const lag =
        s.lags === 'phased'
          ? Math.floor(clock.now() / Math.max(1, s.jitterMs)) % 2 === 0
            ? s.jitterMs
            : 0
          : lags[i]!;
      pending.push({ at: clock.now() + lag, i });
      // Everything that arrived before now has been answered.
      deliver(clock.now());
      if (s.feedback) await clock.sleep(s.jitterMs).then(() => deliver(clock.now()));
    }),
  ]);
  deliver(Infinity);
  return { refused, endMs: Math.max(...arrivals.map((a) => a.at)) };
}

const { msi, arm, privateDns } = AZURE_SERVICE_LIMITS;
const TABLE: Record<string, Rate> = { ...msi, ...arm, ...privateDns };

describe('clientBucket: the client mirror of a server bucket', () => {
  it('absorbs at least the jitter it is built for, for every bucket of shared/azure/limits.ts', () => {
    for (const [name, rate] of Object.entries(TABLE)) {
      for (const jitterMs of [0, 100, 600, 900, 2000]) {
        const c = clientBucket(rate, { jitterMs, rateMargin: 0.03 });
        expect({ name, ok: toleratedJitterMs(rate, c) >= jitterMs - 1e-9 }).toEqual({ name, ok: true });
        expect(c.burst).toBeGreaterThanOrEqual(1);
        expect(c.burst + c.reserve).toBe(Math.floor(rate.burst));
        expect(c.margin).toBeGreaterThanOrEqual(0.03);
      }
    }
  });

  it('takes the jitter from the reserve where the bucket allows, and from the rate only where it does not', () => {
    // FIC lists, 15/s, burst 15: 0.9 s is 13.5 tokens; a reserve of 14 covers it, the rate keeps 3%.
    expect(clientBucket(msi.listsPerTenant, { jitterMs: 900, rateMargin: 0.03 })).toEqual({
      burst: 1,
      reserve: 14,
      margin: 0.03,
      perSecond: 15 / 1.03,
    });
    // FIC writes per subscription, 2/s, burst 2: one token of reserve; the rest is rate (0.9 s → 40%).
    const sub = clientBucket(msi.writesPerSubscription, { jitterMs: 900, rateMargin: 0.03 });
    expect(sub.reserve).toBe(1);
    expect(sub.margin).toBeCloseTo(0.401, 10); // (2 × 0.901 − 1) / 2, with 1 ms of clock granularity
    // ARM reads, 250 / 25 per s: 23 of 250 tokens, 3%.
    expect(clientBucket(arm.subscriptionReads, { jitterMs: 900, rateMargin: 0.03 })).toMatchObject({
      burst: 227,
      reserve: 23,
      margin: 0.03,
    });
    // The old pacer (full burst, 10% rate) absorbed 10% of one interval: 50 ms at 2/s.
    expect(
      toleratedJitterMs(msi.writesPerSubscription, { burst: 2, reserve: 0, margin: 0.1, perSecond: 2 / 1.1 }),
    ).toBeCloseTo(50, 6);
  });
});

describe('RateLimiter against the server bucket, with random arrival jitter (seeded)', () => {
  const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

  it.each(Object.entries(TABLE).filter(([n]) => !/Deletes|tenant(Reads|Writes)/.test(n)))(
    '%s: zero refusals for jitter up to the bound, with event-loop stalls',
    async (name, rate) => {
      for (const seed of SEEDS) {
        const out = await simulate({
          buckets: { [name]: rate },
          requests: Math.ceil(rate.burst * 2 + rate.perSecond * 20 + 10),
          claimsOf: () => [name],
          jitterMs: DEFAULT_PACING.jitterMs,
          lags: seed % 2 === 0 ? 'phased' : 'random',
          seed,
          offerSpreadMs: 10_000,
          stalls: { count: 6, maxMs: 3000 },
        });
        expect({ name, seed, refused: out.refused }).toEqual({ name, seed, refused: 0 });
      }
    },
  );

  it('FIC writes (four buckets each, 10 subscriptions, 40 identities): zero refusals', async () => {
    const buckets: Record<string, Rate> = { tenant: msi.writesPerTenant };
    for (let s = 0; s < 10; s++) buckets[`sub${s}`] = msi.writesPerSubscription;
    for (let id = 0; id < 40; id++) buckets[`id${id}`] = msi.writesPerIdentity;
    for (const seed of SEEDS) {
      const out = await simulate({
        buckets,
        requests: 300,
        claimsOf: (i) => ['tenant', `sub${i % 10}`, `id${(i * 7) % 40}`],
        jitterMs: DEFAULT_PACING.jitterMs,
        lags: seed % 2 === 0 ? 'phased' : 'random',
        seed,
        stalls: { count: 4, maxMs: 2000 },
      });
      expect({ seed, refused: out.refused }).toEqual({ seed, refused: 0 });
    }
  });

  it('a request waiting for its own narrow bucket does not hold back the shared ones: 1,000 FIC writes over 500 identities take ≤ 1.1 × the tenant floor (2.2 × before)', async () => {
    // Each identity is written twice (1 write per 4 s per identity), the 50 subscriptions 20 times each
    // (2/s), the tenant 1,000 times (10/s): the tenant bucket sets the floor, (1,000 − 10) / 10 s. A
    // second write of an identity waits 4 s for that identity; meanwhile the writes of other identities
    // must use the tenant's slots (they did not: the wait was booked in every bucket the write claimed,
    // and the same writes took 214 s). The client's own margins (its reserve, ε = 3%) and the bound on
    // requests in flight cost the rest.
    const buckets: Record<string, Rate> = { tenant: msi.writesPerTenant };
    for (let s = 0; s < 50; s++) buckets[`sub${s}`] = msi.writesPerSubscription;
    for (let id = 0; id < 500; id++) buckets[`id${id}`] = msi.writesPerIdentity;
    const floorMs = ((1000 - msi.writesPerTenant.burst) / msi.writesPerTenant.perSecond) * 1000;
    for (const seed of SEEDS.slice(0, 3)) {
      const out = await simulate({
        buckets,
        requests: 1000,
        claimsOf: (i) => [`id${i % 500}`, `sub${i % 50}`, 'tenant'],
        offerSpreadMs: 60_000,
        jitterMs: DEFAULT_PACING.jitterMs,
        seed,
        send: true,
      });
      expect({ seed, refused: out.refused }).toEqual({ seed, refused: 0 });
      expect(out.endMs).toBeLessThanOrEqual(1.1 * floorMs);
    }
  });

  it('the old pacer (full burst, 10% margin) is refused at a jitter of a tenth of the interval', async () => {
    let refused = 0;
    for (const seed of SEEDS) {
      const out = await simulate({
        buckets: { sub: msi.writesPerSubscription },
        requests: 60,
        claimsOf: () => ['sub'],
        jitterMs: 200,
        seed,
        old: true,
      });
      refused += out.refused;
    }
    expect(refused).toBeGreaterThan(0);
    // The new one, same draws: none.
    for (const seed of SEEDS) {
      const out = await simulate({
        buckets: { sub: msi.writesPerSubscription },
        requests: 60,
        claimsOf: () => ['sub'],
        jitterMs: 200,
        seed,
      });
      expect(out.refused).toBe(0);
    }
  });

  it('the old pacer sends a stalled burst at once; the guard releases it at the bucket rate', async () => {
    const scenario: Scenario = {
      buckets: { lists: msi.listsPerTenant },
      requests: 400,
      claimsOf: () => ['lists'],
      jitterMs: 0,
      seed: 11,
      stalls: { count: 8, maxMs: 4000 },
    };
    expect((await simulate({ ...scenario, old: true })).refused).toBeGreaterThan(0);
    expect((await simulate(scenario)).refused).toBe(0);
  });

  it.each([
    ['listsPerTenant', msi.listsPerTenant],
    ['writesPerSubscription', msi.writesPerSubscription],
    ['subscriptionReads', arm.subscriptionReads],
  ] as const)(
    '%s: with requests in flight bounded by the reserve (send), zero refusals even for lags of 5 s',
    async (name, rate) => {
      for (const seed of SEEDS) {
        const out = await simulate({
          buckets: { [name]: rate },
          requests: Math.ceil(rate.burst * 2 + rate.perSecond * 20 + 10),
          claimsOf: () => [name],
          jitterMs: 5000,
          lags: seed % 2 === 0 ? 'phased' : 'random',
          seed,
          offerSpreadMs: 10_000,
          stalls: { count: 4, maxMs: 3000 },
          send: true,
        });
        expect({ name, seed, refused: out.refused }).toEqual({ name, seed, refused: 0 });
      }
    },
  );

  it('never has more requests of a bucket in flight than its reserve, also when one answer wakes many waiters', async () => {
    // Each request stays in flight 2 s; every answer wakes all the waiters at once. Counting a request
    // in flight only after the limiter's promise resolved let all of them pass the bound in the same
    // turn: 14 FIC lists in flight with a reserve of 10 (and a 429 in the reference benchmark).
    const clock = new SimClock();
    const limiter = new RateLimiter(clock);
    const rate = msi.listsPerTenant;
    const reserve = clientBucket(rate, DEFAULT_PACING).reserve;
    let inFlight = 0;
    let peak = 0;
    await Promise.all([
      clock.run(),
      ...Array.from({ length: 60 }, () =>
        limiter.send([{ key: 'lists', rate }], async () => {
          peak = Math.max(peak, ++inFlight);
          await clock.sleep(2000);
          inFlight--;
        }),
      ),
    ]);
    expect(reserve).toBe(10);
    expect(peak).toBe(reserve);
  });

  it('an answer wakes one waiter, not all of them: 400 requests queued on one place wait about once each', async () => {
    // Waking every waiter on every answer made n queued requests cost n²/2 wake-ups (125,000 here):
    // the seeded simulation of ARM reads took 5 s of CPU, and 30 s on a loaded CI machine.
    const clock = new SimClock();
    const limiter = new RateLimiter(clock);
    const rate = msi.writesPerSubscription; // reserve 1: one request in flight
    let order = 0;
    await Promise.all([
      clock.run(),
      ...Array.from({ length: 400 }, () =>
        limiter.send([{ key: 'sub', rate }], async () => {
          order++;
          await clock.sleep(1000);
        }),
      ),
    ]);
    expect(order).toBe(400);
    expect(limiter.stats().inFlightWaits).toBeLessThanOrEqual(2 * 400);
  });

  it('a waiter woken by one bucket but held by another passes the place on to the next waiter', async () => {
    // Ten lists in flight (the reserve), answered one by one from 10 s. X (lists + one subscription)
    // queues first, Y (lists only) second; by the first answer the subscription is busy until 30 s. X
    // is woken and stays held: Y must get the freed place then, not at the next answer a second later.
    const clock = new SimClock();
    const limiter = new RateLimiter(clock);
    const lists = { key: 'lists', rate: msi.listsPerTenant };
    const sub = { key: 'sub', rate: msi.writesPerSubscription };
    const at: Record<string, number> = {};
    const hold = (name: string, ms: number) => async () => {
      at[name] = clock.now();
      await clock.sleep(ms);
    };
    await Promise.all([
      clock.run(),
      ...Array.from({ length: 10 }, (_, i) => limiter.send([lists], hold(`l${i}`, 10_000 + 1000 * i))),
      clock.sleep(500).then(() => limiter.send([lists, sub], hold('X', 0))),
      clock.sleep(600).then(() => limiter.send([lists], hold('Y', 0))),
      clock.sleep(1000).then(() => limiter.send([sub], hold('Z', 29_000))),
    ]);
    expect(at.Z).toBeLessThan(2000);
    expect(at.Y).toBeLessThan(10_500);
    expect(at.X).toBeGreaterThanOrEqual(30_000);
  });

  it('costs little throughput: 5,000 FIC lists take ≤ 1.05 × the floor (5,000 − 15) / 15 s', async () => {
    const out = await simulate({
      buckets: { lists: msi.listsPerTenant },
      requests: 5000,
      claimsOf: () => ['lists'],
      jitterMs: DEFAULT_PACING.jitterMs,
      seed: 1,
    });
    const floorMs = ((5000 - 15) / 15) * 1000;
    expect(out.refused).toBe(0);
    expect(out.endMs).toBeLessThanOrEqual(1.05 * floorMs);
    expect(out.endMs).toBeGreaterThanOrEqual(floorMs);
  });

  it('a 429 slows its buckets (AIMD): with jitter three times the bound, feedback cuts the refusals', async () => {
    const base: Scenario = {
      buckets: { lists: msi.listsPerTenant },
      requests: 600,
      claimsOf: () => ['lists'],
      jitterMs: DEFAULT_PACING.jitterMs * 3,
      lags: 'phased',
      seed: 5,
    };
    const without = await simulate(base);
    const withFeedback = await simulate({ ...base, feedback: true });
    expect(without.refused).toBeGreaterThan(0);
    expect(withFeedback.refused).toBeLessThan(without.refused / 2);
  });

  it('throttled() lowers the rate factor and it recovers linearly', () => {
    let t = 0;
    const clock: Clock = { now: () => t, sleep: () => Promise.resolve() };
    const limiter = new RateLimiter(clock);
    const claim: Claim = { key: 'k', rate: msi.listsPerTenant };
    limiter.throttled([claim]);
    expect(limiter.rateFactor('k')).toBeCloseTo(DEFAULT_PACING.backoff, 10);
    t = 5000;
    expect(limiter.rateFactor('k')).toBeCloseTo(
      DEFAULT_PACING.backoff + 5 * DEFAULT_PACING.recoveryPerSecond,
      10,
    );
    t = 60_000;
    expect(limiter.rateFactor('k')).toBe(1);
    expect(limiter.stats().throttled).toBe(1);
  });
});
