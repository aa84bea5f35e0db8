/**
 * Orchestrations: the fleet-wide drift check (timer, HTTP `{scope: all}`, `fedlink sandbox run`
 * without events), over every capability that reconciles the fleet; the same for one subscription
 * (HTTP `{scope: {subscriptionId}}`: the fleet scope narrowed to it, shared/reconcile/subscriptions.ts). Per capability one scope read,
 * then one sub-orchestration per batch of items so no history grows with the fleet (docs/style.md 14).
 * `plan` mode reports, `apply` repairs.
 *
 * An empty scope (no subscriptions, clusters or identities) schedules nothing and completes with a
 * report: `Task.all([])` is never yielded. Child instance ids are unique per execution (a tag from
 * `newGuid`): on Azure Storage a start for a still-running child with the same id is dropped, and the
 * parent would wait for it forever.
 */
import { capabilities } from '../../shared/capabilities';
import { type Part, resultOf } from '../../shared/reconcile/outcome';
import { saveReport } from '../activities/saveReport';
import { describeTarget } from '../../shared/reconcile/target';
import {
  type Outcome,
  type RunMode,
  type RunResult,
  type Target,
  type TriggerKind,
  type WorkItem,
} from '../contracts';
import { type DfTask, defineOrchestration, type OrchestrationContext } from '../registry';
import { ACTIVITY_RETRY, applyWork, scopeOrGiveUp } from './applyWork';

/** Items per batch sub-orchestration. */
export const ITEMS_PER_BATCH = 100;

export interface DriftInput {
  readonly mode: RunMode;
  readonly trigger: TriggerKind;
  /**
   * A subscription resource id (`/subscriptions/<guid>`, lower-cased): the check covers only the items
   * of resources in it (POST /api/runs `{"scope": {"subscriptionId": …}}`), and its report is not
   * stored (the stored report is the whole fleet's). Absent: the whole fleet.
   */
  readonly subscription?: string;
}

export interface BatchInput {
  readonly capability: string;
  readonly mode: RunMode;
  readonly items: readonly WorkItem[];
}

export const syncBatch = defineOrchestration<BatchInput, Outcome[]>(
  'syncBatch',
  function* (context, { capability, mode, items }) {
    return yield* applyWork(context, capability, mode, items);
  },
);

export const driftCheck = defineOrchestration<DriftInput, RunResult>(
  'driftCheck',
  function* (context, input) {
    const target: Target =
      input.subscription !== undefined
        ? { kind: 'subscription', resourceId: input.subscription }
        : { kind: 'fleet' };
    const run = { instanceId: context.df.instanceId };
    const execution = context.df.newGuid(context.df.instanceId).replace(/-/g, '').slice(0, 12);
    const parts: Part[] = [];
    for (const capability of capabilities.forTarget(target.kind)) {
      context.df.setCustomStatus({ phase: 'observing', capability });
      const scope = yield* scopeOrGiveUp(context, { capability, target, run });
      if (scope.kind !== 'proceed') {
        // A fleet scope has no gate to wait on: a block is reported like a skip.
        parts.push({
          capability,
          kind: scope.kind === 'fail' ? 'fail' : 'skip',
          reason: scope.reason,
          findings: scope.findings,
        });
        continue;
      }
      const batches: WorkItem[][] = [];
      for (let i = 0; i < scope.work.length; i += ITEMS_PER_BATCH)
        batches.push(scope.work.slice(i, i + ITEMS_PER_BATCH));
      context.df.setCustomStatus({
        phase: 'syncing',
        capability,
        batches: batches.length,
        items: scope.work.length,
      });
      const outcomes =
        batches.length === 0
          ? []
          : ((yield context.df.Task.all(
              batches.map((items, i) =>
                syncBatch.task(
                  context,
                  { capability, mode: input.mode, items },
                  `${context.df.instanceId}:${execution}:${capability}:${i}`,
                ),
              ),
            )) as Outcome[][]);
      parts.push({ capability, kind: 'proceed', outcomes: outcomes.flat(), findings: scope.findings });
    }
    const result = resultOf(target, input.mode, parts, context.df.instanceId);
    context.df.setCustomStatus({ phase: 'done', status: result.status });
    if (!context.df.isReplaying)
      context.log(
        `${describeTarget(target)} check ${input.mode}: ${result.status}; ${result.outcomes.length} item(s)`,
      );
    return target.kind === 'fleet' ? yield* kept(context, result) : result;
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
