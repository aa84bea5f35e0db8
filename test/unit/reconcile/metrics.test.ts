/** Folding activity results into counters (shared/reconcile/metrics.ts): what counts once, what never. */
import { METRICS, type Telemetry } from '../../../shared/core/telemetry';
import { recordOutcomes, recordScope } from '../../../shared/reconcile/metrics';
import { SCOPE_CHECK } from '../../../shared/reconcile/outcome';
import { type Outcome } from '../../../shared/reconcile/types';
import { type Finding } from '../../../shared/validation/findings';

function recorder(): Telemetry & { totals: Record<string, number> } {
  const totals: Record<string, number> = {};
  return {
    totals,
    add(metric, value, attributes) {
      const key = `${metric}{${Object.entries(attributes)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}}`;
      totals[key] = (totals[key] ?? 0) + value;
    },
  };
}

const ID = '/subscriptions/s/resourcegroups/rg/providers/microsoft.managedidentity/userassignedidentities/id';
const finding = (check: string, status: Finding['status']): Finding => ({
  check,
  resourceId: ID,
  status,
  message: check,
});
const outcome = (status: Outcome['status'], kinds: string[], findings: Finding[]): Outcome => ({
  capability: 'federation',
  resourceId: ID,
  status,
  actions: kinds.map((kind) => ({ kind, lockKey: ID })),
  counts: {},
  findings,
});

describe('recordOutcomes', () => {
  it('counts the writes each call made by kind, outcomes by status, and findings of final outcomes only', () => {
    const t = recorder();
    recordOutcomes(t, 'federation', 'apply', [
      outcome('changed', ['create', 'create', 'delete'], [finding('federation.fic-present', 'pass')]),
      // A write made before a transient failure counts; the item's findings wait for its final round.
      outcome('retry', ['create'], [finding('federation.write', 'warn')]),
      outcome('pending', [], [finding('federation.write', 'warn')]),
      outcome('refused', [], [finding('federation.limit', 'fail')]),
    ]);
    expect(t.totals).toEqual({
      [`${METRICS.writes}{capability=federation,kind=create}`]: 3,
      [`${METRICS.writes}{capability=federation,kind=delete}`]: 1,
      [`${METRICS.outcomes}{capability=federation,status=changed}`]: 1,
      [`${METRICS.outcomes}{capability=federation,status=retry}`]: 1,
      [`${METRICS.outcomes}{capability=federation,status=pending}`]: 1,
      [`${METRICS.outcomes}{capability=federation,status=refused}`]: 1,
      [`${METRICS.findings}{check=federation.fic-present,status=pass}`]: 1,
      [`${METRICS.findings}{check=federation.limit,status=fail}`]: 1,
    });
  });

  it('counts no write in plan mode', () => {
    const t = recorder();
    recordOutcomes(t, 'dns', 'plan', [outcome('planned', ['link'], [])]);
    expect(t.totals).toEqual({ [`${METRICS.outcomes}{capability=dns,status=planned}`]: 1 });
  });
});

describe('recordScope', () => {
  it('counts a failed scope as the reconcile.scope failure the report shows, and a block not yet', () => {
    const t = recorder();
    recordScope(t, { kind: 'fail', reason: 'forbidden', findings: [] });
    recordScope(t, { kind: 'skip', reason: 'no cluster', findings: [finding('dns.scope', 'warn')] });
    recordScope(t, {
      kind: 'block',
      reason: 'busy',
      retryAfterSeconds: 30,
      findings: [finding('x', 'warn')],
    });
    expect(t.totals).toEqual({
      [`${METRICS.findings}{check=${SCOPE_CHECK},status=fail}`]: 1,
      [`${METRICS.findings}{check=dns.scope,status=warn}`]: 1,
    });
  });
});
