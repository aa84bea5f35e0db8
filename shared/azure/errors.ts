/**
 * ARM error classification: ONE table, code first, then status (docs/style.md 7).
 *
 *   retryable  transient; try again (after `retryAfterSeconds` when ARM sent one)
 *   throttled  a rate limit; wait `retryAfterSeconds` (Retry-After) before trying again
 *   terminal   retrying cannot help; report it
 *
 * The SDK pipeline has already retried what core-rest-pipeline retries (429/503 with Retry-After,
 * 408, 5xx but 501/505, connection resets: docs/azure-behaviour.md §6.5) by the time an error reaches this
 * table, so a retryable error here is one for the orchestration layer: it retries 409 concurrency
 * (which the SDK never retries) and anything the SDK gave up on, with durable timers.
 *
 * An error's class does not survive the durable activity boundary (docs/style.md 8), so `ArmError` has a
 * plain JSON form (`ArmErrorData`, `toData()` / `ArmError.fromData()`); `toArmError` accepts either.
 */
import { isRestError } from '@azure/core-rest-pipeline';

export type ErrorClassification = 'retryable' | 'throttled' | 'terminal';

/** One row of the table. A row matches on `code` (case-insensitive) or on `status`. */
export type ErrorRule =
  | { readonly code: string; readonly classification: ErrorClassification; readonly why: string }
  | {
      readonly status: number | '4xx' | '5xx';
      readonly classification: ErrorClassification;
      readonly why: string;
    };

/**
 * The table. Code rows come first and win over status rows, so a known code can override its
 * status either way: a 429 that is not throttling, a 409 that is permanent.
 */
export const ERROR_TABLE: readonly ErrorRule[] = [
  // --- codes: retryable ---------------------------------------------------------------------------
  {
    code: 'ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity',
    classification: 'retryable',
    why: '409 from two FIC writes (or deletes) under one identity at once; the SDK does not retry 409 (docs/azure-behaviour.md §1.5)',
  },
  {
    code: 'AnotherOperationInProgress',
    classification: 'retryable',
    why: '409: the resource is locked by another ARM operation; it ends on its own',
  },
  {
    code: 'RetryableErrorDueToAnotherOperation',
    classification: 'retryable',
    why: 'Network RP 429 while the target is locked by another operation: not throttling, but retry (docs/azure-behaviour.md §6.3)',
  },
  // Node/undici socket errors; the first six are the ones core-rest-pipeline retries (docs/azure-behaviour.md §6.5).
  { code: 'ECONNRESET', classification: 'retryable', why: 'connection reset' },
  { code: 'ETIMEDOUT', classification: 'retryable', why: 'connection timed out' },
  { code: 'ESOCKETTIMEDOUT', classification: 'retryable', why: 'socket timed out' },
  { code: 'ECONNREFUSED', classification: 'retryable', why: 'connection refused' },
  { code: 'ENOTFOUND', classification: 'retryable', why: 'DNS lookup failed (the SDK retries it too)' },
  { code: 'ENOENT', classification: 'retryable', why: 'retried by core-rest-pipeline as a system error' },
  { code: 'EAI_AGAIN', classification: 'retryable', why: 'temporary DNS failure' },
  { code: 'EPIPE', classification: 'retryable', why: 'connection closed while writing' },
  { code: 'ECONNABORTED', classification: 'retryable', why: 'connection aborted' },
  { code: 'UND_ERR_SOCKET', classification: 'retryable', why: 'socket closed by the peer' },
  {
    code: 'REQUEST_SEND_ERROR',
    classification: 'retryable',
    why: 'core-rest-pipeline could not send the request',
  },
  {
    code: 'PARSE_ERROR',
    classification: 'retryable',
    why: 'the response body was cut off or malformed; a new request usually succeeds',
  },
  // --- codes: throttled ---------------------------------------------------------------------------
  {
    code: 'SubscriptionRequestsThrottled',
    classification: 'throttled',
    why: 'ARM subscription token bucket empty (docs/azure-behaviour.md §6.3)',
  },
  {
    code: 'TooManyRequestsReceived',
    classification: 'throttled',
    why: 'ARM/AKS read limit (docs/azure-behaviour.md §6.3)',
  },
  { code: 'TooManyRequests', classification: 'throttled', why: 'generic 429 code' },
  // --- codes: terminal although their status would say retry --------------------------------------
  {
    code: 'ScopeLocked',
    classification: 'terminal',
    why: '409 from a management lock (CanNotDelete / ReadOnly); someone has to remove it',
  },
  {
    code: 'ReadOnlyDisabledSubscription',
    classification: 'terminal',
    why: '409: the subscription is disabled and read-only',
  },
  {
    code: 'MissingSubscriptionRegistration',
    classification: 'terminal',
    why: '409: the resource provider is not registered on the subscription',
  },
  {
    code: 'ResourceGroupBeingDeleted',
    classification: 'terminal',
    why: '409: the resource group is going away',
  },
  // --- statuses -----------------------------------------------------------------------------------
  { status: 408, classification: 'retryable', why: 'request timeout' },
  {
    status: 409,
    classification: 'retryable',
    why: 'conflict: concurrent writers (the documented FIC 409 is a bare "Conflict" in the Entra table, docs/azure-behaviour.md §1.5); never give up on 409',
  },
  {
    status: 429,
    classification: 'throttled',
    why: 'too many requests; honour Retry-After (docs/azure-behaviour.md §6.3, §6.4)',
  },
  {
    status: 501,
    classification: 'terminal',
    why: '501: the server lacks the feature, so a retry cannot help; core-rest-pipeline does not retry it either (docs/azure-behaviour.md §6.5)',
  },
  {
    status: 505,
    classification: 'terminal',
    why: 'HTTP version not supported; not retried by core-rest-pipeline (docs/azure-behaviour.md §6.5)',
  },
  { status: '5xx', classification: 'retryable', why: 'server error' },
  {
    status: '4xx',
    classification: 'terminal',
    why: 'the request is wrong (400), unauthorized (401/403), missing (404), ... retrying cannot help',
  },
];

const codeRows = new Map<string, ErrorRule>();
for (const row of ERROR_TABLE) if ('code' in row) codeRows.set(row.code.toLowerCase(), row);

export interface Classified {
  readonly classification: ErrorClassification;
  /** Which row decided, e.g. `code AnotherOperationInProgress` or `status 5xx`; `unclassified` when none. */
  readonly rule: string;
}

/** Looks `code` up first, then `status`; an error matching no row is terminal. */
export function classify(status: number | undefined, code: string | undefined): Classified {
  if (code) {
    const row = codeRows.get(code.toLowerCase());
    if (row && 'code' in row) return { classification: row.classification, rule: `code ${row.code}` };
  }
  if (status !== undefined) {
    for (const row of ERROR_TABLE) {
      if (!('status' in row)) continue;
      const s = row.status;
      const hit =
        s === status ||
        (s === '5xx' && status >= 500 && status <= 599) ||
        (s === '4xx' && status >= 400 && status <= 499);
      if (hit) return { classification: row.classification, rule: `status ${s}` };
    }
  }
  return { classification: 'terminal', rule: 'unclassified' };
}

/** The plain JSON form of an ArmError: survives the durable history, `JSON.stringify`, logs. */
export interface ArmErrorData {
  readonly kind: 'ArmError';
  readonly status?: number;
  readonly code?: string;
  readonly message: string;
  readonly classification: ErrorClassification;
  readonly rule: string;
  readonly retryAfterSeconds?: number;
  readonly resourceId?: string;
}

export interface ArmErrorInit {
  readonly status?: number | undefined;
  readonly code?: string | undefined;
  readonly message: string;
  readonly classification: ErrorClassification;
  readonly rule: string;
  readonly retryAfterSeconds?: number | undefined;
  readonly resourceId?: string | undefined;
}

/** Every error the gateway throws, already classified. */
export class ArmError extends Error {
  override readonly name = 'ArmError';
  /** HTTP status, or undefined for a network error or a local check. */
  readonly status: number | undefined;
  /** ARM error code (`error.code` of the body), a Node socket code, or a fedlink code for local checks. */
  readonly code: string | undefined;
  readonly classification: ErrorClassification;
  readonly rule: string;
  /** From Retry-After (or its ms variants, or ARG's quota reset), rounded up; undefined when absent. */
  readonly retryAfterSeconds: number | undefined;
  /** The resource the failed call was about, when known. */
  readonly resourceId: string | undefined;

  constructor(init: ArmErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.classification = init.classification;
    this.rule = init.rule;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.resourceId = init.resourceId;
  }

  get transient(): boolean {
    return this.classification !== 'terminal';
  }

  toData(): ArmErrorData {
    return {
      kind: 'ArmError',
      ...(this.status !== undefined ? { status: this.status } : {}),
      ...(this.code !== undefined ? { code: this.code } : {}),
      message: this.message,
      classification: this.classification,
      rule: this.rule,
      ...(this.retryAfterSeconds !== undefined ? { retryAfterSeconds: this.retryAfterSeconds } : {}),
      ...(this.resourceId !== undefined ? { resourceId: this.resourceId } : {}),
    };
  }

  /** `JSON.stringify(error)` gives the data form (an Error would otherwise stringify to `{}`). */
  toJSON(): ArmErrorData {
    return this.toData();
  }

  static fromData(data: ArmErrorData): ArmError {
    return new ArmError(data);
  }
}

const CLASSIFICATIONS: readonly string[] = ['retryable', 'throttled', 'terminal'];

export function isArmErrorData(value: unknown): value is ArmErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v['kind'] === 'ArmError' &&
    typeof v['message'] === 'string' &&
    typeof v['classification'] === 'string' &&
    CLASSIFICATIONS.includes(v['classification']) &&
    typeof v['rule'] === 'string' &&
    (v['status'] === undefined || typeof v['status'] === 'number') &&
    (v['code'] === undefined || typeof v['code'] === 'string') &&
    (v['retryAfterSeconds'] === undefined || typeof v['retryAfterSeconds'] === 'number') &&
    (v['resourceId'] === undefined || typeof v['resourceId'] === 'string')
  );
}

/** Builds a terminal ArmError for a check fedlink makes before (or instead of) calling ARM. */
export function localArmError(code: string, message: string, resourceId?: string): ArmError {
  return new ArmError({ code, message, classification: 'terminal', rule: `local ${code}`, resourceId });
}

export interface ToArmErrorContext {
  /** The resource the call was about (kept on the error for logs and findings). */
  readonly resourceId?: string | undefined;
  /** "Now" for an HTTP-date Retry-After; defaults to the wall clock. */
  readonly nowMs?: number;
}

// ARM sometimes answers with an HTML page (a proxy's 502); keep findings and logs readable.
const MAX_MESSAGE_LENGTH = 1000;

function clip(message: string): string {
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message;
}

interface HeaderSource {
  get(name: string): string | undefined;
}

/**
 * Retry-After in whole seconds (rounded up), from, in order: `Retry-After` (seconds or an HTTP date:
 * what ARM sends on a 429, docs/azure-behaviour.md §6.3), then `retry-after-ms` / `x-ms-retry-after-ms`
 * (milliseconds, the other headers core-rest-pipeline honours, §6.5), then Resource Graph's
 * `x-ms-user-quota-resets-after` (`hh:mm:ss`, §6.4). `Retry-After` comes first because this value
 * schedules a durable timer: in Azure the headers agree, while the sandbox emulator also sends a
 * compressed real-time `retry-after-ms` for the SDK's own wait (sandbox/emulator/retryAfter.ts).
 */
export function retryAfterSecondsFrom(
  headers: HeaderSource | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter));
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - nowMs) / 1000));
  }
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const raw = headers.get(name)?.trim();
    if (raw && /^\d+(\.\d+)?$/.test(raw)) return Math.ceil(Number(raw) / 1000);
  }
  return hmsToSeconds(headers.get('x-ms-user-quota-resets-after'));
}

/** Resource Graph's `hh:mm:ss` (as in `x-ms-user-quota-resets-after: 00:00:03`) in whole seconds, rounded up. */
export function hmsToSeconds(text: string | undefined): number | undefined {
  const hms = text ? /^(\d+):(\d{1,2}):(\d{1,2})(\.\d+)?$/.exec(text.trim()) : null;
  if (!hms) return undefined;
  return (
    Number(hms[1]) * 3600 + Number(hms[2]) * 60 + Number(hms[3]) + (hms[4] && Number(hms[4]) > 0 ? 1 : 0)
  );
}

function stringProp(value: object, key: string): string | undefined {
  const v = (value as Record<string, unknown>)[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Converts anything thrown by an SDK call (a `RestError`, a Node socket error, an `ArmError` or its
 * data form) into a classified ArmError. Never throws.
 */
export function toArmError(error: unknown, context: ToArmErrorContext = {}): ArmError {
  const nowMs = context.nowMs ?? Date.now();
  if (error instanceof ArmError) {
    if (context.resourceId === undefined || error.resourceId !== undefined) return error;
    return new ArmError({ ...error.toData(), resourceId: context.resourceId });
  }
  if (isArmErrorData(error))
    return new ArmError({ ...error, resourceId: error.resourceId ?? context.resourceId });

  if (isRestError(error)) {
    const status = error.statusCode;
    const code = error.code || undefined;
    const { classification, rule } = classify(status, code);
    const bodyText = error.response?.bodyAsText;
    const message = error.message || bodyText || (status !== undefined ? `HTTP ${status}` : 'request failed');
    return new ArmError({
      status,
      code,
      message: clip(message),
      classification,
      rule,
      retryAfterSeconds: retryAfterSecondsFrom(error.response?.headers, nowMs),
      resourceId: context.resourceId,
    });
  }

  // Error-like (duck-typed: Node socket errors can come from another realm, where instanceof fails).
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string'
  ) {
    const message = stringProp(error, 'message') ?? stringProp(error, 'name') ?? 'error';
    // The caller gave up (abort signal): not ARM's answer, and not worth retrying by itself.
    if (stringProp(error, 'name') === 'AbortError') {
      return new ArmError({
        code: 'Aborted',
        message: clip(message),
        classification: 'terminal',
        rule: 'aborted',
        resourceId: context.resourceId,
      });
    }
    const code = stringProp(error, 'code');
    const { classification, rule } = classify(undefined, code);
    return new ArmError({
      code,
      message: clip(message),
      classification,
      rule,
      resourceId: context.resourceId,
    });
  }

  return new ArmError({
    message: clip(String(error)),
    classification: 'terminal',
    rule: 'unclassified',
    resourceId: context.resourceId,
  });
}
