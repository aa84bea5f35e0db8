/**
 * When a durable message is picked up: the Azure Storage queues' polling back-off on the host's clock.
 *
 * In Azure every hop of a Durable run is a storage queue message: activity dispatch goes through the
 * task hub's work-item queue; activity results, timer firings, sub-orchestration starts and results,
 * entity requests and entity responses go through the control queue of the receiving instance's
 * partition. A dispatcher polls its queue; while the queue is empty it backs off exponentially up
 * to `maxQueuePollingInterval` (default 30 s), so a message sent to a queue that has been idle for a
 * while waits for the next poll. That is why entity calls and activity dispatch are slow when idle,
 * and why a lease that is not renewed can run out while the run that took it still "holds" it.
 *
 * Sources (Azure/durabletask, DurableTask.AzureStorage):
 * - TaskHubQueue: `BackoffPollingHelper(minPollingDelay = 50 ms, maxPollingDelay = MaxQueuePollingInterval)`.
 * - BackoffPollingHelper.RandomizedExponentialBackoffStrategy: after a poll that found messages the
 *   interval is the minimum; after each empty poll it becomes `min + r × 2^(k-1) × min` (r uniform in
 *   [0.8, 1.2]) until that reaches the maximum, which it then stays at. Intervals: 50, 100, 150, 250,
 *   450, 850, 1650, 3250, 6450, 12850, 25650 ms, then 30 s.
 * - AzureStorageOrchestrationService.GetControlQueueAsync: partition = FNV-1a(UTF-8 instance id) mod
 *   partitionCount (default 4; entities by their scheduler id `@name@key`).
 * - TaskHubQueue.AddMessageAsync wakes the *local* poller of that queue (backoffHelper.Reset()).
 *
 * ASSUMED (documented in ./README.md):
 * - r = 1.0 (the midpoint of the randomization), so the model is deterministic.
 * - By default a send does not wake the receiving poller: the receiving queue is polled by another
 *   worker (a scaled-out app), the case in which the back-off shows. `wakeOnSend: true` models a
 *   single worker that owns every queue (sends are then picked up at once, timers still are not).
 * - A dequeue costs no time; one poll takes every message visible by then.
 */
import { type AlarmClock, AlarmQueue } from './alarmQueue';

export interface QueuePollingOptions {
  /** Azure Storage's MaxQueuePollingInterval. Default 30 000 ms. */
  readonly maxIntervalMs?: number;
  /** TaskHubQueue's minimum polling delay. Default 50 ms. */
  readonly minIntervalMs?: number;
  /** Control-queue partitions (host.json storageProvider.partitionCount). Default 4. */
  readonly partitionCount?: number;
  /** A send wakes the receiving poller (a single worker owning every queue). Default false. */
  readonly wakeOnSend?: boolean;
}

/** FNV-1a (32 bit) over the UTF-8 bytes of `value`, as DurableTask.AzureStorage's Fnv1aHashHelper. */
export function fnv1a(value: string): number {
  let hash = 2166136261;
  for (const byte of Buffer.from(value, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return hash >>> 0;
}

interface QueueState {
  /** Time of the last poll that found messages (the back-off restarts there). */
  lastHit: number;
  /** A poll already due to take messages (not yet happened). */
  pending: number | undefined;
}

export class QueuePollingModel {
  readonly minIntervalMs: number;
  readonly maxIntervalMs: number;
  readonly partitionCount: number;
  readonly wakeOnSend: boolean;
  private readonly queues = new Map<string, QueueState>();

  constructor(
    options: QueuePollingOptions,
    /** When the pollers started (the host's start): every queue is idle since then. */
    private readonly startedAt: number,
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 50;
    this.maxIntervalMs = Math.max(this.minIntervalMs, options.maxIntervalMs ?? 30_000);
    this.partitionCount = options.partitionCount ?? 4;
    this.wakeOnSend = options.wakeOnSend ?? false;
  }

  /** The control queue of an orchestration instance or entity (`@name@key`). */
  controlQueue(instanceId: string): string {
    return `control-${String(fnv1a(instanceId) % this.partitionCount).padStart(2, '0')}`;
  }

  /** The task hub's single work-item (activity) queue. */
  readonly workItemQueue = 'workitems';

  /**
   * The virtual time at which a message sent at `sentAt`, visible from `visibleAt` (a timer's fire
   * time, or the send time), is dequeued; the poll is recorded as a hit. `wakes`: the send can wake
   * the poller (false for a timer message coming due: its send happened long before).
   */
  pickup(queue: string, sentAt: number, visibleAt: number = sentAt, wakes = true): number {
    const state = this.queues.get(queue) ?? { lastHit: this.startedAt, pending: undefined };
    this.queues.set(queue, state);
    if (state.pending !== undefined && visibleAt <= state.pending) return state.pending;
    const base = state.pending ?? state.lastHit;
    let at: number;
    if (this.wakeOnSend && wakes && visibleAt <= sentAt) {
      at = Math.max(sentAt, base);
    } else {
      at = base;
      let interval = this.minIntervalMs;
      let exponent = 1;
      do {
        if (interval === this.maxIntervalMs && at + interval < visibleAt) {
          // At the ceiling the polls are evenly spaced: skip straight to the last one before visibleAt.
          at += Math.floor((visibleAt - at - 1) / interval) * interval;
        }
        at += interval;
        if (interval !== this.maxIntervalMs) {
          const next = this.minIntervalMs + 2 ** (exponent - 1) * this.minIntervalMs;
          if (next < this.maxIntervalMs) {
            interval = next;
            exponent++;
          } else {
            interval = this.maxIntervalMs;
          }
        }
      } while (at < visibleAt);
    }
    state.pending = at;
    return at;
  }

  /** The poll at `at` happened (its messages were delivered). */
  polled(queue: string, at: number): void {
    const state = this.queues.get(queue);
    if (!state) return;
    state.lastHit = Math.max(state.lastHit, at);
    if (state.pending !== undefined && state.pending <= at) state.pending = undefined;
  }
}

/** A message on its way: dequeued (and delivered) at `at` on the host's clock. */
export interface InTransit {
  readonly at: number;
  readonly queue: string;
  readonly deliver: () => void;
}

/**
 * Messages waiting for their queue's next poll, in pickup order (stable for equal times). Like the
 * durable timers they are delivered by an alarm in (scaled) real time while other work runs, or by
 * the host jumping a virtual clock when nothing else can progress.
 */
export class TransitQueue extends AlarmQueue<InTransit> {
  constructor(clock: AlarmClock, onAlarm: () => void) {
    super(clock, (item) => item.at, onAlarm);
  }
}
