/**
 * The CLI cannot bypass the app's locks: `fedlink apply --app URL` runs through the Function App's HTTP
 * API (here the sandbox server, which feeds the same handlers), an in-process apply against Azure is
 * refused unless --local is given, and --sandbox keeps working.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { chooseRuntime, LOCAL_APPLY_REFUSED, LOCAL_APPLY_WARNING } from '../../cli/commands/reconcile';
import { startApiServer, type ApiServer } from '../../sandbox/httpServer';
import { silentLogger } from '../../shared/core/log';
import { ficName } from '../../shared/federation/names';
import { cluster, estate, identity, issuerOf, running, type Running } from '../helpers/scenario';

const CLI = resolve(__dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'fedlink-app-'));
const payments = identity('id-payments');
const aks = cluster('aks-app', 'a0a0a0a0-0000-4000-8000-000000000001');
const cfg = {
  federation: { bindings: [{ name: 'p', identity: payments.id, serviceAccounts: ['payments/api'] }] },
};

/** Runs the compiled CLI without blocking this process (the app under test lives here). */
function fedlink(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) =>
        done({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('fedlink apply --app', () => {
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

  it('applies through the app: POST /api/runs, polls the run, prints its result; the app made the write', async () => {
    const run = await fedlink(['apply', '--cluster', aks.id, '--app', api.url, '--output', 'json'], {
      FEDLINK_FUNCTION_KEY: api.key,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { mode: string; status: string; counts: { create: number } };
    expect([result.mode, result.status, result.counts.create]).toEqual(['apply', 'changed', 1]);
    const name = ficName({
      clusterName: 'aks-app',
      namespace: 'payments',
      serviceAccount: 'api',
      issuer: issuerOf(aks),
      subject: 'system:serviceaccount:payments:api',
    });
    expect(sandbox.fics(payments.id).map((f) => f.name)).toEqual([name]);
    // The run is the app's own, under the per-resource instance id that events use too.
    expect(sandbox.host.topLevelInstances().map((i) => String(i.runtimeStatus))).toEqual(['Completed']);
  });

  it('a wrong key: exit 1, one line naming the 401, and nothing read from ARM', async () => {
    const run = await fedlink(['apply', '--cluster', aks.id, '--app', api.url, '--key', 'wrong']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      'fedlink: the Function App did not start the run: HTTP 401: missing or invalid function key (x-functions-key header or ?code=) (check the function key: --key or FEDLINK_FUNCTION_KEY)',
    ]);
    expect(sandbox.emulator.operations).toEqual([]);
  });
});

describe('in-process apply against Azure', () => {
  it('is refused with exit 2 and one line unless --local is given', async () => {
    const run = await fedlink(['apply', '--cluster', aks.id]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`fedlink: ${LOCAL_APPLY_REFUSED}\n`);
  });

  it('chooses the app, the sandbox, or a warned local apply', () => {
    expect(chooseRuntime({ mode: 'apply', app: 'https://fn.example.net', key: 'k' })).toEqual({
      kind: 'app',
      app: 'https://fn.example.net',
      key: 'k',
    });
    expect(() => chooseRuntime({ mode: 'apply', app: 'https://fn.example.net' })).toThrow(
      /FEDLINK_FUNCTION_KEY/,
    );
    expect(() => chooseRuntime({ mode: 'apply', app: 'https://x', key: 'k', local: true })).toThrow(
      '--app cannot be combined with --sandbox or --local',
    );
    expect(chooseRuntime({ mode: 'apply', local: true })).toEqual({
      kind: 'azure',
      warning: LOCAL_APPLY_WARNING,
    });
    expect(chooseRuntime({ mode: 'plan' })).toEqual({ kind: 'azure' });
    expect(chooseRuntime({ mode: 'apply', sandboxEstate: 'e.json' })).toEqual({
      kind: 'sandbox',
      estate: 'e.json',
    });
  });

  it('--app refuses plain http to a remote host (the key would travel in clear text)', async () => {
    const run = await fedlink(['plan', '--all', '--app', 'http://fn.example.net', '--key', 'k']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^fedlink: --app: use https:\/\//);
  });
});

describe('fedlink apply --sandbox', () => {
  it('keeps working as before', async () => {
    const estatePath = join(dir, 'estate.json');
    writeFileSync(estatePath, JSON.stringify(estate([payments, aks])));
    const configPath = join(dir, 'fedlink.yaml');
    writeFileSync(configPath, stringify(cfg));
    const run = await fedlink([
      'apply',
      '--cluster',
      aks.id,
      '--sandbox',
      estatePath,
      '--config',
      configPath,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`APPLY cluster ${aks.id.toLowerCase()}: changed`);
  });
});
