/**
 * Strict input text: UTF-8 decoding (BOM accepted, invalid bytes refused with their offset), JSON nesting
 * bounded without recursion, and syntax messages that never quote the input.
 */
import {
  decodeUtf8,
  jsonNestingTooDeep,
  MAX_JSON_DEPTH,
  parseJsonText,
  TextInputError,
  valueNestingTooDeep,
} from '../../../shared/core/jsonText';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('decodeUtf8', () => {
  it('drops a leading byte-order mark and keeps one anywhere else', () => {
    expect(decodeUtf8(bytes([0xef, 0xbb, 0xbf], '{"a":"é"}'))).toBe('{"a":"é"}');
    expect(decodeUtf8(bytes('x\uFEFF'))).toBe('x\uFEFF');
  });

  it.each([
    ['a byte that is never UTF-8', bytes('ab', [0xff], 'cd'), 2],
    ['a Latin-1 é before a quote', bytes('"caf', [0xe9], '"'), 4],
    ['a lone continuation byte', bytes('abc', [0x80]), 3],
    ['a sequence cut short by the end of the file', bytes('abc', [0xe2, 0x82]), 3],
    ['an encoded surrogate', bytes('a', [0xed, 0xa0, 0x80]), 1],
    ['an overlong "/"', bytes([0xc0, 0xaf]), 0],
  ])('refuses %s and names the byte offset', (_what, input, offset) => {
    expect(() => decodeUtf8(input)).toThrow(
      new TextInputError(`not valid UTF-8 (invalid byte sequence at byte ${offset})`),
    );
  });
});

describe('JSON nesting', () => {
  it('counts arrays and objects, not brackets inside strings (escaped quotes included)', () => {
    const inString = `{"a": "${'['.repeat(200)} \\" ${'{'.repeat(200)}"}`;
    expect(jsonNestingTooDeep(inString)).toBeUndefined();
    expect(jsonNestingTooDeep('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBeUndefined();
    expect(jsonNestingTooDeep('\n ' + '[{"a":'.repeat(40))).toBe(
      'nested deeper than 64 levels (at line 2, column 194)',
    );
  });

  it('5,000 levels: a clear error, not "Maximum call stack size exceeded"', () => {
    expect(() => parseJsonText('['.repeat(5000) + ']'.repeat(5000))).toThrow(
      new TextInputError('nested deeper than 64 levels (at line 1, column 65)'),
    );
    let value: unknown = 1;
    for (let i = 0; i < 5000; i++) value = { v: value };
    expect(valueNestingTooDeep(value)).toBe(true);
    expect(valueNestingTooDeep({ a: [[{ b: 1 }]] })).toBe(false);
  });
});

describe('parseJsonText', () => {
  it('parses text and bytes, with or without a byte-order mark', () => {
    expect(parseJsonText('\uFEFF{"a":[1]}')).toEqual({ a: [1] });
    expect(parseJsonText(bytes([0xef, 0xbb, 0xbf], '[true]'))).toEqual([true]);
  });

  it.each([
    ['AZURE_CLIENT_SECRET=s3cr3t', 'not valid JSON (unexpected token)'],
    ['{\n  "a": 1,\n}', 'not valid JSON (Expected double-quoted property name, at line 3, column 1)'],
    ['', 'not valid JSON (Unexpected end of JSON input)'],
  ])('says what is wrong with %j without quoting it', (text, message) => {
    expect(() => parseJsonText(text)).toThrow(new TextInputError(message));
  });
});
