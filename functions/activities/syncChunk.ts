/**
 * Activities of a fleet check's batch (functions/orchestrations/batch.ts), which reads its work from the
 * work store instead of its history (the claim check, shared/reconcile/workDocs.ts):
 *
 * - `chunkLocks`: the lock key of every item of a chunk, in order (apply mode takes the locks first);
 * - `syncChunk`: observe → plan → (apply) write → read back → validate for the picked items of a chunk.
 *   It writes the final outcomes in full (every passing finding) to the document `out`, and hands back
 *   compact ones (shared/reconcile/outcome.ts `compactOutcome`: passes counted).
 *
 * Both read the chunk again on every call, so a batch restarted after a crash, or an activity Durable
 * re-runs, works from the same items; `out` is named by the orchestration, so a re-run replaces its
 * document instead of adding a second one.
 */
import { compactOutcome } from '../../shared/reconcile/outcome';
import { storeSharedReads } from '../../shared/reconcile/sharedReads';
import { type ChunkDoc, type OutcomesDoc, workDocs } from '../../shared/reconcile/workDocs';
import { type WorkStore } from '../../shared/workStore/store';
import { type PendingWrite } from '../../shared/reconcile/types';
import { type Outcome, type RunIds, type RunMode, type WorkItem } from '../contracts';
import { defineActivity } from '../registry';
import { syncItems } from './syncWork';

async function readChunk(work: WorkStore, chunk: string): Promise<readonly WorkItem[]> {
  return (await work.get<ChunkDoc>(chunk)).items;
}

export interface ChunkLocksInput {
  readonly chunk: string;
}

/** An item of a chunk by its ids only (what a batch needs to lock it, and to report on it). */
export interface ItemRef {
  readonly resourceId: string;
  readonly lockKey: string;
}

export const chunkLocks = defineActivity<ChunkLocksInput, { items: ItemRef[] }>(
  'chunkLocks',
  async ({ chunk }, { work }) => ({
    items: (await readChunk(work, chunk)).map((w) => ({ resourceId: w.resourceId, lockKey: w.lockKey })),
  }),
);

/** One item of a chunk to sync: its index, and the write still running from an earlier call. */
export interface Pick {
  readonly index: number;
  readonly pending?: PendingWrite;
}

export interface SyncChunkInput {
  readonly capability: string;
  readonly mode: RunMode;
  readonly run: RunIds;
  readonly chunk: string;
  readonly picks: readonly Pick[];
  /** The work store document for this call's final outcomes (workDocs `outcomes`). */
  readonly out: string;
}

export interface SyncChunkOutput {
  /** Compact outcomes, in the order of `picks`. */
  readonly outcomes: readonly Outcome[];
}

export const syncChunk = defineActivity<SyncChunkInput, SyncChunkOutput>(
  'syncChunk',
  async ({ capability, mode, run, chunk, picks, out }, deps) => {
    const { work } = deps;
    const all = await readChunk(work, chunk);
    const items = picks.map(({ index, pending }): WorkItem => {
      const item = all[index];
      if (!item) throw new Error(`${chunk}: no item ${index} (${all.length} items)`);
      const { pending: _stored, ...rest } = item;
      return pending ? { ...rest, pending } : rest;
    });
    // The reads this check's activities share (its scope phase's inventory, lists every batch would repeat).
    const shared = storeSharedReads(work, workDocs.sharedOfChunk(chunk), deps.clock, deps.log);
    const outcomes = await syncItems({ capability, mode, items, run }, deps, shared);
    // `retry` and `pending` outcomes are not final (their item is synced again); they carry no findings.
    const doc: OutcomesDoc = {
      outcomes: outcomes.filter((o) => o.status !== 'retry' && o.status !== 'pending'),
    };
    await work.put(out, doc);
    return { outcomes: outcomes.map(compactOutcome) };
  },
);
