/**
 * What crosses the durable boundary: orchestration inputs/outputs and activity inputs/outputs.
 * All plain JSON (it is stored in the history), small (ids and capability payloads, never whole
 * ARM resources: docs/style.md 14), and expected outcomes are data, not exceptions (docs/style.md 8).
 * Nothing here is capability-shaped: work items and outcomes are the engine's (shared/reconcile).
 */
import { type Carry } from '../shared/reconcile/outcome';
import { type RunMode, type Target } from '../shared/reconcile/types';

export type {
  Outcome,
  OutcomeStatus,
  RunMode,
  RunResult,
  RunStatus,
  ScopeResult,
  Target,
  WorkItem,
} from '../shared/reconcile/types';

export type Change = 'write' | 'delete';
export type TriggerKind = 'event' | 'http' | 'timer' | 'cli';

/** The run's ids, for every log line an activity writes (docs/style.md 17). */
export interface RunIds {
  /** The orchestration instance that asked. */
  readonly instanceId: string;
}

export interface ReconcileInput {
  readonly target: Target;
  readonly change: Change;
  readonly mode: RunMode;
  readonly trigger: TriggerKind;
  /** How many times a blocked gate (cluster still Updating) has already been waited on. */
  readonly attempt?: number;
  /** Writes of earlier passes of this run (a coalesced rerun continues as new with them). */
  readonly carry?: Carry;
}
