/**
 * What the DNS capability reads in a fleet check (docs/targets.md performance 1; shared/dns/capability.ts
 * observe): a zone's A records and a central zone's records are read only where a check uses them. An
 * apply check that links an unlinked zone validates the read after its write, so it does not read the
 * zone's records before it; an endpoint without a zone group is not checked against the central zone's
 * records until it is wired, so the zone (read once by the scope phase) is read again only after the
 * write. A plan check still reads the zone's records and reports the API server's record.
 */
import { driftCheck } from '../../functions/orchestrations/drift';
import { type RunMode, type RunResult } from '../../functions/contracts';
import {
  aRecordResource,
  privateDnsZoneId,
  privateDnsZoneResource,
  privateEndpointResource,
  privateFqdnOf,
} from '../../sandbox/builders';
import { createSandbox, type Sandbox } from '../../sandbox/runtime';
import { silentLogger } from '../../shared/core/log';
import { cluster, config as configOf, estate, SUB } from '../helpers/scenario';

jest.setTimeout(120_000);

const HUB = `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
const AKS_ZONE = '7a1b2c3d-0000-4000-8000-000000000001.privatelink.eastus.azmk8s.io';
const AKS_RG = 'MC_rg-aks_aks-p_eastus';
const aksZoneId = privateDnsZoneId(SUB, AKS_RG, AKS_ZONE);
const KV_ZONE = 'privatelink.vaultcore.azure.net';
const kvZoneId = privateDnsZoneId(SUB, 'rg-hub-dns', KV_ZONE);

const aks = cluster('aks-p', undefined, { privateCluster: true, privateZoneName: AKS_ZONE });
const resources = [
  aks,
  privateDnsZoneResource(SUB, AKS_RG, AKS_ZONE),
  aRecordResource(aksZoneId, AKS_ZONE, privateFqdnOf('aks-p', AKS_ZONE).slice(0, -(AKS_ZONE.length + 1)), [
    '10.1.0.4',
  ]),
  privateDnsZoneResource(SUB, 'rg-hub-dns', KV_ZONE),
  privateEndpointResource({
    subscriptionId: SUB,
    resourceGroup: 'rg-app',
    name: 'pe-kv',
    location: 'eastus',
    targetId: `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-a`,
    groupId: 'vault',
    fqdn: 'kv-a.vault.azure.net',
    ip: '10.4.0.5',
  }),
];
const config = configOf({ dns: { hubVirtualNetworks: [HUB], privateEndpointZones: { vault: kvZoneId } } });

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());

async function check(mode: RunMode): Promise<RunResult> {
  sandbox = await createSandbox({ estate: estate(resources), config, log: silentLogger });
  const instanceId = `fedlink:drift:dns-${mode}`;
  await sandbox.host.client.startNew(driftCheck.name, { instanceId, input: { mode, trigger: 'cli' } });
  await sandbox.host.runUntilIdle();
  const status = await sandbox.host.client.getStatus(instanceId);
  if (status.runtimeStatus !== 'Completed') throw new Error(`drift ended ${String(status.runtimeStatus)}`);
  return status.output as RunResult;
}

/** GETs of a zone's A record sets (recordSets.listByType). */
const recordReads = (zoneId: string) =>
  sandbox!.emulator.operations.filter(
    (o) => o.method === 'GET' && o.path.toLowerCase().split('?')[0] === `${zoneId.toLowerCase()}/a`,
  ).length;

describe('the DNS reads of a fleet check', () => {
  it('apply: links the zone and wires the endpoint reading neither zone before its write, then checks the records', async () => {
    const result = await check('apply');
    expect(result.counts).toMatchObject({ link: 1, zoneGroup: 1 });
    expect(recordReads(aksZoneId)).toBe(0);
    // The scope phase's read, and the one after the zone group is written (to check the endpoint's record).
    expect(recordReads(kvZoneId)).toBe(2);
    const dns = result.findings.filter((f) => f.check.startsWith('dns.'));
    expect(dns.filter((f) => f.status !== 'pass')).toEqual([]);
    // Passes are counted, not listed: the endpoint is wired and its record checked after the write.
    expect(result.passCounts).toMatchObject({ 'dns.zoneGroup': 1, 'dns.record': 1, 'dns.link': 1 });
  });

  it("plan: reads the unlinked zone's records and reports the API server record; the central zone once", async () => {
    const result = await check('plan');
    expect(sandbox!.emulator.operations.filter((o) => o.method !== 'GET' && o.method !== 'POST')).toEqual([]);
    expect(recordReads(aksZoneId)).toBe(1);
    expect(recordReads(kvZoneId)).toBe(1);
    expect(result.passCounts).toMatchObject({ 'dns.record': 1 });
    expect(result.findings.filter((f) => f.check.startsWith('dns.')).map((f) => [f.check, f.status])).toEqual(
      expect.arrayContaining([
        ['dns.link', 'warn'],
        ['dns.zoneGroup', 'warn'],
      ]),
    );
  });
});
