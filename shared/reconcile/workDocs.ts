/**
 * The documents a fleet check keeps in the work store (shared/workStore/store.ts, the claim-check
 * pattern): their names, and reading a run's findings back. Histories carry these names and counts;
 * the documents carry the fleet (docs/style.md 14).
 *
 *   <run>/<capability>/scope             {findings}   the scope step's findings, passes included
 *   <run>/<capability>/chunk-<i>         {items}      work items of batch i (ITEMS_PER_BATCH of them)
 *   <run>/<capability>/chunk-<i>/out-<k> {outcomes}   the final outcomes of sync call k of batch i, in full
 *   <run>/<capability>/shared/<key>      {value}      a read the check's activities share (./sharedReads.ts),
 *   <run>/<capability>/shared/<key>.claim             and the claim of the activity that makes it
 *
 * `<run>` is `runPrefix(instanceId)` plus a tag of the execution, so a rerun of the same instance id
 * never reads an earlier execution's chunks; the drift check deletes `<run>` when it ends.
 */
import { type Finding } from '../validation/findings';
import { runPrefix, type WorkStore, WorkStoreError } from '../workStore/store';
import { type Outcome, type WorkItem } from './types';

/** The documents of one execution of one run. */
export function runDir(instanceId: string, execution: string): string {
  return `${runPrefix(instanceId)}${execution.toLowerCase()}/`;
}

function segment(capability: string): string {
  return capability.toLowerCase().replace(/[^a-z0-9._-]/g, '_');
}

export const workDocs = {
  scope: (dir: string, capability: string): string => `${dir}${segment(capability)}/scope`,
  chunk: (dir: string, capability: string, index: number): string =>
    `${dir}${segment(capability)}/chunk-${index}`,
  outcomes: (chunk: string, call: number): string => `${chunk}/out-${call}`,
  /** The folder of the reads a capability's activities share in one check (./sharedReads.ts). */
  shared: (dir: string, capability: string): string => `${dir}${segment(capability)}/shared/`,
  /** The same folder, found from the name of one of the capability's chunks (what a batch's activities get). */
  sharedOfChunk(chunk: string): string {
    const at = chunk.lastIndexOf('/chunk-');
    if (at < 0) throw new Error(`${chunk}: not the name of a chunk`);
    return `${chunk.slice(0, at)}/shared/`;
  },
};

export interface ScopeDoc {
  readonly findings: readonly Finding[];
}

export interface ChunkDoc {
  readonly items: readonly WorkItem[];
}

export interface OutcomesDoc {
  readonly outcomes: readonly Outcome[];
}

/**
 * Every finding of a fleet check, passes included, read back one document at a time from the work store
 * (`docs`: the names the check's result lists, in order). Together with the check's own `findings`
 * (which add what the orchestration decided itself: items given up after their rounds, locks lost),
 * this is the full report: `buildReport([...result.findings, ...findings read here], { full: true })`
 * (identical findings are kept once). A document that is gone (the run's documents were deleted) is
 * an error: the caller asked for findings that no longer exist.
 */
export async function* runFindings(store: WorkStore, docs: Iterable<string>): AsyncGenerator<Finding> {
  for (const name of docs) {
    let doc: Partial<ScopeDoc & OutcomesDoc>;
    try {
      doc = await store.get<Partial<ScopeDoc & OutcomesDoc>>(name);
    } catch (error) {
      if (error instanceof WorkStoreError && error.notFound)
        throw new WorkStoreError(`${name}: the fleet check's findings are no longer in the work store`, true);
      throw error;
    }
    for (const f of doc.findings ?? []) yield f;
    for (const o of doc.outcomes ?? []) for (const f of o.findings) yield f;
  }
}
