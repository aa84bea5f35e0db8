/**
 * Orchestration: one batch of a fleet check (functions/orchestrations/drift.ts). Its input names a chunk
 * of work items in the work store (the claim check, shared/reconcile/workDocs.ts); the activities read
 * the chunk themselves, so neither this history nor the parent's holds the items. What it hands back is
 * a tally and the items that need a reader (failed, refused) with their warn and fail findings; the full
 * outcomes are in the store (docs/style.md 14; docs/design.md "Run result").
 *
 * Locks (apply mode; docs/adr/0003-identity-write-lock.md "Revision 2"): every item needs exactly one
 * lock. The batch tries the locks of every item that is due at once (one round trip, `tryLocks`), syncs
 * the items it got, releases each lock as soon as no item of the batch needs it, and tries the busy ones
 * again after a durable timer. It never waits for a lock in order to finish the work under a lock it
 * holds: the work under a held lock depends only on time (its rounds and polls are bounded), so every
 * held lock is released after a bounded time and no two runs can wait on each other for ever, in
 * whatever order they take locks. Fencing and renewal are those of every holder (locks.ts).
 *
 * Per item: a transient failure is retried after a durable timer (at most MAX_ROUNDS attempts), a
 * long-running write is polled (MAX_POLLS), a busy lock tried again (MAX_LOCK_WAITS), each with its
 * own due time. `Task.all([])` is never yielded.
 */
import { capabilities } from '../../shared/capabilities';
import { gaveUp, mergeRounds, tallyOutcomes, type Tally } from '../../shared/reconcile/outcome';
import { workDocs } from '../../shared/reconcile/workDocs';
import { type Finding } from '../../shared/validation/findings';
import { chunkLocks, type ItemRef, type Pick, syncChunk } from '../activities/syncChunk';
import { type Outcome, type RunMode } from '../contracts';
import { type DfTask, defineOrchestration } from '../registry';
import {
  ACTIVITY_RETRY,
  ITEMS_PER_ACTIVITY,
  lostLock,
  MAX_POLLS,
  MAX_ROUNDS,
  MAX_POLL_WAIT_SECONDS,
  MAX_ROUND_WAIT_SECONDS,
} from './applyWork';
import { type HeldLock, lockWaitMs, releaseLocks, renewLocks, tryLocks } from './locks';

/** Tries of a busy lock before the item is given up (with the waits of lockWaitMs: about 17 minutes, more than a lease). */
export const MAX_LOCK_WAITS = 40;

export interface BatchInput {
  readonly capability: string;
  readonly mode: RunMode;
  /** The chunk's name in the work store. */
  readonly chunk: string;
  /** How many items the chunk holds. */
  readonly items: number;
}

export interface BatchOutput {
  readonly tally: Tally;
  /** Items that ended failed or refused (compact: passes counted). */
  readonly outcomes: readonly Outcome[];
  /** Warn and fail findings of the other items. */
  readonly findings: readonly Finding[];
  /** The work store documents with the batch's full outcomes (for the full report). */
  readonly docs: readonly string[];
}

function groups<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const syncBatch = defineOrchestration<BatchInput, BatchOutput>(
  'syncBatch',
  function* (context, { capability, mode, chunk, items }): Generator<DfTask, BatchOutput, unknown> {
    const { failures } = capabilities.get(capability);
    const run = { instanceId: context.df.instanceId };
    const nowMs = () => context.df.currentUtcDateTime.getTime();
    const refs: readonly ItemRef[] | undefined =
      mode === 'apply' ? (yield* chunkLocks.call(context, { chunk }, ACTIVITY_RETRY)).items : undefined;
    const total = refs?.length ?? items;
    const keyOf = (i: number) => refs?.[i]?.lockKey ?? '';
    const refOf = (i: number) => ({
      capability,
      resourceId: refs?.[i]?.resourceId ?? final.get(i)?.resourceId ?? `${chunk}#${i}`,
      lockKey: keyOf(i),
    });

    const final = new Map<number, Outcome>();
    /** Items still to do, with the time they are due. */
    const due = new Map<number, number>();
    const rounds = new Map<number, number>();
    const polls = new Map<number, number>();
    const lockWaits = new Map<number, number>();
    for (let i = 0; i < total; i++) due.set(i, nowMs());
    let held = new Map<string, HeldLock>();
    const docs: string[] = [];
    let written = 0;
    const stop = (i: number, outcome: Outcome) => {
      final.set(i, outcome);
      due.delete(i);
    };

    try {
      while (due.size > 0) {
        let ready = [...due].filter(([, at]) => at <= nowMs()).map(([i]) => i);
        if (mode === 'apply') {
          if (held.size > 0) {
            // Items waiting for a retry keep their locks, renewed like every holder's (docs/adr/0003).
            const renewal = yield* renewLocks(context, [...held.values()]);
            held = new Map(renewal.held.map((h) => [h.key, h]));
            const lost = new Set(renewal.lost);
            for (const i of [...due.keys()])
              if (lost.has(keyOf(i))) stop(i, lostLock(refOf(i), final.get(i), failures.check));
            ready = ready.filter((i) => due.has(i));
          }
          const { granted, busy } = yield* tryLocks(
            context,
            ready.map(keyOf).filter((k) => !held.has(k)),
          );
          for (const h of granted) held.set(h.key, h);
          const busyByKey = new Map(busy.map((b) => [b.key, b]));
          const now = nowMs();
          for (const i of ready) {
            const b = busyByKey.get(keyOf(i));
            if (!b) continue;
            const waits = (lockWaits.get(i) ?? 0) + 1;
            lockWaits.set(i, waits);
            if (waits > MAX_LOCK_WAITS)
              stop(
                i,
                gaveUp(
                  refOf(i),
                  lockBusy(refOf(i), b.holder, final.get(i)),
                  MAX_LOCK_WAITS,
                  failures,
                  'tries of a busy write lock',
                ),
              );
            else due.set(i, now + lockWaitMs(waits - 1, b.untilMs - now));
          }
          ready = ready.filter((i) => held.has(keyOf(i)));
        }
        if (ready.length > 0) {
          const calls = groups(ready, ITEMS_PER_ACTIVITY).map((picked) => {
            const out = workDocs.outcomes(chunk, docs.length);
            docs.push(out);
            const picks = picked.map((index): Pick => {
              const pending = final.get(index)?.pending;
              return pending ? { index, pending } : { index };
            });
            return {
              picked,
              task: syncChunk.task(context, { capability, mode, run, chunk, picks, out }, ACTIVITY_RETRY),
            };
          });
          const outputs = (yield context.df.Task.all(calls.map((c) => c.task))) as { outcomes: Outcome[] }[];
          const now = nowMs();
          calls.forEach(({ picked }, c) =>
            picked.forEach((i, j) => {
              const outcome = outputs[c]?.outcomes[j];
              if (!outcome) return;
              const merged = mergeRounds(final.get(i), outcome, mode);
              final.set(i, merged);
              if (merged.status === 'retry') {
                const r = (rounds.get(i) ?? 0) + 1;
                rounds.set(i, r);
                const after = merged.retryAfterSeconds ?? 5;
                if (r >= MAX_ROUNDS) stop(i, gaveUp(refOf(i), merged, MAX_ROUNDS, failures));
                else due.set(i, now + Math.min(MAX_ROUND_WAIT_SECONDS, after * 2 ** (r - 1)) * 1000);
              } else if (merged.status === 'pending') {
                const p = (polls.get(i) ?? 0) + 1;
                polls.set(i, p);
                const after = merged.retryAfterSeconds ?? 5;
                if (p >= MAX_POLLS)
                  stop(i, gaveUp(refOf(i), merged, MAX_POLLS, failures, 'polls of a write still running'));
                else due.set(i, now + Math.min(MAX_POLL_WAIT_SECONDS, Math.max(1, after)) * 1000);
              } else {
                due.delete(i);
                if (mode === 'apply') written += outcome.actions.length;
              }
            }),
          );
        }
        if (mode === 'apply') {
          // A lock no remaining item needs goes back at once, so other runs need not wait for the batch.
          const needed = new Set([...due.keys()].map(keyOf));
          const free = [...held.values()].filter((h) => !needed.has(h.key));
          releaseLocks(context, free);
          for (const h of free) held.delete(h.key);
        }
        context.df.setCustomStatus({ phase: 'syncing', capability, done: total - due.size, total, written });
        if (due.size === 0) break;
        const next = Math.min(...due.values());
        if (next > nowMs()) yield context.df.createTimer(new Date(next));
      }
    } finally {
      if (mode === 'apply') releaseLocks(context, [...held.values()]);
    }
    const outcomes: Outcome[] = [];
    for (let i = 0; i < total; i++) {
      const o = final.get(i);
      if (o) outcomes.push(o);
    }
    return { ...tallyOutcomes(outcomes), docs };
  },
);

/** The last word on an item whose lock stayed busy: who held it (the item's earlier writes kept). */
function lockBusy(
  item: { readonly capability: string; readonly resourceId: string; readonly lockKey: string },
  holder: string,
  earlier: Outcome | undefined,
): Outcome {
  return {
    capability: item.capability,
    resourceId: item.resourceId,
    status: 'retry',
    actions: earlier?.actions ?? [],
    counts: earlier?.counts ?? {},
    findings: [],
    reason: `its write lock ${item.lockKey} stayed held by ${holder || 'another run'}`,
  };
}
