/**
 * A capability: one kind of thing fedlink keeps correct (federated credentials today; private
 * endpoint approvals and private DNS links next). The engine (./runner.ts and the orchestrations in
 * functions/) runs every capability the same way (docs/style.md 21, ASO's generic reconciler with
 * per-resource extensions):
 *
 *   scope(target) → work items  →  per item: observe → plan (pure) → act (one write per action,
 *   serial within the item, under the item's lock) → observe again (read back) → validate → outcome
 *
 * A capability supplies these steps, its checks and its own ARM port; nothing of its shape appears
 * above its folder. Its expected ARM answers are data: the runner classifies anything a step throws
 * with the one ARM error table (shared/azure/errors.ts) into a `retry` or `failed` outcome.
 */
import { type ArmError } from '../azure/errors';
import { type AzureGateway } from '../azure/gateway';
import { type FedlinkConfig } from '../config/schema';
import { type Logger } from '../core/log';
import { type Finding } from '../validation/findings';
import { type SharedReads } from './sharedReads';
import {
  type Action,
  type PendingWrite,
  type RunMode,
  type ScopeResult,
  type Target,
  type TargetKind,
  type WorkItem,
} from './types';

/**
 * A long-running write that has not finished (docs/style.md 24): the SDK poller's serialized state
 * (`await poller.serialize()` after `poller.submitted()`) and how long to wait before polling again
 * (the operation's Retry-After). The engine waits with a durable timer, never inside an activity, and
 * a later activity resumes the poller from `state` (`restorePoller` of the SDK package) and polls once.
 */
export interface StillRunning {
  readonly kind: 'pending';
  readonly state: string;
  readonly retryAfterSeconds: number;
}

/** What a write step returns: nothing when the write is complete, or the long-running write still running. */
export type ActResult = void | StillRunning;

/** What every step receives: the ARM ports, the config and a logger that already carries the run's ids. */
export interface CapabilityEnv {
  readonly azure: AzureGateway;
  readonly config: FedlinkConfig;
  readonly log: Logger;
  /**
   * A fleet check's reads shared by all its activities (./sharedReads.ts): what its scope phase read, and
   * reads every batch would otherwise repeat. Absent in event runs, which read for themselves.
   */
  readonly shared?: SharedReads;
  /**
   * The run's mode, for an observe step whose reads serve only a report that no write follows (a plan
   * run's); absent, steps read as for `plan`.
   */
  readonly mode?: RunMode;
}

/** A pure plan for one item: the writes, what the plan found, and the no-write tallies. */
export interface Plan<A extends Action> {
  readonly actions: readonly A[];
  readonly findings: readonly Finding[];
  /** Set when the item gets no write at all (e.g. it would pass an Azure limit): status `refused`. */
  readonly refused?: string;
  /** Counts of no-write results by kind (e.g. `adopted`, `unchanged`), added to the outcome's counts. */
  readonly kept?: Readonly<Record<string, number>>;
}

export interface Capability<P = unknown, O = unknown, A extends Action = Action, C = unknown> {
  /** Unique; work items and outcomes carry it; the activities dispatch on it. */
  readonly name: string;
  /** The target kinds it reconciles; `fleet` puts it into the drift check. */
  readonly targets: readonly TargetKind[];
  /** How its failures read in the report. */
  readonly failures: {
    /** The check id of a failed write or read (e.g. `federation.apply`). */
    readonly check: string;
    /** Per stage, what the stage was doing, for the reason ("list federated credentials failed: …"). */
    readonly stages: { readonly observe: string; readonly prepare: string; readonly act: string };
    /** What to do about a terminal failure. */
    readonly remediation: string;
    /** What to do when transient failures outlasted every round. */
    readonly giveUpRemediation: string;
  };

  /** Reads what decides the work for a target; gates say skip or block with a reason. */
  scope(env: CapabilityEnv, target: Target): Promise<ScopeResult<P>>;
  /** Reads the current state of one item. */
  observe(env: CapabilityEnv, item: WorkItem<P>): Promise<O>;
  /** Reads once per batch what plans need beyond each item's own state (only when some item needs it). */
  prepare(env: CapabilityEnv, items: readonly { item: WorkItem<P>; observed: O }[]): Promise<C>;
  /** Pure: converged input gives no actions. */
  plan(item: WorkItem<P>, observed: O, context: C, config: FedlinkConfig): Plan<A>;
  /**
   * Exactly one write. A long-running write starts its SDK poller, sends the initial request and
   * returns `pending` unless the operation is already done; a failed operation throws its ARM error.
   */
  act(env: CapabilityEnv, item: WorkItem<P>, action: A): Promise<ActResult>;
  /**
   * Optional: the item's state after `done`, all of whose writes completed synchronously, told by the
   * writes themselves (a synchronous PUT or DELETE answered 2xx is the read-back). When given, the runner
   * validates this instead of observing the item again; without it, the runner re-reads (`observe`).
   */
  written?(item: WorkItem<P>, observed: O, done: readonly A[]): O;
  /**
   * Resumes a long-running write from its saved poller state and polls it once (capabilities whose
   * writes are long-running): `pending` again while it runs; throws the operation's error when it failed.
   * Never re-issues the write.
   */
  resume?(env: CapabilityEnv, item: WorkItem<P>, pending: PendingWrite<A>): Promise<ActResult>;
  /**
   * Explains a write Azure refused (a terminal failure of act or resume) as a finding that names what
   * conflicts and the fix; undefined keeps the generic finding. May read ARM; its own errors are ignored.
   */
  explain?(env: CapabilityEnv, item: WorkItem<P>, action: A, error: ArmError): Promise<Finding | undefined>;
  /**
   * Pure checks of observed state (`pending`: planned writes not made, in plan mode), judged against
   * what the plan was allowed to want (`context`: what `prepare` read, e.g. desired state held back).
   */
  validate(item: WorkItem<P>, observed: O, pending: readonly A[], context: C): Finding[];
}

/** A capability of any shape, for the registry (the engine only passes its values between its own steps). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- existential: each capability keeps its own P/O/A/C
export type AnyCapability = Capability<any, any, Action, any>;
