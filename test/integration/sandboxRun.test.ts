/**
 * The `fedlink sandbox run` contract (docs/design.md), through the compiled CLI as a user runs it:
 * stdout is one JSON object, exit codes 0 / 1 / 2, bad input named with its file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { normalizeResourceId } from '../../shared/core/resourceId';
import { ficName } from '../../shared/federation/names';
import { fixtureEstate } from '../helpers/fixtureEstate';
import { VirtualClock } from '../../sandbox/clock';
import { runOnWorkerProcess } from '../../sandbox/workerProcess';
import { parseConfig } from '../../shared/config/load';
import { ficResource } from '../../sandbox/builders';
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
  report: {
    summary: { pass: number; warn: number; fail: number };
    passesByCheck: Record<string, number>;
    listed: 'all' | 'problems';
    findings: {
      check: string;
      status: string;
      message: string;
      subject?: { state: string; column?: string };
    }[];
  };
  metrics: Record<string, number>;
}

describe('fedlink sandbox run', () => {
  it('round-trips an estate built from the shared fixtures unchanged (a drift check, no writes)', () => {
    const fixture = fixtureEstate();
    const run = fedlink(
      'sandbox',
      'run',
      '--estate',
      file('fixture-estate.json', fixture),
      '--config',
      file('empty.yaml', '{}\n'),
      '--json',
    );
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Output;
    expect(out.state.resources).toEqual(fixture.resources);
    expect(
      out.operations.filter(
        (o) => o.method !== 'GET' && !o.path.endsWith('/providers/Microsoft.ResourceGraph/resources'),
      ),
    ).toEqual([]);
    expect(out.metrics.armWrites).toBe(0);
    expect(out.metrics.armDeletes).toBe(0);
    expect(Object.keys(out.metrics)).toEqual(
      expect.arrayContaining([
        'armReads',
        'armWrites',
        'armDeletes',
        'activities',
        'orchestrations',
        'maxHistoryEvents',
        'maxHistoryBytes',
        'workerPeakRssMb',
      ]),
    );
    // The worker ran in its own process (sandbox/workerProcess.ts), and said how much memory it took.
    expect(out.metrics.workerPeakRssMb).toBeGreaterThan(20);
    expect(out.metrics.workerPeakRssMb).toBeLessThan(512);
    // The drift check's history, serialized as the extension hands it to the orchestrator.
    expect(out.metrics.maxHistoryBytes).toBeGreaterThan((out.metrics.maxHistoryEvents ?? 0) * 50);
  });

  it("keeps the work and report stores' documents in a temporary folder while it runs, and removes it", () => {
    // The folders are made under TMPDIR (os.tmpdir()); a fresh one shows what the run left behind.
    const tmp = mkdtempSync(join(tmpdir(), 'fedlink-run-tmp-'));
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        'sandbox',
        'run',
        '--estate',
        file('fixture-estate-tmp.json', fixtureEstate()),
        '--config',
        file('empty-tmp.yaml', '{}\n'),
        '--json',
        '--full',
      ],
      { encoding: 'utf8', timeout: 60_000, env: { ...process.env, TMPDIR: tmp } },
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Output;
    // --full read every finding back from the report store's files.
    expect(out.report.listed).toBe('all');
    expect(out.report.findings.length).toBeGreaterThan(0);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('runs the worker sized as the instance it is told (--instance-memory), and says so when the worker dies', async () => {
    const r = fedlink(
      'sandbox',
      'run',
      '--estate',
      file('fixture-estate-4096.json', fixtureEstate()),
      '--config',
      file('empty-4096.yaml', '{}\n'),
      '--json',
      '--instance-memory',
      '4096',
    );
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Output).metrics.workerPeakRssMb).toBeGreaterThan(20);
    // A worker that exits before it answers (here: its script just exits, as V8 does when the heap runs out)
    // is an error that names the way out.
    const clock = new VirtualClock({ scale: 20 });
    await expect(
      runOnWorkerProcess(
        {
          arm: { endpoint: 'https://127.0.0.1:1', caPem: '', tenantIds: ['t'] },
          config: parseConfig('{}'),
          mode: 'plan',
          full: false,
        },
        { script: file('exiting-worker.js', 'process.exit(134);\n'), clock, instanceMemoryMb: 512 },
      ),
    ).rejects.toThrow(
      /^sandbox worker exited \(code 134\) before it answered; .*--instance-memory; this one: 512 MB\)$/,
    );
  });

  it('delivers events through the real trigger and orchestrations, and reports the result', () => {
    const payments = identity('id-payments');
    const aks = cluster('aks-prod-cli', 'abababab-0000-4000-8000-000000000001');
    const estatePath = file('estate.json', estate([payments, aks]));
    const configPath = file(
      'fedlink.yaml',
      stringify({
        scope: { subscriptions: [SUB] },
        federation: { bindings: [{ name: 'p', identity: payments.id, serviceAccounts: ['payments/api'] }] },
      }),
    );
    const eventsPath = file('events.json', [
      event('Microsoft.Resources.ResourceWriteSuccess', aks.id),
      event('Microsoft.Resources.ResourceWriteSuccess', aks.id),
    ]);

    const plan = fedlink(
      'sandbox',
      'run',
      '--estate',
      estatePath,
      '--config',
      configPath,
      '--events',
      eventsPath,
      '--mode',
      'plan',
      '--json',
    );
    expect(plan.code).toBe(0);
    const planned = JSON.parse(plan.stdout) as Output;
    expect(planned.operations.filter((o) => o.method !== 'GET' && o.method !== 'POST')).toEqual([]);

    const apply = fedlink(
      'sandbox',
      'run',
      '--estate',
      estatePath,
      '--config',
      configPath,
      '--events',
      eventsPath,
      '--json',
    );
    expect(apply.code).toBe(0);
    const out = JSON.parse(apply.stdout) as Output;
    const issuer = issuerOf(aks);
    const name = ficName({
      clusterName: 'aks-prod-cli',
      namespace: 'payments',
      serviceAccount: 'api',
      issuer,
      subject: 'system:serviceaccount:payments:api',
    });
    // The identity service answers with `resourcegroups` in FIC ids (as its published examples do): compare normalized.
    const fic = out.state.resources.find(
      (r) =>
        normalizeResourceId(r.id) ===
        normalizeResourceId(`${payments.id}/federatedIdentityCredentials/${name}`),
    );
    expect(fic?.properties).toEqual({
      issuer,
      subject: 'system:serviceaccount:payments:api',
      audiences: ['api://AzureADTokenExchange'],
    });
    expect(out.operations.filter((o) => o.method === 'PUT')).toHaveLength(1);
    expect(out.report.summary.fail).toBe(0);
    // Passes are counted per check, not listed; --full lists them; the table ends with the counts.
    expect(out.report.listed).toBe('problems');
    expect(out.report.findings.filter((f) => f.status === 'pass')).toEqual([]);
    expect(out.report.passesByCheck['federation.fic-present']).toBeGreaterThanOrEqual(1);
    const again = (...extra: string[]) =>
      fedlink(
        'sandbox',
        'run',
        '--estate',
        estatePath,
        '--config',
        configPath,
        '--events',
        eventsPath,
        ...extra,
      );
    const full = JSON.parse(again('--json', '--full').stdout) as Output;
    expect(full.report.listed).toBe('all');
    const passes = full.report.findings.filter((f) => f.status === 'pass');
    expect(passes.length).toBe(full.report.summary.pass);
    expect(passes.some((f) => f.check === 'federation.fic-present')).toBe(true);
    const table = again().stdout;
    expect(table).toMatch(
      /\npassing \(counted, not listed; --full lists them\):\n( {2}.+\n)* {2}federation\.fic-present +\d+\n/,
    );
    expect(again('--full').stdout).not.toContain('passing (counted');
  });

  it('ten cluster events at once (with duplicates): no 409, exact FICs; an identity past 20 gets none and exit 1 names the count', () => {
    const wide = identity('id-wide');
    const full = identity('id-full');
    const existing = Array.from({ length: 19 }, (_, i) =>
      ficResource(
        full.id,
        `handmade-${i}`,
        'https://token.actions.githubusercontent.com',
        `repo:org/app:ref:refs/heads/b${i}`,
      ),
    );
    const clusters = Array.from({ length: 10 }, (_, i) =>
      cluster(`aks-burst-${i}`, `b0b0b0b0-0000-4000-8000-0000000000${i.toString().padStart(2, '0')}`),
    );
    const events = clusters.flatMap((c, i) =>
      i % 5 === 0
        ? [
            event('Microsoft.Resources.ResourceWriteSuccess', c.id),
            event('Microsoft.Resources.ResourceWriteSuccess', c.id),
          ]
        : [event('Microsoft.Resources.ResourceWriteSuccess', c.id)],
    );
    const run = fedlink(
      'sandbox',
      'run',
      '--json',
      '--estate',
      file('burst-estate.json', estate([wide, full, ...clusters, ...existing])),
      '--config',
      file(
        'burst.yaml',
        stringify({
          federation: {
            bindings: [
              { name: 'wide', identity: wide.id, serviceAccounts: ['web/api'] },
              { name: 'full', identity: full.id, serviceAccounts: ['web/api'] },
            ],
          },
        }),
      ),
      '--events',
      file('burst-events.json', events),
    );
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as Output;
    const ficsOf = (id: string) =>
      out.state.resources.filter((r) =>
        normalizeResourceId(r.id).startsWith(normalizeResourceId(id) + '/federatedidentitycredentials/'),
      );
    expect(
      ficsOf(wide.id)
        .map((r) => (r.properties as { issuer: string }).issuer)
        .sort(),
    ).toEqual(clusters.map(issuerOf).sort());
    expect(ficsOf(full.id)).toHaveLength(19);
    expect(out.operations.filter((o) => o.status === 409)).toEqual([]);
    expect(out.operations.filter((o) => o.method === 'PUT' && o.status < 300)).toHaveLength(10);
    const refused = out.report.findings.filter((f) => f.status === 'fail');
    expect(refused.length).toBeGreaterThanOrEqual(1);
    // The identity's refusal, and each credential it did not get, as a refused cell of the fleet matrix.
    expect(
      refused.every(
        (f) =>
          (f.check === 'federation.identity-capacity' && f.message.includes('id-full')) ||
          (f.check === 'federation.fic-present' &&
            f.subject?.state === 'refused' &&
            f.subject.column === 'id-full'),
      ),
    ).toBe(true);
    expect(refused.filter((f) => f.check === 'federation.identity-capacity').length).toBeGreaterThanOrEqual(
      1,
    );
    expect(refused[0]?.message).toMatch(/would need (20|2\d) federated credentials/);
  });

  it('a re-created cluster: FICs for the new issuer, owned ones for the old issuer pruned, foreign ones kept, a matching foreign FIC adopted', () => {
    const payments = identity('id-payments');
    const recreated = cluster('aks-again', 'a9a9a9a9-0000-4000-8000-000000000002');
    const oldIssuer = issuerOf(cluster('aks-again', 'a9a9a9a9-0000-4000-8000-000000000001'));
    const newIssuer = issuerOf(recreated);
    const subject = (sa: string) => `system:serviceaccount:payments:${sa}`;
    const oldOwned = ['api', 'worker'].map((sa) =>
      ficResource(
        payments.id,
        ficName({
          clusterName: 'aks-again',
          namespace: 'payments',
          serviceAccount: sa,
          issuer: oldIssuer,
          subject: subject(sa),
        }),
        oldIssuer,
        subject(sa),
      ),
    );
    const foreignOld = ficResource(
      payments.id,
      'handmade-legacy',
      oldIssuer,
      'system:serviceaccount:legacy:app',
    );
    const foreignNew = ficResource(payments.id, 'handmade-api', newIssuer, subject('api'));
    const run = fedlink(
      'sandbox',
      'run',
      '--json',
      '--estate',
      file('again-estate.json', estate([payments, recreated, ...oldOwned, foreignOld, foreignNew])),
      '--config',
      file(
        'again.yaml',
        stringify({
          federation: {
            bindings: [
              { name: 'p', identity: payments.id, serviceAccounts: ['payments/api', 'payments/worker'] },
            ],
          },
        }),
      ),
      '--events',
      file('again-events.json', [event('Microsoft.Resources.ResourceWriteSuccess', recreated.id)]),
    );
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Output;
    const fics = out.state.resources
      .filter((r) => normalizeResourceId(r.id).startsWith(normalizeResourceId(payments.id) + '/'))
      .map((r) => ({ name: r.name, ...(r.properties as { issuer: string; subject: string }) }))
      .map(({ name, issuer, subject: s }) => `${name} ${issuer === newIssuer ? 'NEW' : 'OLD'} ${s}`)
      .sort();
    const workerName = ficName({
      clusterName: 'aks-again',
      namespace: 'payments',
      serviceAccount: 'worker',
      issuer: newIssuer,
      subject: subject('worker'),
    });
    expect(fics).toEqual(
      [
        `${workerName} NEW ${subject('worker')}`,
        `handmade-api NEW ${subject('api')}`,
        'handmade-legacy OLD system:serviceaccount:legacy:app',
      ].sort(),
    );
    expect(
      out.operations
        .filter((o) => o.method !== 'GET' && o.method !== 'POST')
        .map((o) => `${o.method} ${o.path.split('/').pop() ?? ''}`)
        .sort(),
    ).toEqual([`PUT ${workerName}`, ...oldOwned.map((r) => `DELETE ${r.name}`)].sort());
  });

  it.each([
    [
      'a missing estate file',
      () => ['--estate', join(dir, 'nope.json'), '--config', file('c1.yaml', '{}')],
      /nope\.json/,
    ],
    [
      'an estate that is not JSON',
      () => ['--estate', file('bad.json', '{ not json'), '--config', file('c2.yaml', '{}')],
      /bad\.json/,
    ],
    [
      'an estate without tenants',
      () => ['--estate', file('notenants.json', { resources: [] }), '--config', file('c3.yaml', '{}')],
      /notenants\.json/,
    ],
    [
      'a config with an unknown key',
      () => [
        '--estate',
        file('ok.json', estate([])),
        '--config',
        file('unknown.yaml', 'federation:\n  bindinqs: []\n'),
      ],
      /unknown\.yaml.*bindinqs|bindinqs.*unknown\.yaml/s,
    ],
    [
      'a config with a bad service account',
      () => [
        '--estate',
        file('ok2.json', estate([])),
        '--config',
        file(
          'badsa.yaml',
          stringify({
            federation: {
              bindings: [{ name: 'x', identity: identity('i').id, serviceAccounts: ['no-slash'] }],
            },
          }),
        ),
      ],
      /serviceAccounts\[0\]/,
    ],
    [
      'an events file that is not an array',
      () => [
        '--estate',
        file('ok3.json', estate([])),
        '--config',
        file('c4.yaml', '{}'),
        '--events',
        file('ev.json', { not: 'array' }),
      ],
      /ev\.json/,
    ],
  ])('exits 2 with one clear message for %s, before any ARM call', (_what, args, message) => {
    const run = fedlink('sandbox', 'run', ...args(), '--json');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
  });
});
