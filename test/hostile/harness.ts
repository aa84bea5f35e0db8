/**
 * The hostile corpus's shared shape (docs/targets.md security 1 and 2; issue #12 item 3): every case is data
 * (a category, a name, the input it spoils, what must be said about it), and each test file sends its cases
 * through the real path (a drift check or an event through the sandbox, HTTP, the config loader behind
 * `fedlink sandbox run`) against one emulator, then asserts zero ARM writes for the case and a clear
 * error or a finding naming why.
 */
import { type RunResult } from '../../functions/contracts';
import { LATEST_NAME } from '../../shared/reportStore/store';
import { type Finding } from '../../shared/validation/findings';
import { completedDriftCheck } from '../helpers/driftCheck';
import { type Running } from '../helpers/scenario';

export interface HostileCase<I> {
  /** One of the categories counted in summary.test.ts. */
  readonly category: string;
  readonly name: string;
  readonly input: I;
  /** What the error or the finding about this case must say. */
  readonly says: RegExp;
}

/** `{ category: count }` of a list of cases, in first-seen order. */
export function countByCategory(cases: readonly { category: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of cases) out[c.category] = (out[c.category] ?? 0) + 1;
  return out;
}

export function describeCounts(cases: readonly { category: string }[]): string {
  return Object.entries(countByCategory(cases))
    .map(([category, n]) => `${category} ${n}`)
    .join(', ');
}

export interface ArmWrite {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

/** Every write or delete the emulator received (any answer), from its request log. */
export function armWrites(sandbox: Running): ArmWrite[] {
  return sandbox.emulator.operations
    .filter((o) => o.operationClass !== 'read')
    .map((o) => ({ method: o.method, path: o.path, status: o.status }));
}

/** Does a write touch `id` or anything under it (ids compared as ARM does, case-insensitively)? */
export function touches(write: ArmWrite, id: string): boolean {
  const p = write.path.toLowerCase();
  const i = id.toLowerCase();
  return p === i || p.startsWith(`${i}/`);
}

/** One drift check in apply mode (the timer's and `fedlink sandbox run`'s road, no events); its result. */
export async function driftApply(sandbox: Running, instanceId: string): Promise<RunResult> {
  const result = await completedDriftCheck(sandbox, instanceId);
  // A fleet check lists its problems and counts its passes (docs/design.md "Run result"); the corpus wants
  // every finding, passes included ("left alone: not Pending"): the full list the check kept beside its
  // report in the sandbox's report store.
  const stored = await sandbox.deps.reports!.readFindings(LATEST_NAME);
  if (!stored) throw new Error(`${instanceId} kept no full list of findings`);
  const findings: Finding[] = [];
  for await (const f of stored) findings.push(f);
  return { ...result, findings };
}

/** A finding is "clear" when it is one line of a readable length that says what `says` asks for. */
export function clearFinding(
  findings: readonly Finding[],
  resourceId: string,
  says: RegExp,
): Finding | undefined {
  return findings.find(
    (f) =>
      f.resourceId.toLowerCase() === resourceId.toLowerCase() &&
      says.test(f.message) &&
      !f.message.includes('\n') &&
      f.message.length <= 2000,
  );
}
