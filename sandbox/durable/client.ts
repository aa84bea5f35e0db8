/**
 * The host's DurableClientPort: durable-functions' DurableClient semantics over the in-process host
 * instead of the extension's HTTP API (durable-functions lib/src/durableClient/DurableClient.js):
 * - errors are the client's own messages for the status codes the extension answers with (404 on an
 *   unknown id; `createGenericError` otherwise), and everything is async, as over HTTP;
 * - inputs and event payloads are JSON round-tripped;
 * - management URLs have the extension's webhook shape
 *   (`<base>/runtime/webhooks/durabletask/instances/<id>?taskHub=<hub>&connection=Storage[&code=<key>]`),
 *   with the origin replaced by the request's, as `getClientResponseLinks` does.
 */
import { type HttpRequest, HttpResponse } from '@azure/functions';
import {
  type DurableClientPort,
  type ManagementPayload,
  type OrchestrationStatus,
  type PurgeResult,
  type StartOptions,
} from '../../functions/durableClientPort';

/** What the client needs from the host. */
export interface ClientBackend {
  /** Creates (or overwrites) an instance; throws a ClientError when the extension would refuse. */
  start(name: string, instanceId: string | undefined, input: string | undefined): string;
  status(instanceId: string): OrchestrationStatus | undefined;
  /** 'gone' = the instance exists but has finished (HandleRaiseEventRequestAsync answers 410; the client ignores it). */
  raiseEvent(
    instanceId: string,
    eventName: string,
    data: string | undefined,
  ): 'delivered' | 'gone' | 'missing';
  terminate(instanceId: string, reason: string): 'terminated' | 'gone' | 'missing';
  purge(instanceId: string): number;
}

/**
 * An error answer of the extension's HTTP API (HttpApiHandler: `request.CreateErrorResponse(status,
 * message)`, whose body is `{"Message": ...}`), as DurableClient.createGenericError words it.
 */
export class ClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /**
     * An exception the handler passed along (`CreateErrorResponse(status, message, e)` adds
     * ExceptionMessage, ExceptionType and StackTrace; the .NET stack trace is not reproduced: null).
     */
    exception?: { readonly message: string; readonly type: string },
  ) {
    const body = exception
      ? {
          Message: message,
          ExceptionMessage: exception.message,
          ExceptionType: exception.type,
          StackTrace: null,
        }
      : { Message: message };
    super(`The operation failed with an unexpected status code: ${status}. Details: ${JSON.stringify(body)}`);
    this.name = 'Error';
  }
}

export interface ClientOptions {
  /** Origin of the management URLs when no request is given. */
  readonly baseUrl: string;
  readonly taskHubName: string;
  readonly connectionName: string;
  /** Appended as `code=` when set (the extension's system key). */
  readonly systemKey?: string;
}

function serialize(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

export class SandboxDurableClient implements DurableClientPort {
  constructor(
    private readonly backend: ClientBackend,
    private readonly options: ClientOptions,
  ) {}

  get taskHubName(): string {
    return this.options.taskHubName;
  }

  startNew(orchestratorFunctionName: string, options?: StartOptions): Promise<string> {
    return Promise.resolve().then(() => {
      if (!orchestratorFunctionName) throw new Error('orchestratorFunctionName must be a valid string.');
      return this.backend.start(orchestratorFunctionName, options?.instanceId, serialize(options?.input));
    });
  }

  getStatus(instanceId: string): Promise<OrchestrationStatus> {
    return Promise.resolve().then(() => {
      const status = this.backend.status(instanceId);
      if (!status) {
        throw new Error(
          `DurableClient error: Durable Functions extension replied with HTTP 404 response. This usually means we could not find any data associated with the instanceId provided: ${instanceId}.`,
        );
      }
      return status;
    });
  }

  raiseEvent(instanceId: string, eventName: string, eventData: unknown): Promise<void> {
    return Promise.resolve().then(() => {
      if (!eventName) throw new Error('eventName must be a valid string.');
      if (this.backend.raiseEvent(instanceId, eventName, serialize(eventData)) === 'missing')
        throw new Error(`No instance with ID '${instanceId}' found.`);
    });
  }

  terminate(instanceId: string, reason: string): Promise<void> {
    return Promise.resolve().then(() => {
      if (this.backend.terminate(instanceId, reason) === 'missing')
        throw new Error(`No instance with ID '${instanceId}' found.`);
    });
  }

  purgeInstanceHistory(instanceId: string): Promise<PurgeResult> {
    return Promise.resolve().then(() => ({ instancesDeleted: this.backend.purge(instanceId) }));
  }

  createCheckStatusResponse(request: HttpRequest | undefined, instanceId: string): HttpResponse {
    const payload = this.links(request, instanceId);
    return new HttpResponse({
      status: 202,
      jsonBody: payload,
      headers: {
        'Content-Type': 'application/json',
        Location: payload.statusQueryGetUri,
        'Retry-After': '10',
      },
    });
  }

  createHttpManagementPayload(instanceId: string): ManagementPayload {
    return this.links(undefined, instanceId);
  }

  private links(request: HttpRequest | undefined, instanceId: string): ManagementPayload {
    let origin = new URL(this.options.baseUrl).origin;
    if (request?.url) {
      try {
        origin = new URL(request.url).origin;
      } catch {
        // keep the configured origin, as the client does for an invalid request URL
      }
    }
    const base = `${origin}/runtime/webhooks/durabletask/instances/${instanceId}`;
    const query = `taskHub=${this.options.taskHubName}&connection=${this.options.connectionName}${this.options.systemKey ? `&code=${this.options.systemKey}` : ''}`;
    return {
      id: instanceId,
      statusQueryGetUri: `${base}?${query}`,
      sendEventPostUri: `${base}/raiseEvent/{eventName}?${query}`,
      terminatePostUri: `${base}/terminate?reason={text}&${query}`,
      rewindPostUri: `${base}/rewind?reason={text}&${query}`,
      purgeHistoryDeleteUri: `${base}?${query}`,
      suspendPostUri: `${base}/suspend?reason={text}&${query}`,
      resumePostUri: `${base}/resume?reason={text}&${query}`,
    };
  }
}
