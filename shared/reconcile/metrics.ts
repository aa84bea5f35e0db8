/**
 * Folding what the activities return into the telemetry port's counters (shared/core/telemetry.ts).
 * Recorded where an activity hands its result back, once per activity execution: a sync call's outcome
 * carries exactly the writes that call made (a later round's outcome does not repeat an earlier
 * round's writes: the orchestration merges them, shared/reconcile/outcome.ts `mergeRounds`), so
 * summing per call counts each write once. An activity the host re-runs after a crash counts again,
 * as it writes again (activities run at least once).
 */
import { METRICS, type Telemetry } from '../core/telemetry';
import { type Finding } from '../validation/findings';
import { SCOPE_CHECK } from './outcome';
import { type Outcome, type RunMode, type ScopeResult } from './types';

function recordFindings(telemetry: Telemetry, findings: readonly Finding[]): void {
  const byKey = new Map<string, { check: string; status: string; n: number }>();
  for (const f of findings) {
    const key = `${f.check}\u0000${f.status}`;
    const entry = byKey.get(key) ?? { check: f.check, status: f.status, n: 0 };
    entry.n++;
    byKey.set(key, entry);
  }
  for (const { check, status, n } of byKey.values()) telemetry.add(METRICS.findings, n, { check, status });
}

/**
 * One sync call's outcomes: writes by kind (apply mode only; a plan writes nothing), outcomes by
 * status, and the findings of final outcomes (a `retry` or `pending` item is validated again when it
 * ends, so its findings would count twice).
 */
export function recordOutcomes(
  telemetry: Telemetry,
  capability: string,
  mode: RunMode,
  outcomes: readonly Outcome[],
): void {
  const writes = new Map<string, number>();
  const statuses = new Map<string, number>();
  for (const o of outcomes) {
    statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
    if (mode === 'apply') for (const a of o.actions) writes.set(a.kind, (writes.get(a.kind) ?? 0) + 1);
  }
  for (const [kind, n] of writes) telemetry.add(METRICS.writes, n, { capability, kind });
  for (const [status, n] of statuses) telemetry.add(METRICS.outcomes, n, { capability, status });
  recordFindings(
    telemetry,
    outcomes.flatMap((o) => (o.status === 'retry' || o.status === 'pending' ? [] : o.findings)),
  );
}

/**
 * One scope decision's findings; a scope that failed counts as the `reconcile.scope` failure the run's
 * report shows for it (outcome.ts `resultOf`). A `block` is decided again after its wait, so its
 * findings count when that later decision is made.
 */
export function recordScope(
  telemetry: Telemetry,
  scope:
    ScopeResult | { readonly kind: 'fail'; readonly reason: string; readonly findings: readonly Finding[] },
): void {
  if (scope.kind === 'block') return;
  recordFindings(telemetry, scope.findings);
  if (scope.kind === 'fail') telemetry.add(METRICS.findings, 1, { check: SCOPE_CHECK, status: 'fail' });
}
