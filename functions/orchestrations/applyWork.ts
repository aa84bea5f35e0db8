/**
 * The write half of every run, shared by the reconcile and drift orchestrations (a generator to
 * `yield*`, not an orchestration of its own): lock the identities (apply mode), sync them in batches,
 * retry the transient failures after a durable timer, release.
 */
import * as df from 'durable-functions';
import { syncIdentities } from '../activities/syncIdentities';
import { type IdentityOutcome, type IdentityWork, type RunMode } from '../contracts';
import { type DfTask, type OrchestrationContext } from '../registry';
import { acquireLocks, releaseLocks } from './locks';

/** Identities per sync activity: bounds one activity's run time and payload. */
export const IDENTITIES_PER_ACTIVITY = 25;
/** Rounds for identities whose writes failed transiently (409 from another writer, throttling). */
const MAX_ROUNDS = 5;
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

export function* applyWork(
  context: OrchestrationContext,
  mode: RunMode,
  work: readonly IdentityWork[],
): Generator<DfTask, IdentityOutcome[], unknown> {
  if (work.length === 0) return [];
  const keys = work.map((w) => w.lockKey);
  if (mode === 'apply') yield* acquireLocks(context, keys);
  try {
    const final = new Map<string, IdentityOutcome>();
    let pending: readonly IdentityWork[] = work;
    for (let round = 0; pending.length > 0 && round < MAX_ROUNDS; round++) {
      if (round > 0) {
        const waitSeconds = Math.min(
          MAX_ROUND_WAIT_SECONDS,
          Math.max(...pending.map((w) => final.get(w.identityId)?.retryAfterSeconds ?? 5)) * 2 ** (round - 1),
        );
        yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + waitSeconds * 1000));
      }
      const batches = chunk(pending, IDENTITIES_PER_ACTIVITY);
      const outputs = (yield context.df.Task.all(
        batches.map((batch) => syncIdentities.task(context, { mode, work: batch }, ACTIVITY_RETRY)),
      )) as { outcomes: IdentityOutcome[] }[];
      for (const output of outputs)
        for (const outcome of output.outcomes) final.set(outcome.identityId, outcome);
      pending = pending.filter((w) => final.get(w.identityId)?.status === 'retry');
      context.df.setCustomStatus({
        phase: 'syncing',
        done: work.length - pending.length,
        total: work.length,
        round,
      });
    }
    return work.map((w) => {
      const outcome = final.get(w.identityId);
      if (outcome && outcome.status !== 'retry') return outcome;
      return {
        identityId: w.identityId,
        status: 'failed' as const,
        writes: outcome?.writes ?? [],
        adopted: outcome?.adopted ?? 0,
        unchanged: outcome?.unchanged ?? 0,
        findings: [
          {
            check: 'federation.apply',
            resourceId: w.identityId,
            status: 'fail' as const,
            message: `gave up after ${MAX_ROUNDS} attempts: ${outcome?.reason ?? 'transient failures'}`,
            remediation:
              'The next drift check retries it; look for another writer on this identity or sustained throttling.',
          },
        ],
        reason: outcome?.reason ?? 'transient failures',
      };
    });
  } finally {
    if (mode === 'apply') releaseLocks(context, keys);
  }
}
