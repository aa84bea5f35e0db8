/**
 * The write half of every run, for any capability (a generator to `yield*`, not an orchestration of
 * its own): lock the resources (apply mode), sync the items in batches, retry the transient failures
 * after a durable timer with the locks renewed, release. Writes of every round are kept.
 *
 * Long-running writes (docs/style.md 24): an item whose write is still running comes back `pending`
 * with its poller's saved state; after a durable timer of the operation's Retry-After the item goes
 * back to the sync activity with that state, which resumes the poller (one poll) instead of writing
 * again. Polls are counted apart from the transient-failure rounds. A run whose writes all finish
 * within their first activity schedules nothing extra.
 */
import * as df from 'durable-functions';
import { capabilities } from '../../shared/capabilities';
import { gaveUp, gaveUpReason, mergeRounds } from '../../shared/reconcile/outcome';
import { type ScopeInput, type ScopeOutput, scopeWork } from '../activities/scopeWork';
import { syncWork } from '../activities/syncWork';
import { type Outcome, type RunMode, type WorkItem } from '../contracts';
import { type DfTask, type OrchestrationContext } from '../registry';
import { acquireLocks, type HeldLock, releaseLocks, renewLocks } from './locks';

/**
 * Items per sync activity: bounds one activity's run time and payload. An activity observes all its items
 * before it writes (prepare needs them together), so it lists nothing while it writes; small activities
 * keep the FIC-list budget (the fleet check's floor) busy with the activities that are listing meanwhile.
 */
export const ITEMS_PER_ACTIVITY = 10;
/** Rounds for items whose writes failed transiently (409 from another writer, throttling). */
export const MAX_ROUNDS = 5;
export const MAX_ROUND_WAIT_SECONDS = 60;
/** Polls of a long-running write before the item is given up (at Retry-After 60 s: about half an hour). */
export const MAX_POLLS = 30;
export const MAX_POLL_WAIT_SECONDS = 300;

/** Attempts of an activity that throws (the worker died, a read still failing after the SDK's retries). */
export const ACTIVITY_ATTEMPTS = 4;
/** Retry for activities that throw (the worker died, an unexpected error): Durable re-runs them. */
export const ACTIVITY_RETRY = (() => {
  const retry = new df.RetryOptions(2000, ACTIVITY_ATTEMPTS);
  retry.backoffCoefficient = 2;
  retry.maxRetryIntervalInMilliseconds = 30_000;
  return retry;
})();

/**
 * A capability's scope for a target. When its activity still fails after ACTIVITY_ATTEMPTS (a read
 * throttled or failing every time), the scope fails with a "gave up" reason that names the cause, and
 * the run completes with it as a finding instead of ending Failed (docs/targets.md "Reliability targets" 1).
 */
export function* scopeOrGiveUp(
  context: OrchestrationContext,
  input: ScopeInput,
): Generator<DfTask, ScopeOutput, unknown> {
  try {
    return yield* scopeWork.call(context, input, ACTIVITY_RETRY);
  } catch (error) {
    return { kind: 'fail', reason: gaveUpReason(ACTIVITY_ATTEMPTS, error), findings: [] };
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The outcome of an item whose lock another run took when its lease ended: no further writes. */
export function lostLock(
  item: Pick<WorkItem, 'capability' | 'resourceId' | 'lockKey'>,
  earlier: Outcome | undefined,
  check: string,
): Outcome {
  const reason = `lost the write lock on ${item.lockKey}: its lease ended and another run took it; no further writes`;
  return {
    capability: item.capability,
    resourceId: item.resourceId,
    status: 'failed',
    actions: earlier?.actions ?? [],
    counts: earlier?.counts ?? {},
    findings: [
      {
        check,
        resourceId: item.resourceId,
        status: 'fail',
        message: reason,
        remediation: 'The next drift check converges it; a run that outlives its lock lease is stuck on ARM.',
      },
    ],
    reason,
  };
}

export function* applyWork(
  context: OrchestrationContext,
  capability: string,
  mode: RunMode,
  work: readonly WorkItem[],
): Generator<DfTask, Outcome[], unknown> {
  if (work.length === 0) return [];
  const { failures } = capabilities.get(capability);
  const run = { instanceId: context.df.instanceId };
  let held: HeldLock[] =
    mode === 'apply'
      ? yield* acquireLocks(
          context,
          work.map((w) => w.lockKey),
        )
      : [];
  try {
    const final = new Map<string, Outcome>();
    let pending: readonly WorkItem[] = work;
    let rounds = 0;
    let polls = 0;
    for (let first = true; pending.length > 0; first = false) {
      if (!first) {
        const waitSeconds = Math.max(
          ...pending.map((w) => {
            const last = final.get(w.resourceId);
            const after = last?.retryAfterSeconds ?? 5;
            return last?.status === 'pending'
              ? Math.min(MAX_POLL_WAIT_SECONDS, Math.max(1, after))
              : Math.min(MAX_ROUND_WAIT_SECONDS, after * 2 ** Math.max(0, rounds - 1));
          }),
        );
        yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + waitSeconds * 1000));
        if (mode === 'apply') {
          // Every round starts with most of a lease ahead; a lock whose lease ended and went to another
          // run is not written under again (docs/adr/0003).
          const renewal = yield* renewLocks(context, held);
          held = renewal.held;
          if (renewal.lost.length > 0) {
            const lost = new Set(renewal.lost);
            for (const w of pending)
              if (lost.has(w.lockKey))
                final.set(w.resourceId, lostLock(w, final.get(w.resourceId), failures.check));
            pending = pending.filter((w) => !lost.has(w.lockKey));
            if (pending.length === 0) break;
          }
        }
      }
      const batches = chunk(pending, ITEMS_PER_ACTIVITY);
      const outputs = (yield context.df.Task.all(
        batches.map((items) => syncWork.task(context, { capability, mode, items, run }, ACTIVITY_RETRY)),
      )) as { outcomes: Outcome[] }[];
      for (const output of outputs)
        for (const outcome of output.outcomes)
          final.set(outcome.resourceId, mergeRounds(final.get(outcome.resourceId), outcome, mode));
      const again = (w: WorkItem): WorkItem | undefined => {
        const o = final.get(w.resourceId);
        if (o?.status !== 'retry' && o?.status !== 'pending') return undefined;
        // A write still running, or one whose poll failed transiently, is resumed, never re-issued.
        const { pending: _previous, ...rest } = w;
        return o.pending ? { ...rest, pending: o.pending } : rest;
      };
      const next = pending.flatMap((w) => {
        const n = again(w);
        return n ? [n] : [];
      });
      const status = (w: WorkItem) => final.get(w.resourceId)?.status;
      if (next.some((w) => status(w) === 'retry')) rounds++;
      if (next.some((w) => status(w) === 'pending')) polls++;
      // Items out of rounds (transient failures) or polls (a write that never finishes) stop here.
      pending = next.filter((w) => (status(w) === 'pending' ? polls < MAX_POLLS : rounds < MAX_ROUNDS));
      context.df.setCustomStatus({
        phase: 'syncing',
        capability,
        done: work.length - pending.length,
        total: work.length,
        rounds,
        polls,
      });
    }
    return work.map((w) => {
      const outcome = final.get(w.resourceId);
      if (outcome && outcome.status !== 'retry' && outcome.status !== 'pending') return outcome;
      return outcome?.status === 'pending'
        ? gaveUp(w, outcome, MAX_POLLS, failures, 'polls of a write still running')
        : gaveUp(w, outcome, MAX_ROUNDS, failures);
    });
  } finally {
    if (mode === 'apply') releaseLocks(context, held);
  }
}
