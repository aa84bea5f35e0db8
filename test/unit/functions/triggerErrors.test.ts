/**
 * HTTP and timer triggers say what went wrong: "already running" only when the instance is running,
 * "no such run" only for the client's 404, and any other client failure as itself (docs/design.md "HTTP").
 * The client is the sandbox durable host's (the real client's semantics), with one method made to fail.
 */
import { HttpRequest } from '@azure/functions';
import { type DurableClientPort } from '../../../functions/durableClientPort';
import '../../../functions/catalog';
import { registeredFunctions } from '../../../functions/registry';
import { getRun, postRun } from '../../../functions/triggers/http';
import { getReport } from '../../../functions/triggers/httpReport';
import { startDriftCheck } from '../../../functions/triggers/timer';
import { configSchema } from '../../../shared/config/schema';
import { type Logger, silentLogger } from '../../../shared/core/log';
import { VirtualClock } from '../../../sandbox/clock';
import { DurableHost } from '../../../sandbox/durable';

const outage = new Error('DurableClient error: the task hub storage account answered 503 Server Busy');

function hostAndClient(failing: Partial<Record<'startNew' | 'getStatus', Error>>): {
  host: DurableHost;
  client: DurableClientPort;
} {
  const clock = new VirtualClock({ start: Date.parse('2026-01-01T00:00:00Z'), scale: 1000 });
  const host = new DurableHost({
    functions: registeredFunctions(),
    deps: () => {
      throw new Error('no activity runs in these tests');
    },
    clock,
  });
  const real = host.client;
  const client: DurableClientPort = {
    startNew: (name, options) =>
      failing.startNew ? Promise.reject(failing.startNew) : real.startNew(name, options),
    getStatus: (id) => (failing.getStatus ? Promise.reject(failing.getStatus) : real.getStatus(id)),
    raiseEvent: (...a) => real.raiseEvent(...a),
    terminate: (...a) => real.terminate(...a),
    purgeInstanceHistory: (id) => real.purgeInstanceHistory(id),
    createCheckStatusResponse: (r, id) => real.createCheckStatusResponse(r, id),
    createHttpManagementPayload: (id) => real.createHttpManagementPayload(id),
  };
  return { host, client };
}

function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string, fields?: object) =>
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  return { log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

const runs = (body: unknown) =>
  new HttpRequest({
    url: 'https://fedlink.test/api/runs',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: { string: JSON.stringify(body) },
  });

let host: DurableHost | undefined;
afterEach(async () => host?.close());

it('POST /api/runs: a start that fails for another reason than a running instance is a 503 with the cause, not a 409', async () => {
  const t = hostAndClient({ startNew: outage });
  host = t.host;
  const { log, lines } = capture();
  const res = await postRun(runs({ scope: { all: true }, mode: 'apply' }), { client: t.client, log });
  expect(res.status).toBe(503);
  expect(res.jsonBody).toEqual({ error: { message: `could not start the fleet run: ${outage.message}` } });
  expect(lines.some((l) => l.startsWith('error run not started'))).toBe(true);
});

it('POST /api/runs: a fleet run that is really running is a 409', async () => {
  const t = hostAndClient({});
  host = t.host;
  await t.client.startNew('driftCheck', {
    instanceId: 'fedlink:drift',
    input: { mode: 'apply', trigger: 'http' },
  });
  const res = await postRun(runs({ scope: { all: true }, mode: 'apply' }), {
    client: t.client,
    log: silentLogger,
  });
  expect(res.status).toBe(409);
});

it('GET /api/runs/{id}: 404 only for an unknown run; a failing status read is a 503', async () => {
  const known = hostAndClient({});
  host = known.host;
  const req = new HttpRequest({
    url: 'https://fedlink.test/api/runs/x',
    method: 'GET',
    params: { id: 'nope' },
  });
  expect((await getRun(req, { client: known.client, log: silentLogger })).status).toBe(404);
  await known.host.close();
  const broken = hostAndClient({ getStatus: outage });
  host = broken.host;
  const res = await getRun(req, { client: broken.client, log: silentLogger });
  expect(res.status).toBe(503);
  expect(JSON.stringify(res.jsonBody)).toContain('503 Server Busy');
});

it('GET /api/report: a failing status read is a 503, not "no fleet check yet"', async () => {
  const t = hostAndClient({ getStatus: outage });
  host = t.host;
  const req = new HttpRequest({ url: 'https://fedlink.test/api/report', method: 'GET' });
  expect((await getReport(req, { client: t.client, log: silentLogger })).status).toBe(503);
});

it('timer: a start that fails while nothing is running fails the tick with its cause instead of skipping it', async () => {
  const t = hostAndClient({ startNew: outage });
  host = t.host;
  const config = configSchema.parse({});
  await expect(startDriftCheck(t.client, config, silentLogger)).rejects.toThrow(
    `drift check not started: ${outage.message}`,
  );
});

it('timer: a drift check that is still running skips the tick', async () => {
  const t = hostAndClient({});
  host = t.host;
  await t.client.startNew('driftCheck', {
    instanceId: 'fedlink:drift',
    input: { mode: 'plan', trigger: 'timer' },
  });
  expect(await startDriftCheck(t.client, configSchema.parse({}), silentLogger)).toBe('already-running');
});
