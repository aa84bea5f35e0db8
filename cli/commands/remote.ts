/**
 * `fedlink plan|apply --app URL`: run through the deployed Function App's HTTP API instead of an
 * in-process durable host, so the run takes the app's locks (one orchestration instance per resource,
 * the identity lock entities) and serializes with every event-driven run (docs/design.md "HTTP").
 *
 *   POST {app}/api/runs {scope, mode}   → 202 {id, ...}
 *   GET  {app}/api/runs/{id}            → {runtimeStatus, output}, polled until the run ends
 *
 * The function key goes in `x-functions-key`, only ever to the `--app` origin (the poll URL is built
 * from `--app`, never taken from the answer), and only over https unless the host is loopback.
 */
import { type RunMode, type RunResult } from '../../functions/contracts';
import { type Clock, systemClock } from '../../shared/core/clock';
import { type Logger } from '../../shared/core/log';
import { InputError } from '../../sandbox/inputError';

/** A run through the app that did not give a result: the CLI prints the message and exits 1. */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';
}

export type RemoteTarget = { clusterId: string } | { identityId: string } | { all: true };

export interface RemoteRun {
  readonly app: string;
  readonly key: string;
  readonly mode: RunMode;
  readonly target: RemoteTarget;
  /** Give up waiting after this long (default 900 s); the run goes on in the app. */
  readonly timeoutSeconds?: number;
  readonly log: Logger;
  readonly clock?: Clock;
  /** Called with each polled status while the run goes on (the CLI's progress line). */
  readonly onStatus?: (customStatus: unknown, runtimeStatus: string) => void;
}

const DONE = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The app's base URL, checked: http(s), no credentials, https unless loopback. */
export function appBaseUrl(app: string): URL {
  let url: URL;
  try {
    url = new URL(app);
  } catch {
    throw new InputError(`--app: not a URL: ${app}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    throw new InputError(`--app: use https:// (the function key must not travel in clear text): ${app}`);
  if (url.username !== '' || url.password !== '')
    throw new InputError('--app: put the function key in --key or FEDLINK_FUNCTION_KEY, not in the URL');
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

async function send(url: URL, key: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('x-functions-key', key);
  try {
    return await fetch(url, { ...init, headers, redirect: 'error' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new RemoteError(
      `cannot reach the Function App at ${url.origin}: ${cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))}`,
    );
  }
}

async function problem(response: Response, what: string): Promise<RemoteError> {
  let detail = '';
  try {
    const body = (await response.json()) as { error?: { message?: string; details?: string[] } };
    detail = [body.error?.message, ...(body.error?.details ?? [])].filter(Boolean).join('; ');
  } catch {
    detail = '';
  }
  const hint =
    response.status === 401 || response.status === 403
      ? ' (check the function key: --key or FEDLINK_FUNCTION_KEY)'
      : '';
  return new RemoteError(`${what}: HTTP ${response.status}${detail ? `: ${detail}` : ''}${hint}`);
}

/** Starts the run in the app and waits for its RunResult. */
export async function runRemote(run: RemoteRun): Promise<RunResult> {
  const clock = run.clock ?? systemClock;
  const base = appBaseUrl(run.app);
  const started = await send(new URL('api/runs', base), run.key, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scope: run.target, mode: run.mode }),
  });
  if (started.status !== 202) throw await problem(started, 'the Function App did not start the run');
  const { id } = (await started.json()) as { id?: unknown };
  if (typeof id !== 'string' || id === '')
    throw new RemoteError('the Function App answered 202 without a run id');
  run.log.info('run started in the Function App', { instanceId: id });

  const statusUrl = new URL(`api/runs/${encodeURIComponent(id)}`, base);
  const deadline = clock.now() + (run.timeoutSeconds ?? 900) * 1000;
  for (let attempt = 0; ; attempt++) {
    const response = await send(statusUrl, run.key);
    if (response.status !== 200) throw await problem(response, `cannot read run ${id}`);
    const status = (await response.json()) as {
      runtimeStatus?: string;
      customStatus?: unknown;
      output?: unknown;
    };
    const runtimeStatus = String(status.runtimeStatus);
    run.onStatus?.(status.customStatus, runtimeStatus);
    if (DONE.has(runtimeStatus)) {
      if (runtimeStatus === 'Completed' && status.output) return status.output as RunResult;
      throw new RemoteError(`run ${id} ended ${runtimeStatus}: ${JSON.stringify(status.output ?? null)}`);
    }
    if (clock.now() >= deadline)
      throw new RemoteError(
        `run ${id} is still ${runtimeStatus} after ${run.timeoutSeconds ?? 900} s; it goes on in the app: GET ${statusUrl.href}`,
      );
    // 250 ms, doubling to at most 5 s (the app's Retry-After).
    await clock.sleep(Math.min(5000, 250 * 2 ** Math.min(attempt, 5)));
  }
}
