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

/**
 * What another process needs to keep the same virtual time (VirtualClock.following): the virtual start,
 * the wall-clock instant (ms since the epoch, sub-millisecond) it corresponds to, the scale, the jumps.
 */
export interface ClockOrigin {
  readonly start: number;
  readonly wallAt: number;
  readonly scale: number;
  readonly jumped: number;
}

interface Sleeper {
  readonly until: number;
  readonly wake: () => void;
  timer: NodeJS.Timeout | undefined;
}

export class VirtualClock implements Clock {
  readonly scale: number;
  private readonly start: number;
  private readonly realStart: number;
  private jumped = 0;
  private readonly sleepers = new Set<Sleeper>();
  private readonly jumpListeners: ((jumped: number) => void)[] = [];

  /** `wallAt`: the wall-clock instant (ms since the epoch) `start` corresponds to; default now. */
  constructor(options: { start?: number; scale?: number; wallAt?: number } = {}) {
    this.start = options.start ?? Date.parse('2026-01-01T00:00:00Z');
    this.scale = options.scale ?? 1;
    this.realStart =
      options.wallAt === undefined ? performance.now() : options.wallAt - performance.timeOrigin;
    if (!(this.scale > 0)) throw new RangeError('VirtualClock scale must be > 0');
  }

  /**
   * A clock in this process that keeps `origin`'s time: both count from the same wall-clock instant
   * (performance.timeOrigin + performance.now() is the wall clock at sub-millisecond resolution in every
   * process), and `jumpTo` follows the other clock's jumps.
   */
  static following(origin: ClockOrigin): VirtualClock {
    const clock = new VirtualClock({ start: origin.start, scale: origin.scale, wallAt: origin.wallAt });
    clock.jumpTo(origin.jumped);
    return clock;
  }

  origin(): ClockOrigin {
    return {
      start: this.start,
      wallAt: performance.timeOrigin + this.realStart,
      scale: this.scale,
      jumped: this.jumped,
    };
  }

  /** Called with the total jumped so far after every jump (a following clock in another process). */
  onJump(listener: (jumped: number) => void): void {
    this.jumpListeners.push(listener);
  }

  /** Sets the total jumped to `jumped` if that is ahead (following another clock's jumps). */
  jumpTo(jumped: number): void {
    this.advance(jumped - this.jumped);
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
    for (const listener of this.jumpListeners) listener(this.jumped);
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
