/**
 * Durable timers on the host's clock. In Azure a CreateTimer action becomes a queue message that is
 * invisible until `fireAt`, then delivered as TimerFired; here a timer is an entry that is delivered
 * once the clock reaches `fireAt`:
 * - in (scaled) real time, by an alarm, while other work is running; and
 * - by jumping a virtual clock (`advanceTo`) when nothing but timers can make progress (the host
 *   decides when; see DurableHost.onQuiet).
 */
import { type Clock } from '../../shared/core/clock';
import { AlarmQueue } from './alarmQueue';

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

/** Durable timers in fire order (timers due together fire in the order they were created). */
export class TimerService extends AlarmQueue<DurableTimer> {
  constructor(clock: HostClock, onAlarm: () => void) {
    super(clock, (timer) => timer.fireAt, onAlarm);
  }

  /** Drops the timers of one execution (it finished; DTFx would deliver and ignore them). */
  removeExecution(instanceId: string, executionId: string): void {
    this.retain((t) => !(t.instanceId === instanceId && t.executionId === executionId));
  }
}
