/**
 * Zone ids pointing outside scope through a real drift check against one emulator: private clusters
 * whose `privateDNSZone` is a zone in a subscription outside scope (ours or another tenant's), or not a
 * private DNS zone id at all; private endpoints whose zone group points at a zone fedlink does not
 * manage. Zero ARM writes for each, and a one-line finding on the cluster or endpoint saying why. A
 * well-formed private cluster and endpoint in the same run are linked and wired, so the run does write
 * where it should.
 */
import {
  type ArmResource,
  privateDnsZoneId,
  privateDnsZoneResource,
  privateEndpointResource,
} from '../../sandbox/builders';
import { cluster, running, type Running } from '../helpers/scenario';
import {
  clusterZoneCases,
  DNS_FOREIGN_SUB,
  DNS_FOREIGN_TENANT,
  DNS_SUB,
  DNS_TENANT,
  OTHER_SUB,
  zoneGroupCases,
} from './cases/dns';
import { armWrites, clearFinding, describeCounts, driftApply, touches } from './harness';

const HUB = `/subscriptions/${DNS_SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
const KV_ZONE = 'privatelink.vaultcore.azure.net';
const KV_ZONE_ID = privateDnsZoneId(DNS_SUB, 'rg-hub', KV_ZONE);
const GOOD_ZONE = 'privatelink.eastus.azmk8s.io';
const GOOD_ZONE_ID = privateDnsZoneId(DNS_SUB, 'rg-dns', GOOD_ZONE);

const zoneCases = clusterZoneCases().map((c, i) => ({
  ...c,
  resource: cluster(`aks-hostile-${i}`, undefined, {
    privateCluster: true,
    privateDnsZone: c.input.privateDnsZone,
  }),
}));

function endpointAt(name: string): ArmResource {
  return privateEndpointResource({
    subscriptionId: DNS_SUB,
    resourceGroup: 'rg-app',
    name,
    location: 'eastus',
    targetId: `/subscriptions/${DNS_SUB}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-${name}`,
    groupId: 'vault',
    fqdn: `kv-${name}.vault.azure.net`,
    ip: '10.4.0.9',
  });
}

function groupOf(pe: ArmResource, zoneId: string): ArmResource {
  return {
    id: `${pe.id}/privateDnsZoneGroups/theirs`,
    name: 'theirs',
    type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
    properties: {
      provisioningState: 'Succeeded',
      privateDnsZoneConfigs: [{ name: 'cfg', properties: { privateDnsZoneId: zoneId } }],
    },
  };
}

const groupCases = zoneGroupCases().map((c, i) => {
  const pe = endpointAt(`pe-hostile-${i}`);
  return { ...c, resource: pe, group: groupOf(pe, c.input.zoneId) };
});
const cases = [...zoneCases, ...groupCases];

const goodCluster = cluster('aks-good', undefined, { privateCluster: true, privateDnsZone: GOOD_ZONE_ID });
const goodEndpoint = endpointAt('pe-good');

let sandbox: Running;
let findings: Awaited<ReturnType<typeof driftApply>>['findings'];

beforeAll(async () => {
  const zones = new Map<string, ArmResource>();
  const addZone = (z: { subscriptionId: string; resourceGroup: string; name: string }) => {
    const r = privateDnsZoneResource(z.subscriptionId, z.resourceGroup, z.name);
    zones.set(r.id.toLowerCase(), r);
  };
  addZone({ subscriptionId: DNS_SUB, resourceGroup: 'rg-dns', name: GOOD_ZONE });
  addZone({ subscriptionId: DNS_SUB, resourceGroup: 'rg-hub', name: KV_ZONE });
  for (const c of cases) if (c.input.zone) addZone(c.input.zone);
  const resources = [
    goodCluster,
    goodEndpoint,
    ...zones.values(),
    ...zoneCases.map((c) => c.resource),
    ...groupCases.flatMap((c) => [c.resource, c.group]),
  ];
  sandbox = await running(
    resources,
    {
      scope: { subscriptions: [DNS_SUB], tenants: [DNS_TENANT] },
      dns: { hubVirtualNetworks: [HUB], privateEndpointZones: { vault: KV_ZONE_ID } },
    },
    {
      estate: {
        tenants: [
          { tenantId: DNS_TENANT, subscriptions: [DNS_SUB, OTHER_SUB] },
          { tenantId: DNS_FOREIGN_TENANT, subscriptions: [DNS_FOREIGN_SUB] },
        ],
        resources,
      },
    },
  );
  findings = (await driftApply(sandbox, 'hostile-dns')).findings;
}, 60_000);
afterAll(() => sandbox.close());

describe(`hostile zone ids (${cases.length}: ${describeCounts(cases)})`, () => {
  it('the well-formed private cluster is linked to the hub and the endpoint wired: the run does write', () => {
    const written = armWrites(sandbox).filter((w) => w.status < 300);
    expect(written.some((w) => touches(w, GOOD_ZONE_ID))).toBe(true);
    expect(written.some((w) => touches(w, goodEndpoint.id))).toBe(true);
  });

  it.each(cases.map((c) => [`${c.category}: ${c.name}`, c] as const))(
    '%s: no write, a finding says why',
    (_label, c) => {
      const zoneId = 'privateDnsZone' in c.input ? c.input.privateDnsZone : c.input.zoneId;
      const mine = armWrites(sandbox).filter(
        (w) => touches(w, c.resource.id) || (zoneId.startsWith('/') && touches(w, zoneId.trim())),
      );
      expect(mine).toEqual([]);
      const about = findings.filter((f) => f.resourceId.toLowerCase() === c.resource.id.toLowerCase());
      expect({ found: clearFinding(findings, c.resource.id, c.says) !== undefined, about }).toEqual({
        found: true,
        about,
      });
    },
  );

  it('writes only for the well-formed cluster and endpoint', () => {
    const paths = armWrites(sandbox).map((w) => w.path.toLowerCase());
    expect(
      paths.filter(
        (p) =>
          !p.startsWith(GOOD_ZONE_ID.toLowerCase() + '/') &&
          !p.startsWith(goodEndpoint.id.toLowerCase() + '/') &&
          !p.startsWith(KV_ZONE_ID.toLowerCase() + '/'),
      ),
    ).toEqual([]);
  });
});
