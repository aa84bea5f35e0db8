/**
 * Scope before reads, through `fedlink sandbox run`: an event naming a subscription outside
 * `scope.subscriptions`, or one the credential cannot see, is skipped with a reason before any ARM
 * read against that subscription (no retries, no failed run, no stack trace).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { clusterResource } from '../../sandbox/builders';
import { normalizeResourceId } from '../../shared/core/resourceId';
import { cluster, event, identity, SUB, TENANT } from '../helpers/scenario';

const CLI = resolve(__dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'fedlink-scope-'));
const OTHER = '5f5f5f5f-0000-4000-8000-00000000b0b0'; // in the estate, not in scope.subscriptions
const HIDDEN = '6e6e6e6e-0000-4000-8000-00000000c0c0'; // in scope.subscriptions, not visible to the credential

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

const clusterIn = (subscriptionId: string, name: string) =>
  clusterResource({
    subscriptionId,
    resourceGroup: 'rg-aks',
    name,
    location: 'eastus',
    tenantId: TENANT,
    issuerId: 'abababab-0000-4000-8000-00000000f00d',
  });

describe('scope before reads (fedlink sandbox run)', () => {
  it('skips events for an out-of-scope and an invisible subscription with a reason and zero reads there', () => {
    const payments = identity('id-payments');
    const outside = clusterIn(OTHER, 'aks-other');
    const hidden = clusterIn(HIDDEN, 'aks-hidden');
    const inside = cluster('aks-in', 'abababab-0000-4000-8000-00000000beef');
    const run = spawnSync(
      process.execPath,
      [
        CLI,
        'sandbox',
        'run',
        '--json',
        '--full',
        '--estate',
        file('estate.json', {
          tenants: [{ tenantId: TENANT, subscriptions: [SUB, OTHER] }],
          resources: [payments, inside, outside],
        }),
        '--config',
        file(
          'fedlink.yaml',
          stringify({
            scope: { subscriptions: [SUB, HIDDEN] },
            federation: { bindings: [{ name: 'p', identity: payments.id, serviceAccounts: ['web/api'] }] },
          }),
        ),
        '--events',
        file('events.json', [
          event('Microsoft.Resources.ResourceWriteSuccess', outside.id),
          event('Microsoft.Resources.ResourceWriteSuccess', hidden.id),
          event('Microsoft.Resources.ResourceWriteSuccess', inside.id),
        ]),
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as {
      operations: { method: string; path: string }[];
      report: { findings: { check: string; status: string; resourceId: string; message: string }[] };
      runs: { runtimeStatus: string; output?: { status: string; reason?: string } }[];
    };
    for (const sub of [OTHER, HIDDEN])
      expect(out.operations.filter((o) => o.path.toLowerCase().includes(sub))).toEqual([]);
    // Resource Graph is asked only about the subscription in scope and visible.
    expect(out.operations.filter((o) => o.method === 'PUT').map((o) => o.path.split('/')[2])).toEqual([SUB]);
    const scope = out.report.findings.filter((f) => f.check === 'scope.target');
    expect(scope.map((f) => [normalizeResourceId(f.resourceId), f.status, f.message]).sort()).toEqual(
      [
        [
          normalizeResourceId(outside.id),
          'pass',
          `subscription ${OTHER} is not in scope.subscriptions; skipped, nothing was read`,
        ],
        [
          normalizeResourceId(hidden.id),
          'warn',
          `subscription ${HIDDEN} is in scope.subscriptions, but the credential cannot see it; nothing was read`,
        ],
      ].sort(),
    );
    expect(out.runs.map((r) => r.runtimeStatus)).toEqual(['Completed', 'Completed', 'Completed']);
    expect(out.runs.filter((r) => r.output?.status === 'skipped')).toHaveLength(2);
  });
});
