/**
 * In-flight work accounting for the host: every episode, activity and entity batch runs under it, so
 * the host knows when nothing is running. Then (on a later macrotask, so that work queued by the
 * finishing code is seen) it asks the host's `onQuiet`: the host fires due timers, jumps the virtual
 * clock, or declares itself idle, which resolves `whenIdle()` waiters.
 */
export type QuietOutcome = 'idle' | 'busy';

export class WorkTracker {
  private inFlight = 0;
  private readonly running = new Set<Promise<void>>();
  private idleWaiters: (() => void)[] = [];
  private checkScheduled = false;
  private closed = false;

  constructor(
    /** Called when nothing is in flight; 'idle' resolves the waiters. */
    private readonly onQuiet: () => QuietOutcome,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Counts something that is about to start (an episode scheduled for the next macrotask). */
  hold(): () => void {
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release();
    };
  }

  /** Runs background work under the accounting; errors go to onError, never unhandled. */
  run(work: () => Promise<void>): void {
    this.inFlight++;
    const promise = work()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.running.delete(promise);
        this.release();
      });
    this.running.add(promise);
  }

  /** True while anything is in flight. */
  busy(): boolean {
    return this.inFlight > 0;
  }

  /** Resolves the next time the host is idle. */
  whenIdle(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.scheduleCheck();
    });
  }

  /** Asks for a quiet check on a later macrotask (if nothing is in flight by then). */
  scheduleCheck(): void {
    if (this.checkScheduled || this.closed) return;
    this.checkScheduled = true;
    setImmediate(() => {
      this.checkScheduled = false;
      if (this.inFlight > 0 || this.closed) return;
      if (this.onQuiet() === 'idle') for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }

  /** Waits for running work, then releases every waiter. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.running]);
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private release(): void {
    this.inFlight--;
    if (this.inFlight === 0) this.scheduleCheck();
  }
}
