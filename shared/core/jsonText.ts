/**
 * Reading input files (estate, events, config, fault specs) the same way everywhere:
 *
 * - bytes are decoded as UTF-8 strictly: a leading byte-order mark is dropped, an invalid byte sequence
 *   is an error (never silently replaced by U+FFFD);
 * - JSON nesting is bounded before anything recurses over the value. `JSON.parse` itself copes with
 *   deep nesting, but schema validation (zod), estate walkers and JSON.stringify recurse and would fail
 *   with "Maximum call stack size exceeded"; an iterative scan finds the depth first, for the price of
 *   one pass over the text;
 * - error messages say where (line, column, byte offset) and what, and never quote the input: a wrong
 *   path (`--faults ~/.env`) must not print the file's contents.
 *
 * The limit, 64 levels, is the default `MaxDepth` of System.Text.Json and Json.NET, which ARM's .NET
 * front ends parse with (ASSUMED: ARM's exact limit is not documented); real ARM payloads nest about
 * ten levels deep.
 */

export const MAX_JSON_DEPTH = 64;

/** A problem with the text of an input, without the input's name: the caller adds which file. */
export class TextInputError extends Error {
  override readonly name = 'TextInputError';
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes UTF-8, dropping a leading byte-order mark (TextDecoder's default); throws TextInputError
 * naming the byte offset of the first invalid sequence.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return fatalDecoder.decode(bytes);
  } catch {
    throw new TextInputError(`not valid UTF-8 (invalid byte sequence at byte ${invalidUtf8Offset(bytes)})`);
  }
}

/**
 * The offset where the first invalid sequence starts: the shortest prefix that fails to decode in
 * streaming mode (where an incomplete sequence at the end is not yet an error) ends just past the byte
 * where the decoder gave up. Only called on failure.
 */
function invalidUtf8Offset(bytes: Uint8Array): number {
  const fails = (length: number): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length), { stream: true });
      return false;
    } catch {
      return true;
    }
  };
  let lo = 0;
  let hi = bytes.length;
  if (!fails(bytes.length)) {
    lo = bytes.length + 1; // only a sequence cut short by the end: "detected" just past the last byte
  } else {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (fails(mid)) hi = mid;
      else lo = mid + 1;
    }
  }
  // The error shows at byte lo - 1; when that byte merely ended an unfinished sequence, the sequence's
  // first byte is the one to name.
  let start = lo - 2;
  while (start >= 0 && start > lo - 5 && (bytes[start]! & 0xc0) === 0x80) start--;
  return start >= 0 && start > lo - 5 && bytes[start]! >= 0xc0
    ? start
    : Math.min(bytes.length - 1, Math.max(0, lo - 1));
}

function lineColumn(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return `line ${line}, column ${offset - start + 1}`;
}

/**
 * Where JSON text first nests deeper than `limit` arrays/objects, or undefined. Brackets inside strings do
 * not count. Iterative and linear; it does not validate the JSON (JSON.parse does that next).
 */
export function jsonNestingTooDeep(text: string, limit = MAX_JSON_DEPTH): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > limit) return `nested deeper than ${limit} levels (at ${lineColumn(text, i)})`;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return undefined;
}

/** True when a parsed value nests deeper than `limit` arrays/objects; iterative, stops at the first. */
export function valueNestingTooDeep(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * JSON.parse's message without the excerpt of the input it sometimes quotes, and with the position as a
 * line and column.
 */
export function jsonSyntaxMessage(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/^Unexpected token .*is not valid JSON$/s.test(message)) return 'not valid JSON (unexpected token)';
  const at = /^(.*?) in JSON at position (\d+)/s.exec(message);
  if (at) return `not valid JSON (${at[1]!}, at ${lineColumn(text, Number(at[2]))})`;
  return `not valid JSON (${message.replace(/"[^]*"/g, '…')})`;
}

/** Strictly decoded, depth-bounded JSON: bytes (or text already decoded) → value; throws TextInputError. */
export function parseJsonText(input: Uint8Array | string): unknown {
  const text = typeof input === 'string' ? input.replace(/^\uFEFF/, '') : decodeUtf8(input);
  const tooDeep = jsonNestingTooDeep(text);
  if (tooDeep) throw new TextInputError(tooDeep);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new TextInputError(jsonSyntaxMessage(error, text));
  }
}
