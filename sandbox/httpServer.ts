/**
 * The HTTP API on localhost for the sandbox and the demo: the same handlers `functions/index.ts`
 * registers with `app.http`, fed real `HttpRequest` objects. Like the Functions host with
 * authLevel 'function', every route but /api/health needs the key (`x-functions-key` header or
 * `?code=`), checked before the handler runs, so an unauthenticated request never reaches ARM.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { HttpRequest, HttpResponse, type HttpResponseInit } from '@azure/functions';
import { type DurableClientPort } from '../functions/durableClientPort';
import { getHealth, getReport, getRun, type HttpDeps, postRun } from '../functions/triggers/http';
import { type Logger } from '../shared/core/log';
import { type ReportStore } from '../shared/reportStore/store';

export interface ApiServer {
  readonly url: string;
  readonly key: string;
  close(): Promise<void>;
}

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly anonymous?: boolean;
  readonly handler: (
    request: HttpRequest,
    deps: HttpDeps,
  ) => Promise<HttpResponseInit | HttpResponse> | HttpResponseInit;
}

const ROUTES: readonly Route[] = [
  { method: 'POST', pattern: /^\/api\/runs\/?$/, handler: postRun },
  { method: 'GET', pattern: /^\/api\/runs\/(?<id>[^/]+)\/?$/, handler: getRun },
  { method: 'GET', pattern: /^\/api\/report\/?$/, handler: getReport },
  { method: 'GET', pattern: /^\/api\/health\/?$/, anonymous: true, handler: () => getHealth() },
];

const MAX_BODY_BYTES = 64 * 1024;

function keyMatches(expected: string, given: string | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Writes a handler's response: an HttpResponseInit (our handlers answer with `jsonBody` or a string
 * `body`) or an HttpResponse instance (what durable's createCheckStatusResponse returns).
 */
async function send(res: ServerResponse, init: HttpResponseInit | HttpResponse): Promise<void> {
  if (init instanceof HttpResponse) {
    const headers: Record<string, string> = {};
    init.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
    const text = await init.text();
    res.writeHead(init.status, headers);
    res.end(text);
    return;
  }
  const headers: Record<string, string> = {};
  const given = init.headers;
  if (given instanceof Headers) given.forEach((value, name) => (headers[name.toLowerCase()] = value));
  else if (Array.isArray(given)) for (const [name, value] of given) headers[name.toLowerCase()] = value;
  else if (given) for (const [name, value] of Object.entries(given)) headers[name.toLowerCase()] = value;
  let body: string | undefined;
  if (init.jsonBody !== undefined) {
    body = JSON.stringify(init.jsonBody, null, 2);
    headers['content-type'] ??= 'application/json';
  } else if (typeof init.body === 'string') {
    body = init.body;
  } else if (init.body !== undefined && init.body !== null) {
    throw new Error('sandbox HTTP server: only string or JSON bodies are supported');
  }
  res.writeHead(init.status ?? 200, headers);
  res.end(body);
}

/** Starts the API on 127.0.0.1 (`port` 0 = ephemeral). */
export async function startApiServer(options: {
  client: DurableClientPort;
  log: Logger;
  port?: number;
  key?: string;
  /** A report store: GET /api/report serves its latest.json instead of the drift instance's output. */
  reports?: ReportStore;
}): Promise<ApiServer> {
  const key = options.key ?? randomBytes(18).toString('base64url');
  const deps: HttpDeps = { client: options.client, log: options.log, reports: options.reports };
  let base = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', base);
        const route = ROUTES.find((r) => r.method === req.method && r.pattern.test(url.pathname));
        if (!route) {
          const known = ROUTES.some((r) => r.pattern.test(url.pathname));
          await send(res, {
            status: known ? 405 : 404,
            jsonBody: { error: { message: known ? 'method not allowed' : 'not found' } },
          });
          return;
        }
        if (
          !route.anonymous &&
          !keyMatches(key, req.headers['x-functions-key']?.toString() ?? url.searchParams.get('code'))
        ) {
          await send(res, {
            status: 401,
            jsonBody: {
              error: { message: 'missing or invalid function key (x-functions-key header or ?code=)' },
            },
          });
          return;
        }
        const params = route.pattern.exec(url.pathname)?.groups ?? {};
        const body = req.method === 'POST' ? await readBody(req) : undefined;
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers))
          if (typeof value === 'string') headers[name] = value;
        const request = new HttpRequest({
          method: req.method ?? 'GET',
          url: url.toString(),
          headers,
          query: Object.fromEntries(url.searchParams.entries()),
          params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, decodeURIComponent(v)])),
          ...(body !== undefined ? { body: { string: body } } : {}),
        });
        await send(res, await route.handler(request, deps));
      } catch (error) {
        options.log.error('api request failed', {
          error: error instanceof Error ? error.message : String(error),
        });
        if (!res.headersSent)
          await send(res, { status: 500, jsonBody: { error: { message: 'internal error' } } });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    key,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
