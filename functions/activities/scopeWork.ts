/** Activity: one capability decides a target's work (ids and small payloads only). */
import { capabilities } from '../../shared/capabilities';
import { toArmError } from '../../shared/azure/errors';
import { scopeWork as scope } from '../../shared/reconcile/runner';
import { type RunIds, type ScopeResult, type Target } from '../contracts';
import { withFields } from '../../shared/core/log';
import { noTelemetry } from '../../shared/core/telemetry';
import { recordScope } from '../../shared/reconcile/metrics';
import { defineActivity } from '../registry';

export interface ScopeInput {
  readonly capability: string;
  readonly target: Target;
  readonly run: RunIds;
}

export type ScopeOutput =
  ScopeResult | { readonly kind: 'fail'; readonly reason: string; readonly findings: [] };

export const scopeWork = defineActivity<ScopeInput, ScopeOutput>(
  'scopeWork',
  async ({ capability, target, run }, { azure, config, log, telemetry = noTelemetry }) => {
    let result: ScopeOutput;
    try {
      result = await scope(
        capabilities.get(capability),
        { azure, config, log: withFields(log, { ...run, capability }) },
        target,
      );
    } catch (error) {
      // A transient ARM error, thrown so that Durable retries the activity. Only its message crosses
      // the activity boundary (docs/style.md 8): it says status and code, so a run that gives up after
      // the retries names its cause (functions/orchestrations/applyWork.ts scopeOrGiveUp).
      const e = toArmError(error);
      const what = [e.status, e.code].filter((v) => v !== undefined).join(' ');
      throw new Error(`scope of ${capability}: ${what === '' ? '' : `${what}: `}${e.message}`, {
        cause: error,
      });
    }
    recordScope(telemetry, result);
    return result;
  },
);
