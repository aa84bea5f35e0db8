/**
 * Typed access into parsed JSON for tests that derive variants of the published fixtures
 * (no `any`: every step is checked, and a wrong path fails loudly instead of passing vacuously).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export type JsonObject = Record<string, unknown>;

export const FIXTURES = resolve(__dirname, '../../fixtures/azure');

export function readFixture(path: string): unknown {
  return JSON.parse(readFileSync(resolve(FIXTURES, path), 'utf8'));
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The object at `path` inside `value` (each step must be an object, or an array for a number). */
export function obj(value: unknown, ...path: (string | number)[]): JsonObject {
  let current: unknown = value;
  for (const step of path) {
    if (typeof current !== 'object' || current === null)
      throw new Error(`no ${String(step)} in ${JSON.stringify(current)?.slice(0, 80)}`);
    current = (current as Record<string | number, unknown>)[step];
  }
  if (typeof current !== 'object' || current === null || Array.isArray(current))
    throw new Error(`not an object at ${path.join('.')}`);
  return current as JsonObject;
}

/** The object or array at `path` inside `value`, for setting one of its members. */
export function container(value: unknown, ...path: (string | number)[]): Record<string | number, unknown> {
  let current: unknown = value;
  for (const step of path) {
    if (typeof current !== 'object' || current === null)
      throw new Error(`no ${String(step)} in ${JSON.stringify(current)?.slice(0, 80)}`);
    current = (current as Record<string | number, unknown>)[step];
  }
  if (typeof current !== 'object' || current === null)
    throw new Error(`not an object or array at ${path.join('.')}`);
  return current as Record<string | number, unknown>;
}

/** The string at `key` of an object. */
export function str(value: JsonObject, key: string): string {
  const found = value[key];
  if (typeof found !== 'string') throw new Error(`not a string at ${key}`);
  return found;
}
