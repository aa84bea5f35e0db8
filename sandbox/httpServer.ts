/**
 * The HTTP API on localhost for the sandbox and the demo: the routes of functions/triggers/httpRoutes.ts,
 * the same table `functions/index.ts` registers with `app.http`, fed real `HttpRequest` objects. Like
 * the Functions host with authLevel 'function', every route but /api/health needs the key
 * (`x-functions-key` header or `?code=`), checked before anything else is read, so an unauthenticated
 * request never reaches ARM, the task hub or the report store.
 *
 * Order of the answers: 404/405 (no such route) → 401 (key) → 400 (a path that does not decode) →
 * 413 (a Content-Length over the route's limit, without reading the body; or a body that passes the
 * limit while streaming: reading stops there, the rest is drained unbuffered and the connection closed
 * after the 413, never reset) → the handler (415, 400, 202, …). An error of the server itself is a 500.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpRequest, HttpResponse, type HttpResponseInit } from '@azure/functions';
import { type DurableClientPort } from '../functions/durableClientPort';
import { type ConfigStatus, type HttpDeps, problem, tooLarge } from '../functions/triggers/http';
import { API_ROUTES, type ApiRoute } from '../functions/triggers/httpRoutes';
import { type Logger } from '../shared/core/log';
import { type ReportStore } from '../shared/reportStore/store';

export interface ApiServer {
  readonly url: string;
  readonly key: string;
  close(): Promise<void>;
}

interface Route extends ApiRoute {
  readonly pattern: RegExp;
}

/** `runs/{id}` → /^\/api\/runs\/(?<id>[^/]+)\/?$/ (the Functions host's route templates, as fedlink uses them). */
function compile(route: ApiRoute): Route {
  const source = route.route
    .split('/')
    .map((part) => {
      const param = /^\{(\w+)\}$/.exec(part);
      return param ? `(?<${param[1]}>[^/]+)` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('\\/');
  return { ...route, pattern: new RegExp(`^\\/api\\/${source}\\/?$`) };
}

const ROUTES: readonly Route[] = API_ROUTES.map(compile);

function keyMatches(expected: string, given: string | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The body, up to `limit` bytes; `undefined` when it is longer. Reading stops counting at the limit but
 * the stream keeps flowing (and is thrown away): breaking off a request stream destroys the socket, and
 * the client would see a reset instead of the 413.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** Path parameters, percent-decoded; undefined when one is not valid percent-encoding. */
function decodeParams(groups: Record<string, string>): Record<string, string> | undefined {
  try {
    return Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, decodeURIComponent(v)]));
  } catch {
    return undefined;
  }
}

/**
 * Writes a handler's response: an HttpResponseInit (our handlers answer with `jsonBody`, a string
 * `body`, or a stream: GET /api/report?full=true) or an HttpResponse instance (what durable's
 * createCheckStatusResponse returns). A stream is piped with backpressure, as the Functions host's
 * HTTP stream proxy sends it (docs/azure-behaviour.md §7.7): a slow client slows the reading of the
 * store, nothing piles up. If it fails after the status line, the connection is cut: the client sees a
 * truncated answer, never a complete-looking one.
 */
async function send(
  res: ServerResponse,
  init: HttpResponseInit | HttpResponse,
  { close = false }: { close?: boolean } = {},
): Promise<void> {
  if (close) res.setHeader('connection', 'close');
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
  } else if (init.body instanceof Readable) {
    res.writeHead(init.status ?? 200, headers);
    try {
      await pipeline(init.body, res);
    } catch {
      res.destroy();
    }
    return;
  } else if (init.body !== undefined && init.body !== null) {
    throw new Error('sandbox HTTP server: only string, JSON or Readable bodies are supported');
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
  /** What GET /api/health says of the config (the sandbox's config was loaded before the server starts). */
  configStatus?: () => ConfigStatus;
}): Promise<ApiServer> {
  const key = options.key ?? randomBytes(18).toString('base64url');
  const deps: HttpDeps = {
    client: options.client,
    log: options.log,
    reports: options.reports,
    configStatus: options.configStatus,
  };
  let base = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', base);
        const route = ROUTES.find((r) => r.method === req.method && r.pattern.test(url.pathname));
        if (!route) {
          const allowed = ROUTES.filter((r) => r.pattern.test(url.pathname)).map((r) => r.method);
          await send(
            res,
            allowed.length > 0
              ? problem(405, `method ${req.method ?? ''} not allowed; use ${allowed.join(', ')}`, undefined, {
                  allow: allowed.join(', '),
                })
              : problem(404, `no route ${url.pathname}`),
          );
          return;
        }
        if (
          route.authLevel !== 'anonymous' &&
          !keyMatches(key, req.headers['x-functions-key']?.toString() ?? url.searchParams.get('code'))
        ) {
          await send(res, problem(401, 'missing or invalid function key (x-functions-key header or ?code=)'));
          return;
        }
        const params = decodeParams(route.pattern.exec(url.pathname)?.groups ?? {});
        if (!params) {
          await send(res, problem(400, `the path ${url.pathname} is not valid percent-encoding`));
          return;
        }
        let body: Buffer | undefined;
        if (route.maxBodyBytes !== undefined) {
          const declared = Number(req.headers['content-length'] ?? 0);
          const read = declared > route.maxBodyBytes ? undefined : await readBody(req, route.maxBodyBytes);
          if (read === undefined) {
            // Not read (or read no further): drain what is left so the client gets the answer.
            req.resume();
            await send(res, tooLarge(route.maxBodyBytes), { close: true });
            return;
          }
          body = read;
        }
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers))
          if (typeof value === 'string') headers[name] = value;
        const request = new HttpRequest({
          method: req.method ?? 'GET',
          url: url.toString(),
          headers,
          // The query comes from the URL, every value of a repeated parameter kept: what the Functions
          // host hands over with HTTP streams enabled (docs/azure-behaviour.md §7.7).
          params,
          ...(body !== undefined ? { body: { bytes: body } } : {}),
        });
        await send(res, await route.handler(request, deps));
      } catch (error) {
        options.log.error('api request failed', {
          error: error instanceof Error ? error.message : String(error),
        });
        if (!res.headersSent) await send(res, problem(500, 'internal error'));
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
