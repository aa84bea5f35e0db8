/** Activity: one capability decides a target's work (ids and small payloads only). */
import { capabilities } from '../../shared/capabilities';
import { scopeWork as scope } from '../../shared/reconcile/runner';
import { type RunIds, type ScopeResult, type Target } from '../contracts';
import { withFields } from '../../shared/core/log';
import { noTelemetry } from '../../shared/core/telemetry';
import { recordScope } from '../../shared/reconcile/metrics';
import { type SharedReads } from '../../shared/reconcile/sharedReads';
import { type ActivityDeps } from '../deps';
import { defineActivity } from '../registry';

export interface ScopeInput {
  readonly capability: string;
  readonly target: Target;
  readonly run: RunIds;
}

export type ScopeOutput =
  ScopeResult | { readonly kind: 'fail'; readonly reason: string; readonly findings: [] };

/**
 * One capability's scope for a target, logged with the run's ids and counted (also for scopeChunks, which
 * passes the fleet check's shared reads: the scope keeps there what its batches reuse).
 */
export async function decideScope(
  { capability, target, run }: ScopeInput,
  { azure, config, log, telemetry = noTelemetry }: ActivityDeps,
  shared?: SharedReads,
): Promise<ScopeOutput> {
  const result = await scope(
    capabilities.get(capability),
    { azure, config, log: withFields(log, { ...run, capability }), ...(shared ? { shared } : {}) },
    target,
  );
  recordScope(telemetry, result);
  return result;
}

export const scopeWork = defineActivity<ScopeInput, ScopeOutput>('scopeWork', decideScope);
