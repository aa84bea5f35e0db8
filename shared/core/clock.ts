/**
 * Time, injected. Production uses the wall clock; the sandbox uses a virtual clock so that token
 * buckets, Retry-After waits, durable timers and the benchmark run repeatably and fast.
 */
export interface Clock {
  /** Milliseconds since the epoch, in this clock's time. */
  now(): number;
  /** Resolves once `ms` of this clock's time has passed. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
