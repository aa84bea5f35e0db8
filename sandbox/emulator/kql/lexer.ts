/**
 * Tokenizer for the emulator's KQL subset (see ../README.md). Positions are 1-based line and column
 * so errors can point at the offending part, as ARG's ParserFailure details do.
 */

export type TokenKind = 'ident' | 'string' | 'number' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier name, string contents (unescaped), number text or punctuation. */
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

export class KqlError extends Error {
  constructor(
    readonly kind: 'ParserFailure' | 'UnsupportedByEmulator' | 'SemanticError',
    message: string,
    readonly line?: number,
    readonly column?: number,
    readonly token?: string,
  ) {
    super(message);
    this.name = 'KqlError';
  }
}

/** Longest first. `=~`, `!~`, `!=`, `==`, `<=`, `>=` and the rest. */
const PUNCT = [
  '==',
  '!=',
  '=~',
  '!~',
  '<=',
  '>=',
  '|',
  '(',
  ')',
  '[',
  ']',
  ',',
  '.',
  '=',
  '<',
  '>',
  '!',
  '-',
  '~',
];
/** Operators spelled with a dash or tilde are joined into one identifier-like token. */
const DASHED = new Set([
  'mv-expand',
  'project-away',
  'project-rename',
  'project-keep',
  'project-reorder',
  'mv-apply',
  'order-by',
]);

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  const advance = (n: number): void => {
    for (let k = 0; k < n; k++) {
      if (query[i] === '\n') {
        line++;
        col = 1;
      } else col++;
      i++;
    }
  };
  while (i < query.length) {
    const c = query[i]!;
    if (/\s/.test(c)) {
      advance(1);
      continue;
    }
    if (c === '/' && query[i + 1] === '/') {
      while (i < query.length && query[i] !== '\n') advance(1);
      continue;
    }
    const startLine = line;
    const startCol = col;
    if (
      c === "'" ||
      c === '"' ||
      ((c === '@' || c === 'h' || c === 'H') && (query[i + 1] === "'" || query[i + 1] === '"'))
    ) {
      const verbatim = c === '@';
      if (c !== "'" && c !== '"') advance(1);
      const quote = query[i]!;
      advance(1);
      let text = '';
      for (;;) {
        if (i >= query.length)
          throw new KqlError('ParserFailure', 'Unterminated string literal.', startLine, startCol, quote);
        const ch = query[i]!;
        if (ch === quote) {
          advance(1);
          break;
        }
        if (ch === '\\' && !verbatim) {
          const next = query[i + 1];
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
          if (next === undefined || map[next] === undefined)
            throw new KqlError('ParserFailure', 'Invalid escape in string literal.', line, col, ch);
          text += map[next];
          advance(2);
          continue;
        }
        text += ch;
        advance(1);
      }
      tokens.push({ kind: 'string', text, line: startLine, column: startCol });
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(query.slice(i))!;
      tokens.push({ kind: 'number', text: m[0], line: startLine, column: startCol });
      advance(m[0].length);
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_]*/.exec(query.slice(i))!;
      let word = m[0];
      const after = query.slice(i + word.length);
      const dashed = /^-([a-z]+)/.exec(after);
      if (dashed && DASHED.has(`${word.toLowerCase()}-${dashed[1]}`)) word = `${word}-${dashed[1]}`;
      // in~ / !in~ / contains~ style suffixes are read by the parser from the following '~' token.
      tokens.push({ kind: 'ident', text: word, line: startLine, column: startCol });
      advance(word.length);
      continue;
    }
    const p = PUNCT.find((op) => query.startsWith(op, i));
    if (!p) throw new KqlError('ParserFailure', `Unexpected character '${c}'.`, startLine, startCol, c);
    tokens.push({ kind: 'punct', text: p, line: startLine, column: startCol });
    advance(p.length);
  }
  tokens.push({ kind: 'eof', text: '<end of query>', line, column: col });
  return tokens;
}
