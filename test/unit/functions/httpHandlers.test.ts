/**
 * The HTTP handlers as the Functions host calls them (a real `HttpRequest`, no sandbox server in
 * front): the same client errors the sandbox server gives, because the host buffers the body and
 * checks only the key. A client whose every method throws proves nothing was started or read.
 */
// First: functions/index (loaded below) reads its settings when loaded, and needs FEDLINK_WORK_URL.
import '../../helpers/functionsEnv';
import { HttpRequest, type app as functionsApp } from '@azure/functions';
import { type DurableClientPort } from '../../../functions/durableClientPort';
import { contentTypeProblem, getRun, MAX_RUN_BODY_BYTES, postRun } from '../../../functions/triggers/http';
import { reportFormat } from '../../../functions/triggers/httpReport';
import { API_ROUTES } from '../../../functions/triggers/httpRoutes';
import { silentLogger } from '../../../shared/core/log';

const untouchable = new Proxy({} as DurableClientPort, {
  get: (_t, name) => () => {
    throw new Error(`the durable client was called (${String(name)})`);
  },
});
const deps = { client: untouchable, log: silentLogger };

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  new HttpRequest({
    url: 'https://fedlink.test/api/runs',
    method: 'POST',
    headers,
    body: { string: body },
  });

const TOO_LARGE = `the body is larger than ${MAX_RUN_BODY_BYTES} bytes, the most POST /api/runs accepts`;

describe('postRun', () => {
  it('answers 413 for a declared Content-Length over the limit, whatever the body', async () => {
    const res = await postRun(
      post('{}', { 'content-type': 'application/json', 'content-length': String(MAX_RUN_BODY_BYTES + 1) }),
      deps,
    );
    expect(res).toEqual({ status: 413, jsonBody: { error: { message: TOO_LARGE } } });
  });

  it('answers 413 for a body over the limit whose Content-Length says less (counted in bytes, not characters)', async () => {
    // 21 846 three-byte characters: 65 538 bytes, 21 846 UTF-16 units.
    const res = await postRun(
      post('€'.repeat(21_846), { 'content-type': 'application/json', 'content-length': '2' }),
      deps,
    );
    expect(res).toEqual({ status: 413, jsonBody: { error: { message: TOO_LARGE } } });
  });

  it('answers 415 naming the accepted type, and 400 for JSON that is not a run request', async () => {
    expect(await postRun(post('{}', { 'content-type': 'text/json' }), deps)).toEqual({
      status: 415,
      headers: { accept: 'application/json', 'accept-post': 'application/json' },
      jsonBody: {
        error: {
          message: 'POST /api/runs takes application/json (charset utf-8, if given), not "text/json"',
        },
      },
    });
    const res = await postRun(post(JSON.stringify({ scope: { subscriptionId: 'abc' } })), deps);
    expect(res).toEqual({
      status: 400,
      jsonBody: {
        error: {
          message: 'invalid run request',
          details: ['scope.subscriptionId: expected a subscription id (a GUID)'],
        },
      },
    });
  });
});

describe('getRun', () => {
  it.each(['a/b', 'a b', 'x'.repeat(257), '', 'a#b'])(
    'answers 400 for id #%# without asking the task hub',
    async (id) => {
      const res = await getRun(
        new HttpRequest({ url: 'https://fedlink.test/api/runs/x', method: 'GET', params: { id } }),
        deps,
      );
      expect(res.status).toBe(400);
      expect((res.jsonBody as { error: { message: string } }).error.message).toMatch(/^not a run id: /);
    },
  );
});

describe('contentTypeProblem', () => {
  it.each([
    ['application/json', undefined],
    ['application/json; charset=utf-8', undefined],
    ['APPLICATION/JSON;CHARSET=UTF8', undefined],
    ['application/json; charset=utf-16', 'not charset "utf-16"'],
    ['application/merge-patch+json', 'not "application/merge-patch+json"'],
    ['', 'the request has no Content-Type'],
  ])('%j → %s', (type, problem) => {
    const got = contentTypeProblem(type);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(problem);
  });
});

describe('reportFormat (RFC 9110, section 12.5.1)', () => {
  it.each([
    [null, 'json'],
    ['*/*', 'json'],
    ['application/*', 'json'],
    ['text/html', 'html'],
    ['application/json, text/html', 'html'],
    ['text/html;q=0.8, application/json;q=0.9', 'json'],
    ['*/*;q=0.9, text/html', 'html'],
    ['text/html;q=0.5, */*', 'json'],
    ['application/json;q=0, text/html;q=0', undefined],
    ['image/png', undefined],
    ['text/html;q=abc, application/json;q=0.1', 'json'],
    ['application/x-ndjson', 'ndjson'],
    ['application/x-ndjson, */*;q=0.5', 'ndjson'],
    ['application/x-ndjson;q=0.5, application/json', 'json'],
    ['application/x-ndjson, */*', 'ndjson'],
  ])('%j → %s', (accept, format) => {
    expect(reportFormat(accept)).toBe(format);
  });
});

describe('the Functions host registrations', () => {
  it("register every route of the table with its authLevel: the key is the host's to check", () => {
    const registered: { name: string; route: unknown; methods: unknown; authLevel: unknown }[] = [];
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const functions = require('@azure/functions') as { app: typeof functionsApp };
      jest.spyOn(functions.app, 'http').mockImplementation((name, options) => {
        registered.push({
          name,
          route: options.route,
          methods: options.methods,
          authLevel: options.authLevel,
        });
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../../../functions/index');
    });
    expect(registered).toEqual(
      API_ROUTES.map((r) => ({ name: r.name, route: r.route, methods: [r.method], authLevel: r.authLevel })),
    );
    expect(registered.filter((r) => r.authLevel !== 'function').map((r) => r.name)).toEqual(['health']);
  });
});
