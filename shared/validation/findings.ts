/**
 * Findings: the unit of every check and of the report (docs/design.md "Sandbox run": `report.findings`).
 * Plain JSON, so they cross the durable activity boundary and print as they are.
 */

export type FindingStatus = 'pass' | 'warn' | 'fail';

/**
 * Where a finding sits in the report's views, as data: the report model knows no capability, so a
 * capability that wants a grid (clusters × identities, zones × hubs) or a list (connections and their
 * state) says so on its findings. With a `column` the finding is a cell of the matrix `view`; without,
 * a row of the list `view`. Several findings may share a cell: the worst status shows.
 */
export interface FindingSubject {
  /** A stable id of the view, e.g. `fleet`, `dns-links` (a `data-view` hook in the HTML). */
  readonly view: string;
  /** What the rows are, singular: `cluster`, `zone`, `connection`. */
  readonly rowKind: string;
  /** The row's label: a name people recognise. */
  readonly row: string;
  /** What the columns are, singular (`identity`, `hub`): only for a matrix. */
  readonly columnKind?: string;
  /** The column's label: only for a matrix. */
  readonly column?: string;
  /** One word for the cell: `present`, `missing`, `planned`, `refused`, `stale`, `linked`, `pending`… */
  readonly state: string;
}

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
  /** Its place in a matrix or list view of the report, when its capability gives one. */
  readonly subject?: FindingSubject;
}
