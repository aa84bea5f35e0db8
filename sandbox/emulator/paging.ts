/**
 * ARM list paging: `{ value: [...], nextLink? }`, where nextLink is an absolute URL back to the emulator
 * carrying the api-version, any `$top`, and an opaque `$skiptoken` (the SDKs follow nextLink verbatim;
 * docs/azure-behaviour.md §1.2 for MSI's `$top`/`$skiptoken`). nextLink is omitted on the last page rather than null.
 */
import { badRequest } from './errors';
import { type ArmRequest, queryParam } from './http';
import { type JsonValue } from './json';

interface SkipToken {
  readonly o: number;
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset } satisfies SkipToken)).toString('base64url');
}

function decodeToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as SkipToken).o === 'number' &&
      (parsed as SkipToken).o >= 0
    ) {
      return (parsed as SkipToken).o;
    }
  } catch {
    // fall through
  }
  // ASSUMED code: RPs differ; a token the emulator did not issue is a client bug either way.
  throw badRequest(`The skip token '${token}' is invalid.`, 'InvalidSkipToken');
}

/** `$top` as a positive integer, or undefined; anything else is a 400 (MSI declares $top minimum 1). */
export function topParam(req: ArmRequest): number | undefined {
  const raw = queryParam(req, '$top');
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw badRequest(
      `The value '${raw}' of $top is invalid: it must be an integer >= 1.`,
      'InvalidParameter',
    );
  return n;
}

export function pageOf(
  req: ArmRequest,
  endpoint: string,
  items: readonly JsonValue[],
  defaultPageSize: number,
): JsonValue {
  const top = topParam(req);
  const pageSize = top ?? defaultPageSize;
  const token = queryParam(req, '$skiptoken');
  const offset = token === undefined ? 0 : decodeToken(token);
  const value = items.slice(offset, offset + pageSize);
  const next = offset + pageSize;
  if (next >= items.length) return { value };
  // Literal `$` in the parameter names, as ARM's own nextLinks have them (the fixtures' examples).
  const params = [`api-version=${encodeURIComponent(req.apiVersion ?? '')}`];
  if (top !== undefined) params.push(`$top=${top}`);
  params.push(`$skiptoken=${encodeToken(next)}`);
  return { value, nextLink: `${endpoint}${encodePath(req.path)}?${params.join('&')}` };
}

export function encodePath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}
