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
 */
import { toArmError } from '../azure/errors';
import { mapLimit } from '../core/concurrency';
import { type AnyCapability, type CapabilityEnv } from './capability';
import { countsOf } from './outcome';
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
 * A capability's scope for a target. A terminal ARM error (e.g. no permission to list subscriptions)
 * becomes a `fail` result carrying the cause; a transient one is thrown, so Durable retries the activity.
 */
export async function scopeWork(
  capability: AnyCapability,
  env: CapabilityEnv,
  target: Target,
): Promise<ScopeResult | { readonly kind: 'fail'; readonly reason: string; readonly findings: [] }> {
  try {
    const scope = await capability.scope(env, target);
    env.log.info('scope decided', {
      capability: capability.name,
      target: target.kind === 'fleet' ? 'fleet' : target.resourceId,
      decision: scope.kind,
      ...(scope.kind === 'proceed' ? { items: scope.work.length } : { reason: scope.reason }),
    });
    return scope;
  } catch (error) {
    const armError = toArmError(error);
    if (armError.classification !== 'terminal') throw error;
    const reason = `scope of ${capability.name}: ${armError.code ?? armError.status ?? 'error'}: ${armError.message}`;
    env.log.error('scope failed', { capability: capability.name, reason });
    return { kind: 'fail', reason, findings: [] };
  }
}

/** Observe → plan → act → read back → validate, for every item of `items` (all of one capability). */
export async function syncWork(
  capability: AnyCapability,
  env: CapabilityEnv,
  mode: RunMode,
  items: readonly WorkItem[],
): Promise<Outcome[]> {
  const { log } = env;
  const observed = await mapLimit(items, ITEM_CONCURRENCY, (item) => observe(capability, env, item));

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
    return items.map((item) => failure(capability, item, error, 'prepare'));
  }

  return mapLimit(items, ITEM_CONCURRENCY, async (item, i): Promise<Outcome> => {
    const o = observed[i]!;
    const ids = { capability: capability.name, resourceId: item.resourceId };
    if (!o.ok) {
      const outcome = failure(capability, item, o.error, 'observe');
      log.warn('observe failed', { ...ids, status: outcome.status, reason: outcome.reason });
      return outcome;
    }
    const plan = capability.plan(item, o.value, context, env.config);
    const base = { capability: capability.name, resourceId: item.resourceId };
    if (plan.refused !== undefined) {
      log.warn('refused', { ...ids, reason: plan.refused });
      return {
        ...base,
        status: 'refused',
        actions: [],
        counts: countsOf([], plan.kept),
        findings: plan.findings,
        reason: plan.refused,
      };
    }
    if (mode === 'plan' || plan.actions.length === 0) {
      log.info(plan.actions.length === 0 ? 'converged' : 'planned', {
        ...ids,
        actions: plan.actions.map((a) => a.kind),
      });
      return {
        ...base,
        status: plan.actions.length === 0 ? 'converged' : 'planned',
        actions: plan.actions,
        counts: countsOf(plan.actions, plan.kept),
        findings: [...plan.findings, ...capability.validate(item, o.value, plan.actions, context)],
      };
    }
    const done: Action[] = [];
    for (const action of plan.actions) {
      try {
        await capability.act(env, item, action);
      } catch (error) {
        const outcome = failure(capability, item, error, 'act', done);
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
    const after = await observe(capability, env, item);
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
