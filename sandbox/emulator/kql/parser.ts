/**
 * Parser for the emulator's KQL subset (grammar in ../README.md). Anything outside the subset is a
 * KqlError naming the offending part, never a guess: the emulator must not answer a query it does not
 * understand.
 */
import { type JsonValue } from '../json';
import {
  type CompareOp,
  type Expr,
  type NamedExpr,
  type Operator,
  type Position,
  type Query,
  type SortKey,
  type TableName,
} from './ast';
import { KqlError, type Token, tokenize } from './lexer';

const TABLES: Record<string, TableName> = {
  resources: 'resources',
  resourcecontainers: 'resourcecontainers',
};
/** Other ARG tables exist; the emulator does not hold their data. */
const OTHER_ARG_TABLES = new Set([
  'advisorresources',
  'alertsmanagementresources',
  'appserviceresources',
  'authorizationresources',
  'extensibilityresources',
  'guestconfigurationresources',
  'healthresources',
  'iotsecurityresources',
  'kubernetesconfigurationresources',
  'maintenanceresources',
  'networkresources',
  'patchassessmentresources',
  'policyresources',
  'recoveryservicesresources',
  'securityresources',
  'servicehealthresources',
  'resourcechanges',
  'resourcecontainerchanges',
]);
const TABULAR = new Set([
  'where',
  'filter',
  'extend',
  'project',
  'project-away',
  'order',
  'sort',
  'limit',
  'take',
  'count',
  'mv-expand',
  'top',
]);
export const FUNCTIONS = new Set([
  'tostring',
  'tolower',
  'toupper',
  'isnull',
  'isnotnull',
  'isempty',
  'isnotempty',
  'not',
  'strlen',
  'array_length',
]);
const WORD_OPS: Record<string, CompareOp> = {
  contains: 'contains',
  contains_cs: 'contains_cs',
  startswith: 'startswith',
  endswith: 'endswith',
};
const UNSUPPORTED_WORD_OPS = new Set([
  'has',
  'has_cs',
  'hasprefix',
  'hassuffix',
  'has_any',
  'has_all',
  'matches',
  'between',
  'like',
  'notcontains',
  'notcontains_cs',
]);

class Parser {
  private i = 0;
  /** ARG accepts a query that starts with an operator (implicitly on Resources). */
  private tokensStartWithOperator = false;

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private isPunct(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'punct' && t.text === text;
  }

  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text.toLowerCase() === word;
  }

  private fail(message: string, t: Token = this.peek()): never {
    throw new KqlError('ParserFailure', message, t.line, t.column, t.text);
  }

  private unsupported(what: string, t: Token = this.peek()): never {
    throw new KqlError(
      'UnsupportedByEmulator',
      `${what} is outside the KQL subset the fedlink emulator implements (see sandbox/emulator/README.md).`,
      t.line,
      t.column,
      t.text,
    );
  }

  private expectPunct(text: string): Token {
    if (!this.isPunct(text)) this.fail(`Expected '${text}'.`);
    return this.next();
  }

  private expectIdent(what: string): Token {
    const t = this.peek();
    if (t.kind !== 'ident') this.fail(`Expected ${what}.`);
    return this.next();
  }

  parseQuery(): Query {
    let table: TableName = 'resources';
    const first = this.peek();
    if (first.kind !== 'ident') this.fail('A query starts with a table name or a tabular operator.');
    const firstWord = first.text.toLowerCase();
    const named = TABLES[firstWord];
    if (named) {
      table = named;
      this.next();
    } else if (OTHER_ARG_TABLES.has(firstWord)) {
      this.unsupported(`The table '${first.text}'`);
    } else if (TABULAR.has(firstWord)) {
      // ARG runs a query that starts with an operator against the Resources table.
      this.tokensStartWithOperator = true;
    } else if (['union', 'let', 'print', 'datatable', 'range', 'search', 'find'].includes(firstWord)) {
      this.unsupported(`'${first.text}'`);
    } else {
      throw new KqlError(
        'SemanticError',
        `'${first.text}' does not refer to any known table, tabular variable or function.`,
        first.line,
        first.column,
        first.text,
      );
    }
    const operators: Operator[] = [];
    let needPipe = !this.tokensStartWithOperator;
    while (this.peek().kind !== 'eof') {
      if (needPipe) this.expectPunct('|');
      needPipe = true;
      operators.push(...this.parseOperator());
    }
    return { table, operators };
  }

  private parseOperator(): Operator[] {
    const t = this.expectIdent('a tabular operator');
    const word = t.text.toLowerCase();
    switch (word) {
      case 'where':
      case 'filter':
        return [{ op: 'where', predicate: this.parseExpr() }];
      case 'extend':
        return [{ op: 'extend', items: this.parseAssignments(true) }];
      case 'project':
        return [{ op: 'project', items: this.parseAssignments(false) }];
      case 'project-away': {
        const names = [this.expectIdent('a column name').text];
        while (this.isPunct(',')) {
          this.next();
          names.push(this.expectIdent('a column name').text);
        }
        return [{ op: 'project-away', names, pos: { line: t.line, column: t.column } }];
      }
      case 'order':
      case 'sort': {
        if (!this.isWord('by')) this.fail(`Expected 'by' after '${t.text}'.`);
        this.next();
        return [{ op: 'order', keys: this.parseSortKeys() }];
      }
      case 'top': {
        const n = this.parseCount();
        if (!this.isWord('by')) this.fail("Expected 'by' after 'top N'.");
        this.next();
        const keys = this.parseSortKeys().slice(0, 1);
        if (this.isPunct(',')) this.unsupported("'top' with several sort keys");
        return [
          { op: 'order', keys },
          { op: 'limit', count: n },
        ];
      }
      case 'limit':
      case 'take':
        return [{ op: 'limit', count: this.parseCount() }];
      case 'count':
        return [{ op: 'count' }];
      case 'mv-expand':
        return [this.parseMvExpand()];
      default:
        return this.unsupported(`The operator '${t.text}'`, t);
    }
  }

  private parseCount(): number {
    const t = this.peek();
    if (t.kind !== 'number' || !/^[0-9]+$/.test(t.text)) this.fail('Expected a row count.');
    this.next();
    return Number(t.text);
  }

  private parseMvExpand(): Operator {
    if (this.isWord('kind') || this.isWord('bagexpansion') || this.isWord('with_itemindex'))
      this.unsupported("mv-expand options ('kind', 'with_itemindex')");
    let name: string | undefined;
    if (this.peek().kind === 'ident' && this.isPunct('=', 1)) {
      name = this.next().text;
      this.next();
    }
    const expr = this.parsePostfix();
    if (name === undefined)
      name = autoName(expr) ?? this.unsupported("mv-expand of an expression without 'Name ='");
    if (this.isWord('to')) this.unsupported("mv-expand '... to typeof()'");
    if (this.isPunct(',')) this.unsupported('mv-expand of several columns');
    let limit: number | undefined;
    if (this.isWord('limit')) {
      this.next();
      limit = this.parseCount();
    }
    return { op: 'mv-expand', name, expr, limit };
  }

  private parseSortKeys(): SortKey[] {
    const keys: SortKey[] = [];
    for (;;) {
      const expr = this.parseExpr();
      // Kusto's default sort order is descending; nulls come last when descending, first when ascending.
      let descending = true;
      if (this.isWord('asc')) {
        this.next();
        descending = false;
      } else if (this.isWord('desc')) {
        this.next();
      }
      let nullsFirst = !descending;
      if (this.isWord('nulls')) {
        this.next();
        if (this.isWord('first')) nullsFirst = true;
        else if (this.isWord('last')) nullsFirst = false;
        else this.fail("Expected 'first' or 'last' after 'nulls'.");
        this.next();
      }
      keys.push({ expr, descending, nullsFirst });
      if (!this.isPunct(',')) return keys;
      this.next();
    }
  }

  private parseAssignments(requireName: boolean): NamedExpr[] {
    const items: NamedExpr[] = [];
    for (;;) {
      const start = this.peek();
      if (start.kind === 'ident' && this.isPunct('=', 1)) {
        this.next();
        this.next();
        items.push({ name: start.text, expr: this.parseExpr() });
      } else {
        const expr = this.parseExpr();
        const name = autoName(expr);
        if (requireName || name === undefined) this.unsupported("A computed column without 'Name ='", start);
        items.push({ name, expr });
      }
      if (!this.isPunct(',')) return items;
      this.next();
    }
  }

  parseExpr(): Expr {
    let left = this.parseAnd();
    while (this.isWord('or')) {
      this.next();
      left = { k: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseComparison();
    while (this.isWord('and')) {
      this.next();
      left = { k: 'and', left, right: this.parseComparison() };
    }
    return left;
  }

  private parseComparison(): Expr {
    const left = this.parsePostfix();
    const t = this.peek();
    if (t.kind === 'punct' && ['==', '!=', '=~', '!~', '<', '<=', '>', '>='].includes(t.text)) {
      this.next();
      return { k: 'compare', op: t.text as CompareOp, left, right: this.parsePostfix() };
    }
    let negated = false;
    if (t.kind === 'punct' && t.text === '!' && this.peek(1).kind === 'ident') {
      negated = true;
      this.next();
    }
    const w = this.peek();
    if (w.kind !== 'ident') {
      if (negated) this.fail("Expected an operator after '!'.");
      return left;
    }
    const word = w.text.toLowerCase();
    if (word === 'in') {
      this.next();
      let caseInsensitive = false;
      if (this.isPunct('~')) {
        this.next();
        caseInsensitive = true;
      }
      this.expectPunct('(');
      const list: Expr[] = [];
      if (!this.isPunct(')')) {
        for (;;) {
          const item = this.parsePostfix();
          if (item.k !== 'literal') this.unsupported("'in' with a non-literal list item");
          list.push(item);
          if (!this.isPunct(',')) break;
          this.next();
        }
      }
      this.expectPunct(')');
      return { k: 'in', negated, caseInsensitive, left, list };
    }
    const op = WORD_OPS[word];
    if (op) {
      this.next();
      if (this.isPunct('~')) this.unsupported(`'${w.text}~'`);
      return { k: 'compare', op: (negated ? `!${op}` : op) as CompareOp, left, right: this.parsePostfix() };
    }
    if (UNSUPPORTED_WORD_OPS.has(word)) this.unsupported(`The operator '${negated ? '!' : ''}${w.text}'`, w);
    if (negated) this.fail(`Unknown operator '!${w.text}'.`, w);
    return left;
  }

  private parsePostfix(): Expr {
    let expr = this.parsePrimary();
    for (;;) {
      if (this.isPunct('.')) {
        this.next();
        const t = this.peek();
        if (t.kind !== 'ident' && t.kind !== 'string') this.fail("Expected a property name after '.'.");
        this.next();
        expr = { k: 'member', target: expr, name: t.text };
      } else if (this.isPunct('[')) {
        this.next();
        const t = this.next();
        if (t.kind === 'string') expr = { k: 'member', target: expr, name: t.text };
        else if (t.kind === 'number' && /^[0-9]+$/.test(t.text))
          expr = { k: 'index', target: expr, index: Number(t.text) };
        else if (t.kind === 'punct' && t.text === '-' && this.peek().kind === 'number')
          this.unsupported('Negative array indexes', t);
        else this.fail("Expected a string or a non-negative integer inside '[ ]'.", t);
        this.expectPunct(']');
      } else return expr;
    }
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    if (t.kind === 'string') {
      this.next();
      return { k: 'literal', value: t.text };
    }
    if (t.kind === 'number') {
      this.next();
      return { k: 'literal', value: Number(t.text) };
    }
    if (t.kind === 'punct' && t.text === '-' && this.peek(1).kind === 'number') {
      this.next();
      return { k: 'literal', value: -Number(this.next().text) };
    }
    if (t.kind === 'punct' && t.text === '(') {
      this.next();
      const e = this.parseExpr();
      this.expectPunct(')');
      return e;
    }
    if (t.kind === 'ident') {
      const word = t.text.toLowerCase();
      const pos: Position = { line: t.line, column: t.column };
      if (word === 'true' || word === 'false') {
        this.next();
        return { k: 'literal', value: word === 'true' };
      }
      if (this.isPunct('(', 1)) {
        this.next();
        this.next();
        if (word === 'dynamic') return this.parseDynamicLiteral(t);
        if (!FUNCTIONS.has(word)) this.unsupported(`The function '${t.text}()'`, t);
        const args: Expr[] = [];
        if (!this.isPunct(')')) {
          for (;;) {
            args.push(this.parseExpr());
            if (!this.isPunct(',')) break;
            this.next();
          }
        }
        this.expectPunct(')');
        if (args.length !== 1)
          throw new KqlError(
            'SemanticError',
            `The function '${t.text}' expects 1 argument, got ${args.length}.`,
            t.line,
            t.column,
            t.text,
          );
        return { k: 'call', fn: word, args, pos };
      }
      this.next();
      return { k: 'column', name: t.text, pos };
    }
    return this.fail('Expected an expression.');
  }

  /** Only `dynamic(null)` is supported (the other forms take JSON literals the subset does not need). */
  private parseDynamicLiteral(t: Token): Expr {
    if (this.isWord('null') && this.isPunct(')', 1)) {
      this.next();
      this.next();
      return { k: 'literal', value: null as JsonValue };
    }
    return this.unsupported('dynamic() literals other than dynamic(null)', t);
  }
}

/** Kusto's automatic column name for a column or property path: `properties.a['b']` → `properties_a_b`. */
export function autoName(expr: Expr): string | undefined {
  if (expr.k === 'column') return expr.name;
  if (expr.k === 'member') {
    const base = autoName(expr.target);
    return base === undefined ? undefined : `${base}_${expr.name}`;
  }
  return undefined;
}

export function parseKql(query: string): Query {
  if (query.trim() === '') throw new KqlError('ParserFailure', 'The query is empty.', 1, 1, '');
  return new Parser(tokenize(query)).parseQuery();
}
