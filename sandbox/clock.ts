/**
 * The sandbox's virtual clock: scaled real time that can also jump.
 *
 * virtual now = start + jumped + (real elapsed × scale). With scale 1 it is the wall clock; with
 * scale 100 a one-second Retry-After costs 10 ms of real time. `advance(ms)` jumps forward (the durable
 * host uses it when every instance is waiting on a timer). Sleepers wake when the clock reaches their
 * deadline, by real time or by a jump, whichever comes first.
 *
 * Assumption (documented in docs/adr/0002-sandbox-virtual-time.md): CPU time also runs at `scale`,
 * so at high scales the sandbox's own processing counts as virtual time. Benchmarks report it.
 */
import { performance } from 'node:perf_hooks';
import { type Clock } from '../shared/core/clock';

interface Sleeper {
  readonly until: number;
  readonly wake: () => void;
  timer: NodeJS.Timeout | undefined;
}

export class VirtualClock implements Clock {
  readonly scale: number;
  private readonly start: number;
  private readonly realStart = performance.now();
  private jumped = 0;
  private readonly sleepers = new Set<Sleeper>();

  constructor(options: { start?: number; scale?: number } = {}) {
    this.start = options.start ?? Date.parse('2026-01-01T00:00:00Z');
    this.scale = options.scale ?? 1;
    if (!(this.scale > 0)) throw new RangeError('VirtualClock scale must be > 0');
  }

  now(): number {
    return this.start + this.jumped + (performance.now() - this.realStart) * this.scale;
  }

  sleep(ms: number): Promise<void> {
    if (!(ms > 0)) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        until: this.now() + ms,
        wake: () => {
          if (sleeper.timer) clearTimeout(sleeper.timer);
          this.sleepers.delete(sleeper);
          resolve();
        },
        timer: undefined,
      };
      sleeper.timer = setTimeout(sleeper.wake, ms / this.scale);
      this.sleepers.add(sleeper);
    });
  }

  /** Jumps virtual time forward by `ms`, waking every sleeper whose deadline has passed. */
  advance(ms: number): void {
    if (!(ms > 0)) return;
    this.jumped += ms;
    const now = this.now();
    for (const s of [...this.sleepers]) if (s.until <= now) s.wake();
  }

  /** Jumps to `time` if it is in the future. */
  advanceTo(time: number): void {
    this.advance(time - this.now());
  }

  /** Converts a virtual duration to the real milliseconds it takes at this clock's scale. */
  realMs(virtualMs: number): number {
    return virtualMs / this.scale;
  }
}
