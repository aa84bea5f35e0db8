/**
 * The reconcile engine through the `fedlink sandbox run` contract (test/integration/sandboxRun.test.ts):
 * empty scopes complete and report, case variants of one resource are one run, dropped events are
 * reported with their reason, a coalesced rerun reports the writes of every pass, and child
 * orchestration ids are unique per execution.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { driftCheck } from '../../functions/orchestrations/drift';
import { instanceIdFor, lockKeyFor } from '../../shared/core/instanceIds';
import { cluster, estate, event, identity, running, type Running, SUB, TENANT } from '../helpers/scenario';

const CLI = resolve(__dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'fedlink-engine-'));
const WRITE = 'Microsoft.Resources.ResourceWriteSuccess';

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

interface Output {
  report: {
    summary: { pass: number; warn: number; fail: number };
    findings: { check: string; status: string; message: string; resourceId: string }[];
  };
  runs: {
    instanceId: string;
    runtimeStatus: string;
    output?: { status: string; passes: number; counts: Record<string, number> };
  }[];
  metrics: Record<string, number>;
}

function sandboxRun(
  estatePath: string,
  config: unknown,
  events?: unknown[],
): { code: number | null; out: Output; stderr: string } {
  const args = [
    'sandbox',
    'run',
    '--estate',
    estatePath,
    '--config',
    file(`c-${Math.random()}.yaml`, stringify(config)),
    '--json',
  ];
  if (events) args.push('--events', file(`e-${Math.random()}.json`, events));
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: JSON.parse(r.stdout) as Output, stderr: r.stderr };
}

describe('no empty fan-out: a drift check over an empty scope completes and reports', () => {
  const payments = identity('id-payments');
  const aks = cluster('aks-prod-empty', 'abababab-0000-4000-8000-0000000000e1');
  it.each([
    ['no identities', estate([aks])],
    ['no clusters', estate([payments])],
    ['no resources at all', estate([])],
    ['no subscriptions', { tenants: [{ tenantId: TENANT, subscriptions: [] }], resources: [] }],
  ])('%s', (_what, est) => {
    const r = sandboxRun(file(`estate-${Math.random()}.json`, est), {});
    expect(r.code).toBe(0);
    expect(r.out.runs).toEqual([
      expect.objectContaining({
        instanceId: 'fedlink:drift',
        runtimeStatus: 'Completed',
        output: expect.objectContaining({ status: 'converged' }),
      }),
    ]);
    expect(r.out.report.summary.fail).toBe(0);
  });
});

describe('case variants of one resource', () => {
  it('are one instance and one lock (docs/adr/0004)', () => {
    const id = cluster('AKS-Prod', undefined).id;
    const lower = id.toLowerCase();
    expect(instanceIdFor('cluster', id)).toBe(instanceIdFor('cluster', lower));
    expect(instanceIdFor('cluster', id)).toMatch(/^fedlink:cluster:aks-prod:[0-9a-f]{20}$/);
    expect(lockKeyFor(id)).toBe(lockKeyFor(lower));
    expect(lockKeyFor(id)).toMatch(/^aks-prod:[0-9a-f]{20}$/);
  });

  it('delivered as events, make one run that writes each FIC once', () => {
    const payments = identity('id-payments');
    const aks = cluster('AKS-Prod', 'abababab-0000-4000-8000-0000000000c1');
    const upper = aks.id;
    const variants = [
      upper,
      upper.toLowerCase(),
      upper.replace('resourceGroups', 'resourcegroups').replace('AKS-Prod', 'aks-PROD'),
    ];
    const r = sandboxRun(
      file('estate-case.json', estate([payments, aks])),
      {
        scope: { subscriptions: [SUB] },
        federation: { bindings: [{ name: 'p', identity: payments.id, serviceAccounts: ['payments/api'] }] },
      },
      variants.map((v) => event(WRITE, v)),
    );
    expect(r.code).toBe(0);
    expect(r.out.runs.map((run) => run.instanceId)).toEqual([instanceIdFor('cluster', upper)]);
    expect(r.out.metrics.armWrites).toBe(1);
  });
});

describe('dropped events', () => {
  it('appear on stderr and as findings, with their reason', () => {
    const aks = cluster('aks-prod-spoof', 'abababab-0000-4000-8000-0000000000d1');
    const spoofed = event(WRITE, aks.id);
    (spoofed['data'] as Record<string, unknown>)['resourceUri'] = aks.id.replace(
      'aks-prod-spoof',
      'aks-other',
    );
    const otherType = event(
      WRITE,
      `/subscriptions/${SUB}/resourceGroups/rg-aks/providers/Microsoft.Storage/storageAccounts/st1`,
    );
    const r = sandboxRun(file('estate-spoof.json', estate([aks])), {}, [spoofed, otherType]);
    expect(r.code).toBe(0);
    const dropped = r.out.report.findings.filter((f) => f.check === 'event.dropped');
    expect(dropped).toEqual([
      expect.objectContaining({
        status: 'warn',
        resourceId: `event ${String(spoofed['id'])}`,
        message: expect.stringMatching(
          /^event dropped: data\.resourceUri ".*aks-other" does not match subject/,
        ),
      }),
    ]);
    const warnings = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: string; message: string; reason?: string });
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'warn',
          message: 'event dropped',
          reason: expect.stringContaining('does not match subject'),
        }),
      ]),
    );
    expect(r.out.runs).toEqual([]);
  });
});

describe('truthful outcomes', () => {
  let sandbox: Running | undefined;
  afterEach(() => sandbox?.close());

  it('a coalesced rerun reports the writes of every pass', async () => {
    const payments = identity('id-payments');
    const aks = cluster('aks-prod-rerun', 'abababab-0000-4000-8000-0000000000f1');
    sandbox = await running([payments, aks], {
      scope: { subscriptions: [SUB] },
      federation: {
        bindings: [
          { name: 'p', identity: payments.id, serviceAccounts: ['payments/api', 'payments/worker'] },
        ],
      },
    });
    // Two deliveries at once: one starts the run, the other is raised into it as a rerun.
    const results = await sandbox.deliver([event(WRITE, aks.id), event(WRITE, aks.id)]);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'changed', passes: 2, counts: { create: 2 } });
    expect(sandbox.writes().filter((w) => w.method === 'PUT')).toHaveLength(2);
  });

  it('child orchestration ids are unique per execution of the drift check', async () => {
    const payments = identity('id-payments');
    const started: string[] = [];
    sandbox = await running(
      [payments],
      {},
      {
        observer: (e) => {
          if (e.type === 'instanceStarted' && e.instanceId.startsWith('fedlink:drift:'))
            started.push(e.instanceId);
        },
      },
    );
    for (let i = 0; i < 2; i++) {
      await sandbox.host.client.startNew(driftCheck.name, {
        instanceId: 'fedlink:drift',
        input: { mode: 'apply', trigger: 'cli' },
      });
      await sandbox.host.runUntilIdle();
      expect((await sandbox.host.client.getStatus('fedlink:drift')).runtimeStatus).toBe('Completed');
    }
    expect(started).toHaveLength(2);
    expect(new Set(started).size).toBe(2);
    for (const id of started) expect(id).toMatch(/^fedlink:drift:[0-9a-f]{12}:federation:0$/);
  });
});
