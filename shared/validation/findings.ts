/**
 * Findings: the unit of every check and of the report (docs/design.md "Sandbox run": `report.findings`).
 * Plain JSON, so they cross the durable activity boundary and print as they are.
 */

export type FindingStatus = 'pass' | 'warn' | 'fail';

/** One fact about one resource: what was checked, how it stands, and what to do about it. */
export interface Finding {
  /** A stable check id, e.g. `federation.fic-present`. */
  readonly check: string;
  /** The resource the finding is about (an ARM id as ARM returned it), or a run instance id. */
  readonly resourceId: string;
  readonly status: FindingStatus;
  readonly message: string;
  /** What a person should do; omitted on a pass. */
  readonly remediation?: string;
}
