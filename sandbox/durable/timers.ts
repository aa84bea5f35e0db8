/**
 * Durable timers on the host's clock. In Azure a CreateTimer action becomes a queue message that is
 * invisible until `fireAt`, then delivered as TimerFired; here a timer is an entry that is delivered
 * once the clock reaches `fireAt`:
 * - in (scaled) real time, by an alarm, while other work is running; and
 * - by jumping a virtual clock (`advanceTo`) when nothing but timers can make progress (the host
 *   decides when; see DurableHost.onQuiet).
 */
import { type Clock } from '../../shared/core/clock';

/** The clock the host runs on: any Clock; a VirtualClock (sandbox/clock.ts) can also jump and scale. */
export interface HostClock extends Clock {
  /** Jumps virtual time to `time` (VirtualClock.advanceTo). */
  advanceTo?(time: number): void;
  /** Real milliseconds a virtual duration takes (VirtualClock.realMs); identity when absent. */
  realMs?(virtualMs: number): number;
}

export interface DurableTimer {
  readonly fireAt: number;
  readonly instanceId: string;
  readonly executionId: string;
  readonly timerId: number;
}

/** setTimeout's ceiling; a longer alarm re-arms when it wakes. */
const MAX_ALARM_MS = 2_147_483_647;

export class TimerService {
  private timers: DurableTimer[] = [];
  private alarm: NodeJS.Timeout | undefined;
  private alarmAt: number | undefined;
  private closed = false;

  constructor(
    private readonly clock: HostClock,
    /** Called when the alarm goes off; the host then takes the due timers. */
    private readonly onAlarm: () => void,
  ) {}

  get size(): number {
    return this.timers.length;
  }

  add(timer: DurableTimer): void {
    // Stable order: by fire time, then creation order (timers due together fire in the order they were created).
    let i = this.timers.length;
    while (i > 0 && (this.timers[i - 1] as DurableTimer).fireAt > timer.fireAt) i--;
    this.timers.splice(i, 0, timer);
    this.arm();
  }

  /** Drops the timers of one execution (it finished; DTFx would deliver and ignore them). */
  removeExecution(instanceId: string, executionId: string): void {
    this.timers = this.timers.filter((t) => !(t.instanceId === instanceId && t.executionId === executionId));
    this.arm();
  }

  earliest(): number | undefined {
    return this.timers[0]?.fireAt;
  }

  /** Removes and returns the timers due at `now`. */
  takeDue(now: number): DurableTimer[] {
    let n = 0;
    while (n < this.timers.length && (this.timers[n] as DurableTimer).fireAt <= now) n++;
    const due = this.timers.splice(0, n);
    if (due.length > 0) this.arm();
    return due;
  }

  close(): void {
    this.closed = true;
    if (this.alarm) clearTimeout(this.alarm);
    this.alarm = undefined;
    this.alarmAt = undefined;
  }

  /** Sets the alarm for the earliest timer in real time (scaled by a virtual clock). */
  private arm(): void {
    const next = this.earliest();
    if (this.closed || next === undefined) {
      if (this.alarm) clearTimeout(this.alarm);
      this.alarm = undefined;
      this.alarmAt = undefined;
      return;
    }
    if (this.alarm && this.alarmAt === next) return;
    if (this.alarm) clearTimeout(this.alarm);
    const virtualDelay = Math.max(0, next - this.clock.now());
    const realDelay = Math.min(
      MAX_ALARM_MS,
      Math.max(0, Math.ceil(this.clock.realMs ? this.clock.realMs(virtualDelay) : virtualDelay)),
    );
    this.alarmAt = next;
    this.alarm = setTimeout(() => {
      this.alarm = undefined;
      this.alarmAt = undefined;
      this.onAlarm();
      this.arm();
    }, realDelay);
  }
}
