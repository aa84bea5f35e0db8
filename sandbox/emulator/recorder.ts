/**
 * Records every request the emulator answers and derives the metrics the sandbox reports.
 *
 * Retry hygiene (docs/targets.md, reliability 3): when the emulator answers 429 or 503 with Retry-After, it
 * remembers the client's `x-ms-client-request-id` (core-rest-pipeline keeps it across retries of one
 * operation) and the virtual time from which a retry is allowed. A later request with the same id is
 * recorded as a retry with how long it actually waited, so tests can assert every retry waited at least
 * Retry-After. Tolerance: one real millisecond of timer granularity (= `scale` virtual ms).
 */
import { type FaultKind } from './faults';

export type OperationClass = 'read' | 'write' | 'delete';

export interface RetryObservation {
  /** Virtual ms between the throttled answer and this retry. */
  readonly waitedMs: number;
  /** Virtual ms the throttled answer asked for (Retry-After). */
  readonly requiredMs: number;
  readonly ok: boolean;
  /** Status of the answer that asked for the wait (429 or 503). */
  readonly afterStatus: number;
}

export interface OperationRecord {
  readonly method: string;
  /** Path without query string. */
  readonly path: string;
  readonly apiVersion: string | undefined;
  /** HTTP status; 0 when the connection was reset. */
  readonly status: number;
  /** ARM error code of an error answer. */
  readonly code?: string;
  /** Virtual ms at arrival. */
  readonly at: number;
  /** Virtual ms until the answer. */
  readonly durationMs: number;
  readonly operationClass: OperationClass;
  readonly clientRequestId?: string;
  /** The request body as sent, for writes and deletes (reads: absent); test/crash compares repeated writes by it. */
  readonly body?: string;
  /**
   * sha256 (hex, first 16) of the request body as sent, for requests with one: tells a write repeated
   * with the same body from one that changed something (test/chaos "written twice").
   */
  readonly bodyDigest?: string;
  /** Set when the answer was an injected fault. */
  readonly fault?: FaultKind | 'connectionResetAfterWrite';
  /** Set when this request retried one answered with 429/503 + Retry-After. */
  readonly retry?: RetryObservation;
}

export interface EmulatorMetrics {
  /** Requests received, by ARM operation class (GET and Resource Graph queries are reads), errors included. */
  readonly armReads: number;
  readonly armWrites: number;
  readonly armDeletes: number;
  /** Successful (2xx) writes and deletes: the changes the emulator applied or accepted. */
  readonly committedWrites: number;
  readonly committedDeletes: number;
  readonly throttled429: number;
  readonly injected429: number;
  readonly conflicts409: number;
  readonly preconditionFailed412: number;
  readonly serverErrors5xx: number;
  readonly connectionResets: number;
  readonly resourceGraphQueries: number;
  readonly lroPolls: number;
  readonly retriesAfterThrottle: number;
  readonly retryHygieneViolations: number;
}

export class Recorder {
  readonly operations: OperationRecord[] = [];
  private readonly pendingRetries = new Map<
    string,
    { notBefore: number; answeredAt: number; requiredMs: number; status: number }
  >();

  constructor(private readonly toleranceMs: number) {}

  /** Called on arrival: if this request retries a throttled one, how long did it wait? */
  observeArrival(clientRequestId: string | undefined, now: number): RetryObservation | undefined {
    if (clientRequestId === undefined) return undefined;
    const pending = this.pendingRetries.get(clientRequestId);
    if (!pending) return undefined;
    this.pendingRetries.delete(clientRequestId);
    const waitedMs = now - pending.answeredAt;
    return {
      waitedMs,
      requiredMs: pending.requiredMs,
      ok: waitedMs + this.toleranceMs >= pending.requiredMs,
      afterStatus: pending.status,
    };
  }

  /** Called when answering 429/503 with Retry-After. */
  expectRetry(
    clientRequestId: string | undefined,
    answeredAt: number,
    requiredMs: number,
    status: number,
  ): void {
    if (clientRequestId === undefined) return;
    this.pendingRetries.set(clientRequestId, {
      notBefore: answeredAt + requiredMs,
      answeredAt,
      requiredMs,
      status,
    });
  }

  record(op: OperationRecord): void {
    this.operations.push(op);
  }

  metrics(): EmulatorMetrics {
    let armReads = 0;
    let armWrites = 0;
    let armDeletes = 0;
    let committedWrites = 0;
    let committedDeletes = 0;
    let throttled429 = 0;
    let injected429 = 0;
    let conflicts409 = 0;
    let preconditionFailed412 = 0;
    let serverErrors5xx = 0;
    let connectionResets = 0;
    let resourceGraphQueries = 0;
    let lroPolls = 0;
    let retriesAfterThrottle = 0;
    let retryHygieneViolations = 0;
    for (const op of this.operations) {
      const success = op.status >= 200 && op.status < 300;
      if (op.operationClass === 'read') armReads++;
      else if (op.operationClass === 'write') {
        armWrites++;
        if (success) committedWrites++;
      } else {
        armDeletes++;
        if (success) committedDeletes++;
      }
      if (op.fault === 'connectionResetAfterWrite') {
        if (op.operationClass === 'write') committedWrites++;
        else if (op.operationClass === 'delete') committedDeletes++;
      }
      if (op.status === 429) {
        throttled429++;
        if (op.fault) injected429++;
      }
      if (op.status === 409) conflicts409++;
      if (op.status === 412) preconditionFailed412++;
      if (op.status >= 500) serverErrors5xx++;
      if (op.status === 0) connectionResets++;
      if (/\/providers\/microsoft\.resourcegraph\/resources$/i.test(op.path)) resourceGraphQueries++;
      if (
        /\/(privateDnsOperation(Statuses|Results)|operations|operationResults|operationStatuses)\/[^/]+$/i.test(
          op.path,
        )
      )
        lroPolls++;
      if (op.retry) {
        retriesAfterThrottle++;
        if (!op.retry.ok) retryHygieneViolations++;
      }
    }
    return {
      armReads,
      armWrites,
      armDeletes,
      committedWrites,
      committedDeletes,
      throttled429,
      injected429,
      conflicts409,
      preconditionFailed412,
      serverErrors5xx,
      connectionResets,
      resourceGraphQueries,
      lroPolls,
      retriesAfterThrottle,
      retryHygieneViolations,
    };
  }
}
