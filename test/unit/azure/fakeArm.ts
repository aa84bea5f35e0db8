/**
 * A tiny in-memory HTTP transport for unit tests of the gateway: the real SDK clients (serialization,
 * paging, error deserialization) run unchanged; only `httpClient` (the SDK's documented transport
 * hook) is replaced. No SDK method is mocked. Routes answer REST-shaped JSON, as ARM does.
 * For stateful behaviour (409 concurrency, LROs, faults) the integration tests use the emulator.
 */
import { type TokenCredential } from '@azure/core-auth';
import {
  createHttpHeaders,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { type ArmClients, createArmClients } from '../../../shared/azure/clients';

export const ENDPOINT = 'https://management.example.test';

export interface FakeRequest {
  readonly method: string;
  readonly url: URL;
  readonly body: unknown;
}

export interface FakeResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

type Responder = (request: FakeRequest, match: RegExpExecArray) => FakeResponse;

export class FakeArm implements HttpClient {
  readonly requests: FakeRequest[] = [];
  private readonly routes: { method: string; path: RegExp; respond: Responder }[] = [];

  /** Answers `method` requests whose URL path (decoded) matches `path`; later routes win. */
  on(method: string, path: RegExp, respond: Responder): this {
    this.routes.unshift({ method, path, respond });
    return this;
  }

  sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const url = new URL(request.url);
    const body: unknown =
      typeof request.body === 'string' && request.body !== '' ? JSON.parse(request.body) : undefined;
    const fake: FakeRequest = { method: request.method, url, body };
    this.requests.push(fake);
    const path = decodeURIComponent(url.pathname);
    for (const route of this.routes) {
      const match = route.method === request.method ? route.path.exec(path) : null;
      if (match) {
        const answer = route.respond(fake, match);
        return Promise.resolve({
          request,
          status: answer.status,
          headers: createHttpHeaders({ 'content-type': 'application/json', ...answer.headers }),
          bodyAsText: answer.body === undefined ? '' : JSON.stringify(answer.body),
        });
      }
    }
    return Promise.resolve({
      request,
      status: 404,
      headers: createHttpHeaders({ 'content-type': 'application/json' }),
      bodyAsText: JSON.stringify({
        error: { code: 'NoRoute', message: `no fake route for ${request.method} ${path}` },
      }),
    });
  }
}

export const fakeCredential: TokenCredential = {
  getToken: () => Promise.resolve({ token: 'fake-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/** Real SDK clients over the fake transport, SDK retries off so error tests do not wait. */
export function fakeClients(fake: FakeArm): ArmClients {
  return createArmClients({
    credential: fakeCredential,
    endpoint: ENDPOINT,
    httpClient: fake,
    maxRetries: 0,
  });
}
