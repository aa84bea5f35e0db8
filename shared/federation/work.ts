/**
 * Federation's unit of work as its scope step (observe.ts) produces it; the capability
 * (./capability.ts) turns it into the engine's generic `WorkItem`.
 */
import { type DesiredFic } from './desired';
import { type ScopeDecision } from '../reconcile/types';

export type { RunMode } from '../reconcile/types';

/** One identity's share of a run: its complete desired FIC set and its lock key. */
export interface IdentityWork {
  readonly identityId: string;
  readonly lockKey: string;
  readonly desired: readonly DesiredFic[];
}

/** Output of federation's scope: what the run has to do, or why it does nothing. */
export type ScopeResult = ScopeDecision<IdentityWork>;
