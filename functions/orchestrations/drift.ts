/**
 * Orchestrations: the fleet-wide drift check (timer, HTTP `{scope: all}`, `fedlink sandbox run`
 * without events), over every capability that reconciles the fleet; the same for one subscription
 * (HTTP `{scope: {subscriptionId}}`: the fleet scope narrowed to it, shared/reconcile/subscriptions.ts).
 * `plan` mode reports, `apply` repairs.
 *
 * No history grows with the fleet (docs/style.md 14; docs/targets.md performance 5): per capability one
 * scope activity keeps the work items in the work store in chunks (the claim check,
 * shared/reconcile/workDocs.ts) and returns their names; one batch sub-orchestration per chunk
 * (./batch.ts) reads its chunk itself and hands back a tally plus the failed and refused items. The
 * result lists problems and counts the rest (docs/design.md "Run result"). The custom status says
 * how many batches and items there are; each batch's own status says how far it got (items done,
 * writes made): the parent waits with one `Task.all`, since durable-functions 3.x schedules a child
 * again when it is yielded in a second `Task.any`. The run's documents are
 * deleted at the end, after the report is kept, also when a batch failed.
 *
 * An empty scope (no subscriptions, clusters or identities) schedules nothing and completes with a
 * report: `Task.all([])` / `Task.any([])` is never yielded. Child instance ids are unique per execution
 * (a tag from `newGuid`): on Azure Storage a start for a still-running child with the same id is
 * dropped, and the parent would wait for it forever.
 */
import { capabilities } from '../../shared/capabilities';
import { interleave } from '../../shared/core/collections';
import { addTallies, gaveUpReason, NO_TALLY, type Part, resultOf } from '../../shared/reconcile/outcome';
import { describeTarget } from '../../shared/reconcile/target';
import { runDir, workDocs } from '../../shared/reconcile/workDocs';
import { dropWork } from '../activities/dropWork';
import { saveReport } from '../activities/saveReport';
import { scopeChunks, type ScopeChunksInput, type ScopeChunksOutput } from '../activities/scopeChunks';
import { type RunMode, type RunResult, type Target, type TriggerKind } from '../contracts';
import { type DfTask, defineOrchestration, type OrchestrationContext } from '../registry';
import { ACTIVITY_ATTEMPTS, ACTIVITY_RETRY } from './applyWork';
import { type BatchOutput, syncBatch } from './batch';

export { syncBatch, type BatchInput } from './batch';

/** Items per batch sub-orchestration (one chunk in the work store). */
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

/** 1 for a capability whose writes are long-running (it resumes them), 0 otherwise. */
function longRunning(capability: string): number {
  return capabilities.get(capability).resume ? 1 : 0;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export const driftCheck = defineOrchestration<DriftInput, RunResult>(
  'driftCheck',
  function* (context, input) {
    const target: Target =
      input.subscription !== undefined
        ? { kind: 'subscription', resourceId: input.subscription }
        : { kind: 'fleet' };
    const run = { instanceId: context.df.instanceId };
    const execution = context.df.newGuid(context.df.instanceId).replace(/-/g, '').slice(0, 12);
    const dir = runDir(context.df.instanceId, execution);
    try {
      const names = capabilities.forTarget(target.kind);
      context.df.setCustomStatus({ phase: 'observing', capabilities: names });
      // One scope activity per capability, one after another: a scope that still fails after its retries
      // becomes that capability's "gave up" finding naming the cause, and the other capabilities go on
      // (a failed task inside one Task.all would fail the whole check). Then every batch of every
      // capability at once: capabilities write under different locks, and each durable hop costs a queue
      // poll (docs/azure-behaviour.md §7.6).
      const scopes: ScopeChunksOutput[] = [];
      for (const capability of names)
        scopes.push(yield* scopeOrGiveUp(context, { capability, target, run, dir, size: ITEMS_PER_BATCH }));
      // Batches start (and queue their activities) in turns over the capabilities, those with long-running
      // writes first in each turn: their polls wait on durable timers, which then run while the other
      // batches work instead of after them, and no capability's activities wait behind all of another's.
      const work = interleave(
        names
          .map((capability, c) => ({ capability, scope: scopes[c] }))
          .sort((a, b) => longRunning(b.capability) - longRunning(a.capability))
          .map(({ capability, scope }) =>
            scope?.kind === 'proceed' ? scope.chunks.map((chunk, i) => ({ capability, chunk, i })) : [],
          ),
      );
      context.df.setCustomStatus({
        phase: 'syncing',
        batches: work.length,
        items: work.reduce((n, w) => n + w.chunk.items, 0),
      });
      const outputs =
        work.length === 0
          ? []
          : ((yield context.df.Task.all(
              work.map(({ capability, chunk, i }) =>
                syncBatch.task(
                  context,
                  { capability, mode: input.mode, chunk: chunk.name, items: chunk.items },
                  `${context.df.instanceId}:${execution}:${capability}:${i}`,
                ),
              ),
            )) as BatchOutput[]);
      const parts: Part[] = [];
      const docs: string[] = [];
      names.forEach((capability, c) => {
        const scope = scopes[c];
        if (!scope) return;
        docs.push(workDocs.scope(dir, capability));
        const scopeTally = { ...NO_TALLY, passCounts: scope.passCounts };
        if (scope.kind !== 'proceed') {
          // A fleet scope has no gate to wait on: a block is reported like a skip.
          parts.push({
            capability,
            kind: scope.kind === 'fail' ? 'fail' : 'skip',
            reason: scope.reason,
            findings: scope.findings,
            tally: scopeTally,
          });
          return;
        }
        const mine = outputs.filter((_, b) => work[b]?.capability === capability);
        parts.push({
          capability,
          kind: 'proceed',
          outcomes: mine.flatMap((o) => o.outcomes),
          findings: [...scope.findings, ...mine.flatMap((o) => o.findings)],
          tally: addTallies(scopeTally, ...mine.map((o) => o.tally)),
        });
        docs.push(...mine.flatMap((o) => o.docs));
      });
      const result = resultOf(target, input.mode, parts, context.df.instanceId);
      context.df.setCustomStatus({ phase: 'done', status: result.status });
      if (!context.df.isReplaying)
        context.log(
          `${describeTarget(target)} check ${input.mode}: ${result.status}; ${Object.values(result.items ?? {}).reduce((n, v) => n + (v ?? 0), 0)} item(s)`,
        );
      if (target.kind === 'fleet') yield* kept(context, result, docs);
      return result;
    } finally {
      try {
        yield* dropWork.call(context, { dir }, ACTIVITY_RETRY);
      } catch (error) {
        if (!context.df.isReplaying)
          context.log(`work documents under ${dir} not deleted: ${message(error)}`);
      }
    }
  },
);

/**
 * Hands the finished check's findings to the saveReport activity (a no-op without a report store) and
 * returns. A store that still fails after the retries costs the stored report, not the run: the failure
 * is logged here and by the activity.
 */
function* kept(
  context: OrchestrationContext,
  result: RunResult,
  docs: readonly string[],
): Generator<DfTask, void, unknown> {
  const input = {
    runId: context.df.instanceId,
    generatedAt: context.df.currentUtcDateTime.toISOString(),
    findings: result.findings,
    ...(result.passCounts ? { passCounts: result.passCounts } : {}),
    docs,
  };
  try {
    yield* saveReport.call(context, input, ACTIVITY_RETRY);
  } catch (error) {
    if (!context.df.isReplaying) context.log(`report not stored: ${message(error)}`);
  }
}

/**
 * A capability's fleet scope, kept in the work store. When its activity still fails after
 * ACTIVITY_ATTEMPTS (a read throttled or failing every time), the scope fails with a "gave up" reason
 * that names the cause and the check completes with it as a finding instead of ending Failed
 * (docs/targets.md "Reliability targets" 1; the same rule as `scopeOrGiveUp` of ./applyWork.ts).
 */
function* scopeOrGiveUp(
  context: OrchestrationContext,
  input: ScopeChunksInput,
): Generator<DfTask, ScopeChunksOutput, unknown> {
  try {
    return yield* scopeChunks.call(context, input, ACTIVITY_RETRY);
  } catch (error) {
    return {
      kind: 'fail',
      reason: gaveUpReason(ACTIVITY_ATTEMPTS, error),
      findings: [],
      passCounts: {},
    };
  }
}
