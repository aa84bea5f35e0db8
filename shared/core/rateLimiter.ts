/**
 * Client-side pacing: keyed token buckets that make a caller wait for its turn instead of being
 * answered 429 (docs/targets.md performance 3: zero self-caused 429s).
 *
 * GCRA form of a token bucket (capacity `burst`, refilled at `perSecond`): each bucket keeps a
 * theoretical arrival time; a request that claims several buckets proceeds when all of them conform,
 * and the slot is reserved synchronously before waiting, so concurrent callers get successive slots.
 * `marginRatio` spaces requests slightly wider than the limit, because the server measures arrival
 * times and requests do not arrive exactly when they were sent.
 */
import { type Clock } from './clock';

export interface Rate {
  readonly burst: number;
  readonly perSecond: number;
}

export interface Claim {
  readonly key: string;
  readonly rate: Rate;
}

export class RateLimiter {
  private readonly tat = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly marginRatio = 0.1,
  ) {}

  /** Reserves a slot in every claimed bucket and waits until it comes. Returns the wait in ms. */
  async take(claims: readonly Claim[]): Promise<number> {
    const now = this.clock.now();
    let at = now;
    for (const { key, rate } of claims) {
      const interval = (1000 / rate.perSecond) * (1 + this.marginRatio);
      const tolerance = (Math.max(1, rate.burst) - 1) * interval;
      at = Math.max(at, (this.tat.get(key) ?? now) - tolerance);
    }
    for (const { key, rate } of claims) {
      const interval = (1000 / rate.perSecond) * (1 + this.marginRatio);
      this.tat.set(key, Math.max(this.tat.get(key) ?? now, at) + interval);
    }
    const waitMs = at - now;
    if (waitMs > 0) await this.clock.sleep(waitMs);
    return waitMs;
  }
}
