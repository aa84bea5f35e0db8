/**
 * Entries due at a time on the host's clock, kept in due order (stable for equal times), and an alarm
 * that wakes the host when the earliest one is due: in (scaled) real time while other work runs. The
 * host can also jump a virtual clock and take what is due (DurableHost.onQuiet). Durable timers
 * (./timers.ts) and messages waiting for their queue's next poll (./queues.ts) are both such entries.
 */

/** What the alarm needs from the host's clock. */
export interface AlarmClock {
  now(): number;
  /** Real milliseconds a virtual duration takes (VirtualClock.realMs); identity when absent. */
  realMs?(virtualMs: number): number;
}

/** setTimeout's ceiling; a longer alarm re-arms when it wakes. */
const MAX_ALARM_MS = 2_147_483_647;

export class AlarmQueue<T> {
  private items: T[] = [];
  private alarm: NodeJS.Timeout | undefined;
  private alarmAt: number | undefined;
  private closed = false;

  constructor(
    private readonly clock: AlarmClock,
    /** When an entry is due. */
    private readonly dueAt: (item: T) => number,
    /** Called when the alarm goes off; the host then takes the due entries. */
    private readonly onAlarm: () => void,
  ) {}

  get size(): number {
    return this.items.length;
  }

  /** Adds an entry after every entry due at the same time or earlier. */
  add(item: T): void {
    let i = this.items.length;
    while (i > 0 && this.dueAt(this.items[i - 1] as T) > this.dueAt(item)) i--;
    this.items.splice(i, 0, item);
    this.arm();
  }

  /** Drops the entries `keep` refuses. */
  retain(keep: (item: T) => boolean): void {
    this.items = this.items.filter(keep);
    this.arm();
  }

  earliest(): number | undefined {
    const first = this.items[0];
    return first === undefined ? undefined : this.dueAt(first);
  }

  /** Removes and returns the entries due at `now`. */
  takeDue(now: number): T[] {
    let n = 0;
    while (n < this.items.length && this.dueAt(this.items[n] as T) <= now) n++;
    const due = this.items.splice(0, n);
    if (due.length > 0) this.arm();
    return due;
  }

  close(): void {
    this.closed = true;
    if (this.alarm) clearTimeout(this.alarm);
    this.alarm = undefined;
    this.alarmAt = undefined;
  }

  /** Sets the alarm for the earliest entry in real time (scaled by a virtual clock). */
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
