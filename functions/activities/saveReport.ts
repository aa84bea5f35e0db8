/**
 * Activity: keep the report of a finished fleet check in the report store (shared/reportStore), as
 * history and, unless a newer run got there first, as latest.json. Without a store configured
 * (FEDLINK_REPORTS_URL unset) it does nothing and says so. Every finding of the check, passes included,
 * goes beside it as NDJSON, streamed from the work store (`?full=true`, `--full`).
 */
import { runFindings } from '../../shared/reconcile/workDocs';
import { buildReport } from '../../shared/validation/report';
import { type WorkStore } from '../../shared/workStore/store';
import { type Finding } from '../../shared/validation/findings';
import { type RunResult } from '../contracts';
import { defineActivity } from '../registry';

export interface SaveReportInput {
  /** The drift check's instance id. */
  readonly runId: string;
  /** When the check finished (the orchestration's replay-safe clock), ISO 8601 UTC. */
  readonly generatedAt: string;
  /** The check's warn and fail findings (a fleet check lists no passing finding: docs/design.md "Run result"). */
  readonly findings: RunResult['findings'];
  /** Passing findings by check id. */
  readonly passCounts?: RunResult['passCounts'];
  /**
   * The work store documents holding every finding, passes included (shared/reconcile/workDocs.ts
   * `runFindings`), for a report that lists them all; they are deleted after this activity.
   */
  readonly docs?: readonly string[];
}

export type SaveReportOutput =
  | { readonly stored: false; readonly reason: string }
  | { readonly stored: true; readonly historyName: string; readonly latest: 'written' | 'kept' };

export const saveReport = defineActivity<SaveReportInput, SaveReportOutput>(
  'saveReport',
  async ({ runId, generatedAt, findings, passCounts, docs }, { reports, work, log }) => {
    if (!reports) return { stored: false, reason: 'no report store configured (FEDLINK_REPORTS_URL)' };
    // Every finding first, streamed from the work store into the report store (never held whole), so that
    // a report that is latest.json always has its full list for `?full=true`.
    if (docs !== undefined && docs.length > 0) {
      const full = await reports.saveFindings({ runId, generatedAt }, everyFinding(work, docs, findings));
      log.info('findings stored', { runId, location: reports.location, ...full });
    }
    const report = buildReport(findings, passCounts ? { passCounts } : {});
    const saved = await reports.save({ runId, generatedAt, report });
    log.info('report stored', { runId, location: reports.location, ...saved });
    return { stored: true, ...saved };
  },
);

/**
 * The work store's findings (passes included), then those only the orchestration decided (items given
 * up after their rounds, locks lost), each problem once: problems are few, so only their keys are kept.
 */
async function* everyFinding(
  work: WorkStore,
  docs: readonly string[],
  problems: readonly Finding[],
): AsyncGenerator<Finding> {
  const key = (f: Finding) => JSON.stringify([f.check, f.resourceId, f.status, f.message]);
  const seen = new Set<string>();
  for await (const f of runFindings(work, docs)) {
    if (f.status !== 'pass') seen.add(key(f));
    yield f;
  }
  for (const f of problems) if (!seen.has(key(f))) yield f;
}
