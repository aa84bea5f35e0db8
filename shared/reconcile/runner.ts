/**
 * The runner: one capability's observe → plan → act → read back → validate over a batch of work
 * items, written once for every capability (docs/style.md 21). Items proceed in parallel; one item's
 * writes run one after another (its lock covers them; Azure rejects concurrent writes to one parent,
 * e.g. 409 ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity, docs/azure-behaviour.md §1.5).
 *
 * Outcomes are data (docs/style.md 8): whatever a step throws is classified by the one ARM error table
 * (shared/azure/errors.ts): transient (409 from another writer, throttling, 5xx after the SDK's own
 * retries) → `retry` with Retry-After; terminal → `failed` with a finding that carries the cause.
 * Writes made before a failure stay in the outcome. Every decision is logged with the run's ids.
 *
 * Long-running writes (docs/style.md 24): when `act` answers that its operation is still running, the
 * item stops there with status `pending`, carrying the SDK poller's serialized state and the operation's
 * Retry-After; the orchestration waits with a durable timer and hands the item back with `pending` set.
 * The next call first resumes that poller (`capability.resume`, one poll, never the write again), then,
 * once the write is done, observes and plans afresh: the finished write is in place, so the plan gives
 * only what is left. No activity waits for an operation, and a converged item costs nothing extra.
 */
import { toArmError } from '../azure/errors';
import { mapLimit } from '../core/concurrency';
import { type AnyCapability, type CapabilityEnv, type StillRunning } from './capability';
import { countsOf } from './outcome';
import { outOfScope, scopeOf, withinSubscription } from './subscriptions';
import {
  type Action,
  type Outcome,
  type RunMode,
  type ScopeResult,
  type Target,
  type WorkItem,
} from './types';

/** Items handled in parallel by one call (each one's writes stay serial). */
const ITEM_CONCURRENCY = 8;

type Stage = keyof AnyCapability['failures']['stages'];

function failure(
  capability: AnyCapability,
  item: WorkItem,
  error: unknown,
  stage: Stage,
  done: readonly Action[] = [],
): Outcome {
  const armError = toArmError(error);
  const transient = armError.classification !== 'terminal';
  const what = capability.failures.stages[stage];
  return {
    capability: capability.name,
    resourceId: item.resourceId,
    status: transient ? 'retry' : 'failed',
    actions: done,
    counts: countsOf(done),
    findings: transient
      ? []
      : [
          {
            check: capability.failures.check,
            resourceId: item.resourceId,
            status: 'fail',
            message: `${what} failed: ${armError.status ?? ''} ${armError.code ?? ''} ${armError.message}`
              .replace(/\s+/g, ' ')
              .trim(),
            remediation: capability.failures.remediation,
          },
        ],
    reason: `${what}: ${armError.code ?? armError.status ?? 'error'}: ${armError.message}`,
    ...(transient ? { retryAfterSeconds: armError.retryAfterSeconds ?? 5 } : {}),
  };
}

/** A terminal write failure, with the capability's own explanation when it has one. */
async function writeFailure(
  capability: AnyCapability,
  env: CapabilityEnv,
  item: WorkItem,
  action: Action,
  error: unknown,
  done: readonly Action[],
): Promise<Outcome> {
  const outcome = failure(capability, item, error, 'act', done);
  if (outcome.status !== 'failed' || !capability.explain) return outcome;
  try {
    const finding = await capability.explain(env, item, action, toArmError(error));
    return finding ? { ...outcome, findings: [finding] } : outcome;
  } catch (explainError) {
    env.log.warn('explaining a failed write failed', {
      capability: capability.name,
      resourceId: item.resourceId,
      reason: toArmError(explainError).message,
    });
    return outcome;
  }
}

/** An item whose write is still running after this call: wait, then resume it from `state`. */
function stillRunning(
  capability: AnyCapability,
  item: WorkItem,
  action: Action,
  running: StillRunning,
  done: readonly Action[],
  kept: Readonly<Record<string, number>> | undefined,
): Outcome {
  return {
    capability: capability.name,
    resourceId: item.resourceId,
    status: 'pending',
    actions: done,
    counts: countsOf(done),
    findings: [],
    reason: `${capability.failures.stages.act}: ${action.kind} still running`,
    retryAfterSeconds: running.retryAfterSeconds,
    pending: {
      action,
      state: running.state,
      retryAfterSeconds: running.retryAfterSeconds,
      ...(kept ? { kept } : {}),
    },
  };
}

/** What resuming an item's pending write gave: nothing to resume, the finished write, or an outcome to stop at. */
type Resumed =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'done';
      readonly action: Action;
      readonly kept: Readonly<Record<string, number>> | undefined;
    }
  | { readonly kind: 'stop'; readonly outcome: Outcome };

async function resumePending(
  capability: AnyCapability,
  env: CapabilityEnv,
  item: WorkItem,
): Promise<Resumed> {
  const { pending } = item;
  if (!pending) return { kind: 'none' };
  const ids = { capability: capability.name, resourceId: item.resourceId, action: pending.action.kind };
  try {
    if (!capability.resume) throw new Error(`${capability.name} has no resume step for a long-running write`);
    const running = await capability.resume(env, item, pending);
    if (running) {
      env.log.info('write still running', { ...ids, retryAfterSeconds: running.retryAfterSeconds });
      return {
        kind: 'stop',
        outcome: stillRunning(capability, item, pending.action, running, [], pending.kept),
      };
    }
    env.log.info('wrote', ids);
    return { kind: 'done', action: pending.action, kept: pending.kept };
  } catch (error) {
    const failed = await writeFailure(capability, env, item, pending.action, error, []);
    env.log.warn('write failed', { ...ids, status: failed.status, reason: failed.reason });
    // A poll that failed transiently keeps the poller's state: the next round polls again.
    const outcome = failed.status === 'retry' ? { ...failed, pending } : failed;
    return { kind: 'stop', outcome };
  }
}

type Observed =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

async function observe(capability: AnyCapability, env: CapabilityEnv, item: WorkItem): Promise<Observed> {
  try {
    return { ok: true, value: (await capability.observe(env, item)) as unknown };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * A capability's scope for a target; a `subscription` target for a capability of the fleet is its fleet
 * scope narrowed to the subscription (./subscriptions.ts `withinSubscription`). A terminal ARM error (e.g. no permission to list subscriptions)
 * becomes a `fail` result carrying the cause; a transient one is thrown, so Durable retries the activity.
 */
export async function scopeWork(
  capability: AnyCapability,
  env: CapabilityEnv,
  target: Target,
): Promise<ScopeResult | { readonly kind: 'fail'; readonly reason: string; readonly findings: [] }> {
  try {
    // Scope before reads, for every capability: a target in a subscription outside scope, or one the
    // credential cannot see, is skipped with its reason before the capability reads anything there.
    if (target.kind !== 'fleet') {
      const outside = outOfScope(await scopeOf(env, { visibility: true }), env.config, target.resourceId);
      if (outside) {
        env.log.info('scope decided', {
          capability: capability.name,
          target: target.resourceId,
          decision: outside.kind,
          reason: outside.reason,
        });
        return outside;
      }
    }
    // A subscription for a capability of the fleet: its fleet scope, narrowed to the subscription.
    const scope =
      target.kind === 'subscription' && !capability.targets.includes('subscription')
        ? await withinSubscription(target.resourceId, () => capability.scope(env, { kind: 'fleet' }))
        : await capability.scope(env, target);
    env.log.info('scope decided', {
      capability: capability.name,
      target: target.kind === 'fleet' ? 'fleet' : target.resourceId,
      decision: scope.kind,
      ...(scope.kind === 'proceed' ? { items: scope.work.length } : { reason: scope.reason }),
    });
    return scope;
  } catch (error) {
    const armError = toArmError(error);
    if (armError.classification !== 'terminal') {
      // Thrown so that Durable retries the activity. Only its message crosses the activity boundary
      // (docs/style.md 8): it says status and code, so a run that gives up after the retries names its
      // cause (scopeOrGiveUp in functions/orchestrations/).
      const what = [armError.status, armError.code].filter((v) => v !== undefined).join(' ');
      throw new Error(`scope of ${capability.name}: ${what === '' ? '' : `${what}: `}${armError.message}`, {
        cause: error,
      });
    }
    const reason = `scope of ${capability.name}: ${armError.code ?? armError.status ?? 'error'}: ${armError.message}`;
    env.log.error('scope failed', { capability: capability.name, reason });
    return { kind: 'fail', reason, findings: [] };
  }
}

/**
 * (Resume a pending write →) observe → plan → act → read back → validate, for every item of `items`
 * (all of one capability).
 */
export async function syncWork(
  capability: AnyCapability,
  env: CapabilityEnv,
  mode: RunMode,
  items: readonly WorkItem[],
): Promise<Outcome[]> {
  const { log } = env;
  const resumed = await mapLimit(items, ITEM_CONCURRENCY, (item) =>
    mode === 'apply' ? resumePending(capability, env, item) : Promise.resolve<Resumed>({ kind: 'none' }),
  );
  const observed = await mapLimit(items, ITEM_CONCURRENCY, (item, i) =>
    resumed[i]?.kind === 'stop' ? Promise.resolve(undefined) : observe(capability, env, item),
  );

  let context: unknown;
  try {
    context = await capability.prepare(
      env,
      items.flatMap((item, i) => {
        const o = observed[i];
        return o?.ok ? [{ item, observed: o.value }] : [];
      }),
    );
  } catch (error) {
    return items.map((item, i) => {
      const r = resumed[i]!;
      if (r.kind === 'stop') return r.outcome;
      return failure(capability, item, error, 'prepare', r.kind === 'done' ? [r.action] : []);
    });
  }

  return mapLimit(items, ITEM_CONCURRENCY, async (item, i): Promise<Outcome> => {
    const r = resumed[i]!;
    if (r.kind === 'stop') return r.outcome;
    /** A pending write this call finished: it counts as made. */
    const finished: Action[] = r.kind === 'done' ? [r.action] : [];
    const o = observed[i]!;
    const ids = { capability: capability.name, resourceId: item.resourceId };
    if (!o.ok) {
      const outcome = failure(capability, item, o.error, 'observe', finished);
      log.warn('observe failed', { ...ids, status: outcome.status, reason: outcome.reason });
      return outcome;
    }
    const plan = capability.plan(item, o.value, context, env.config);
    // After a finished pending write, the tallies of the plan that made it (this plan counts the write as kept).
    const kept = r.kind === 'done' ? r.kept : plan.kept;
    const base = { capability: capability.name, resourceId: item.resourceId };
    if (plan.refused !== undefined) {
      log.warn('refused', { ...ids, reason: plan.refused });
      return {
        ...base,
        status: 'refused',
        actions: finished,
        counts: countsOf(finished, kept),
        findings: plan.findings,
        reason: plan.refused,
      };
    }
    if (mode === 'plan' || plan.actions.length === 0) {
      log.info(plan.actions.length === 0 ? 'converged' : 'planned', {
        ...ids,
        actions: plan.actions.map((a) => a.kind),
      });
      if (finished.length > 0)
        return {
          ...base,
          status: 'changed',
          actions: finished,
          counts: countsOf(finished, kept),
          findings: [...plan.findings, ...capability.validate(item, o.value, [], context)],
        };
      return {
        ...base,
        status: plan.actions.length === 0 ? 'converged' : 'planned',
        actions: plan.actions,
        counts: countsOf(plan.actions, plan.kept),
        findings: [...plan.findings, ...capability.validate(item, o.value, plan.actions, context)],
      };
    }
    const done: Action[] = [...finished];
    for (const action of plan.actions) {
      try {
        const running = await capability.act(env, item, action);
        if (running) {
          log.info('write still running', {
            ...ids,
            action: action.kind,
            retryAfterSeconds: running.retryAfterSeconds,
          });
          return stillRunning(capability, item, action, running, done, kept);
        }
      } catch (error) {
        const outcome = await writeFailure(capability, env, item, action, error, done);
        log.warn('write failed', {
          ...ids,
          action: action.kind,
          status: outcome.status,
          written: done.length,
          reason: outcome.reason,
        });
        return outcome;
      }
      done.push(action);
      log.info('wrote', { ...ids, action: action.kind });
    }
    // The read back: the writes' own answers when the capability can tell the state from them (the
    // writes of this call all completed; a finished pending write was re-observed above), else a read.
    const after: Observed =
      capability.written && r.kind !== 'done'
        ? { ok: true, value: capability.written(item, o.value, done) as unknown }
        : await observe(capability, env, item);
    if (!after.ok) return failure(capability, item, after.error, 'observe', done);
    return {
      ...base,
      status: 'changed',
      actions: done,
      counts: countsOf(done, plan.kept),
      findings: [...plan.findings, ...capability.validate(item, after.value, [], context)],
    };
  });
}
