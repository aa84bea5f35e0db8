/**
 * The report's views, derived from the findings alone (no capability is known here; each capability
 * places its findings with `Finding.subject`): matrices (rows × columns, one cell per pair), lists (one
 * row per subject), and per-capability groups by check id prefix (`federation.`, `dns.`, `privatelink.`),
 * so a capability that gives no subjects still gets its own section. Pure and deterministic.
 */
import { type Finding, type FindingStatus } from './findings';

const RANK: Record<FindingStatus, number> = { fail: 0, warn: 1, pass: 2 };

export interface Cell {
  readonly row: string;
  readonly column: string;
  /** The state of the worst finding in the cell (ties: the first in report order). */
  readonly state: string;
  readonly status: FindingStatus;
  /** Every distinct state in the cell, worst first. */
  readonly states: readonly string[];
  readonly findings: readonly Finding[];
}

export interface MatrixView {
  readonly kind: 'matrix';
  readonly id: string;
  readonly rowKind: string;
  readonly columnKind: string;
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  /** Keyed by `cellKey(row, column)`; a pair with no finding has no cell. */
  readonly cells: ReadonlyMap<string, Cell>;
}

export interface ListRow {
  readonly row: string;
  readonly state: string;
  readonly status: FindingStatus;
  readonly findings: readonly Finding[];
}

export interface ListView {
  readonly kind: 'list';
  readonly id: string;
  readonly rowKind: string;
  readonly rows: readonly ListRow[];
}

export interface CapabilityGroup {
  /** The check id prefix: `federation`, `dns`, `privatelink`, `engine`… */
  readonly capability: string;
  readonly summary: Record<FindingStatus, number>;
  readonly findings: readonly Finding[];
}

export function cellKey(row: string, column: string): string {
  return JSON.stringify([row, column]);
}

/** The capability a check id belongs to: the part before the first dot (the whole id without one). */
export function capabilityOf(check: string): string {
  const dot = check.indexOf('.');
  return dot > 0 ? check.slice(0, dot) : check;
}

/** Matrices and lists in order of view id; rows and columns sorted as people read them. */
export function reportViews(findings: readonly Finding[]): (MatrixView | ListView)[] {
  const byView = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.subject === undefined) continue;
    const list = byView.get(f.subject.view) ?? [];
    list.push(f);
    byView.set(f.subject.view, list);
  }
  const views: (MatrixView | ListView)[] = [];
  for (const id of [...byView.keys()].sort(compare)) {
    const members = byView.get(id)!;
    const first = members[0]!.subject!;
    const cellsOf = members.filter((f) => f.subject!.column !== undefined);
    if (cellsOf.length > 0) views.push(matrix(id, first.rowKind, cellsOf));
    else views.push(list(id, first.rowKind, members));
  }
  return views;
}

function matrix(id: string, rowKind: string, findings: readonly Finding[]): MatrixView {
  const groups = group(findings, (f) => cellKey(f.subject!.row, f.subject!.column!));
  const cells = new Map<string, Cell>();
  for (const [key, members] of groups) {
    const s = members[0]!.subject!;
    const worst = worstOf(members);
    cells.set(key, {
      row: s.row,
      column: s.column!,
      state: worst.subject!.state,
      status: worst.status,
      states: statesOf(members),
      findings: members,
    });
  }
  const columnKind = findings.find((f) => f.subject!.columnKind)?.subject!.columnKind ?? 'column';
  return {
    kind: 'matrix',
    id,
    rowKind,
    columnKind,
    rows: sortedUnique(findings.map((f) => f.subject!.row)),
    columns: sortedUnique(findings.map((f) => f.subject!.column!)),
    cells,
  };
}

function list(id: string, rowKind: string, findings: readonly Finding[]): ListView {
  const groups = group(findings, (f) => f.subject!.row);
  const rows = [...groups.values()].map((members): ListRow => {
    const worst = worstOf(members);
    return { row: worst.subject!.row, state: worst.subject!.state, status: worst.status, findings: members };
  });
  rows.sort((a, b) => RANK[a.status] - RANK[b.status] || compareNames(a.row, b.row));
  return { kind: 'list', id, rowKind, rows };
}

/** Findings grouped by the capability of their check, capabilities in name order, findings in report order. */
export function capabilityGroups(findings: readonly Finding[]): CapabilityGroup[] {
  const groups = group(findings, (f) => capabilityOf(f.check));
  return [...groups.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([capability, members]) => {
      const summary = { pass: 0, warn: 0, fail: 0 };
      for (const f of members) summary[f.status]++;
      return { capability, summary, findings: members };
    });
}

function group<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k) ?? [];
    list.push(item);
    out.set(k, list);
  }
  return out;
}

function worstOf(findings: readonly Finding[]): Finding {
  return findings.reduce((w, f) => (RANK[f.status] < RANK[w.status] ? f : w));
}

function statesOf(findings: readonly Finding[]): string[] {
  const sorted = [...findings].sort((a, b) => RANK[a.status] - RANK[b.status]);
  return [...new Set(sorted.map((f) => f.subject!.state))];
}

function sortedUnique(names: readonly string[]): string[] {
  return [...new Set(names)].sort(compareNames);
}

/** Case-insensitive, then exact: ARM names compare case-insensitively, and the order must be total. */
function compareNames(a: string, b: string): number {
  return compare(a.toLowerCase(), b.toLowerCase()) || compare(a, b);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
