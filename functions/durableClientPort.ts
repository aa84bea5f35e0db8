/**
 * The part of durable-functions' `DurableClient` that fedlink's triggers use, as a structural type.
 *
 * In Azure the triggers get the real client (`df.getClient(context)`); in the sandbox, the CLI and the
 * tests they get the in-process durable host's client (sandbox/durable/client.ts). The real
 * `df.DurableClient` is assignable to this interface (checked at compile time in
 * test/orchestrations/clientPort.test.ts), so nothing here may drift from durable-functions' types.
 *
 * Semantics the triggers must code against (docs/azure-behaviour.md §7.2; durable-functions
 * lib/src/durableClient/DurableClient.js):
 * - `startNew` rejects when an instance with that id is Pending or Running (the extension's
 *   `OrchestrationAlreadyExistsException`); a Completed, Failed or Terminated one is overwritten.
 * - `getStatus` rejects (HTTP 404) for an unknown id; it never resolves to undefined.
 * - `raiseEvent` and `terminate` reject for an unknown id, and resolve without effect (HTTP 410)
 *   when the instance has already finished.
 * - `createCheckStatusResponse` answers 202 with the management URLs as JSON and the headers
 *   `Location: <statusQueryGetUri>` and `Retry-After: 10`.
 */
import { type HttpRequest, type HttpResponse } from '@azure/functions';

/** durable-functions `OrchestrationRuntimeStatus` values (the enum is assignable to this union). */
export type RuntimeStatus =
  'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Canceled' | 'Terminated' | 'Pending' | 'Suspended';

/** durable-functions `DurableOrchestrationStatus`. */
export interface OrchestrationStatus {
  readonly name: string;
  readonly instanceId: string;
  readonly createdTime: Date;
  readonly lastUpdatedTime: Date;
  readonly input: unknown;
  /** The orchestrator's return value; for a Failed instance the failure message, for a Terminated one the reason. */
  readonly output: unknown;
  readonly runtimeStatus: RuntimeStatus;
  readonly customStatus?: unknown;
  readonly history?: unknown[];
}

/** durable-functions `StartNewOptions`. */
export interface StartOptions {
  /** Fixed per resource in fedlink (docs/style.md 12); random when omitted. */
  instanceId?: string;
  /** JSON-serializable; the orchestrator sees it after a JSON round trip. */
  input?: unknown;
}

/** durable-functions `HttpManagementPayload`. */
export interface ManagementPayload {
  readonly id: string;
  readonly statusQueryGetUri: string;
  readonly sendEventPostUri: string;
  readonly terminatePostUri: string;
  readonly rewindPostUri: string;
  readonly purgeHistoryDeleteUri: string;
  readonly suspendPostUri: string;
  readonly resumePostUri: string;
}

/** durable-functions `PurgeHistoryResult`. */
export interface PurgeResult {
  readonly instancesDeleted: number;
}

export interface DurableClientPort {
  /** Starts an orchestration; resolves with its instance id. */
  startNew(orchestratorFunctionName: string, options?: StartOptions): Promise<string>;
  /** Rejects for an unknown instance id. */
  getStatus(instanceId: string): Promise<OrchestrationStatus>;
  raiseEvent(instanceId: string, eventName: string, eventData: unknown): Promise<void>;
  terminate(instanceId: string, reason: string): Promise<void>;
  purgeInstanceHistory(instanceId: string): Promise<PurgeResult>;
  /** 202 + `Location` + `Retry-After: 10`, body: the management payload. */
  createCheckStatusResponse(request: HttpRequest | undefined, instanceId: string): HttpResponse;
  createHttpManagementPayload(instanceId: string): ManagementPayload;
}
