/**
 * Outcomes: building, merging across rounds and passes, and folding into a RunResult. Pure.
 * Counts are keyed by action kind (plus each capability's no-write kinds), so a new capability adds
 * no field here (docs/style.md 22).
 */
import { type Finding } from '../validation/findings';
import {
  type Action,
  type Outcome,
  type OutcomeStatus,
  type RunMode,
  type RunResult,
  type RunStatus,
  type Target,
  type WorkItem,
} from './types';

/** The check id of a capability's failed scope decision in a run's report. */
export const SCOPE_CHECK = 'reconcile.scope';

export function addCounts(
  ...all: readonly (Readonly<Record<string, number>> | undefined)[]
): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const counts of all)
    for (const [kind, n] of Object.entries(counts ?? {})) if (n !== 0) sum[kind] = (sum[kind] ?? 0) + n;
  return sum;
}

/** Counts of `actions` by kind, plus the no-write tallies. */
export function countsOf(
  actions: readonly Action[],
  kept?: Readonly<Record<string, number>>,
): Record<string, number> {
  const byKind: Record<string, number> = {};
  for (const a of actions) byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
  return addCounts(byKind, kept);
}

/**
 * The outcome of a later round for the same item, keeping the writes earlier rounds made: a write
 * that succeeded before a transient failure happened, and is reported (the later round's read-back
 * found it in place and did not repeat it).
 */
export function mergeRounds(earlier: Outcome | undefined, later: Outcome, mode: RunMode): Outcome {
  if (!earlier || mode === 'plan' || earlier.actions.length === 0) return later;
  return {
    ...later,
    actions: [...earlier.actions, ...later.actions],
    counts: addCounts(countsOf(earlier.actions), later.counts),
  };
}

/**
 * An item whose transient failures outlasted every round (or whose long-running write outlasted every
 * poll): failed, with the last cause, keeping its writes.
 */
export function gaveUp(
  item: Pick<WorkItem, 'capability' | 'resourceId'>,
  last: Outcome | undefined,
  rounds: number,
  failure: { readonly check: string; readonly giveUpRemediation: string },
  what = 'attempts',
): Outcome {
  const cause = last?.reason ?? 'transient failures';
  return {
    capability: item.capability,
    resourceId: item.resourceId,
    status: 'failed',
    actions: last?.actions ?? [],
    counts: last?.counts ?? {},
    findings: [
      {
        check: failure.check,
        resourceId: item.resourceId,
        status: 'fail',
        message: `gave up after ${rounds} ${what}: ${cause}`,
        remediation: failure.giveUpRemediation,
      },
    ],
    reason: cause,
  };
}

/**
 * The reason a step gives up with once Durable's retries of its activity ran out (a scope read that
 * stayed throttled or failing): the activity's own message, which names the ARM status and code. Durable
 * keeps an activity error's message, not the error (docs/style.md 8), wrapped as
 * `Activity function '<name>' failed: <message> \n <details>`; the wrapping is dropped here.
 */
export function gaveUpReason(attempts: number, error: unknown): string {
  let cause = (error instanceof Error ? error.message : String(error)).split(' \n ')[0] ?? '';
  for (let before = ''; before !== cause;) {
    before = cause;
    cause = cause.replace(/^(?:Orchestrator|Activity) function '[^']*' failed: /, '');
  }
  return `gave up after ${attempts} attempts: ${cause.trim() || 'the activity failed without a message'}`;
}

/** The writes earlier passes of a coalesced run made, carried across continueAsNew (counts by action kind only). */
export interface Carry {
  readonly passes: number;
  readonly counts: Readonly<Record<string, number>>;
}

export const NO_CARRY: Carry = { passes: 0, counts: {} };

function total(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((n, v) => n + v, 0);
}

export function summarize(
  target: Target,
  mode: RunMode,
  outcomes: readonly Outcome[],
  findings: readonly Finding[],
  carry: Carry = NO_CARRY,
  tally?: Tally,
): RunResult {
  const counts = tally
    ? addCounts(carry.counts, tally.counts)
    : addCounts(carry.counts, ...outcomes.map((o) => o.counts));
  const failed = outcomes.filter((o) => o.status === 'failed' || o.status === 'refused');
  const writes =
    (tally ? tally.writes : outcomes.reduce((n, o) => n + o.actions.length, 0)) + total(carry.counts);
  const status: RunStatus =
    failed.length > 0 ? 'failed' : writes === 0 ? 'converged' : mode === 'plan' ? 'planned' : 'changed';
  return {
    target,
    mode,
    status,
    ...(failed.length > 0
      ? { reason: failed.map((o) => `${o.resourceId}: ${o.reason ?? o.status}`).join('; ') }
      : {}),
    passes: carry.passes + 1,
    outcomes,
    findings: [...findings, ...outcomes.flatMap((o) => o.findings)],
    counts,
    ...(tally ? { passCounts: tally.passCounts, items: tally.items } : {}),
  };
}

/** The carry for the next pass: this pass's writes (not its no-write tallies, which the next pass recounts). */
export function carryFrom(result: RunResult, carry: Carry): Carry {
  const writes = addCounts(...result.outcomes.map((o) => countsOf(o.actions)));
  return { passes: carry.passes + 1, counts: addCounts(carry.counts, writes) };
}

export function skipped(
  target: Target,
  mode: RunMode,
  status: 'skipped' | 'failed',
  reason: string,
  findings: readonly Finding[],
  carry: Carry = NO_CARRY,
): RunResult {
  const result: RunResult = {
    target,
    mode,
    status,
    reason,
    passes: carry.passes + 1,
    outcomes: [],
    findings,
    counts: { ...carry.counts },
  };
  // A pass that found nothing to do, after passes that wrote, ends a run that changed things.
  return status === 'skipped' && total(carry.counts) > 0 ? { ...result, status: 'changed' } : result;
}

/**
 * One capability's part of a run: its scope decision and, when it proceeded, its outcomes. A fleet
 * check's parts carry a `tally` (items, counts and passes counted; `outcomes` only the failed and
 * refused items, `findings` only warn and fail findings: docs/design.md "Run result").
 */
export type Part =
  | {
      readonly capability: string;
      readonly kind: 'proceed';
      readonly outcomes: readonly Outcome[];
      readonly findings: readonly Finding[];
      readonly tally?: Tally;
    }
  | {
      readonly capability: string;
      readonly kind: 'skip' | 'fail';
      readonly reason: string;
      readonly findings: readonly Finding[];
      readonly tally?: Tally;
    };

/**
 * The RunResult of every capability's part of a run. A capability whose scope failed fails the run
 * with its cause as a finding (`reconcile.scope`); one that skipped adds its reason; when no capability
 * proceeded the run is skipped (or failed).
 */
export function resultOf(
  target: Target,
  mode: RunMode,
  parts: readonly Part[],
  subject: string,
  carry: Carry = NO_CARRY,
): RunResult {
  if (parts.length === 0)
    return skipped(target, mode, 'skipped', `no capability reconciles a ${target.kind}`, [], carry);
  const failedScopes = parts.flatMap((p) => (p.kind === 'fail' ? [p] : []));
  const scopeFindings: Finding[] = failedScopes.map((p) => ({
    check: SCOPE_CHECK,
    resourceId: subject,
    status: 'fail',
    message: `${p.capability}: ${p.reason}`,
    remediation: 'Check that fedlink may read the subscriptions, clusters and identities in scope.',
  }));
  // Every capability judges a target's scope the same way: the same finding from two capabilities is one.
  const findings = uniqueFindings([...parts.flatMap((p) => p.findings), ...scopeFindings]);
  const proceeding = parts.flatMap((p) => (p.kind === 'proceed' ? [p] : []));
  const notes = parts.flatMap((p) => (p.kind === 'proceed' ? [] : [`${p.capability}: ${p.reason}`]));
  const tallied = parts.some((p) => p.tally !== undefined);
  const tally = tallied ? addTallies(...parts.map((p) => p.tally)) : undefined;
  if (proceeding.length === 0) {
    const only = parts.length === 1 ? parts[0] : undefined;
    const reason = only && only.kind !== 'proceed' ? only.reason : notes.join('; ');
    const result = skipped(
      target,
      mode,
      failedScopes.length > 0 ? 'failed' : 'skipped',
      reason,
      findings,
      carry,
    );
    return tally ? { ...result, passCounts: tally.passCounts, items: tally.items } : result;
  }
  const result = summarize(
    target,
    mode,
    proceeding.flatMap((p) => p.outcomes),
    findings,
    carry,
    tally,
  );
  if (failedScopes.length === 0) return result;
  return {
    ...result,
    status: 'failed',
    reason: [result.reason, ...failedScopes.map((p) => `${p.capability}: ${p.reason}`)]
      .filter((r) => r !== undefined)
      .join('; '),
  };
}

function uniqueFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = JSON.stringify([f.check, f.resourceId, f.status, f.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * What a fleet check carries instead of every outcome and passing finding (docs/design.md "Run result"):
 * items by final status, counts by action and no-write kind, the writes made (apply) or planned (plan),
 * and passing findings by check id.
 */
export interface Tally {
  readonly items: Readonly<Partial<Record<OutcomeStatus, number>>>;
  readonly counts: Readonly<Record<string, number>>;
  readonly writes: number;
  readonly passCounts: Readonly<Record<string, number>>;
}

export const NO_TALLY: Tally = { items: {}, counts: {}, writes: 0, passCounts: {} };

export function addTallies(...all: readonly (Tally | undefined)[]): Tally {
  const present = all.filter((t): t is Tally => t !== undefined);
  return {
    items: addCounts(...present.map((t) => t.items)),
    counts: addCounts(...present.map((t) => t.counts)),
    writes: present.reduce((n, t) => n + t.writes, 0),
    passCounts: addCounts(...present.map((t) => t.passCounts)),
  };
}

/** Passing findings by check id, and the others (warn, fail) as they are. */
export function splitPasses(findings: readonly Finding[]): {
  problems: Finding[];
  passCounts: Record<string, number>;
} {
  const problems: Finding[] = [];
  const passCounts: Record<string, number> = {};
  for (const f of findings)
    if (f.status === 'pass') passCounts[f.check] = (passCounts[f.check] ?? 0) + 1;
    else problems.push(f);
  return { problems, passCounts };
}

/** The outcome as a fleet batch hands it back: passing findings counted in `passed`, the rest kept. */
export function compactOutcome(outcome: Outcome): Outcome {
  const { problems, passCounts } = splitPasses(outcome.findings);
  const passed = addCounts(outcome.passed, passCounts);
  const { passed: _earlier, ...rest } = outcome;
  return { ...rest, findings: problems, ...(Object.keys(passed).length > 0 ? { passed } : {}) };
}

/**
 * One fleet batch's final outcomes (compact, `compactOutcome`) folded for its parent: everything
 * counted, only the `failed` and `refused` items listed, and the warn and fail findings of the others.
 */
export function tallyOutcomes(outcomes: readonly Outcome[]): {
  tally: Tally;
  outcomes: Outcome[];
  findings: Finding[];
} {
  const items: Partial<Record<OutcomeStatus, number>> = {};
  for (const o of outcomes) items[o.status] = (items[o.status] ?? 0) + 1;
  const listed = outcomes.filter((o) => o.status === 'failed' || o.status === 'refused');
  return {
    tally: {
      items,
      counts: addCounts(...outcomes.map((o) => o.counts)),
      writes: outcomes.reduce((n, o) => n + o.actions.length, 0),
      passCounts: addCounts(...outcomes.map((o) => o.passed)),
    },
    outcomes: listed,
    findings: outcomes.flatMap((o) => (o.status === 'failed' || o.status === 'refused' ? [] : o.findings)),
  };
}
