/**
 * Zone ids pointing outside scope (issue #12 item 3): a private cluster whose `privateDNSZone` names a zone
 * in a subscription outside the configured scope, or something that is not a private DNS zone id at all;
 * a private endpoint whose existing zone group points at a zone fedlink does not manage. fedlink must not
 * link, write records or rewrite the group; a finding on the cluster or endpoint says why.
 */
import { privateDnsZoneId } from '../../../sandbox/builders';
import { type HostileCase } from '../harness';

export const DNS_TENANT = '72f988bf-0000-4000-8000-00000000aaaa';
export const DNS_FOREIGN_TENANT = 'f0f0f0f0-0000-4000-8000-00000000bbbb';
/** In scope. */
export const DNS_SUB = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
/** Ours (same tenant), but not in scope.subscriptions. */
export const OTHER_SUB = '5b0c0e00-0000-4000-8000-000000000001';
export const DNS_FOREIGN_SUB = 'fe000000-0000-4000-8000-000000000002';
const UNKNOWN = '0dd0dd00-0000-4000-8000-0000000000dd';
const AKS_ZONE = 'privatelink.eastus.azmk8s.io';

export interface ClusterZoneInput {
  /** `apiServerAccessProfile.privateDNSZone`. */
  readonly privateDnsZone: string;
  /** A zone resource to put in the estate (so "outside scope" is not merely "missing"). */
  readonly zone?: { subscriptionId: string; resourceGroup: string; name: string };
}

const zoneIn = (subscriptionId: string, name = AKS_ZONE, resourceGroup = 'rg-dns') => ({
  privateDnsZone: privateDnsZoneId(subscriptionId, resourceGroup, name),
  zone: { subscriptionId, resourceGroup, name },
});

const outside = /outside the subscriptions in scope/;
const notAZone = /neither system, none nor a private DNS zone id/;
const notAksName = /is not privatelink\.eastus\.azmk8s\.io or a subzone of it/;

export function clusterZoneCases(): HostileCase<ClusterZoneInput>[] {
  const c = (name: string, input: ClusterZoneInput, says: RegExp) => ({
    category: 'zone id outside scope',
    name,
    input,
    says,
  });
  const inScope = privateDnsZoneId(DNS_SUB, 'rg-dns', AKS_ZONE);
  return [
    c('zone in a subscription of ours outside scope.subscriptions', zoneIn(OTHER_SUB), outside),
    c('subzone in a subscription outside scope', zoneIn(OTHER_SUB, `team1.${AKS_ZONE}`), outside),
    c('zone in a foreign tenant', zoneIn(DNS_FOREIGN_SUB), outside),
    c(
      'zone in a subscription nobody in the estate holds',
      { privateDnsZone: privateDnsZoneId(UNKNOWN, 'rg-dns', AKS_ZONE) },
      outside,
    ),
    c(
      'outside subscription, in upper case',
      zoneIn(OTHER_SUB.toUpperCase(), AKS_ZONE, 'rg-dns-upper'),
      outside,
    ),
    c(
      'outside subscription, resource group named like the scope one',
      zoneIn(OTHER_SUB, AKS_ZONE, DNS_SUB),
      outside,
    ),
    c(
      'traversal from the scope subscription into another',
      {
        privateDnsZone: `/subscriptions/${DNS_SUB}/resourceGroups/rg-dns/../../../subscriptions/${OTHER_SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${AKS_ZONE}`,
      },
      notAZone,
    ),
    c('dot-dot resource group', { privateDnsZone: inScope.replace('/rg-dns/', '/../') }, notAZone),
    c(
      'percent-encoded dot-dot resource group',
      { privateDnsZone: inScope.replace('/rg-dns/', '/%2e%2E/') },
      notAZone,
    ),
    c(
      'double-encoded dot-dot resource group',
      { privateDnsZone: inScope.replace('/rg-dns/', '/%252e%252e/') },
      outsideOrNotFound(),
    ),
    c(
      'encoded slash smuggling a subscription',
      { privateDnsZone: inScope.replace(DNS_SUB, `${DNS_SUB}%2f..%2f${OTHER_SUB}`) },
      notAZone,
    ),
    c(
      'a public DNS zone (wrong type)',
      { privateDnsZone: inScope.replace('privateDnsZones', 'dnsZones') },
      notAZone,
    ),
    c(
      'wrong provider',
      { privateDnsZone: inScope.replace('Microsoft.Network', 'Microsoft.Storage') },
      notAZone,
    ),
    c('a link, not a zone', { privateDnsZone: `${inScope}/virtualNetworkLinks/hub` }, notAZone),
    c(
      'empty segment',
      { privateDnsZone: inScope.replace('/resourceGroups/', '//resourceGroups/') },
      notAZone,
    ),
    c('trailing slash', { privateDnsZone: `${inScope}/` }, notAZone),
    c('leading space', { privateDnsZone: ` ${inScope}` }, notAZone),
    c('query string', { privateDnsZone: `${inScope}?api-version=2024-06-01` }, notAZone),
    c('a URL, not an id', { privateDnsZone: `https://management.azure.com${inScope}` }, notAZone),
    c('3,000 characters', { privateDnsZone: inScope.replace('rg-dns', 'r'.repeat(3000)) }, notAZone),
    c(
      'a wildcard zone name',
      { privateDnsZone: privateDnsZoneId(DNS_SUB, 'rg-dns', '*.eastus.azmk8s.io') },
      notAksName,
    ),
    c(
      'zone name with a suffix (look-alike)',
      zoneIn(DNS_SUB, `${AKS_ZONE}.evil.example`, 'rg-lookalike'),
      notAksName,
    ),
    c(
      'zone name of another region',
      zoneIn(DNS_SUB, 'privatelink.westus.azmk8s.io', 'rg-region'),
      notAksName,
    ),
    c(
      'zone name with a Cyrillic a',
      zoneIn(DNS_SUB, AKS_ZONE.replace('azmk8s', '\u0430zmk8s'), 'rg-cyrillic'),
      notAksName,
    ),
    c(
      'zone of another service (Key Vault)',
      zoneIn(DNS_SUB, 'privatelink.vaultcore.azure.net', 'rg-kv'),
      notAksName,
    ),
    c('two labels below privatelink', zoneIn(DNS_SUB, `a.b.${AKS_ZONE}`, 'rg-deep'), notAksName),
  ];
}

/** `%252e%252e` is a literal resource group name to ARM (no zone there): not in scope's estate either. */
function outsideOrNotFound(): RegExp {
  return /no private DNS zone|does not exist|not found|outside the subscriptions in scope|neither system/i;
}

export interface ZoneGroupInput {
  /** The zone the endpoint's existing zone group points at. */
  readonly zoneId: string;
  readonly zone?: { subscriptionId: string; resourceGroup: string; name: string };
}

const KV_ZONE = 'privatelink.vaultcore.azure.net';

export function zoneGroupCases(): HostileCase<ZoneGroupInput>[] {
  const z = (name: string, subscriptionId: string, resourceGroup = 'rg-dns', zoneName = KV_ZONE) => ({
    category: 'zone group pointing at a foreign zone',
    name,
    input: {
      zoneId: privateDnsZoneId(subscriptionId, resourceGroup, zoneName),
      zone: { subscriptionId, resourceGroup, name: zoneName },
    },
    says: /not the central zone|has its own zone group .*left alone/,
  });
  return [
    z('a zone of the same name in a foreign tenant', DNS_FOREIGN_SUB),
    z('a zone of the same name in a subscription outside scope', OTHER_SUB),
    z('a zone of the same name in another resource group of scope', DNS_SUB, 'rg-team'),
    z('a zone of another name (look-alike)', DNS_SUB, 'rg-dns', `${KV_ZONE}.evil.example`),
    z('a zone of the same name, resource group named like the hub one', DNS_FOREIGN_SUB, 'rg-hub'),
  ];
}
