/** Activity: observe → plan → (apply mode) write → read back → validate, for a batch of one capability's work items. */
import { capabilities } from '../../shared/capabilities';
import { syncWork as sync } from '../../shared/reconcile/runner';
import { type Outcome, type RunIds, type RunMode, type WorkItem } from '../contracts';
import { withFields } from '../../shared/core/log';
import { noTelemetry } from '../../shared/core/telemetry';
import { recordOutcomes } from '../../shared/reconcile/metrics';
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

export const syncWork = defineActivity<SyncInput, SyncOutput>(
  'syncWork',
  async ({ capability, mode, items, run }, { azure, config, log, telemetry = noTelemetry }) => {
    const outcomes = await sync(
      capabilities.get(capability),
      { azure, config, log: withFields(log, { ...run, capability }) },
      mode,
      items,
    );
    recordOutcomes(telemetry, capability, mode, outcomes);
    return { outcomes };
  },
);
