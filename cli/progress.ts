/**
 * Progress on long runs: one line on stderr, rewritten in place, when stderr is a terminal; nothing at
 * all otherwise (a pipe or a CI log gets no carriage returns and no escape sequences). Fed by the
 * in-process durable host's events (sandbox and in-process runs) or by the orchestration's custom status
 * (`--app`, polled from GET /api/runs/{id}). The line is cleared before results are printed, so stdout
 * and stderr never interleave on screen.
 */
import { type DurableHostEvent } from '../sandbox/durable';

/** What progress needs of a stream: `process.stderr` fits. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): boolean;
}

export interface Progress {
  /** A durable host observer (DurableHostOptions.observer). */
  readonly observer: (event: DurableHostEvent) => void;
  /** The run's custom status as GET /api/runs/{id} shows it, with its runtime status. */
  status(customStatus: unknown, runtimeStatus: string): void;
  /** Clears the line; call before printing results. Idempotent. */
  done(): void;
}

/** Clear the line and return to its start (ANSI EL, erase in line). */
const CLEAR = '\r\u001b[2K';
/** At most one redraw per this many ms: a fleet run emits thousands of host events. */
const REDRAW_MS = 100;

/**
 * The text of an orchestration's custom status (functions/orchestrations: `{phase, capability, …}`),
 * e.g. `syncing federation 4/10`, `waiting (cluster is Updating), attempt 2`; undefined when it is not
 * one of ours.
 */
export function describeStatus(customStatus: unknown): string | undefined {
  if (typeof customStatus !== 'object' || customStatus === null) return undefined;
  const s = customStatus as Record<string, unknown>;
  if (typeof s.phase !== 'string') return undefined;
  const parts = [s.phase];
  if (typeof s.capability === 'string') parts.push(s.capability);
  if (typeof s.done === 'number' && typeof s.total === 'number') parts.push(`${s.done}/${s.total}`);
  else if (typeof s.items === 'number') parts.push(`${s.items} item(s)`);
  if (typeof s.reason === 'string') parts.push(`(${s.reason})`);
  if (typeof s.attempt === 'number') parts.push(`attempt ${s.attempt}`);
  if (typeof s.status === 'string') parts.push(s.status);
  return clean(parts.join(' '));
}

/** The counts the host events give, and the line they make. Pure, for tests. */
export class ProgressState {
  private readonly running = new Set<string>();
  private started = 0;
  private completed = 0;
  private activitiesRunning = 0;
  private activitiesDone = 0;
  private activitiesFailed = 0;
  private waiting = 0;
  private phase: string | undefined;

  apply(event: DurableHostEvent): void {
    switch (event.type) {
      case 'instanceStarted':
        this.started++;
        this.running.add(event.instanceId);
        break;
      case 'instanceCompleted':
        if (this.running.delete(event.instanceId)) this.completed++;
        break;
      case 'activityStarted':
        this.activitiesRunning++;
        break;
      case 'activityCompleted':
        this.activitiesRunning = Math.max(0, this.activitiesRunning - 1);
        this.activitiesDone++;
        if (!event.ok) this.activitiesFailed++;
        break;
      case 'timerCreated':
        this.waiting++;
        break;
      case 'timerFired':
        this.waiting = Math.max(0, this.waiting - 1);
        break;
      case 'customStatus': {
        const text = describeStatus(event.customStatus);
        if (text !== undefined) this.phase = text;
        break;
      }
      case 'entityOperation':
      case 'instanceContinuedAsNew':
      case 'instanceCrashed':
      case 'instanceResumed':
      case 'instanceStuck':
        break;
    }
  }

  setPhase(text: string): void {
    this.phase = text;
  }

  /** e.g. `syncing federation 4/10 · orchestrations 3/5 · activities 12 done, 2 running, 1 failed · 1 timer`. */
  line(): string {
    const parts: string[] = [];
    if (this.phase !== undefined) parts.push(this.phase);
    if (this.started > 0) parts.push(`orchestrations ${this.completed}/${this.started}`);
    if (this.activitiesDone + this.activitiesRunning > 0)
      parts.push(
        `activities ${this.activitiesDone} done, ${this.activitiesRunning} running` +
          (this.activitiesFailed > 0 ? `, ${this.activitiesFailed} failed` : ''),
      );
    if (this.waiting > 0) parts.push(`${this.waiting} timer(s)`);
    return parts.length > 0 ? parts.join(' · ') : 'starting';
  }
}

/**
 * Progress on `stream`, or a silent one when it is not a terminal. `now` is the wall clock in ms
 * (injected for tests); the line starts with the seconds since creation.
 */
export function createProgress(stream: ProgressStream, now: () => number = Date.now): Progress {
  if (stream.isTTY !== true)
    return { observer: () => undefined, status: () => undefined, done: () => undefined };
  const state = new ProgressState();
  const start = now();
  let last = -Infinity;
  let shown = false;
  let finished = false;
  const draw = (force: boolean): void => {
    if (finished) return;
    const t = now();
    if (!force && t - last < REDRAW_MS) return;
    last = t;
    const text = `fedlink: ${((t - start) / 1000).toFixed(1)}s ${state.line()}`;
    // One column short of the width: writing the last column wraps on some terminals.
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    stream.write(CLEAR + (text.length > width ? `${text.slice(0, width - 1)}…` : text));
    shown = true;
  };
  return {
    observer: (event) => {
      state.apply(event);
      draw(event.type === 'instanceStarted' && !shown);
    },
    status: (customStatus, runtimeStatus) => {
      state.setPhase(describeStatus(customStatus) ?? clean(runtimeStatus));
      draw(true);
    },
    done: () => {
      if (shown && !finished) stream.write(CLEAR);
      finished = true;
    },
  };
}

// Custom status comes from the app as JSON: no control character reaches the terminal from it.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

function clean(text: string): string {
  return text.replace(UNPRINTABLE, '?');
}
