/**
 * Prune never deletes what is live (docs/azure-behaviour.md §9.5), through `fedlink sandbox run` as a
 * user runs it: a FIC is deleted only when a direct ARM read confirms its cluster is gone (404) or now
 * has a different valid issuer. Resource Graph is never trusted for that: it lags ARM (the estate's
 * `resourceGraph` section sets the emulator's lag), and it cannot tell a null issuer from a gone one.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { ficResource, type ArmResource } from '../../sandbox/builders';
import { ficName } from '../../shared/federation/names';
import { cluster, estate, event, identity, issuerOf } from '../helpers/scenario';

const CLI = resolve(__dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'fedlink-prune-'));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

interface Output {
  operations: { method: string; path: string; status: number }[];
  state: { resources: { id: string; name: string; properties?: Record<string, unknown> }[] };
  report: { findings: { check: string; status: string; resourceId: string; message: string }[] };
}

function sandboxRun(...args: string[]): { code: number | null; out: Output; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'sandbox', 'run', '--json', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: JSON.parse(r.stdout || '{}') as Output, stderr: r.stderr };
}

const SAS = ['api', 'worker', 'jobs'];
const subject = (sa: string): string => `system:serviceaccount:payments:${sa}`;

/** The three owned FICs fedlink wrote for `clusterName` when its issuer was `issuer`. */
function ownedFics(identityId: string, clusterName: string, issuer: string): ArmResource[] {
  return SAS.map((sa) =>
    ficResource(
      identityId,
      ficName({ clusterName, namespace: 'payments', serviceAccount: sa, issuer, subject: subject(sa) }),
      issuer,
      subject(sa),
    ),
  );
}

const names = (out: Output, identityId: string): string[] =>
  out.state.resources
    .filter((r) => r.id.toLowerCase().startsWith(identityId.toLowerCase() + '/federatedidentitycredentials/'))
    .map((r) => r.name)
    .sort();

const deletes = (out: Output): string[] =>
  out.operations.filter((o) => o.method === 'DELETE').map((o) => o.path.split('/').pop() ?? '');

const bindingConfig = (identityId: string): string =>
  stringify({
    federation: {
      bindings: [{ name: 'p', identity: identityId, serviceAccounts: SAS.map((sa) => `payments/${sa}`) }],
    },
  });

describe('prune safety (fedlink sandbox run)', () => {
  it('a live cluster whose oidcIssuerProfile is null keeps its three FICs, with a finding (event and drift check)', () => {
    const payments = identity('id-payments');
    const live = cluster('aks-null', 'c0c0c0c0-0000-4000-8000-000000000001');
    const formerIssuer = issuerOf(live);
    const unreadable = {
      ...live,
      properties: { ...(live.properties as Record<string, unknown>), oidcIssuerProfile: null },
    };
    const fics = ownedFics(payments.id, 'aks-null', formerIssuer);
    const estatePath = file('null-estate.json', estate([payments, unreadable, ...fics]));
    const configPath = file('null.yaml', bindingConfig(payments.id));

    for (const extra of [
      [
        '--events',
        file('null-events.json', [event('Microsoft.Resources.ResourceWriteSuccess', payments.id)]),
      ],
      [],
    ]) {
      const run = sandboxRun('--estate', estatePath, '--config', configPath, ...extra);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(deletes(run.out)).toEqual([]);
      expect(names(run.out, payments.id)).toEqual(fics.map((f) => f.name).sort());
      const kept = run.out.report.findings.filter((f) => f.check === 'federation.prune-unconfirmed');
      expect(kept.map((f) => f.resourceId.split('/').pop()).sort()).toEqual(fics.map((f) => f.name).sort());
      for (const f of kept) {
        expect(f.status).toBe('warn');
        expect(f.message).toContain(`${unreadable.id} reports no OIDC issuer`);
      }
    }
  });

  it('a drift check right after a re-creation, while Resource Graph still shows the old cluster, prunes nothing live', () => {
    const payments = identity('id-payments');
    const before = cluster('aks-again', 'd0d0d0d0-0000-4000-8000-000000000001');
    const recreated = cluster('aks-again', 'd0d0d0d0-0000-4000-8000-000000000002');
    // The event run after the re-creation already wrote the new issuer's FICs; ARG lags 120 s and the
    // re-creation was 10 s ago, so ARG still has the old cluster (old issuer).
    const current = ownedFics(payments.id, 'aks-again', issuerOf(recreated));
    const run = sandboxRun(
      '--estate',
      file('lag-estate.json', {
        ...estate([payments, recreated, ...current]),
        resourceGraph: { lagSeconds: 120, recent: [{ id: recreated.id, secondsAgo: 10, before }] },
      }),
      '--config',
      file('lag.yaml', bindingConfig(payments.id)),
    );
    expect(run.stderr).toBe('');
    expect(run.out.report.findings.filter((f) => f.status === 'fail')).toEqual([]);
    expect(run.code).toBe(0);
    expect(deletes(run.out)).toEqual([]);
    // Nor is anything written for the old issuer Resource Graph still shows: a GET contradicts it.
    expect(run.out.operations.filter((o) => o.method === 'PUT')).toEqual([]);
    expect(names(run.out, payments.id)).toEqual(current.map((f) => f.name).sort());
    const held = run.out.report.findings.filter((f) => f.check === 'federation.issuer-stale');
    expect(held).toHaveLength(3);
    for (const f of held)
      expect(f.message).toContain(
        `Resource Graph gave the issuer ${issuerOf(before)}, but cluster ${recreated.id} now has the issuer ${issuerOf(recreated)}`,
      );
  });

  it('the delete event of a cluster that Resource Graph still lists: the GET answers 404 and its FICs are pruned', () => {
    const payments = identity('id-payments');
    const gone = cluster('aks-gone', 'e0e0e0e0-0000-4000-8000-000000000001');
    const fics = ownedFics(payments.id, 'aks-gone', issuerOf(gone));
    const run = sandboxRun(
      '--estate',
      file('gone-estate.json', {
        ...estate([payments, ...fics]),
        resourceGraph: { lagSeconds: 120, recent: [{ id: gone.id, secondsAgo: 10, before: gone }] },
      }),
      '--config',
      file('gone.yaml', bindingConfig(payments.id)),
      '--events',
      file('gone-events.json', [event('Microsoft.Resources.ResourceDeleteSuccess', gone.id)]),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(deletes(run.out).sort()).toEqual(fics.map((f) => f.name).sort());
    expect(names(run.out, payments.id)).toEqual([]);
  });

  it('a cluster created after Resource Graph last indexed: the ARM list finds it and its FICs stay', () => {
    const payments = identity('id-payments');
    const fresh = cluster('aks-new', 'f0f0f0f0-0000-4000-8000-000000000001', { tags: { env: 'dev' } });
    const fics = ownedFics(payments.id, 'aks-new', issuerOf(fresh));
    const run = sandboxRun(
      '--estate',
      file('new-estate.json', {
        ...estate([payments, fresh, ...fics]),
        resourceGraph: { lagSeconds: 120, recent: [{ id: fresh.id, secondsAgo: 5, before: null }] },
      }),
      '--config',
      file('new.yaml', bindingConfig(payments.id)),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(deletes(run.out)).toEqual([]);
    expect(names(run.out, payments.id)).toEqual(fics.map((f) => f.name).sort());
  });
});
