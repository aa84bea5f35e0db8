/**
 * Activity: keep the report of a finished fleet check in the report store (shared/reportStore), as
 * history and, unless a newer run got there first, as latest.json. Without a store configured
 * (FEDLINK_REPORTS_URL unset) it does nothing and says so.
 */
import { buildReport } from '../../shared/validation/report';
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
  async ({ runId, generatedAt, findings, passCounts }, { reports, log }) => {
    if (!reports) return { stored: false, reason: 'no report store configured (FEDLINK_REPORTS_URL)' };
    const report = buildReport(findings, passCounts ? { passCounts } : {});
    const saved = await reports.save({ runId, generatedAt, report });
    log.info('report stored', { runId, location: reports.location, ...saved });
    return { stored: true, ...saved };
  },
);
