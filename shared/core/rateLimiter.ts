/**
 * Client-side pacing: keyed token buckets that make a caller wait for its turn instead of being
 * answered 429 (docs/targets.md performance 3: zero self-caused 429s). The design and its proof are in
 * docs/azure-behaviour.md §6.6.
 *
 * The server's bucket (`burst` b, refilled at `perSecond` r, full at the start) refuses a request
 * when, for some interval of length L ending at that request's arrival, more than b + r·L requests
 * arrived in it. The client cannot see arrivals, only when it sends; a request arrives somewhere in
 * [send, send + J] (J: the spread of its latency). So the client mirrors each bucket with less room,
 * chosen from the jitter J it must absorb (`clientBucket`):
 *
 * - a reserve of k = min(b − 1, ⌈r·J⌉) tokens: the client's bucket holds c = b − k, so it never spends
 *   the server's bucket below k (were arrivals exactly the sends);
 * - a rate margin ε = max(`rateMargin`, (r·J − k) / (k + 1)): the client refills at r / (1 + ε).
 *
 * Invariant: any m sends conforming to (c, r / (1 + ε)) span at least (m − c)(1 + ε)/r, so their m
 * arrivals span at least (m − c)(1 + ε)/r − J, and the server accepts all of them when that is
 * ≥ (m − b)/r for every m > b, i.e. when r·J ≤ k + ε·(m − c); the tightest case is m = b + 1:
 *
 *     J ≤ (k + ε·(k + 1)) / r        (`toleratedJitterMs`)
 *
 * which the two choices above guarantee. The reserve costs k/r seconds once per busy period, the rate
 * margin ε of every second, so the reserve takes as much of J as the bucket allows and ε covers only
 * what a small bucket (1 or 2 tokens) cannot.
 *
 * Two layers apply it:
 * - the guard: a request is let go only when the time it is actually let go conforms to the client
 *   bucket for `jitterMs` (the spread between leaving the limiter and arriving at ARM). This alone is
 *   the invariant above, whatever the event loop does: after a stall, the waiters that wake together
 *   are released one conforming send after another, not all at once.
 * - the schedule: slots are reserved synchronously (GCRA, one theoretical arrival time per bucket) in
 *   a stricter client bucket, for `jitterMs + latenessMs`, so concurrent callers get successive slots
 *   and a waiter whose timer fires up to `latenessMs` late still passes the guard at once (no herd of
 *   waiters re-checking, no lag piling up behind late timers). A request claiming several buckets
 *   waits for all of them.
 *
 * - requests in flight: `send` (what the pacing policy uses) lets no more than max(1, k) requests of a
 *   bucket be in flight (sent, not answered). J bounds how late a request arrives only while nothing
 *   stalls; a request in flight can arrive any time later, and the server then charges it later than the
 *   client did, which can cost the server at most one token per such request (refill lost at the
 *   bucket's cap). With at most k in flight the reserve covers that whatever the lag; the unit test
 *   shows zero refusals for lags of 5 s, where without the bound the same draws are refused.
 *
 * A 429 that still arrives (another client of the same principal, jitter above the bound) is a signal:
 * `throttled` cuts the rate of the buckets the request claimed by `backoff`, keeps their next slot at
 * least the Retry-After away, and the rate recovers linearly (`recoveryPerSecond`): AIMD. The retry
 * itself is the SDK's (docs/azure-behaviour.md §6.5), which waits the Retry-After.
 *
 * test/unit/core/rateLimiter.test.ts drives this limiter against the emulator's own bucket with seeded
 * random jitter and stalls.
 */
import { type Clock } from './clock';
import { groupBy } from './collections';

export interface Rate {
  readonly burst: number;
  readonly perSecond: number;
}

export interface Claim {
  readonly key: string;
  readonly rate: Rate;
}

export interface PacingOptions {
  /** Spread of arrival times (virtual ms) after a request leaves the limiter, absorbed without a refusal. */
  readonly jitterMs: number;
  /** How late a timer may fire and still send at once (the schedule is this much stricter than the guard). */
  readonly latenessMs: number;
  /** Least rate margin ε: the client refills at perSecond / (1 + ε). */
  readonly rateMargin: number;
  /** Factor the rate is multiplied by on a 429 (multiplicative decrease). */
  readonly backoff: number;
  /** Rate factor regained per second after a 429 (additive increase), up to 1. */
  readonly recoveryPerSecond: number;
  /** Lowest rate factor backoff goes to. */
  readonly minFactor: number;
}

/**
 * Defaults (docs/azure-behaviour.md §6.6): 0.6 s of arrival jitter, 0.3 s of timer lateness, rates ≥ 1%
 * below (ε only covers what the reserve cannot; client and server clocks differ by parts per million).
 */
export const DEFAULT_PACING: PacingOptions = {
  jitterMs: 600,
  latenessMs: 300,
  rateMargin: 0.01,
  backoff: 0.7,
  recoveryPerSecond: 0.02,
  minFactor: 0.1,
};

/** The bucket the client keeps for one server bucket (see the header). */
export interface ClientBucket {
  /** Client burst c = b − k. */
  readonly burst: number;
  /** Tokens of the server's bucket never spent (k). */
  readonly reserve: number;
  /** ε: the client refills at perSecond / (1 + margin). */
  readonly margin: number;
  /** Client refill rate, perSecond / (1 + margin). */
  readonly perSecond: number;
}

/** The client bucket that keeps arrivals spread by up to `jitterMs` inside `server` (see the header). */
export function clientBucket(server: Rate, options: { jitterMs: number; rateMargin: number }): ClientBucket {
  const b = Math.max(1, Math.floor(server.burst));
  // +1 ms: a server that times arrivals in whole milliseconds, and floating-point ties at the bound.
  const rJ = (server.perSecond * (Math.max(0, options.jitterMs) + 1)) / 1000;
  const reserve = Math.min(b - 1, Math.ceil(rJ));
  const margin = Math.max(options.rateMargin, (rJ - reserve) / (reserve + 1));
  return { burst: b - reserve, reserve, margin, perSecond: server.perSecond / (1 + margin) };
}

/** The arrival jitter (ms) a client bucket absorbs: (k + ε(k + 1)) / r. */
export function toleratedJitterMs(server: Rate, client: ClientBucket): number {
  return ((client.reserve + client.margin * (client.reserve + 1)) / server.perSecond) * 1000;
}

/** GCRA state of one client bucket: the theoretical arrival time and the interval at full rate. */
interface Gcra {
  readonly bucket: ClientBucket;
  tat: number;
}

interface BucketState {
  readonly schedule: Gcra;
  readonly guard: Gcra;
  /** Requests let go through `send` and not answered yet; at most max(1, the guard's reserve). */
  inFlight: number;
  /**
   * The `send` callers waiting for an answer on this bucket, oldest first. An answer wakes one (a
   * freed place admits one request; waking all of them made every answer cost a pass over every
   * waiter, quadratic in the queue).
   */
  readonly waiting: Set<() => void>;
  /** Rate factor after the last 429, and when it was set. */
  factor: number;
  factorAt: number;
}

export interface LimiterStats {
  /** Times a woken waiter was refused by the guard and took a fresh slot (a stalled event loop, a 429). */
  readonly guardWaits: number;
  /** Times a request waited for an answer because its bucket had its reserve in flight. */
  readonly inFlightWaits: number;
  /** 429s reported through `throttled`. */
  readonly throttled: number;
}

/**
 * The claimed buckets grouped by rate, slowest (narrowest: one identity, one subscription) first; each
 * group is booked when the one before it lets the request go (RateLimiter.wait).
 */
function stagesOf(states: readonly BucketState[]): BucketState[][] {
  return [...groupBy(states, (s) => s.schedule.bucket.perSecond).entries()]
    .sort(([a], [b]) => a - b)
    .map(([, group]) => group);
}

function isFull(s: BucketState): boolean {
  return s.inFlight >= Math.max(1, s.guard.bucket.reserve);
}

function wakeOne(s: BucketState): void {
  const first = s.waiting.values().next();
  if (!first.done) first.value();
}

/** Passes on a place this request was woken for and does not take now. */
function handOff(states: readonly BucketState[]): void {
  for (const s of states) if (!isFull(s)) wakeOne(s);
}

export class RateLimiter {
  private readonly buckets = new Map<string, BucketState>();
  private readonly options: PacingOptions;
  private guardWaits = 0;
  private inFlightWaits = 0;
  private throttledCount = 0;

  constructor(
    private readonly clock: Clock,
    options: Partial<PacingOptions> = {},
  ) {
    this.options = { ...DEFAULT_PACING, ...options };
  }

  private state(claim: Claim, now: number): BucketState {
    let state = this.buckets.get(claim.key);
    if (!state) {
      const { jitterMs, latenessMs, rateMargin } = this.options;
      state = {
        schedule: {
          bucket: clientBucket(claim.rate, { jitterMs: jitterMs + latenessMs, rateMargin }),
          tat: now,
        },
        guard: { bucket: clientBucket(claim.rate, { jitterMs, rateMargin }), tat: now },
        inFlight: 0,
        waiting: new Set(),
        factor: 1,
        factorAt: now,
      };
      this.buckets.set(claim.key, state);
    }
    return state;
  }

  private factor(state: BucketState, now: number): number {
    if (state.factor >= 1) return 1;
    const f = state.factor + (Math.max(0, now - state.factorAt) / 1000) * this.options.recoveryPerSecond;
    return Math.min(1, f);
  }

  private interval(g: Gcra, factor: number): number {
    return 1000 / (g.bucket.perSecond * factor);
  }

  /** The earliest time ≥ now at which one more request conforms to every given GCRA. */
  private conformsAt(layers: readonly { g: Gcra; factor: number }[], now: number): number {
    let at = now;
    for (const { g, factor } of layers)
      at = Math.max(at, g.tat - (g.bucket.burst - 1) * this.interval(g, factor));
    return at;
  }

  private commit(layers: readonly { g: Gcra; factor: number }[], at: number): void {
    for (const { g, factor } of layers) g.tat = Math.max(g.tat, at) + this.interval(g, factor);
  }

  /**
   * Lets `send` go when every claimed bucket allows it, and counts it in flight until it is answered: a
   * bucket never has more requests in flight than its reserve (at least 1). Requests in flight are the
   * ones whose arrival the client does not know; however late they arrive (an event loop or a network
   * stalled for seconds), they can bunch with what follows by no more than the reserve absorbs.
   */
  async send<T>(claims: readonly Claim[], send: () => Promise<T>): Promise<T> {
    if (claims.length === 0) return send();
    const states = claims.map((c) => this.state(c, this.clock.now()));
    // `wait` counts the request in flight in the same turn as it checks the bound: an increment made
    // here, after the await, would let every waiter woken by one answer pass the check before any of
    // them counted itself (seen: 14 FIC lists in flight with a bound of 10, and a 429).
    await this.wait(states, true);
    try {
      return await send();
    } finally {
      for (const s of states) {
        s.inFlight--;
        wakeOne(s);
      }
    }
  }

  /** Waits until a request may go in every claimed bucket (not counted in flight). Returns the wait in ms. */
  async take(claims: readonly Claim[]): Promise<number> {
    const start = this.clock.now();
    if (claims.length === 0) return 0;
    await this.wait(
      claims.map((c) => this.state(c, start)),
      false,
    );
    return this.clock.now() - start;
  }

  private async wait(states: readonly BucketState[], bounded: boolean): Promise<void> {
    let notBefore = this.clock.now();
    const stages = stagesOf(states);
    for (;;) {
      // Narrowest buckets first: a slot in a shared bucket is booked only once the request's own
      // buckets let it go, so a write waiting 4 s for its identity does not book the tenant's slot 4 s
      // ahead and hold back the writes of every other identity behind it.
      let slot = Math.max(this.clock.now(), notBefore);
      for (const stage of stages) {
        const reservedAt = this.clock.now();
        const schedule = stage.map((s) => ({ g: s.schedule, factor: this.factor(s, reservedAt) }));
        slot = this.conformsAt(schedule, Math.max(reservedAt, slot));
        this.commit(schedule, slot);
        if (slot > reservedAt) await this.clock.sleep(slot - reservedAt);
      }
      // A wider bucket made the request later than its narrow slot: book the narrow ones at the time it
      // really goes, so their next requests are spaced from that.
      if (stages.length > 1)
        for (const s of states) {
          const g = s.schedule;
          g.tat = Math.max(g.tat, slot + this.interval(g, this.factor(s, slot)));
        }
      for (;;) {
        const full = bounded ? states.filter(isFull) : [];
        if (full.length === 0) break;
        // Woken by one bucket but held by another: the place this waiter was woken for goes to the
        // next waiter of that bucket, or it would stay empty until some other answer.
        if (full.length < states.length) handOff(states);
        this.inFlightWaits++;
        await new Promise<void>((resolve) => {
          const wake = () => {
            for (const s of full) s.waiting.delete(wake);
            resolve();
          };
          for (const s of full) s.waiting.add(wake);
        });
      }
      const now = this.clock.now();
      const guard = states.map((s) => ({ g: s.guard, factor: this.factor(s, now) }));
      const at = this.conformsAt(guard, now);
      if (at <= now) {
        this.commit(guard, now);
        if (bounded) for (const s of states) s.inFlight++;
        return;
      }
      // Woken where the guard refuses (a stalled event loop bunched the waiters, or a 429 slowed the
      // bucket below the slots already handed out): take a fresh slot no earlier than the guard allows,
      // so the waiters that failed together are spread out again instead of re-checking as a herd.
      this.guardWaits++;
      if (bounded) handOff(states);
      notBefore = at;
    }
  }

  /**
   * A request that claimed these buckets was answered 429: slow them down (multiplicative decrease)
   * and keep their next slot at least `retryAfterMs` away.
   */
  throttled(claims: readonly Claim[], retryAfterMs = 0): void {
    const now = this.clock.now();
    this.throttledCount++;
    for (const c of claims) {
      const s = this.state(c, now);
      s.factor = Math.max(this.options.minFactor, this.factor(s, now) * this.options.backoff);
      s.factorAt = now;
      s.schedule.tat = Math.max(s.schedule.tat, now + retryAfterMs);
      s.guard.tat = Math.max(s.guard.tat, now + retryAfterMs);
    }
  }

  /** The current rate factor of one bucket (1 when it was never throttled or has recovered). */
  rateFactor(key: string): number {
    const s = this.buckets.get(key);
    return s ? this.factor(s, this.clock.now()) : 1;
  }

  stats(): LimiterStats {
    return { guardWaits: this.guardWaits, inFlightWaits: this.inFlightWaits, throttled: this.throttledCount };
  }
}
