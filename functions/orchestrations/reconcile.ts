/**
 * Orchestration: reconcile one resource (events, HTTP, CLI) with every capability that handles its kind.
 *
 * One instance per resource (instance id from shared/core/instanceIds.ts, lower-cased), so duplicate
 * events coalesce. Flow per capability: scope (scopeWork) → gate → lock + sync + read back + validate
 * (applyWork) → result. A gate that blocks (a cluster still Updating) is waited for with a durable timer
 * and the scopes re-read (continueAsNew keeps the history small), never spun on. An event that
 * arrives while the run is in progress is raised as `rerun` and buys exactly one more pass; the writes
 * of every pass are carried into the result.
 */
import { capabilities } from '../../shared/capabilities';
import { NO_CARRY, type Part, carryFrom, resultOf } from '../../shared/reconcile/outcome';
import { describeTarget } from '../../shared/reconcile/target';
import { type ScopeOutput } from '../activities/scopeWork';
import { type ReconcileInput, type RunResult } from '../contracts';
import { defineOrchestration } from '../registry';
import { applyWork, scopeOrGiveUp } from './applyWork';

/** Gate waits before a blocked cluster is recorded as failed (60 s each by default: ~30 minutes). */
export const MAX_GATE_WAITS = 30;
export const RERUN_EVENT = 'rerun';

export const reconcile = defineOrchestration<ReconcileInput, RunResult | undefined>(
  'reconcile',
  function* (context, input) {
    const nowMs = () => context.df.currentUtcDateTime.getTime();
    const carry = input.carry ?? NO_CARRY;
    const run = { instanceId: context.df.instanceId };
    context.df.setCustomStatus({ phase: 'observing' });
    const scopes: [string, ScopeOutput][] = [];
    for (const capability of capabilities.forTarget(input.target.kind))
      scopes.push([capability, yield* scopeOrGiveUp(context, { capability, target: input.target, run })]);

    const parts: Part[] = [];
    const blocked = scopes.find(([, s]) => s.kind === 'block');
    if (blocked && blocked[1].kind === 'block') {
      const scope = blocked[1];
      const attempt = input.attempt ?? 0;
      if (attempt < MAX_GATE_WAITS) {
        context.df.setCustomStatus({ phase: 'waiting', reason: scope.reason, attempt: attempt + 1 });
        if (!context.df.isReplaying)
          context.log(
            `${describeTarget(input.target)} blocked (${scope.reason}); waiting ${scope.retryAfterSeconds}s`,
          );
        yield context.df.createTimer(new Date(nowMs() + scope.retryAfterSeconds * 1000));
        context.df.continueAsNew({ ...input, attempt: attempt + 1, carry });
        return undefined;
      }
      parts.push({
        capability: blocked[0],
        kind: 'fail',
        reason: `${scope.reason}; still not ready after ${MAX_GATE_WAITS} waits`,
        findings: scope.findings,
      });
    } else {
      for (const [capability, scope] of scopes) {
        if (scope.kind === 'proceed') {
          const outcomes = yield* applyWork(context, capability, input.mode, scope.work);
          parts.push({ capability, kind: 'proceed', outcomes, findings: scope.findings });
        } else if (scope.kind !== 'block') {
          parts.push({ capability, kind: scope.kind, reason: scope.reason, findings: scope.findings });
        }
      }
    }
    const subject = input.target.kind === 'fleet' ? context.df.instanceId : input.target.resourceId;
    const result = resultOf(input.target, input.mode, parts, subject, carry);

    if (input.mode === 'apply') {
      // A `rerun` raised while we worked is already in the history and wins against a zero-length timer.
      const rerun = context.df.waitForExternalEvent(RERUN_EVENT);
      const now = context.df.createTimer(new Date(nowMs()));
      const winner = yield context.df.Task.any([rerun, now]);
      if (winner === rerun) {
        context.df.continueAsNew({ ...input, attempt: 0, carry: carryFrom(result, carry) });
        return undefined;
      }
    }
    context.df.setCustomStatus({ phase: 'done', status: result.status });
    if (!context.df.isReplaying)
      context.log(
        `${describeTarget(input.target)}: ${result.status}${result.reason ? ` (${result.reason})` : ''}`,
      );
    return result;
  },
);
