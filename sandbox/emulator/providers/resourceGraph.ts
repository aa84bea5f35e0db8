/**
 * `POST /providers/Microsoft.ResourceGraph/resources` (docs/azure-behaviour.md §4.4, §6.4): runs the emulator's KQL
 * subset (kql/, README.md) over the estate.
 *
 * Request `{ subscriptions?, query, options?: { $top, $skip, $skipToken, resultFormat } }`; answer
 * `{ totalRecords, count, data, facets: [], resultTruncated: "true"|"false", $skipToken? }` (strings for
 * resultTruncated, as published). Pages hold at most 1,000 rows (`$top` can lower that). A
 * `$skipToken` is issued only when the results carry an `id` column (ARG needs it to page stably, per
 * the published ResourcesNextPageQuery description); otherwise the answer is truncated and says so.
 * Quota: 15 queries per 5 s window, `x-ms-user-quota-remaining` / `x-ms-user-quota-resets-after`
 * (hh:mm:ss) on every answer, 429 `RateLimiting` (OBSERVED code) with Retry-After when exhausted.
 * Invalid or unsupported queries: 400 `BadRequest` with details `InvalidQuery` and the parser's
 * finding (OBSERVED envelope: message "Please provide below info when asking for support: ...").
 * Subscriptions outside the estate are ignored (ASSUMED: ARG answers for what the caller can read);
 * no subscriptions means all of the estate's. `resultFormat: table` and facets are not emulated (400).
 */
import { type EmulatorCore } from '../context';
import { badRequest, unsupportedOperation } from '../errors';
import { ArmError, type ArmRequest, type ArmResponse, type ErrorDetail } from '../http';
import { isJsonObject, type JsonObject } from '../json';
import { evaluate, type Value } from '../kql/evaluate';
import { KqlError } from '../kql/lexer';
import { parseKql } from '../kql/parser';
import { hash32 } from '../prng';
import { throttleHeaders } from '../retryAfter';
import { resourceContainersTable, resourcesTable } from './resourceGraphRows';

export const MAX_PAGE_ROWS = 1000;
const SANDBOX_USER = 'sandbox-principal';

function hhmmss(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [h, m, s].map((n) => String(n).padStart(2, '0')).join(':');
}

function argError(core: EmulatorCore, details: ErrorDetail[], headers: Record<string, string>): ArmError {
  const correlationId = core.random.uuid('arg-correlation');
  return new ArmError(
    400,
    'BadRequest',
    `Please provide below info when asking for support: timestamp = ${new Date(core.clock.now()).toISOString()}, correlationId = ${correlationId}.`,
    headers,
    details,
  );
}

const INVALID_QUERY: ErrorDetail = {
  code: 'InvalidQuery',
  message:
    'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.',
};

function kqlDetails(e: KqlError): ErrorDetail[] {
  const detail: ErrorDetail = { code: e.kind, message: e.message };
  if (e.line !== undefined) detail['line'] = e.line;
  if (e.column !== undefined) detail['characterPositionInLine'] = e.column;
  if (e.token !== undefined) detail['token'] = e.token;
  return [INVALID_QUERY, detail];
}

interface Paging {
  readonly offset: number;
  readonly pageSize: number;
}

function tokenFor(query: string, scope: readonly string[], offset: number): string {
  return Buffer.from(JSON.stringify({ q: hash32(`${query}|${scope.join(',')}`), o: offset })).toString(
    'base64',
  );
}

function paging(
  core: EmulatorCore,
  options: JsonObject | undefined,
  query: string,
  scope: readonly string[],
  headers: Record<string, string>,
): Paging {
  const top = options?.['$top'];
  const skip = options?.['$skip'];
  const token = options?.['$skipToken'];
  if (
    top !== undefined &&
    (typeof top !== 'number' || !Number.isInteger(top) || top < 1 || top > MAX_PAGE_ROWS)
  ) {
    throw argError(
      core,
      [
        {
          code: 'InvalidParameter',
          message: `options.$top must be an integer between 1 and ${MAX_PAGE_ROWS}.`,
        },
      ],
      headers,
    );
  }
  if (skip !== undefined && (typeof skip !== 'number' || !Number.isInteger(skip) || skip < 0)) {
    throw argError(
      core,
      [{ code: 'InvalidParameter', message: 'options.$skip must be a non-negative integer.' }],
      headers,
    );
  }
  const pageSize = typeof top === 'number' ? top : MAX_PAGE_ROWS;
  if (token === undefined || token === null || token === '')
    return { offset: typeof skip === 'number' ? skip : 0, pageSize };
  if (typeof token !== 'string')
    throw argError(
      core,
      [{ code: 'InvalidSkipToken', message: 'options.$skipToken must be a string.' }],
      headers,
    );
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { q?: unknown; o?: unknown };
    if (parsed.q === hash32(`${query}|${scope.join(',')}`) && typeof parsed.o === 'number')
      return { offset: parsed.o, pageSize };
  } catch {
    // fall through
  }
  // ASSUMED code: ARG rejects a token that does not belong to the query.
  throw argError(
    core,
    [{ code: 'InvalidSkipToken', message: `The $skipToken '${token}' does not belong to this query.` }],
    headers,
  );
}

function toObject(columns: readonly string[], row: ReadonlyMap<string, Value>): JsonObject {
  const out: JsonObject = {};
  for (const c of columns) {
    const v = row.get(c);
    out[c] = v === undefined ? null : v;
  }
  return out;
}

export function queryResources(req: ArmRequest, core: EmulatorCore): ArmResponse {
  if (req.method !== 'POST') throw unsupportedOperation(req.method, 'Microsoft.ResourceGraph/resources');
  const now = core.clock.now();
  const window = core.limits.graphWindow(SANDBOX_USER);
  const quotaHeaders = (): Record<string, string> =>
    window
      ? {
          'x-ms-user-quota-remaining': String(window.remaining(now)),
          'x-ms-user-quota-resets-after': hhmmss(window.resetsAfterMs(now)),
        }
      : {};
  if (window && !window.tryTake(now)) {
    const wait = window.resetsAfterMs(now);
    throw new ArmError(
      429,
      'RateLimiting',
      'Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.',
      { ...quotaHeaders(), ...throttleHeaders(wait, core.clock.scale) },
    );
  }
  const headers = quotaHeaders();
  const body = isJsonObject(req.body) ? req.body : undefined;
  const query = body?.['query'];
  if (!body || typeof query !== 'string')
    throw argError(
      core,
      [{ code: 'InvalidParameter', message: 'The request must have a string "query".' }],
      headers,
    );
  const subscriptions = body['subscriptions'];
  if (
    subscriptions !== undefined &&
    (!Array.isArray(subscriptions) || subscriptions.some((s) => typeof s !== 'string'))
  ) {
    throw argError(
      core,
      [{ code: 'InvalidParameter', message: '"subscriptions" must be a list of subscription ids.' }],
      headers,
    );
  }
  if (body['managementGroups'] !== undefined)
    throw badRequest(
      'Management group scopes are not emulated; pass subscriptions.',
      'FedlinkEmulatorUnsupported',
    );
  const facets = body['facets'];
  if (Array.isArray(facets) && facets.length > 0)
    throw badRequest('Facets are not emulated.', 'FedlinkEmulatorUnsupported');
  const options = isJsonObject(body['options']) ? body['options'] : undefined;
  const format = options?.['resultFormat'];
  if (format !== undefined && format !== 'objectArray')
    throw badRequest(
      `resultFormat '${JSON.stringify(format)}' is not emulated; use objectArray.`,
      'FedlinkEmulatorUnsupported',
    );
  const scopeList = Array.isArray(subscriptions)
    ? (subscriptions as string[]).map((s) => s.toLowerCase()).sort()
    : [];
  const scope = Array.isArray(subscriptions) ? new Set(scopeList) : undefined;
  const page = paging(core, options, query, scopeList, headers);
  let result;
  try {
    const parsed = parseKql(query);
    const table =
      parsed.table === 'resources' ? resourcesTable(core, scope) : resourceContainersTable(core, scope);
    result = evaluate(parsed, table);
  } catch (e) {
    if (e instanceof KqlError) throw argError(core, kqlDetails(e), headers);
    throw e;
  }
  const total = result.rows.length;
  const rows = result.rows.slice(page.offset, page.offset + page.pageSize);
  const more = page.offset + rows.length < total;
  const pageable = result.columns.includes('id');
  const response: JsonObject = {
    totalRecords: total,
    count: rows.length,
    data: rows.map((r) => toObject(result.columns, r)),
    facets: [],
    resultTruncated: more && !pageable ? 'true' : 'false',
  };
  if (more && pageable) response['$skipToken'] = tokenFor(query, scopeList, page.offset + rows.length);
  return { status: 200, headers, body: response };
}
