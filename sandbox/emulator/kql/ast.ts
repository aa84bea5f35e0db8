/** Syntax tree of the emulator's KQL subset. */
import { type JsonValue } from '../json';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export type CompareOp =
  | '=='
  | '!='
  | '=~'
  | '!~'
  | '<'
  | '<='
  | '>'
  | '>='
  | 'contains'
  | '!contains'
  | 'contains_cs'
  | '!contains_cs'
  | 'startswith'
  | '!startswith'
  | 'endswith'
  | '!endswith';

export type Expr =
  | { readonly k: 'literal'; readonly value: JsonValue }
  | { readonly k: 'column'; readonly name: string; readonly pos: Position }
  | { readonly k: 'member'; readonly target: Expr; readonly name: string }
  | { readonly k: 'index'; readonly target: Expr; readonly index: number }
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly Expr[]; readonly pos: Position }
  | { readonly k: 'compare'; readonly op: CompareOp; readonly left: Expr; readonly right: Expr }
  | {
      readonly k: 'in';
      readonly negated: boolean;
      readonly caseInsensitive: boolean;
      readonly left: Expr;
      readonly list: readonly Expr[];
    }
  | { readonly k: 'and' | 'or'; readonly left: Expr; readonly right: Expr };

export interface NamedExpr {
  readonly name: string;
  readonly expr: Expr;
}

export interface SortKey {
  readonly expr: Expr;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

export type Operator =
  | { readonly op: 'where'; readonly predicate: Expr }
  | { readonly op: 'extend'; readonly items: readonly NamedExpr[] }
  | { readonly op: 'project'; readonly items: readonly NamedExpr[] }
  | { readonly op: 'project-away'; readonly names: readonly string[]; readonly pos: Position }
  | { readonly op: 'order'; readonly keys: readonly SortKey[] }
  | { readonly op: 'limit'; readonly count: number }
  | { readonly op: 'count' }
  | {
      readonly op: 'mv-expand';
      readonly name: string;
      readonly expr: Expr;
      readonly limit: number | undefined;
    };

export type TableName = 'resources' | 'resourcecontainers';

export interface Query {
  readonly table: TableName;
  readonly operators: readonly Operator[];
}
