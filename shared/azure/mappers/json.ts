/**
 * Narrowing helpers for values whose declared type cannot be trusted at run time: SDK models (every
 * field optional, and JSON `null` arrives where the typings say `undefined`, docs/azure-behaviour.md §2.1) and
 * Resource Graph rows (`data: any`). Used by the mappers only.
 */

export type JsonRecord = Readonly<Record<string, unknown>>;

export function asRecord(value: unknown): JsonRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonRecord)
    : undefined;
}

/** A string, or undefined for anything else (including `null`). Never trimmed. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A non-empty string, or undefined. Never trimmed. */
export function asNonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `true` only for the JSON value `true`: an absent key, `null` and `false` all mean "off". */
export function isTrue(value: unknown): boolean {
  return value === true;
}

/** ARM tags: `{}` when absent or `null`; entries whose value is not a string are dropped. */
export function asTags(value: unknown): Record<string, string> {
  const record = asRecord(value);
  const tags: Record<string, string> = {};
  if (!record) return tags;
  for (const [k, v] of Object.entries(record)) if (typeof v === 'string') tags[k] = v;
  return tags;
}

export function asStringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
