/**
 * What the host reports: observer events (live progress for the demo and the CLI), per-instance
 * status, and run metrics.
 */
import { type OrchestrationStatus, type RuntimeStatus } from '../../functions/durableClientPort';

interface EventBase {
  /** The orchestration instance id (for entity events, the entity's scheduler id `@name@key`). */
  readonly instanceId: string;
  /** The orchestration, activity or entity name. */
  readonly name: string;
}

export type DurableHostEvent =
  | (EventBase & { readonly type: 'instanceStarted'; readonly parentInstanceId?: string })
  | (EventBase & { readonly type: 'activityStarted'; readonly taskId: number })
  | (EventBase & {
      readonly type: 'activityCompleted';
      readonly taskId: number;
      readonly ok: boolean;
      readonly durationMs: number;
      readonly error?: string;
    })
  | (EventBase & { readonly type: 'timerCreated'; readonly timerId: number; readonly fireAt: string })
  | (EventBase & { readonly type: 'timerFired'; readonly timerId: number; readonly fireAt: string })
  | (EventBase & {
      readonly type: 'entityOperation';
      readonly operation: string;
      readonly callerInstanceId?: string;
      readonly ok: boolean;
    })
  | (EventBase & { readonly type: 'customStatus'; readonly customStatus: unknown })
  | (EventBase & { readonly type: 'instanceContinuedAsNew' })
  | (EventBase & {
      readonly type: 'instanceCompleted';
      readonly runtimeStatus: 'Completed' | 'Failed' | 'Terminated';
      readonly output?: unknown;
    })
  | (EventBase & { readonly type: 'instanceCrashed' })
  /** The host went idle while the instance was still Running: it made no progress and never will. */
  | (EventBase & { readonly type: 'instanceStuck'; readonly reason: string })
  | (EventBase & { readonly type: 'instanceResumed' });

export type DurableHostEventType = DurableHostEvent['type'];

/** Called synchronously for every event; an observer that throws is logged and otherwise ignored. */
export type DurableObserver = (event: DurableHostEvent) => void;

/** A status as the client returns it, plus what only the host knows. */
export interface InstanceStatus extends OrchestrationStatus {
  readonly runtimeStatus: RuntimeStatus;
  readonly executionId: string;
  readonly parentInstanceId?: string;
  /** Events in the current execution's history (ContinueAsNew starts a new one). */
  readonly historyLength: number;
  /** UTF-8 bytes of that history serialized as the extension hands it to the orchestrator (JSON). */
  readonly historyBytes: number;
  /** True between `crash` and `resume`. */
  readonly crashed: boolean;
}

export interface DurableHostMetrics {
  /** Orchestration executions started: startNew, sub-orchestrations and continueAsNew generations. */
  readonly orchestrations: number;
  /** Activity executions, re-executions after a crash included. */
  readonly activities: number;
  readonly activityFailures: number;
  /** Orchestrator invocations (each replays the whole history). */
  readonly episodes: number;
  readonly timersFired: number;
  readonly entityOperations: number;
  /** The longest history any execution reached. */
  readonly maxHistoryEvents: number;
  /** The largest serialized history (UTF-8 bytes of its JSON) any execution reached. */
  readonly maxHistoryBytes: number;
  /** Duplicate sub-orchestration starts DTFx dropped (each leaves its parent waiting forever). */
  readonly droppedDuplicateStarts: number;
  /** Instances the host last found unable to progress (Running with nothing left to move them). */
  readonly stuckInstances: number;
  readonly nonDeterminismFailures: number;
}
