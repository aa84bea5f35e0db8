/**
 * Activity: one capability decides a fleet (or subscription) check's work and keeps it in the work store
 * (the claim check, shared/reconcile/workDocs.ts): the items in chunks of `size`, one per batch, and the
 * scope's findings. What it returns to the orchestration is small whatever the fleet's size: the chunks'
 * names and item counts, the warn and fail findings, passes counted (docs/style.md 14).
 *
 * Retried by Durable after a crash: it decides again and writes the same names again (`put` replaces).
 */
import { groupBy, interleave } from '../../shared/core/collections';
import { mapLimit } from '../../shared/core/concurrency';
import { withFields } from '../../shared/core/log';
import { type Tally, splitPasses } from '../../shared/reconcile/outcome';
import { storeSharedReads } from '../../shared/reconcile/sharedReads';
import { type ChunkDoc, type ScopeDoc, workDocs } from '../../shared/reconcile/workDocs';
import { type Finding } from '../../shared/validation/findings';
import { type RunIds, type Target } from '../contracts';
import { defineActivity } from '../registry';
import { decideScope } from './scopeWork';

/** Chunks written at once (a Blob store takes one request per document). */
const PUT_CONCURRENCY = 8;

export interface ScopeChunksInput {
  readonly capability: string;
  readonly target: Target;
  readonly run: RunIds;
  /** The run's folder in the work store (workDocs `runDir`). */
  readonly dir: string;
  /** Items per chunk (one chunk per batch sub-orchestration). */
  readonly size: number;
}

export interface StoredChunk {
  readonly name: string;
  readonly items: number;
}

type Decided = { readonly findings: readonly Finding[]; readonly passCounts: Tally['passCounts'] };

export type ScopeChunksOutput = Decided &
  (
    | { readonly kind: 'proceed'; readonly chunks: readonly StoredChunk[]; readonly items: number }
    | { readonly kind: 'skip' | 'fail'; readonly reason: string }
    | { readonly kind: 'block'; readonly reason: string; readonly retryAfterSeconds: number }
  );

/**
 * The items dealt round-robin over their subscriptions, so each chunk (and each activity's share of it)
 * writes to many subscriptions at once: Azure paces writes per subscription (2 FIC writes/s,
 * docs/azure-behaviour.md §1.5) and per tenant (10/s), and a chunk of one subscription's items could use only
 * a fifth of the tenant's rate. Order within a subscription is kept.
 */
export function acrossSubscriptions<T extends { readonly resourceId: string }>(items: readonly T[]): T[] {
  const subscriptionOf = (item: T) =>
    /^\/subscriptions\/([^/]+)/i.exec(item.resourceId)?.[1]?.toLowerCase() ?? '';
  return interleave(groupBy(items, subscriptionOf).values());
}

export const scopeChunks = defineActivity<ScopeChunksInput, ScopeChunksOutput>(
  'scopeChunks',
  async ({ capability, target, run, dir, size }, deps) => {
    const { work } = deps;
    const shared = storeSharedReads(work, workDocs.shared(dir, capability), deps.clock, deps.log);
    const result = await decideScope({ capability, target, run }, deps, shared);
    const { problems, passCounts } = splitPasses(result.findings);
    const scopeDoc: ScopeDoc = { findings: result.findings };
    await work.put(workDocs.scope(dir, capability), scopeDoc);
    if (result.kind !== 'proceed') return { ...result, findings: problems, passCounts };
    const items = acrossSubscriptions(result.work);
    const slices: ChunkDoc[] = [];
    for (let start = 0; start < items.length; start += size)
      slices.push({ items: items.slice(start, start + size) });
    const chunks = await mapLimit(slices, PUT_CONCURRENCY, async (doc, i): Promise<StoredChunk> => {
      const name = workDocs.chunk(dir, capability, i);
      await work.put(name, doc);
      return { name, items: doc.items.length };
    });
    withFields(deps.log, { ...run, capability }).info('work stored', {
      location: work.location,
      chunks: chunks.length,
      items: result.work.length,
    });
    return { kind: 'proceed', chunks, items: result.work.length, findings: problems, passCounts };
  },
);
