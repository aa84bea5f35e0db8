/**
 * The private DNS capability through the real trigger, orchestrations, durable host and SDK clients
 * against the emulator (docs/azure-behaviour.md §2.3, §5, §9.3): private cluster zones linked to every
 * hub through the poller seam (docs/style.md 24), `none`, adoption, refusals as findings, endpoints wired
 * into central zones, and a crash between polls that does not re-issue the PUT.
 */
import { type RunResult } from '../../functions/contracts';
import { handleEventGridDelivery } from '../../functions/triggers/eventGrid';
import { instanceIdFor } from '../../shared/core/instanceIds';
import { silentLogger } from '../../shared/core/log';
import { linkName } from '../../shared/dns/names';
import {
  aRecordResource,
  privateDnsZoneId,
  privateDnsZoneResource,
  privateEndpointResource,
  privateFqdnOf,
  virtualNetworkLinkResource,
} from '../../sandbox/builders';
import { type ArmResource } from '../../sandbox/estate';
import { cluster, event, running, type Running, SUB } from '../helpers/scenario';

const HUB_SUB = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const HUB = `/subscriptions/${HUB_SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub-weu`;
const HUB2 = `/subscriptions/${SUB}/resourceGroups/rg-hub2/providers/Microsoft.Network/virtualNetworks/vnet-hub-2`;
const GUID = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9';
const SYSTEM_ZONE = `${GUID}.privatelink.eastus.azmk8s.io`;

/** A private cluster with its zone (in the node RG for `system`) and the API server record AKS writes. */
function privateCluster(
  name: string,
  zone: { name: string; rg: string } | 'none',
  privateDnsZone?: string,
): ArmResource[] {
  if (zone === 'none') return [cluster(name, undefined, { privateCluster: true, privateDnsZone: 'none' })];
  const aks = cluster(name, undefined, {
    privateCluster: true,
    privateZoneName: zone.name,
    ...(privateDnsZone !== undefined ? { privateDnsZone } : {}),
  });
  const zoneId = privateDnsZoneId(SUB, zone.rg, zone.name);
  const host = privateFqdnOf(name, zone.name).slice(0, -(zone.name.length + 1));
  return [
    aks,
    privateDnsZoneResource(SUB, zone.rg, zone.name),
    aRecordResource(zoneId, zone.name, host, ['10.1.0.4']),
  ];
}

let sandbox: Running;
afterEach(() => sandbox?.close());

const dnsConfig = (extra: Record<string, unknown> = {}) => ({
  dns: { hubVirtualNetworks: [HUB, HUB2], ...extra },
});

function linksOf(zoneId: string) {
  const prefix = `${zoneId.toLowerCase()}/virtualnetworklinks/`;
  return sandbox.emulator
    .state()
    .resources.filter((r) => r.id.toLowerCase().startsWith(prefix))
    .map((r) => ({ ...(r.properties as { virtualNetwork: { id: string } }), name: r.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

const dnsWrites = () => sandbox.writes().filter((w) => /privatednszones|privateendpoints/i.test(w.path));
const dnsPart = (r: RunResult) => r.outcomes.filter((o) => o.capability === 'dns');

describe('private cluster zones', () => {
  it('system: the zone AKS made in the node resource group gets a Completed link to every hub (across subscriptions); a rerun writes nothing', async () => {
    const resources = privateCluster('aks-sys', { name: SYSTEM_ZONE, rg: 'MC_rg-aks_aks-sys_eastus' });
    sandbox = await running(resources, dnsConfig());
    const zoneId = privateDnsZoneId(SUB, 'MC_rg-aks_aks-sys_eastus', SYSTEM_ZONE);
    const [result] = await sandbox.deliver([
      event('Microsoft.Resources.ResourceWriteSuccess', resources[0]!.id),
    ]);
    expect(result!.status).toBe('changed');
    expect(dnsPart(result!)).toEqual([expect.objectContaining({ status: 'changed', counts: { link: 2 } })]);
    expect(linksOf(zoneId)).toEqual(
      [HUB, HUB2]
        .map((hub) => ({
          name: linkName(hub),
          virtualNetwork: { id: hub },
          registrationEnabled: false,
          virtualNetworkLinkState: 'Completed',
          provisioningState: 'Succeeded',
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
    expect(linkName(HUB)).toMatch(/^fedlink-vnet-hub-weu-[0-9a-f]{10}$/);
    const findings = result!.findings.filter((f) => f.check.startsWith('dns.'));
    expect(findings.map((f) => [f.check, f.status])).toEqual([
      ['dns.link', 'pass'],
      ['dns.link', 'pass'],
      ['dns.record', 'pass'],
    ]);
    expect(dnsWrites().filter((w) => w.method === 'PUT')).toHaveLength(2);

    const [again] = await sandbox.deliver([
      event('Microsoft.Resources.ResourceWriteSuccess', resources[0]!.id),
    ]);
    expect(again!.status).toBe('converged');
    expect(dnsPart(again!)[0]).toMatchObject({ status: 'converged', counts: { unchanged: 2 } });
    expect(dnsWrites().filter((w) => w.method === 'PUT')).toHaveLength(2);
  });

  it('a custom zone id (subzone form) is linked likewise; a link to a hub under another name is adopted, not rewritten', async () => {
    const zoneName = 'team1.privatelink.eastus.azmk8s.io';
    const zoneId = privateDnsZoneId(SUB, 'rg-dns', zoneName);
    const resources = [
      ...privateCluster('aks-custom', { name: zoneName, rg: 'rg-dns' }, zoneId),
      virtualNetworkLinkResource(zoneId, 'made-by-hand', HUB2),
    ];
    sandbox = await running(resources, dnsConfig());
    const [result] = await sandbox.deliver([
      event('Microsoft.Resources.ResourceWriteSuccess', resources[0]!.id),
    ]);
    expect(dnsPart(result!)).toEqual([
      expect.objectContaining({ status: 'changed', counts: { link: 1, adopted: 1 } }),
    ]);
    expect(linksOf(zoneId).map((l) => [l.name, l.virtualNetwork.id])).toEqual(
      [
        ['made-by-hand', HUB2],
        [linkName(HUB), HUB],
      ].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );
  });

  it('none: no write, and the report says why', async () => {
    const resources = privateCluster('aks-none', 'none');
    sandbox = await running(resources, dnsConfig());
    const [result] = await sandbox.deliver([
      event('Microsoft.Resources.ResourceWriteSuccess', resources[0]!.id),
    ]);
    expect(dnsWrites()).toEqual([]);
    expect(result!.findings).toContainEqual({
      check: 'dns.zone',
      resourceId: resources[0]!.id,
      status: 'pass',
      message:
        'privateDNSZone is none: AKS made no private zone, so there is nothing to link; resolving the API server is up to your own DNS',
    });
  });

  it('dns.linkPrivateClusterZones false: nothing written, the missing links are failed findings with the fix', async () => {
    const resources = privateCluster('aks-off', { name: SYSTEM_ZONE, rg: 'MC_rg-aks_aks-off_eastus' });
    sandbox = await running(resources, dnsConfig({ linkPrivateClusterZones: false }));
    const [result] = await sandbox.deliver([
      event('Microsoft.Resources.ResourceWriteSuccess', resources[0]!.id),
    ]);
    expect(dnsWrites()).toEqual([]);
    const links = result!.findings.filter((f) => f.check === 'dns.link');
    expect(links.map((f) => f.status)).toEqual(['fail', 'fail']);
    expect(links[0]!.remediation).toBe(
      'dns.linkPrivateClusterZones is false: link the zone to the hub yourself, or turn it on.',
    );
  });

  it('two same-named zones: the first is linked, the second ends failed with a finding naming the zone, the conflicting link and the fix', async () => {
    const zoneName = 'privatelink.eastus.azmk8s.io';
    const a = privateCluster(
      'aks-a',
      { name: zoneName, rg: 'rg-dns-a' },
      privateDnsZoneId(SUB, 'rg-dns-a', zoneName),
    );
    const b = privateCluster(
      'aks-b',
      { name: zoneName, rg: 'rg-dns-b' },
      privateDnsZoneId(SUB, 'rg-dns-b', zoneName),
    );
    sandbox = await running([...a, ...b], { dns: { hubVirtualNetworks: [HUB] } });
    const [first] = await sandbox.deliver([event('Microsoft.Resources.ResourceWriteSuccess', a[0]!.id)]);
    expect(first!.status).toBe('changed');
    const [second] = await sandbox.deliver([event('Microsoft.Resources.ResourceWriteSuccess', b[0]!.id)]);
    expect(second!.status).toBe('failed');
    const zoneA = privateDnsZoneId(SUB, 'rg-dns-a', zoneName);
    const zoneB = privateDnsZoneId(SUB, 'rg-dns-b', zoneName);
    expect(linksOf(zoneA).map((l) => l.name)).toEqual([linkName(HUB)]);
    expect(linksOf(zoneB)).toEqual([]);
    const refusal = second!.findings.find((f) => f.check === 'dns.apply');
    expect(refusal).toMatchObject({ resourceId: zoneB, status: 'fail' });
    expect(refusal!.message).toContain(
      `Azure refused to link zone ${zoneName} (${zoneB}) to the hub vnet-hub-weu`,
    );
    expect(refusal!.message).toContain(`already linked to the zone ${zoneA} by the link ${linkName(HUB)}`);
    expect(refusal!.remediation).toContain(`delete the link ${zoneA}/virtualNetworkLinks/${linkName(HUB)}`);
  });

  it('a crash between polls: the resumed run polls from the saved state and never re-issues the PUT', async () => {
    const resources = privateCluster('aks-crash', { name: SYSTEM_ZONE, rg: 'MC_rg-aks_aks-crash_eastus' });
    sandbox = await running(resources, { dns: { hubVirtualNetworks: [HUB] } });
    const id = instanceIdFor('cluster', resources[0]!.id);
    // scopeWork (federation), scopeWork (dns), syncWork (PUT → pending): crash after the third.
    sandbox.host.crashAfterActivities(id, 3);
    await handleEventGridDelivery([event('Microsoft.Resources.ResourceWriteSuccess', resources[0]!.id)], {
      client: sandbox.host.client,
      mode: 'apply',
      log: silentLogger,
    });
    await sandbox.host.runUntilIdle();
    expect(sandbox.host.instanceStatus(id)?.crashed).toBe(true);
    expect(dnsWrites().filter((w) => w.method === 'PUT')).toHaveLength(1);

    sandbox.host.resume(id);
    await sandbox.host.runUntilIdle();
    const status = await sandbox.host.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(dnsPart(status.output as RunResult)[0]).toMatchObject({ status: 'changed', counts: { link: 1 } });
    expect(dnsWrites().filter((w) => w.method === 'PUT')).toHaveLength(1);
    const zoneId = privateDnsZoneId(SUB, 'MC_rg-aks_aks-crash_eastus', SYSTEM_ZONE);
    expect(linksOf(zoneId)[0]).toMatchObject({
      virtualNetworkLinkState: 'Completed',
      provisioningState: 'Succeeded',
    });
    // Status polls happened through the SDK poller (GETs of the operation status URL), not PUTs.
    expect(sandbox.emulator.operations.some((o) => /privateDnsOperationStatuses/i.test(o.path))).toBe(true);
  });
});

describe('private endpoints', () => {
  const KV_ZONE = 'privatelink.vaultcore.azure.net';
  const kvZoneId = privateDnsZoneId(SUB, 'rg-hub-dns', KV_ZONE);
  const endpoint = (name: string) =>
    privateEndpointResource({
      subscriptionId: SUB,
      resourceGroup: 'rg-app',
      name,
      location: 'eastus',
      targetId: `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-${name}`,
      groupId: 'vault',
      fqdn: `kv-${name}.vault.azure.net`,
      ip: '10.4.0.5',
    });
  const cfg = { dns: { privateEndpointZones: { vault: kvZoneId } } };

  it('a Key Vault endpoint without a zone group gets `default` pointing at the central zone, and its A record appears there', async () => {
    const pe = endpoint('pe-kv');
    sandbox = await running([pe, privateDnsZoneResource(SUB, 'rg-hub-dns', KV_ZONE)], cfg);
    const [result] = await sandbox.deliver([event('Microsoft.Resources.ResourceWriteSuccess', pe.id)]);
    expect(dnsPart(result!)).toEqual([
      expect.objectContaining({ status: 'changed', counts: { zoneGroup: 1 } }),
    ]);
    const group = sandbox.emulator.getResource(`${pe.id}/privateDnsZoneGroups/default`);
    expect(group?.properties).toMatchObject({
      provisioningState: 'Succeeded',
      privateDnsZoneConfigs: [
        expect.objectContaining({
          name: 'privatelink-vaultcore-azure-net',
          properties: expect.objectContaining({ privateDnsZoneId: kvZoneId }),
        }),
      ],
    });
    expect(sandbox.emulator.getResource(`${kvZoneId}/A/kv-pe-kv`)?.properties).toMatchObject({
      aRecords: [{ ipv4Address: '10.4.0.5' }],
    });
    expect(
      result!.findings.filter((f) => f.check.startsWith('dns.')).map((f) => [f.check, f.status]),
    ).toEqual([
      ['dns.zoneGroup', 'pass'],
      ['dns.record', 'pass'],
    ]);
  });

  it('an endpoint with an existing group is untouched; one pointing at another zone of that name is a finding, no write', async () => {
    const mine = endpoint('pe-theirs');
    const other = endpoint('pe-elsewhere');
    const otherZone = privateDnsZoneId(SUB, 'rg-team', KV_ZONE);
    const group = (pe: ArmResource, zoneId: string, name: string): ArmResource => ({
      id: `${pe.id}/privateDnsZoneGroups/${name}`,
      name,
      type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
      properties: {
        provisioningState: 'Succeeded',
        privateDnsZoneConfigs: [{ name: 'cfg', properties: { privateDnsZoneId: zoneId } }],
      },
    });
    sandbox = await running(
      [
        mine,
        other,
        privateDnsZoneResource(SUB, 'rg-hub-dns', KV_ZONE),
        privateDnsZoneResource(SUB, 'rg-team', KV_ZONE),
        group(mine, kvZoneId, 'theirs'),
        group(other, otherZone, 'team'),
      ],
      cfg,
    );
    const results = await sandbox.deliver([
      event('Microsoft.Resources.ResourceWriteSuccess', mine.id),
      event('Microsoft.Resources.ResourceWriteSuccess', other.id),
    ]);
    expect(dnsWrites()).toEqual([]);
    const findings = results.flatMap((r) => r.findings).filter((f) => f.check === 'dns.zoneGroup');
    expect(findings).toContainEqual(
      expect.objectContaining({ resourceId: mine.id, status: 'pass', message: `wired into ${KV_ZONE}` }),
    );
    expect(findings).toContainEqual({
      check: 'dns.zoneGroup',
      resourceId: other.id,
      status: 'fail',
      message: `the zone group team wires group id vault to ${otherZone}, not the central zone ${kvZoneId}`,
      remediation: `Point the zone group at ${kvZoneId} (or remove it and let fedlink create one); fedlink does not overwrite another zone group.`,
    });
  });
});
