/**
 * The `fedlink sandbox run` contract (DESIGN.md), through the compiled CLI as a user runs it:
 * stdout is one JSON object, exit codes 0 / 1 / 2, bad input named with its file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { normalizeResourceId } from '../../shared/core/resourceId';
import { ficName } from '../../shared/federation/names';
import { fixtureEstate } from '../helpers/fixtureEstate';
import { cluster, estate, event, identity, issuerOf, SUB } from '../helpers/scenario';

const CLI = resolve(__dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'fedlink-run-'));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

function fedlink(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Output {
  operations: { method: string; path: string; status: number }[];
  state: { resources: { id: string; name: string; type: string; properties?: Record<string, unknown> }[] };
  report: { summary: { pass: number; warn: number; fail: number }; findings: { check: string; status: string; message: string }[] };
  metrics: Record<string, number>;
}

describe('fedlink sandbox run', () => {
  it('round-trips an estate built from the shared fixtures unchanged (a drift check, no writes)', () => {
    const fixture = fixtureEstate();
    const run = fedlink('sandbox', 'run', '--estate', file('fixture-estate.json', fixture), '--config', file('empty.yaml', '{}\n'), '--json');
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Output;
    expect(out.state.resources).toEqual(fixture.resources);
    expect(out.operations.filter((o) => o.method !== 'GET' && !o.path.endsWith('/providers/Microsoft.ResourceGraph/resources'))).toEqual([]);
    expect(out.metrics.armWrites).toBe(0);
    expect(out.metrics.armDeletes).toBe(0);
    expect(Object.keys(out.metrics)).toEqual(expect.arrayContaining(['armReads', 'armWrites', 'armDeletes', 'activities', 'orchestrations', 'maxHistoryEvents']));
  });

  it('delivers events through the real trigger and orchestrations, and reports the result', () => {
    const payments = identity('id-payments');
    const aks = cluster('aks-prod-cli', 'abababab-0000-4000-8000-000000000001');
    const estatePath = file('estate.json', estate([payments, aks]));
    const configPath = file('fedlink.yaml', stringify({ scope: { subscriptions: [SUB] }, federation: { bindings: [{ name: 'p', identity: payments.id, serviceAccounts: ['payments/api'] }] } }));
    const eventsPath = file('events.json', [event('Microsoft.Resources.ResourceWriteSuccess', aks.id), event('Microsoft.Resources.ResourceWriteSuccess', aks.id)]);

    const plan = fedlink('sandbox', 'run', '--estate', estatePath, '--config', configPath, '--events', eventsPath, '--mode', 'plan', '--json');
    expect(plan.code).toBe(0);
    const planned = JSON.parse(plan.stdout) as Output;
    expect(planned.operations.filter((o) => o.method !== 'GET' && o.method !== 'POST')).toEqual([]);

    const apply = fedlink('sandbox', 'run', '--estate', estatePath, '--config', configPath, '--events', eventsPath, '--json');
    expect(apply.code).toBe(0);
    const out = JSON.parse(apply.stdout) as Output;
    const issuer = issuerOf(aks);
    const name = ficName({ clusterName: 'aks-prod-cli', namespace: 'payments', serviceAccount: 'api', issuer, subject: 'system:serviceaccount:payments:api' });
    // The identity service answers with `resourcegroups` in FIC ids (as its published examples do): compare normalized.
    const fic = out.state.resources.find((r) => normalizeResourceId(r.id) === normalizeResourceId(`${payments.id}/federatedIdentityCredentials/${name}`));
    expect(fic?.properties).toEqual({ issuer, subject: 'system:serviceaccount:payments:api', audiences: ['api://AzureADTokenExchange'] });
    expect(out.operations.filter((o) => o.method === 'PUT')).toHaveLength(1);
    expect(out.report.summary.fail).toBe(0);
    expect(out.report.findings.some((f) => f.check === 'federation.fic-present' && f.status === 'pass')).toBe(true);
  });

  it.each([
    ['a missing estate file', () => ['--estate', join(dir, 'nope.json'), '--config', file('c1.yaml', '{}')], /nope\.json/],
    ['an estate that is not JSON', () => ['--estate', file('bad.json', '{ not json'), '--config', file('c2.yaml', '{}')], /bad\.json/],
    ['an estate without tenants', () => ['--estate', file('notenants.json', { resources: [] }), '--config', file('c3.yaml', '{}')], /notenants\.json/],
    ['a config with an unknown key', () => ['--estate', file('ok.json', estate([])), '--config', file('unknown.yaml', 'federation:\n  bindinqs: []\n')], /unknown\.yaml.*bindinqs|bindinqs.*unknown\.yaml/s],
    ['a config with a bad service account', () => ['--estate', file('ok2.json', estate([])), '--config', file('badsa.yaml', stringify({ federation: { bindings: [{ name: 'x', identity: identity('i').id, serviceAccounts: ['no-slash'] }] } }))], /serviceAccounts\[0\]/],
    ['an events file that is not an array', () => ['--estate', file('ok3.json', estate([])), '--config', file('c4.yaml', '{}'), '--events', file('ev.json', { not: 'array' })], /ev\.json/],
  ])('exits 2 with one clear message for %s, before any ARM call', (_what, args, message) => {
    const run = fedlink('sandbox', 'run', ...args(), '--json');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
  });
});
