/**
 * Hostile run requests over real sockets to the sandbox HTTP API (the same routes the Function App
 * registers): cluster and identity ids that traverse, are encoded, name the wrong provider or type, are
 * empty-segmented, oversized, look-alike or of another shape, and subscription ids that are not GUIDs.
 * Each is a 400 naming the problem, starts no run and makes no ARM call.
 */
import { startApiServer, type ApiServer } from '../../sandbox/httpServer';
import { silentLogger } from '../../shared/core/log';
import { running, type Running } from '../helpers/scenario';
import { aks, httpCases, payments } from './cases/http';
import { describeCounts } from './harness';

const CASES = httpCases();
let sandbox: Running;
let api: ApiServer;

beforeAll(async () => {
  sandbox = await running([payments, aks], {
    federation: { bindings: [{ name: 'p', identity: payments.id, serviceAccounts: ['payments/api'] }] },
  });
  api = await startApiServer({
    client: sandbox.host.client,
    log: silentLogger,
    configStatus: () => ({ loaded: true, source: 'test' }),
  });
});
afterAll(async () => {
  await api.close();
  await sandbox.close();
});

describe(`hostile run requests (${CASES.length}: ${describeCounts(CASES)})`, () => {
  it.each(CASES.map((c) => [`${c.category}: ${c.name}`, c] as const))(
    '%s: 400 naming the problem, no run, no ARM call',
    async (_label, c) => {
      const res = await fetch(`${api.url}/api/runs`, {
        method: 'POST',
        headers: { 'x-functions-key': api.key, 'content-type': 'application/json' },
        body: JSON.stringify(c.input),
      });
      const body = (await res.json()) as { error: { message: string; details?: string[] } };
      expect(res.status).toBe(400);
      expect([body.error.message, ...(body.error.details ?? [])].join('\n')).toMatch(c.says);
      expect(JSON.stringify(body).length).toBeLessThan(4000);
      expect(sandbox.host.topLevelInstances()).toEqual([]);
      expect(sandbox.emulator.operations).toEqual([]);
    },
  );
});
