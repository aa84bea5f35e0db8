/** Folds identity outcomes into the RunResult every reconcile returns. Pure. */
import {
  type IdentityOutcome,
  type RunMode,
  type RunResult,
  type RunStatus,
  type Target,
} from '../contracts';
import { type Finding } from '../../shared/validation/findings';

export function summarize(
  target: Target,
  mode: RunMode,
  outcomes: readonly IdentityOutcome[],
  findings: readonly Finding[],
): RunResult {
  const counts = { creates: 0, updates: 0, deletes: 0, adopted: 0, unchanged: 0 };
  for (const o of outcomes) {
    counts.adopted += o.adopted;
    counts.unchanged += o.unchanged;
    for (const w of o.writes) {
      if (w.kind === 'create') counts.creates++;
      else if (w.kind === 'update') counts.updates++;
      else counts.deletes++;
    }
  }
  const failed = outcomes.filter((o) => o.status === 'failed' || o.status === 'refused');
  const writes = counts.creates + counts.updates + counts.deletes;
  const status: RunStatus =
    failed.length > 0 ? 'failed' : writes === 0 ? 'converged' : mode === 'plan' ? 'planned' : 'changed';
  return {
    target,
    mode,
    status,
    ...(failed.length > 0
      ? { reason: failed.map((o) => `${o.identityId}: ${o.reason ?? o.status}`).join('; ') }
      : {}),
    identities: outcomes,
    findings: [...findings, ...outcomes.flatMap((o) => o.findings)],
    counts,
  };
}

export function skipped(
  target: Target,
  mode: RunMode,
  status: 'skipped' | 'failed',
  reason: string,
  findings: readonly Finding[],
): RunResult {
  return {
    target,
    mode,
    status,
    reason,
    identities: [],
    findings,
    counts: { creates: 0, updates: 0, deletes: 0, adopted: 0, unchanged: 0 },
  };
}
