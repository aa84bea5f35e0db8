/**
 * The DNS capability through `fedlink sandbox run` (the compiled CLI, as a user runs it): `plan` writes
 * nothing and lists the planned links; the drift check (no events) finds private clusters, zones and
 * private endpoints through Resource Graph and repairs them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { linkName } from '../../shared/dns/names';
import {
  aRecordResource,
  privateDnsZoneId,
  privateDnsZoneResource,
  privateEndpointResource,
} from '../../sandbox/builders';
import { cluster, estate, event, SUB } from '../helpers/scenario';

const CLI = resolve(__dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'fedlink-dns-run-'));
const file = (name: string, content: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
};
const fedlink = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

interface Output {
  operations: { method: string; path: string; status: number }[];
  state: { resources: { id: string; name: string; properties?: Record<string, unknown> }[] };
  report: { findings: { check: string; resourceId: string; status: string; message: string }[] };
  runs: {
    output?: {
      outcomes: { capability: string; status: string; actions: { kind: string; linkName?: string }[] }[];
    };
  }[];
}

const HUB = `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
const ZONE = '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9.privatelink.eastus.azmk8s.io';
const NODE_RG = 'MC_rg-aks_aks-plan_eastus';
const ZONE_ID = privateDnsZoneId(SUB, NODE_RG, ZONE);
const aks = cluster('aks-plan', undefined, { privateCluster: true, privateZoneName: ZONE });
const KV_ZONE_ID = privateDnsZoneId(SUB, 'rg-hub', 'privatelink.vaultcore.azure.net');
const pe = privateEndpointResource({
  subscriptionId: SUB,
  resourceGroup: 'rg-app',
  name: 'pe-kv',
  location: 'eastus',
  targetId: `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-app`,
  groupId: 'vault',
  fqdn: 'kv-app.vault.azure.net',
  ip: '10.4.0.9',
});
const estatePath = file(
  'estate.json',
  estate([
    aks,
    privateDnsZoneResource(SUB, NODE_RG, ZONE),
    aRecordResource(ZONE_ID, ZONE, 'aks-plan-dns-abcd1234', ['10.1.0.4']),
    pe,
    privateDnsZoneResource(SUB, 'rg-hub', 'privatelink.vaultcore.azure.net'),
  ]),
);
const configPath = file(
  'fedlink.yaml',
  stringify({
    scope: { subscriptions: [SUB] },
    dns: { hubVirtualNetworks: [HUB], privateEndpointZones: { vault: KV_ZONE_ID } },
    drift: { mode: 'repair' },
  }),
);
const writes = (out: Output) => out.operations.filter((o) => o.method !== 'GET' && o.method !== 'POST');

it('plan: writes nothing and lists the planned link', () => {
  const run = fedlink(
    'sandbox',
    'run',
    '--estate',
    estatePath,
    '--config',
    configPath,
    '--events',
    file('events.json', [event('Microsoft.Resources.ResourceWriteSuccess', aks.id)]),
    '--mode',
    'plan',
    '--json',
  );
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.code).toBe(0);
  const out = JSON.parse(run.stdout) as Output;
  expect(writes(out)).toEqual([]);
  const dns = out.runs.flatMap((r) => r.output?.outcomes ?? []).filter((o) => o.capability === 'dns');
  expect(dns).toEqual([
    expect.objectContaining({
      status: 'planned',
      actions: [expect.objectContaining({ kind: 'link', linkName: linkName(HUB) })],
    }),
  ]);
  expect(out.report.findings).toContainEqual(
    expect.objectContaining({
      check: 'dns.link',
      resourceId: ZONE_ID,
      status: 'warn',
      message: `not linked to ${HUB}: a link is planned`,
    }),
  );
});

it('the drift check (no events) links the system zone and wires the endpoint, through Resource Graph', () => {
  const run = fedlink('sandbox', 'run', '--estate', estatePath, '--config', configPath, '--json', '--full');
  expect(run.stderr).not.toMatch(/Error/);
  const out = JSON.parse(run.stdout) as Output;
  expect(run.code).toBe(0);
  expect(
    writes(out)
      .map((w) => [w.method, w.path.split('/').slice(-2).join('/')])
      .sort(),
  ).toEqual([
    ['PUT', `privateDnsZoneGroups/default`],
    ['PUT', `virtualNetworkLinks/${linkName(HUB)}`],
  ]);
  expect(
    out.operations.filter((o) => o.path.endsWith('/providers/Microsoft.ResourceGraph/resources')).length,
  ).toBeGreaterThanOrEqual(2);
  // The zone's A records are read only while a hub is not linked (docs/targets.md performance 1: one read
  // per zone); after the link, the API server's record is not read again. The endpoint's record is read
  // back with its new zone group.
  expect(
    out.report.findings
      .filter((f) => f.check.startsWith('dns.'))
      .map((f) => `${f.check}:${f.status}`)
      .sort(),
  ).toEqual(['dns.link:pass', 'dns.record:pass', 'dns.zoneGroup:pass']);
});

it('the drift check proves an endpoint wired from the central zone’s A records: no read of the endpoint, no write', () => {
  // The endpoint's address already has its record in the central zone (by a zone group fedlink cannot
  // see through Resource Graph, or by hand): it resolves, so its zone group is never read or written.
  const KV_ZONE = 'privatelink.vaultcore.azure.net';
  const resolving = file(
    'resolving-estate.json',
    estate([
      pe,
      privateDnsZoneResource(SUB, 'rg-hub', KV_ZONE),
      aRecordResource(KV_ZONE_ID, KV_ZONE, 'kv-app', ['10.4.0.9']),
    ]),
  );
  const run = fedlink('sandbox', 'run', '--estate', resolving, '--config', configPath, '--json', '--full');
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.code).toBe(0);
  const out = JSON.parse(run.stdout) as Output;
  expect(writes(out)).toEqual([]);
  expect(out.operations.filter((o) => /\/privateendpoints\//i.test(o.path))).toEqual([]);
  // One read of the central zone: its A records.
  expect(
    out.operations
      .filter((o) => o.method === 'GET' && /\/privatednszones\//i.test(o.path))
      .map((o) => o.path.split('?')[0]),
  ).toEqual([`${KV_ZONE_ID}/A`]);
  expect(
    out.report.findings
      .filter((f) => f.check.startsWith('dns.'))
      .map((f) => [f.check, f.resourceId, f.status, f.message])
      .sort(),
  ).toEqual([
    ['dns.record', pe.id, 'pass', `kv-app.${KV_ZONE} has an A record`],
    [
      'dns.zoneGroup',
      pe.id,
      'pass',
      `resolves through ${KV_ZONE}: its A records are there (its zone group is read only when one is missing)`,
    ],
  ]);
});
