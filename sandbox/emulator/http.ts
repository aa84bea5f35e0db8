/**
 * The emulator's request/response model: what handlers receive and return. Errors are thrown as
 * ArmError and rendered with ARM's envelope `{ error: { code, message, details? } }` (docs/azure-behaviour.md §6.2).
 */
import { type IncomingHttpHeaders } from 'node:http';
import { type JsonObject, type JsonValue } from './json';

export interface ArmRequest {
  readonly method: string;
  /** Decoded path without query string or trailing slash, original casing. */
  readonly path: string;
  /** Decoded path segments. */
  readonly segments: readonly string[];
  readonly query: ReadonlyMap<string, string>;
  /** Lower-cased header names. */
  readonly headers: IncomingHttpHeaders;
  readonly apiVersion: string | undefined;
  /** Parsed JSON body, undefined when there was none. */
  readonly body: JsonValue | undefined;
  /** Virtual time at arrival. */
  readonly receivedAt: number;
}

export interface ArmResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: JsonValue;
}

/** Query parameters are matched case-insensitively (`$skipToken` and `$skiptoken` both occur). */
export function queryParam(req: ArmRequest, name: string): string | undefined {
  return req.query.get(name.toLowerCase());
}

export function header(req: ArmRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export interface ErrorDetail extends JsonObject {
  code: string;
  message: string;
}

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly details?: readonly ErrorDetail[],
    readonly target?: string,
  ) {
    super(message);
    this.name = 'ArmError';
  }

  toResponse(): ArmResponse {
    const error: JsonObject = { code: this.code, message: this.message };
    if (this.target !== undefined) error['target'] = this.target;
    if (this.details) error['details'] = [...this.details];
    return { status: this.status, headers: this.headers, body: { error } };
  }
}

export function ok(body: JsonValue, status = 200, headers: Record<string, string> = {}): ArmResponse {
  return { status, headers, body };
}

export function noContent(status = 204, headers: Record<string, string> = {}): ArmResponse {
  return { status, headers };
}
