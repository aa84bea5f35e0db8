/**
 * Orchestrations: the fleet-wide drift check (timer, HTTP `{scope: all}`, `fedlink sandbox run`
 * without events). One scope read through Resource Graph, then one sub-orchestration per batch of
 * identities so no history grows with the fleet (docs/style.md 14). `report` mode plans, `repair` applies.
 */
import { loadScope } from '../activities/loadScope';
import { saveReport } from '../activities/saveReport';
import {
  type IdentityOutcome,
  type IdentityWork,
  type RunMode,
  type RunResult,
  type TriggerKind,
} from '../contracts';
import { type DfTask, defineOrchestration, type OrchestrationContext } from '../registry';
import { ACTIVITY_RETRY, applyWork } from './applyWork';
import { skipped, summarize } from './runResult';

/** Identities per batch sub-orchestration. */
export const IDENTITIES_PER_BATCH = 100;

export interface DriftInput {
  readonly mode: RunMode;
  readonly trigger: TriggerKind;
}

export const syncBatch = defineOrchestration<{ mode: RunMode; work: IdentityWork[] }, IdentityOutcome[]>(
  'syncBatch',
  function* (context, { mode, work }) {
    return yield* applyWork(context, mode, work);
  },
);

export const driftCheck = defineOrchestration<DriftInput, RunResult>(
  'driftCheck',
  function* (context, input) {
    const target = { kind: 'fleet' } as const;
    context.df.setCustomStatus({ phase: 'observing' });
    const scope = yield* loadScope.call(context, { target }, ACTIVITY_RETRY);
    if (scope.kind !== 'proceed')
      return yield* kept(context, skipped(target, input.mode, 'skipped', scope.reason, scope.findings));
    const batches: IdentityWork[][] = [];
    for (let i = 0; i < scope.work.length; i += IDENTITIES_PER_BATCH)
      batches.push(scope.work.slice(i, i + IDENTITIES_PER_BATCH));
    context.df.setCustomStatus({ phase: 'syncing', batches: batches.length, identities: scope.work.length });
    const outcomes = (yield context.df.Task.all(
      batches.map((work, i) =>
        syncBatch.task(context, { mode: input.mode, work }, `${context.df.instanceId}:batch:${i}`),
      ),
    )) as IdentityOutcome[][];
    return yield* kept(context, summarize(target, input.mode, outcomes.flat(), scope.findings));
  },
);

/**
 * Hands the finished check's findings to the saveReport activity (a no-op without a report store) and
 * returns the result unchanged. A store that still fails after the retries costs the stored report, not
 * the run: the failure is logged here and by the activity.
 */
function* kept(context: OrchestrationContext, result: RunResult): Generator<DfTask, RunResult, unknown> {
  const input = {
    runId: context.df.instanceId,
    generatedAt: context.df.currentUtcDateTime.toISOString(),
    findings: result.findings,
  };
  try {
    yield* saveReport.call(context, input, ACTIVITY_RETRY);
  } catch (error) {
    if (!context.df.isReplaying)
      context.log(`report not stored: ${error instanceof Error ? error.message : String(error)}`);
  }
  return result;
}
