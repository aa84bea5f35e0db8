/**
 * The HTTP API's routes, one table for both hosts: functions/index.ts registers each with `app.http`
 * (the Functions host checks the key for authLevel 'function' before the handler runs), and
 * sandbox/httpServer.ts serves the same table with the same key rule and body limits. A route added
 * here is protected in both, or in neither.
 */
import { type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { getHealth, getRun, type HttpDeps, MAX_RUN_BODY_BYTES, postRun } from './http';
import { getReport } from './httpReport';

export interface ApiRoute {
  /** The Functions function name. */
  readonly name: string;
  /** The route template under /api (Functions syntax: `{id}` is a path parameter). */
  readonly route: string;
  readonly method: 'GET' | 'POST';
  /** 'function': the function key is required (x-functions-key header or ?code=). */
  readonly authLevel: 'function' | 'anonymous';
  /** The most body bytes the route reads (none: it reads no body). */
  readonly maxBodyBytes?: number;
  readonly handler: (request: HttpRequest, deps: HttpDeps) => Promise<HttpResponseInit>;
}

export const API_ROUTES: readonly ApiRoute[] = [
  {
    name: 'runsPost',
    route: 'runs',
    method: 'POST',
    authLevel: 'function',
    maxBodyBytes: MAX_RUN_BODY_BYTES,
    handler: postRun,
  },
  { name: 'runsGet', route: 'runs/{id}', method: 'GET', authLevel: 'function', handler: getRun },
  { name: 'report', route: 'report', method: 'GET', authLevel: 'function', handler: getReport },
  // Anonymous for liveness probes (App Service health check sends no key); it makes no ARM call.
  { name: 'health', route: 'health', method: 'GET', authLevel: 'anonymous', handler: getHealth },
];
