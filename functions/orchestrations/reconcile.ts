/**
 * Orchestration: reconcile one cluster or one identity (events, HTTP, CLI).
 *
 * One instance per resource (instance id from shared/core/instanceIds.ts), so duplicate events
 * coalesce. Flow: observe (loadScope) → gate → lock + sync + read back + validate (applyWork) →
 * result. A cluster that is still Updating is waited for with a durable timer and re-observed
 * (continueAsNew keeps the history small), never spun on. An event that arrives while the run is in
 * progress is raised as `rerun` and buys exactly one more pass.
 */
import { loadScope } from '../activities/loadScope';
import { type ReconcileInput, type RunResult } from '../contracts';
import { defineOrchestration } from '../registry';
import { ACTIVITY_RETRY, applyWork } from './applyWork';
import { skipped, summarize } from './runResult';

/** Gate waits before a blocked cluster is recorded as failed (60 s each by default: ~30 minutes). */
export const MAX_GATE_WAITS = 30;
export const RERUN_EVENT = 'rerun';

export const reconcile = defineOrchestration<ReconcileInput, RunResult | undefined>(
  'reconcile',
  function* (context, input) {
    const nowMs = () => context.df.currentUtcDateTime.getTime();
    context.df.setCustomStatus({ phase: 'observing' });
    const scope = yield* loadScope.call(context, { target: input.target }, ACTIVITY_RETRY);

    let result: RunResult;
    if (scope.kind === 'block') {
      const attempt = input.attempt ?? 0;
      if (attempt < MAX_GATE_WAITS) {
        context.df.setCustomStatus({ phase: 'waiting', reason: scope.reason, attempt: attempt + 1 });
        yield context.df.createTimer(new Date(nowMs() + scope.retryAfterSeconds * 1000));
        context.df.continueAsNew({ ...input, attempt: attempt + 1 });
        return undefined;
      }
      result = skipped(
        input.target,
        input.mode,
        'failed',
        `${scope.reason}; still not ready after ${MAX_GATE_WAITS} waits`,
        scope.findings,
      );
    } else if (scope.kind === 'skip') {
      result = skipped(input.target, input.mode, 'skipped', scope.reason, scope.findings);
    } else {
      const outcomes = yield* applyWork(context, input.mode, scope.work);
      result = summarize(input.target, input.mode, outcomes, scope.findings);
    }

    if (input.mode === 'apply') {
      // A `rerun` raised while we worked is already in the history and wins against a zero-length timer.
      const rerun = context.df.waitForExternalEvent(RERUN_EVENT);
      const now = context.df.createTimer(new Date(nowMs()));
      const winner = yield context.df.Task.any([rerun, now]);
      if (winner === rerun) {
        context.df.continueAsNew({ ...input, attempt: 0 });
        return undefined;
      }
    }
    context.df.setCustomStatus({ phase: 'done', status: result.status });
    return result;
  },
);
