/**
 * The HTTP API (docs/design.md "HTTP") over real sockets: the sandbox server feeds the same handlers the
 * Function App registers. Security target 3: no key, no ARM call.
 */
import { type Report } from '../../shared/validation/report';
import { startApiServer, type ApiServer } from '../../sandbox/httpServer';
import { silentLogger } from '../../shared/core/log';
import { cluster, identity, running, type Running } from '../helpers/scenario';

const payments = identity('id-payments');
const aks = cluster('aks-http', 'cdcdcdcd-0000-4000-8000-000000000001');
const cfg = {
  federation: { bindings: [{ name: 'p', identity: payments.id, serviceAccounts: ['payments/api'] }] },
};

let sandbox: Running;
let api: ApiServer;

beforeEach(async () => {
  sandbox = await running([payments, aks], cfg);
  api = await startApiServer({ client: sandbox.host.client, log: silentLogger });
});
afterEach(async () => {
  await api.close();
  await sandbox.close();
});

async function call(path: string, init: RequestInit & { key?: string | false } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.method === 'POST' && !headers.has('content-type')) headers.set('content-type', 'application/json');
  if (init.key !== false) headers.set('x-functions-key', init.key ?? api.key);
  return fetch(`${api.url}${path}`, { ...init, headers });
}

async function waitFor(
  instanceId: string,
): Promise<{ runtimeStatus: string; output: { status: string; counts: { create: number } } }> {
  for (let i = 0; i < 200; i++) {
    const res = await call(`/api/runs/${encodeURIComponent(instanceId)}`);
    const body = (await res.json()) as {
      runtimeStatus: string;
      output: { status: string; counts: { create: number } };
    };
    if (body.runtimeStatus === 'Completed' || body.runtimeStatus === 'Failed') return body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('run did not finish');
}

it('rejects requests without a valid key before any ARM call', async () => {
  const body = JSON.stringify({ scope: { clusterId: aks.id }, mode: 'apply' });
  expect((await call('/api/runs', { method: 'POST', body, key: false })).status).toBe(401);
  expect((await call('/api/runs', { method: 'POST', body, key: 'wrong' })).status).toBe(401);
  expect((await call(`/api/report?code=nope`, { key: false })).status).toBe(401);
  expect(sandbox.emulator.operations).toEqual([]);
  expect((await call('/api/health', { key: false })).status).toBe(200);
});

it.each([
  ['not JSON', '{scope'],
  ['no scope', JSON.stringify({ mode: 'plan' })],
  [
    'a storage account id as cluster',
    JSON.stringify({
      scope: { clusterId: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/x' },
    }),
  ],
  ['an unknown mode', JSON.stringify({ scope: { all: true }, mode: 'yolo' })],
  ['an unknown key', JSON.stringify({ scope: { all: true }, force: true })],
])('answers 400 with what is wrong for %s, and starts nothing', async (_what, body) => {
  const res = await call('/api/runs', { method: 'POST', body });
  expect(res.status).toBe(400);
  const problem = (await res.json()) as { error: { message: string } };
  expect(problem.error.message).toBeTruthy();
  expect(sandbox.host.topLevelInstances()).toEqual([]);
  expect(sandbox.emulator.operations).toEqual([]);
});

it('starts a plan run with 202 and status URLs, then serves its result; plan writes nothing', async () => {
  const res = await call('/api/runs', {
    method: 'POST',
    body: JSON.stringify({ scope: { clusterId: aks.id }, mode: 'plan' }),
  });
  expect(res.status).toBe(202);
  const { id, runUri, statusQueryGetUri } = (await res.json()) as {
    id: string;
    runUri: string;
    statusQueryGetUri: string;
  };
  expect(res.headers.get('location')).toBe(`${api.url}/api/runs/${encodeURIComponent(id)}`);
  expect(runUri).toBe(res.headers.get('location'));
  expect(statusQueryGetUri).toContain(`/runtime/webhooks/durabletask/instances/${id}`);
  const done = await waitFor(id);
  expect(done.runtimeStatus).toBe('Completed');
  expect(done.output.status).toBe('planned');
  expect(done.output.counts.create).toBe(1);
  expect(sandbox.writes()).toEqual([]);
});

it('serves the fleet report as HTML and as JSON after a fleet run', async () => {
  expect((await call('/api/report')).status).toBe(404);
  const res = await call('/api/runs', {
    method: 'POST',
    body: JSON.stringify({ scope: { all: true }, mode: 'apply' }),
  });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await waitFor(id);
  const html = await call('/api/report', { headers: { accept: 'text/html' } });
  expect(html.headers.get('content-type')).toContain('text/html');
  expect(await html.text()).toContain('<table');
  const json = await call('/api/report', { headers: { accept: 'application/json' } });
  const report = (await json.json()) as Report;
  expect(report.summary.fail).toBe(0);
  expect(report.summary.pass).toBeGreaterThan(0);
  // By default the passes are counted, not listed.
  expect(report.listed).toBe('problems');
  expect(report.findings.filter((f) => f.status === 'pass')).toEqual([]);
  expect(Object.values(report.passesByCheck).reduce((a, b) => a + b, 0)).toBe(report.summary.pass);
  expect(sandbox.fics(payments.id)).toHaveLength(1);

  // Without a report store the fleet check's passes were counted, not kept: no full list, and the answer
  // says why; an unknown parameter changes nothing.
  const noList = await call('/api/report?full=true&colour=blue', { headers: { accept: 'application/json' } });
  expect(noList.status).toBe(404);
  expect(((await noList.json()) as { error: { message: string } }).error.message).toBe(
    `the last fleet check counted its ${report.summary.pass} passing finding(s) without keeping them: a full list needs a report store (FEDLINK_REPORTS_URL); GET /api/report without full=true lists its warn and fail findings and counts its passes`,
  );
  expect(
    await (
      await call('/api/report?colour=blue&full=false', { headers: { accept: 'application/json' } })
    ).json(),
  ).toEqual(report);
});

it('lists every finding with ?full=true from the report store the fleet check kept', async () => {
  await api.close();
  api = await startApiServer({
    client: sandbox.host.client,
    log: silentLogger,
    reports: sandbox.deps.reports!,
  });
  const res = await call('/api/runs', {
    method: 'POST',
    body: JSON.stringify({ scope: { all: true }, mode: 'apply' }),
  });
  const { id } = (await res.json()) as { id: string };
  await waitFor(id);
  const report = (await (
    await call('/api/report', { headers: { accept: 'application/json' } })
  ).json()) as Report;
  expect(report.listed).toBe('problems');
  expect(report.summary.pass).toBeGreaterThan(0);
  const full = (await (
    await call('/api/report?full=true&colour=blue', { headers: { accept: 'application/json' } })
  ).json()) as Report;
  expect(full.listed).toBe('all');
  expect(full.summary).toEqual(report.summary);
  expect(full.findings.filter((f) => f.status === 'pass')).toHaveLength(report.summary.pass);
  expect(full.findings).toContainEqual(
    expect.objectContaining({
      check: 'federation.fic-present',
      resourceId: expect.stringMatching(
        new RegExp(`^${payments.id}/federatedIdentityCredentials/fedlink-aks-http-payments-api-`),
      ) as unknown,
      status: 'pass',
    }),
  );
  const ndjson = await call('/api/report?full=true', { headers: { accept: 'application/x-ndjson' } });
  expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson');
  const lines = (await ndjson.text()).split('\n');
  expect(lines.pop()).toBe('');
  expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(full.findings);
});

it.each([
  ['full=maybe', 'got full=maybe'],
  ['full=1', 'got full=1'],
  ['full=TRUE', 'got full=TRUE'],
  ['full=true&full=false', 'got full=true&full=false'],
  ['full', 'got full='],
])('GET /api/report?%s is a 400 that says what full accepts', async (query, got) => {
  const res = await call(`/api/report?${query}`, { headers: { accept: 'application/json' } });
  expect(res.status).toBe(400);
  const { error } = (await res.json()) as { error: { message: string } };
  expect(error.message).toBe(
    `full must be given at most once, as full=true (every finding) or full=false (problems and pass counts, the default); ${got}`,
  );
});

it.each([
  [
    'clusterId',
    aks.id.replace('/resourceGroups/rg-aks/', '/resourceGroups/../'),
    'a managed cluster resource id (resource group ".." is a "." or ".." path segment)',
  ],
  [
    'clusterId',
    aks.id.replace(/aks-http$/, '%2e%2e'),
    'a managed cluster resource id (resource name "%2e%2e" is a "." or ".." path segment)',
  ],
  [
    'identityId',
    payments.id.replace(/id-payments$/, '.'),
    'a user-assigned identity resource id (resource name "." is a "." or ".." path segment)',
  ],
])(
  'answers 400 for a %s with a "." or ".." segment (%s), which a URL would resolve elsewhere',
  async (key, id, what) => {
    const body = JSON.stringify({ scope: { [key]: id }, mode: 'apply' });
    const res = await call('/api/runs', { method: 'POST', body });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { message: 'invalid run request', details: [`scope.${key}: expected ${what}`] },
    });
    expect(sandbox.host.topLevelInstances()).toEqual([]);
    expect(sandbox.emulator.operations).toEqual([]);
  },
);
