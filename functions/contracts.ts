/**
 * What crosses the durable boundary: orchestration inputs/outputs and activity inputs/outputs.
 * All plain JSON (it is stored in the history), small (ids and desired FIC records, never whole
 * ARM resources: docs/style.md 14), and expected outcomes are data, not exceptions (docs/style.md 8).
 */
import { type IdentityOutcome, type IdentityWork, type RunMode } from '../shared/federation/work';
import { type Finding } from '../shared/validation/findings';

// The per-identity units live in shared/ (the core produces them); re-exported for the durable layer.
export type {
  IdentityOutcome,
  IdentityStatus,
  IdentityWork,
  RunMode,
  ScopeResult,
  SyncOutput,
} from '../shared/federation/work';

export type Change = 'write' | 'delete';
export type TriggerKind = 'event' | 'http' | 'timer' | 'cli';

export type Target =
  | { readonly kind: 'cluster'; readonly clusterId: string }
  | { readonly kind: 'identity'; readonly identityId: string }
  | { readonly kind: 'fleet' };

export interface ReconcileInput {
  readonly target: Target;
  readonly change: Change;
  readonly mode: RunMode;
  readonly trigger: TriggerKind;
  /** How many times a blocked gate (cluster still Updating) has already been waited on. */
  readonly attempt?: number;
}

export interface SyncInput {
  readonly mode: RunMode;
  readonly work: readonly IdentityWork[];
}

export type RunStatus = 'converged' | 'changed' | 'planned' | 'skipped' | 'failed';

/** What every reconcile orchestration returns (and GET /api/runs/{id} shows). */
export interface RunResult {
  readonly target: Target;
  readonly mode: RunMode;
  readonly status: RunStatus;
  readonly reason?: string;
  readonly identities: readonly IdentityOutcome[];
  readonly findings: readonly Finding[];
  readonly counts: {
    readonly creates: number;
    readonly updates: number;
    readonly deletes: number;
    readonly adopted: number;
    readonly unchanged: number;
  };
}
