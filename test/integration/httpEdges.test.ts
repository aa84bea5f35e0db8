/**
 * The HTTP API's edges over real sockets (docs/design.md "HTTP"): every client error is a 4xx with
 * problem JSON, starts nothing and costs no ARM call; keys are checked first on every route; bodies over
 * the limit get 413 (also while streaming, without a reset); POST /api/runs takes only JSON; the report
 * is negotiated on Accept; /api/health says what it knows without ARM; a subscription scope reconciles
 * only that subscription's items.
 */
import { request as httpRequest } from 'node:http';
import { API_ROUTES } from '../../functions/triggers/httpRoutes';
import { MAX_RUN_BODY_BYTES } from '../../functions/triggers/http';
import { startApiServer, type ApiServer } from '../../sandbox/httpServer';
import { silentLogger } from '../../shared/core/log';
import { createMemoryReportStore } from '../../shared/reportStore/memory';
import { type ReportStore } from '../../shared/reportStore/store';
import { cluster, identity, running, type Running, SUB, TENANT } from '../helpers/scenario';
import packageJson from '../../package.json';

const SUB2 = '5e6f7a8b-0000-4000-8000-0000000000b2';
const OUTSIDE = '9a9a9a9a-0000-4000-8000-0000000000c3';
const payments = identity('id-payments');
const billing = identity('id-billing', {}, { subscriptionId: SUB2 });
const aks = cluster('aks-edges', 'cdcdcdcd-0000-4000-8000-0000000000e1');
const cfg = {
  federation: {
    bindings: [
      { name: 'p', identity: payments.id, serviceAccounts: ['payments/api'] },
      { name: 'b', identity: billing.id, serviceAccounts: ['billing/api'] },
    ],
  },
};

/** A report store that counts every call, so a test can say it was never asked. */
function counted(inner: ReportStore): ReportStore & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    location: inner.location,
    save: (e) => (calls.push('save'), inner.save(e)),
    latest: () => (calls.push('latest'), inner.latest()),
    read: (n) => (calls.push('read'), inner.read(n)),
    listRecent: (c) => (calls.push('listRecent'), inner.listRecent(c)),
    saveFindings: (r, f) => (calls.push('saveFindings'), inner.saveFindings(r, f)),
    readFindings: (n) => (calls.push('readFindings'), inner.readFindings(n)),
  };
}

let sandbox: Running;
let api: ApiServer;
let reports: ReturnType<typeof counted>;

beforeEach(async () => {
  reports = counted(createMemoryReportStore());
  sandbox = await running([payments, billing, aks], cfg, {
    estate: {
      tenants: [{ tenantId: TENANT, subscriptions: [SUB, SUB2] }],
      resources: [payments, billing, aks],
    },
    reports,
  });
  api = await startApiServer({
    client: sandbox.host.client,
    log: silentLogger,
    reports,
    configStatus: () => ({ loaded: true, source: 'test' }),
  });
});
afterEach(async () => {
  await api.close();
  await sandbox.close();
});

const JSON_TYPE = { 'content-type': 'application/json' };

async function call(path: string, init: RequestInit & { key?: string | false } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.key !== false) headers.set('x-functions-key', init.key ?? api.key);
  return fetch(`${api.url}${path}`, { ...init, headers });
}

async function problemOf(res: Response): Promise<{ status: number; body: unknown }> {
  expect(res.headers.get('content-type')).toBe('application/json');
  return { status: res.status, body: await res.json() };
}

function nothingHappened(): void {
  expect(sandbox.host.topLevelInstances()).toEqual([]);
  expect(sandbox.emulator.operations).toEqual([]);
}

async function waitFor(id: string): Promise<{ runtimeStatus: string; output: Record<string, unknown> }> {
  await sandbox.host.waitForCompletion(id);
  return (await (await call(`/api/runs/${encodeURIComponent(id)}`)).json()) as {
    runtimeStatus: string;
    output: Record<string, unknown>;
  };
}

describe('keys', () => {
  const KEYLESS = {
    error: { message: 'missing or invalid function key (x-functions-key header or ?code=)' },
  };
  const protectedRoutes = API_ROUTES.filter((r) => r.authLevel === 'function');

  it('protects every route but health', () => {
    expect(protectedRoutes.map((r) => `${r.method} ${r.route}`)).toEqual([
      'POST runs',
      'GET runs/{id}',
      'GET report',
    ]);
  });

  it.each(protectedRoutes.map((r) => [r.method, r.route] as const))(
    '%s /api/%s without a key, with a wrong key and with a wrong ?code= is 401, before any ARM, task hub or store call',
    async (method, route) => {
      const path = `/api/${route.replace('{id}', 'fedlink%3Adrift')}`;
      const body = method === 'POST' ? JSON.stringify({ scope: { all: true }, mode: 'apply' }) : undefined;
      for (const attempt of [
        { key: false as const },
        { key: 'wrong' },
        { key: false as const, query: '?code=wrong' },
        { key: '', query: '' },
      ]) {
        const res = await call(`${path}${attempt.query ?? ''}`, {
          method,
          key: attempt.key,
          ...(body ? { body, headers: JSON_TYPE } : {}),
        });
        expect(await problemOf(res)).toEqual({ status: 401, body: KEYLESS });
      }
      nothingHappened();
      expect(reports.calls).toEqual([]);
    },
  );

  it('an oversized or mistyped body without a key is still a 401: the key comes first', async () => {
    const res = await call('/api/runs', {
      method: 'POST',
      key: false,
      body: 'x'.repeat(MAX_RUN_BODY_BYTES + 1),
      headers: { 'content-type': 'text/plain' },
    });
    expect(await problemOf(res)).toEqual({ status: 401, body: KEYLESS });
    nothingHappened();
  });

  it('health needs no key and makes no ARM call', async () => {
    const res = await call('/api/health', { key: false });
    expect(res.status).toBe(200);
    expect(sandbox.emulator.operations).toEqual([]);
  });
});

describe('routes and paths', () => {
  it('answers 404 and 405 as problem JSON', async () => {
    expect(await problemOf(await call('/api/nope'))).toEqual({
      status: 404,
      body: { error: { message: 'no route /api/nope' } },
    });
    const res = await call('/api/runs', { method: 'GET' });
    expect(res.headers.get('allow')).toBe('POST');
    expect(await problemOf(res)).toEqual({
      status: 405,
      body: { error: { message: 'method GET not allowed; use POST' } },
    });
    nothingHappened();
  });

  it.each([
    ['a truncated escape', '%E0%A4%A', 400, 'the path /api/runs/%E0%A4%A is not valid percent-encoding'],
    ['a lone %', '100%', 400, 'the path /api/runs/100% is not valid percent-encoding'],
    [
      'an encoded slash',
      'a%2Fb',
      400,
      'not a run id: "a/b" (run ids are the "id" of POST /api/runs: letters, digits, ".", "_", "-" and ":", at most 256)',
    ],
    [
      'a control character',
      'a%00b',
      400,
      'not a run id: "a\\u0000b" (run ids are the "id" of POST /api/runs: letters, digits, ".", "_", "-" and ":", at most 256)',
    ],
    ['an unknown run', 'fedlink%3Aplan%3Afleet%3Anone', 404, 'no run with id fedlink:plan:fleet:none'],
  ])('GET /api/runs/{id} with %s', async (_what, id, status, message) => {
    expect(await problemOf(await call(`/api/runs/${id}`))).toEqual({ status, body: { error: { message } } });
    nothingHappened();
  });
});

describe('POST /api/runs bodies', () => {
  const TOO_LARGE = {
    status: 413,
    body: {
      error: {
        message: `the body is larger than ${MAX_RUN_BODY_BYTES} bytes, the most POST /api/runs accepts`,
      },
    },
  };
  /** A run request padded with spaces to exactly `bytes` bytes: valid JSON at any size. */
  const padded = (bytes: number): string => {
    const json = JSON.stringify({ scope: { clusterId: aks.id }, mode: 'plan' });
    return json + ' '.repeat(bytes - json.length);
  };

  it(`takes a body of exactly ${MAX_RUN_BODY_BYTES} bytes`, async () => {
    const res = await call('/api/runs', {
      method: 'POST',
      body: padded(MAX_RUN_BODY_BYTES),
      headers: JSON_TYPE,
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect((await waitFor(id)).runtimeStatus).toBe('Completed');
  });

  it('answers 413 for one byte more (Content-Length), and starts nothing', async () => {
    const res = await call('/api/runs', {
      method: 'POST',
      body: padded(MAX_RUN_BODY_BYTES + 1),
      headers: JSON_TYPE,
    });
    expect(res.headers.get('connection')).toBe('close');
    expect(await problemOf(res)).toEqual(TOO_LARGE);
    nothingHappened();
  });

  it('answers 413 to a 5 MB body, without resetting the connection', async () => {
    const res = await call('/api/runs', {
      method: 'POST',
      body: padded(5 * 1024 * 1024),
      headers: JSON_TYPE,
    });
    expect(await problemOf(res)).toEqual(TOO_LARGE);
    nothingHappened();
  });

  it('answers 413 to a chunked body (no Content-Length) once it passes the limit while streaming', async () => {
    const { status, body, reset } = await new Promise<{ status: number; body: string; reset: boolean }>(
      (resolve, reject) => {
        const req = httpRequest(`${api.url}/api/runs`, {
          method: 'POST',
          headers: { 'x-functions-key': api.key, ...JSON_TYPE, 'transfer-encoding': 'chunked' },
        });
        req.on('response', (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, reset: false }));
        });
        req.on('error', (error: NodeJS.ErrnoException) =>
          error.code === 'ECONNRESET' ? resolve({ status: 0, body: '', reset: true }) : reject(error),
        );
        // 100 chunks of 16 KB: 1.6 MB, the server stops reading after 64 KB.
        const chunk = ' '.repeat(16 * 1024);
        for (let i = 0; i < 100; i++) req.write(chunk);
        req.end();
      },
    );
    expect(reset).toBe(false);
    expect(status).toBe(413);
    expect(JSON.parse(body)).toEqual(TOO_LARGE.body);
    nothingHappened();
  });

  const ACCEPTS = 'POST /api/runs takes application/json (charset utf-8, if given)';
  it.each([
    ['text/plain', 'text/plain;charset=UTF-8', `${ACCEPTS}, not "text/plain"`],
    ['a form', 'application/x-www-form-urlencoded', `${ACCEPTS}, not "application/x-www-form-urlencoded"`],
    ['latin1 JSON', 'application/json; charset=iso-8859-1', `${ACCEPTS}, not charset "iso-8859-1"`],
  ])('answers 415 for %s, saying what it takes', async (_what, type, message) => {
    const res = await call('/api/runs', {
      method: 'POST',
      body: JSON.stringify({ scope: { all: true } }),
      headers: { 'content-type': type },
    });
    expect(res.headers.get('accept-post')).toBe('application/json');
    expect(await problemOf(res)).toEqual({ status: 415, body: { error: { message } } });
    nothingHappened();
  });

  it('answers 415 for a body without a Content-Type', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${api.url}/api/runs`, {
        method: 'POST',
        headers: { 'x-functions-key': api.key },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ scope: { all: true } }));
    });
    expect(status).toBe(415);
    expect(JSON.parse(body)).toEqual({ error: { message: `${ACCEPTS}; the request has no Content-Type` } });
    nothingHappened();
  });

  it('takes application/json with charset=UTF-8', async () => {
    const res = await call('/api/runs', {
      method: 'POST',
      body: JSON.stringify({ scope: { clusterId: aks.id }, mode: 'plan' }),
      headers: { 'content-type': 'Application/JSON; charset="UTF-8"' },
    });
    expect(res.status).toBe(202);
    await waitFor(((await res.json()) as { id: string }).id);
  });

  it('answers 400 for a subscription id that is not a GUID', async () => {
    const res = await call('/api/runs', {
      method: 'POST',
      body: JSON.stringify({ scope: { subscriptionId: `/subscriptions/${SUB2}` }, mode: 'apply' }),
      headers: JSON_TYPE,
    });
    expect(await problemOf(res)).toEqual({
      status: 400,
      body: {
        error: {
          message: 'invalid run request',
          details: ['scope.subscriptionId: expected a subscription id (a GUID)'],
        },
      },
    });
    nothingHappened();
  });
});

describe('subscription scope', () => {
  const start = async (subscriptionId: string, mode: 'plan' | 'apply') => {
    const res = await call('/api/runs', {
      method: 'POST',
      body: JSON.stringify({ scope: { subscriptionId }, mode }),
      headers: JSON_TYPE,
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  };

  it('apply writes only the items in that subscription, with clusters of other subscriptions in their desired state', async () => {
    const id = await start(SUB2.toUpperCase(), 'apply');
    expect(id).toBe(`fedlink:subscription:${SUB2}`);
    const done = await waitFor(id);
    expect(done.runtimeStatus).toBe('Completed');
    expect(done.output).toMatchObject({
      target: { kind: 'subscription', resourceId: `/subscriptions/${SUB2}` },
      mode: 'apply',
      status: 'changed',
      counts: { create: 1 },
    });
    // billing (SUB2) is federated with aks (SUB): the cluster was read, the write went to billing only.
    expect(sandbox.fics(billing.id)).toHaveLength(1);
    expect(sandbox.fics(billing.id)[0]!.subject).toBe('system:serviceaccount:billing:api');
    expect(sandbox.fics(payments.id)).toEqual([]);
    expect(sandbox.writes().every((w) => w.path.toLowerCase().startsWith(`/subscriptions/${SUB2}/`))).toBe(
      true,
    );
    // The stored report is the fleet's: a subscription run does not replace it.
    expect(reports.calls).not.toContain('save');
  });

  it('plan writes nothing and plans the items of that subscription only', async () => {
    const done = await waitFor(await start(SUB, 'plan'));
    // A subscription check lists problems and counts the rest (docs/design.md "Run result"): one item
    // planned, and its planned write reported (warn) on a FIC of payments, the only identity of that subscription.
    expect(done.output).toMatchObject({
      status: 'planned',
      counts: { create: 1 },
      items: { planned: 1 },
      outcomes: [],
    });
    const warned = (done.output.findings as { resourceId: string; status: string }[]).filter(
      (f) => f.status === 'warn',
    );
    expect(warned.length).toBeGreaterThan(0);
    for (const f of warned)
      expect(
        f.resourceId.toLowerCase().startsWith(`${payments.id.toLowerCase()}/federatedidentitycredentials/`),
      ).toBe(true);
    expect(sandbox.writes()).toEqual([]);
  });

  it('a subscription outside the scope is skipped with the reason, and nothing is written', async () => {
    const done = await waitFor(await start(OUTSIDE, 'apply'));
    expect(done.output).toMatchObject({ status: 'skipped', outcomes: [] });
    // Decided by the engine before any read (shared/reconcile/subscriptions.ts outOfScope), per capability.
    const why = `subscription ${OUTSIDE} is not visible to the credential; skipped, nothing was read`;
    expect(
      String(done.output.reason)
        .split('; ')
        .filter((r) => r.includes(OUTSIDE)),
    ).toHaveLength(3);
    expect(String(done.output.reason)).toContain(`federation: ${why}`);
    expect(sandbox.emulator.operations.filter((o) => o.path.toLowerCase().includes(OUTSIDE))).toEqual([]);
    expect(sandbox.writes()).toEqual([]);
  });
});

describe('GET /api/report', () => {
  beforeEach(async () => {
    const res = await call('/api/runs', {
      method: 'POST',
      body: JSON.stringify({ scope: { all: true }, mode: 'apply' }),
      headers: JSON_TYPE,
    });
    await waitFor(((await res.json()) as { id: string }).id);
  });

  it.each([
    ['no Accept', 'json', undefined],
    ['curl (*/*)', 'json', '*/*'],
    ['a browser', 'html', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
    ['application/json', 'json', 'application/json'],
    ['JSON preferred by q', 'json', 'text/html;q=0.5, application/json'],
    ['HTML preferred by q', 'html', 'application/json;q=0.4, text/html;q=0.9'],
    ['text/*', 'html', 'text/*'],
    ['HTML refused', 'json', 'text/html;q=0, */*'],
  ])('with %s answers %s', async (_what, format, accept) => {
    const res = await call('/api/report', accept ? { headers: { accept } } : {});
    expect(res.status).toBe(200);
    expect(res.headers.get('vary')).toBe('accept');
    if (format === 'json') {
      expect(res.headers.get('content-type')).toBe('application/json');
      expect((await res.json()) as object).toHaveProperty('summary');
    } else {
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toContain('<table');
    }
  });

  it('answers 406 when the Accept allows no report format', async () => {
    const res = await call('/api/report', { headers: { accept: 'image/png, application/json;q=0' } });
    expect(await problemOf(res)).toEqual({
      status: 406,
      body: {
        error: {
          message:
            'GET /api/report answers application/json, text/html or application/x-ndjson; the Accept header allows none of them',
        },
      },
    });
  });
});

describe('GET /api/health', () => {
  it('says the version, that the config loaded and what the report store holds, without ARM', async () => {
    const res = await call('/api/health', { key: false });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      status: 'ok',
      service: 'fedlink',
      version: packageJson.version,
      config: { loaded: true, source: 'test' },
      reports: { configured: true, location: 'memory', reachable: true, latest: null },
    });
    expect(sandbox.emulator.operations).toEqual([]);
    // An anonymous caller cannot make the app read the store more than once per HEALTH_PROBE_TTL_MS.
    await call('/api/health', { key: false });
    expect(reports.calls).toEqual(['latest']);
  });

  it('is degraded (200) when the store cannot be read, failing (503) when the config did not load', async () => {
    const broken: ReportStore = {
      location: 'https://acct.blob.core.windows.net/gone',
      save: () => Promise.reject(new Error('no')),
      latest: () => Promise.reject(new Error('the report container gone does not exist')),
      read: () => Promise.reject(new Error('no')),
      listRecent: () => Promise.reject(new Error('no')),
      saveFindings: () => Promise.reject(new Error('no')),
      readFindings: () => Promise.reject(new Error('no')),
    };
    const other = await startApiServer({
      client: sandbox.host.client,
      log: silentLogger,
      reports: broken,
      configStatus: () => ({
        loaded: false,
        error: 'FEDLINK_CONFIG: federation.bindings.0.identity: expected …',
      }),
    });
    const bare = await startApiServer({ client: sandbox.host.client, log: silentLogger });
    const degraded = await startApiServer({
      client: sandbox.host.client,
      log: silentLogger,
      reports: broken,
      configStatus: () => ({ loaded: true, source: 'defaults' }),
    });
    try {
      const res = await fetch(`${degraded.url}/api/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        status: 'degraded',
        config: { loaded: true, source: 'defaults' },
        reports: { reachable: false, error: 'the report container gone does not exist' },
      });
      const failing = await fetch(`${other.url}/api/health`);
      expect(failing.status).toBe(503);
      expect(await failing.json()).toEqual({
        status: 'failing',
        service: 'fedlink',
        version: packageJson.version,
        config: { loaded: false, error: 'FEDLINK_CONFIG: federation.bindings.0.identity: expected …' },
        reports: {
          configured: true,
          location: 'https://acct.blob.core.windows.net/gone',
          reachable: false,
          error: 'the report container gone does not exist',
        },
      });
      const plain = await fetch(`${bare.url}/api/health`);
      expect(plain.status).toBe(200);
      expect(await plain.json()).toEqual({
        status: 'ok',
        service: 'fedlink',
        version: packageJson.version,
        reports: { configured: false },
      });
    } finally {
      await other.close();
      await bare.close();
      await degraded.close();
    }
  });
});
