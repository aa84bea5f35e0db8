/**
 * The reconcile engine's vocabulary, shared by every capability (docs/style.md 21–22). Plain JSON:
 * work items and outcomes cross the durable activity boundary and are stored in histories, so they
 * carry ids and small payloads, never whole ARM resources (docs/style.md 14).
 */
import { type Finding } from '../validation/findings';

export type RunMode = 'plan' | 'apply';

/** What a run is about. Resource ids are lower-cased at the edge (`targetFor`): ARM ids are case-insensitive. */
export type Target =
  | {
      readonly kind: 'cluster' | 'identity' | 'subscription' | 'privateEndpoint';
      readonly resourceId: string;
    }
  | { readonly kind: 'fleet' };

export type TargetKind = Target['kind'];

/** One resource's share of a run: what one capability writes, under one lock. */
export interface WorkItem<P = unknown> {
  readonly capability: string;
  /** The resource the writes go to, as ARM spells it (writes and reports use it). */
  readonly resourceId: string;
  /** The lower-cased, storage-safe key of the resource's write lock (shared/core/instanceIds.ts `lockKeyFor`). */
  readonly lockKey: string;
  /** What the capability needs to plan the item (e.g. the desired FICs); small. */
  readonly payload: P;
  /**
   * A long-running write of an earlier activity that was still running (docs/style.md 24): the next
   * activity resumes its poller from the saved state before it observes the item, never re-issuing it.
   */
  readonly pending?: PendingWrite;
}

/**
 * A long-running write in flight: the action and the SDK poller's serialized state
 * (`await poller.serialize()`, @azure/core-lro v3), carried across a durable timer in the history.
 */
export interface PendingWrite<A extends Action = Action> {
  readonly action: A;
  /** The poller's serialized state (a few hundred bytes of JSON: URLs, status). */
  readonly state: string;
  /** The operation's last Retry-After: the wait before the next poll. */
  readonly retryAfterSeconds: number;
  /**
   * The no-write tallies of the plan that made the write: the item's outcome reports them, not those
   * of the plan made after the write finished (which would count the new write as `unchanged`).
   */
  readonly kept?: Readonly<Record<string, number>>;
}

/** One write. A capability's actions are a closed union on `kind`; `lockKey` is the lock the write needs. */
export interface Action {
  readonly kind: string;
  readonly lockKey: string;
}

/**
 * The outcome of one work item (docs/style.md 22: one status model). `retry` asks the caller to try
 * again later (a transient ARM answer); `pending` asks it to wait `retryAfterSeconds` with a durable
 * timer and resume the long-running write in `pending`; every other status is final for the run.
 */
export type OutcomeStatus = 'converged' | 'changed' | 'planned' | 'refused' | 'failed' | 'retry' | 'pending';

export interface Outcome<A extends Action = Action> {
  readonly capability: string;
  readonly resourceId: string;
  readonly status: OutcomeStatus;
  /** The writes made (apply: every one that succeeded, also before a failure) or that would be made (plan). */
  readonly actions: readonly A[];
  /** Actions by kind, plus the capability's no-write kinds (e.g. `adopted`, `unchanged`). */
  readonly counts: Readonly<Record<string, number>>;
  readonly findings: readonly Finding[];
  readonly reason?: string;
  readonly retryAfterSeconds?: number;
  /** Status `pending`: the write still running, to resume after `retryAfterSeconds`. */
  readonly pending?: PendingWrite<A>;
  /**
   * Passing findings reduced to counts by check id (a fleet check's batches hand outcomes back this
   * way: `findings` then holds only warn and fail findings, and the full outcome is in the work store).
   */
  readonly passed?: Readonly<Record<string, number>>;
}

/** A scope decision over work of type W: work to do, or why there is none (skip, or block and wait). */
export type ScopeDecision<W> =
  | {
      readonly kind: 'proceed';
      readonly work: readonly W[];
      readonly findings: readonly Finding[];
    }
  | { readonly kind: 'skip'; readonly reason: string; readonly findings: readonly Finding[] }
  | {
      readonly kind: 'block';
      readonly reason: string;
      readonly retryAfterSeconds: number;
      readonly findings: readonly Finding[];
    };

/** What a capability's scope step decides for a target: work items to do, or why there are none. */
export type ScopeResult<P = unknown> = ScopeDecision<WorkItem<P>>;

export type RunStatus = 'converged' | 'changed' | 'planned' | 'skipped' | 'failed';

/**
 * What every reconcile and drift orchestration returns (and GET /api/runs/{id} shows).
 *
 * A fleet or subscription check (the drift orchestration) keeps its result small whatever the fleet's
 * size (docs/design.md "Run result"): `outcomes` lists only the items that ended `failed` or `refused`,
 * `findings` only warn and fail findings, passing findings are counted in `passCounts` and items by
 * status in `items`. A reconcile of one resource lists every outcome and finding.
 */
export interface RunResult {
  readonly target: Target;
  readonly mode: RunMode;
  readonly status: RunStatus;
  readonly reason?: string;
  /** Passes made: 1, plus one per coalesced rerun; `counts` sums the writes of every pass. */
  readonly passes: number;
  readonly outcomes: readonly Outcome[];
  readonly findings: readonly Finding[];
  /** Action kinds and no-write kinds summed over every outcome (and every pass). */
  readonly counts: Readonly<Record<string, number>>;
  /** Fleet checks: passing findings by check id (they are not listed in `findings`). */
  readonly passCounts?: Readonly<Record<string, number>>;
  /** Fleet checks: work items by the status they ended in (only `failed`/`refused` ones are listed). */
  readonly items?: Readonly<Partial<Record<OutcomeStatus, number>>>;
}
