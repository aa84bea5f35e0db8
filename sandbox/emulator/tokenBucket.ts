/**
 * Token buckets and fixed windows in virtual time: the two throttling shapes Azure documents.
 * ARM and the managed identity service use token buckets (bucket size, refill per second;
 * docs/azure-behaviour.md §6.3, §1.5); Resource Graph uses a quota per fixed window with a reset countdown
 * (`x-ms-user-quota-resets-after`, §6.4).
 */

export interface RateLimit {
  /** Bucket size: requests allowed in a burst. */
  readonly burst: number;
  /** Refill rate, tokens per second. */
  readonly perSecond: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.last = now;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(
        this.limit.burst,
        this.tokens + ((now - this.last) / 1000) * this.limit.perSecond,
      );
      this.last = now;
    }
  }

  /** Whole tokens left now. */
  remaining(now: number): number {
    this.refill(now);
    return Math.floor(this.tokens);
  }

  /** Virtual ms until one token is available (0 if one is). */
  waitMs(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) / this.limit.perSecond) * 1000);
  }

  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }
}

export interface WindowLimit {
  readonly queries: number;
  readonly windowSeconds: number;
}

export class WindowQuota {
  private windowStart: number | undefined;
  private used = 0;

  constructor(readonly limit: WindowLimit) {}

  private roll(now: number): void {
    if (this.windowStart === undefined || now >= this.windowStart + this.limit.windowSeconds * 1000) {
      this.windowStart = now;
      this.used = 0;
    }
  }

  /** Takes one query if the window has room; returns false when exhausted. */
  tryTake(now: number): boolean {
    this.roll(now);
    if (this.used >= this.limit.queries) return false;
    this.used += 1;
    return true;
  }

  remaining(now: number): number {
    this.roll(now);
    return this.limit.queries - this.used;
  }

  /** Virtual ms until the window resets (a full window when none is open). */
  resetsAfterMs(now: number): number {
    this.roll(now);
    return Math.max(0, this.windowStart! + this.limit.windowSeconds * 1000 - now);
  }
}
