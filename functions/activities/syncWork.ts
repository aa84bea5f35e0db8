/** Activity: observe → plan → (apply mode) write → read back → validate, for a batch of one capability's work items. */
import { capabilities } from '../../shared/capabilities';
import { syncWork as sync } from '../../shared/reconcile/runner';
import { type Outcome, type RunIds, type RunMode, type WorkItem } from '../contracts';
import { withFields } from '../../shared/core/log';
import { noTelemetry } from '../../shared/core/telemetry';
import { recordOutcomes } from '../../shared/reconcile/metrics';
import { type SharedReads } from '../../shared/reconcile/sharedReads';
import { type ActivityDeps } from '../deps';
import { defineActivity } from '../registry';

export interface SyncInput {
  readonly capability: string;
  readonly mode: RunMode;
  readonly items: readonly WorkItem[];
  readonly run: RunIds;
}

export interface SyncOutput {
  readonly outcomes: readonly Outcome[];
}

/**
 * The runner over one capability's items, logged with the run's ids and counted (also for syncChunk, which
 * passes the fleet check's shared reads).
 */
export async function syncItems(
  { capability, mode, items, run }: SyncInput,
  { azure, config, log, telemetry = noTelemetry }: ActivityDeps,
  shared?: SharedReads,
): Promise<Outcome[]> {
  const outcomes = await sync(
    capabilities.get(capability),
    { azure, config, log: withFields(log, { ...run, capability }), mode, ...(shared ? { shared } : {}) },
    mode,
    items,
  );
  recordOutcomes(telemetry, capability, mode, outcomes);
  return outcomes;
}

export const syncWork = defineActivity<SyncInput, SyncOutput>('syncWork', async (input, deps) => ({
  outcomes: await syncItems(input, deps),
}));
