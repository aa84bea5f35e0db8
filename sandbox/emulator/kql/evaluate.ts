/**
 * Evaluates a parsed query over rows. Columns are checked before any row is read (a query naming a
 * column that does not exist at that point fails even on an empty table, as Kusto's semantic check
 * does). Semantics, with Kusto's where they matter (documented in ../README.md):
 * - null (absent property or JSON null) makes every comparison null, and `where` keeps only `true`;
 *   `and`/`or` are three-valued. `tostring(null)` is "".
 * - `==`/`!=` compare strings case-sensitively, numbers and booleans by value; values of different
 *   kinds are unequal. `=~`, `!~`, `in~`, `contains`, `startswith`, `endswith` compare `tostring`
 *   forms case-insensitively (`contains_cs` is case-sensitive).
 * - `order by` defaults to descending; strings sort ordinally; nulls first when ascending.
 * - `mv-expand`: one row per array element (or per property of a bag, as a one-key bag); an empty
 *   array or bag drops the row; null keeps it with null.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../json';
import { type CompareOp, type Expr, type Operator, type Query } from './ast';
import { KqlError } from './lexer';

export type Value = JsonValue | undefined;
export type Row = Map<string, Value>;

export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly Row[];
}

export interface Result {
  readonly columns: readonly string[];
  readonly rows: readonly Row[];
}

function semantic(message: string, pos?: { line: number; column: number }, token?: string): KqlError {
  return new KqlError('SemanticError', message, pos?.line, pos?.column, token);
}

function checkColumns(expr: Expr, columns: ReadonlySet<string>): void {
  switch (expr.k) {
    case 'literal':
      return;
    case 'column':
      if (!columns.has(expr.name))
        throw semantic(`Failed to resolve scalar expression named '${expr.name}'.`, expr.pos, expr.name);
      return;
    case 'member':
    case 'index':
      return checkColumns(expr.target, columns);
    case 'call':
      return expr.args.forEach((a) => checkColumns(a, columns));
    case 'compare':
    case 'and':
    case 'or':
      checkColumns(expr.left, columns);
      return checkColumns(expr.right, columns);
    case 'in':
      return checkColumns(expr.left, columns);
  }
}

export function toKqlString(v: Value): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function isNull(v: Value): v is null | undefined {
  return v === undefined || v === null;
}

function evalExpr(expr: Expr, row: Row): Value {
  switch (expr.k) {
    case 'literal':
      return expr.value;
    case 'column':
      return row.get(expr.name);
    case 'member': {
      const t = evalExpr(expr.target, row);
      return isJsonObject(t) ? t[expr.name] : undefined;
    }
    case 'index': {
      const t = evalExpr(expr.target, row);
      return Array.isArray(t) ? t[expr.index] : undefined;
    }
    case 'call':
      return callFunction(expr.fn, evalExpr(expr.args[0]!, row));
    case 'compare':
      return compare(expr.op, evalExpr(expr.left, row), evalExpr(expr.right, row));
    case 'in': {
      const left = evalExpr(expr.left, row);
      if (isNull(left)) return null;
      const found = expr.list.some((item) => {
        const v = evalExpr(item, row);
        return expr.caseInsensitive
          ? toKqlString(left).toLowerCase() === toKqlString(v).toLowerCase()
          : equals(left, v) === true;
      });
      return expr.negated ? !found : found;
    }
    case 'and': {
      const l = evalExpr(expr.left, row);
      const r = evalExpr(expr.right, row);
      if (l === false || r === false) return false;
      if (l === true && r === true) return true;
      return null;
    }
    case 'or': {
      const l = evalExpr(expr.left, row);
      const r = evalExpr(expr.right, row);
      if (l === true || r === true) return true;
      if (l === false && r === false) return false;
      return null;
    }
  }
}

function callFunction(fn: string, v: Value): Value {
  switch (fn) {
    case 'tostring':
      return toKqlString(v);
    case 'tolower':
      return toKqlString(v).toLowerCase();
    case 'toupper':
      return toKqlString(v).toUpperCase();
    case 'isnull':
      return isNull(v);
    case 'isnotnull':
      return !isNull(v);
    case 'isempty':
      return isNull(v) || v === '';
    case 'isnotempty':
      return !(isNull(v) || v === '');
    case 'not':
      return typeof v === 'boolean' ? !v : null;
    case 'strlen':
      return isNull(v) ? null : toKqlString(v).length;
    case 'array_length':
      return Array.isArray(v) ? v.length : null;
    default:
      throw semantic(`Unknown function '${fn}'.`);
  }
}

/** true / false, or null when either side is null. */
function equals(a: Value, b: Value): boolean | null {
  if (isNull(a) || isNull(b)) return null;
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b)) return false;
  if (typeof a === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

function compare(op: CompareOp, a: Value, b: Value): Value {
  if (isNull(a) || isNull(b)) return null;
  const la = toKqlString(a).toLowerCase();
  const lb = toKqlString(b).toLowerCase();
  switch (op) {
    case '==':
      return equals(a, b);
    case '!=': {
      const e = equals(a, b);
      return e === null ? null : !e;
    }
    case '=~':
      return la === lb;
    case '!~':
      return la !== lb;
    case 'contains':
      return la.includes(lb);
    case '!contains':
      return !la.includes(lb);
    case 'contains_cs':
      return toKqlString(a).includes(toKqlString(b));
    case '!contains_cs':
      return !toKqlString(a).includes(toKqlString(b));
    case 'startswith':
      return la.startsWith(lb);
    case '!startswith':
      return !la.startsWith(lb);
    case 'endswith':
      return la.endsWith(lb);
    case '!endswith':
      return !la.endsWith(lb);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (typeof a !== 'number' || typeof b !== 'number') return null;
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
  }
}

const TYPE_RANK: Record<string, number> = { boolean: 0, number: 1, string: 2, object: 3 };

function sortCompare(a: Value, b: Value): number {
  const ra = TYPE_RANK[typeof a]!;
  const rb = TYPE_RANK[typeof b]!;
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function applyOperator(op: Operator, columns: string[], rows: Row[]): { columns: string[]; rows: Row[] } {
  const known = new Set(columns);
  switch (op.op) {
    case 'where': {
      checkColumns(op.predicate, known);
      return {
        columns,
        rows: rows.filter((row) => {
          const v = evalExpr(op.predicate, row);
          if (v === true) return true;
          if (v === false || isNull(v)) return false;
          throw semantic(`A 'where' predicate must be boolean; got ${JSON.stringify(v)}.`);
        }),
      };
    }
    case 'extend': {
      op.items.forEach((i) => checkColumns(i.expr, known));
      const next = [...columns];
      for (const i of op.items) if (!next.includes(i.name)) next.push(i.name);
      return {
        columns: next,
        rows: rows.map((row) => {
          const out = new Map(row);
          for (const i of op.items) out.set(i.name, evalExpr(i.expr, row));
          return out;
        }),
      };
    }
    case 'project': {
      op.items.forEach((i) => checkColumns(i.expr, known));
      const names = op.items.map((i) => i.name);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup !== undefined) throw semantic(`The column '${dup}' is projected twice.`);
      return {
        columns: names,
        rows: rows.map((row) => new Map(op.items.map((i) => [i.name, evalExpr(i.expr, row)] as const))),
      };
    }
    case 'project-away': {
      for (const n of op.names)
        if (!known.has(n)) throw semantic(`Failed to resolve column '${n}' in project-away.`, op.pos, n);
      const drop = new Set(op.names);
      return {
        columns: columns.filter((c) => !drop.has(c)),
        rows: rows.map((row) => new Map([...row].filter(([k]) => !drop.has(k)))),
      };
    }
    case 'order': {
      op.keys.forEach((k) => checkColumns(k.expr, known));
      const keyed = rows.map((row, index) => ({
        row,
        index,
        keys: op.keys.map((k) => evalExpr(k.expr, row)),
      }));
      keyed.sort((x, y) => {
        for (let i = 0; i < op.keys.length; i++) {
          const spec = op.keys[i]!;
          const a = x.keys[i];
          const b = y.keys[i];
          if (isNull(a) || isNull(b)) {
            if (isNull(a) && isNull(b)) continue;
            return isNull(a) === spec.nullsFirst ? -1 : 1;
          }
          const c = sortCompare(a, b);
          if (c !== 0) return spec.descending ? -c : c;
        }
        return x.index - y.index;
      });
      return { columns, rows: keyed.map((k) => k.row) };
    }
    case 'limit':
      return { columns, rows: rows.slice(0, op.count) };
    case 'count':
      return { columns: ['Count'], rows: [new Map([['Count', rows.length]])] };
    case 'mv-expand': {
      checkColumns(op.expr, known);
      const next = columns.includes(op.name) ? columns : [...columns, op.name];
      const out: Row[] = [];
      for (const row of rows) {
        const v = evalExpr(op.expr, row);
        let items: Value[];
        if (isNull(v)) items = [null];
        else if (Array.isArray(v)) items = v;
        else if (isJsonObject(v)) items = Object.entries(v).map(([k, val]): JsonObject => ({ [k]: val }));
        else items = [v];
        if (op.limit !== undefined) items = items.slice(0, op.limit);
        for (const item of items) {
          const r = new Map(row);
          r.set(op.name, item);
          out.push(r);
        }
      }
      return { columns: next, rows: out };
    }
  }
}

export function evaluate(query: Query, table: Table): Result {
  let columns = [...table.columns];
  let rows = [...table.rows];
  for (const op of query.operators) ({ columns, rows } = applyOperator(op, columns, rows));
  return { columns, rows };
}
