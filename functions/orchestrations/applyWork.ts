/**
 * The write half of every run, for any capability (a generator to `yield*`, not an orchestration of
 * its own): lock the resources (apply mode), sync the items in batches, retry the transient failures
 * after a durable timer with the locks renewed, release. Writes of every round are kept.
 */
import * as df from 'durable-functions';
import { capabilities } from '../../shared/capabilities';
import { gaveUp, mergeRounds } from '../../shared/reconcile/outcome';
import { syncWork } from '../activities/syncWork';
import { type Outcome, type RunMode, type WorkItem } from '../contracts';
import { type DfTask, type OrchestrationContext } from '../registry';
import { acquireLocks, type HeldLock, releaseLocks, renewLocks } from './locks';

/** Items per sync activity: bounds one activity's run time and payload. */
export const ITEMS_PER_ACTIVITY = 25;
/** Rounds for items whose writes failed transiently (409 from another writer, throttling). */
export const MAX_ROUNDS = 5;
const MAX_ROUND_WAIT_SECONDS = 60;

/** Retry for activities that throw (the worker died, an unexpected error): Durable re-runs them. */
export const ACTIVITY_RETRY = (() => {
  const retry = new df.RetryOptions(2000, 4);
  retry.backoffCoefficient = 2;
  retry.maxRetryIntervalInMilliseconds = 30_000;
  return retry;
})();

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function lostLock(item: WorkItem, earlier: Outcome | undefined, check: string): Outcome {
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
    for (let round = 0; pending.length > 0 && round < MAX_ROUNDS; round++) {
      if (round > 0) {
        const waitSeconds = Math.min(
          MAX_ROUND_WAIT_SECONDS,
          Math.max(...pending.map((w) => final.get(w.resourceId)?.retryAfterSeconds ?? 5)) * 2 ** (round - 1),
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
      pending = pending.filter((w) => final.get(w.resourceId)?.status === 'retry');
      context.df.setCustomStatus({
        phase: 'syncing',
        capability,
        done: work.length - pending.length,
        total: work.length,
        round,
      });
    }
    return work.map((w) => {
      const outcome = final.get(w.resourceId);
      if (outcome && outcome.status !== 'retry') return outcome;
      return gaveUp(w, outcome, MAX_ROUNDS, failures);
    });
  } finally {
    if (mode === 'apply') releaseLocks(context, held);
  }
}
