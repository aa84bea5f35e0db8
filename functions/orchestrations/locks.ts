/**
 * Taking and releasing the per-identity write locks from an orchestration (see
 * functions/entities/identityLock.ts and docs/adr/0003-identity-write-lock.md).
 *
 * Locks are taken one at a time in sorted key order, as durable-functions' own critical sections do
 * ("the lock set is sorted and deduplicated ... then acquired in order to prevent deadlock"), so two
 * runs can never each hold a lock the other waits for. A busy lock is polled with a durable timer,
 * never spun on.
 */
import * as df from 'durable-functions';
import { type AcquireResult, identityLock } from '../entities/identityLock';
import { type DfTask, type OrchestrationContext } from '../registry';

/** Longer than any one sync activity may run (Functions' 10-minute ceiling on Consumption). */
export const LOCK_LEASE_MS = 15 * 60_000;
const MAX_POLL_MS = 30_000;

function lockIds(keys: readonly string[]): df.EntityId[] {
  return [...new Set(keys)].sort().map((key) => new df.EntityId(identityLock.name, key));
}

export function* acquireLocks(
  context: OrchestrationContext,
  keys: readonly string[],
): Generator<DfTask, void, unknown> {
  const owner = context.df.instanceId;
  for (const id of lockIds(keys)) {
    for (let attempt = 0; ; attempt++) {
      const nowMs = context.df.currentUtcDateTime.getTime();
      const result = (yield context.df.callEntity(id, 'acquire', {
        owner,
        nowMs,
        leaseMs: LOCK_LEASE_MS,
      })) as AcquireResult;
      if (result.granted) break;
      if (!context.df.isReplaying)
        context.log(`waiting for identity lock ${id.key} held by ${result.holder}`);
      const waitMs = Math.min(
        MAX_POLL_MS,
        500 * 2 ** Math.min(attempt, 6),
        Math.max(100, result.untilMs - nowMs),
      );
      yield context.df.createTimer(new Date(nowMs + waitMs));
    }
  }
}

/** Fire-and-forget release; a lost release only delays others until the lease ends. */
export function releaseLocks(context: OrchestrationContext, keys: readonly string[]): void {
  const owner = context.df.instanceId;
  for (const id of lockIds(keys)) context.df.signalEntity(id, 'release', { owner });
}
