/**
 * Pure zone naming: which private DNS zone a private cluster uses (docs/azure-behaviour.md §2.3), which
 * names a zone holds (§5.3, §9.3), and the record name of an fqdn relative to a zone.
 */
import { type Cluster } from '../core/model';
import { resourceIdProblem, TYPES } from '../core/resourceId';
import { type DnsZone } from '../core/dns';

export type ClusterZone =
  | { readonly kind: 'none' }
  | { readonly kind: 'system' }
  | { readonly kind: 'zone'; readonly zoneId: string }
  | { readonly kind: 'invalid'; readonly reason: string };

const dnsName = (s: string): string => s.toLowerCase().replace(/\.$/, '');

/** `privateDNSZone` of a private cluster: absent means `system` (AKS's default, §2.3). */
export function clusterZone(cluster: Cluster): ClusterZone {
  const value = cluster.privateDnsZone;
  if (value === undefined || value.toLowerCase() === 'system') return { kind: 'system' };
  if (value.toLowerCase() === 'none') return { kind: 'none' };
  const text: string = value.length > 200 ? `${value.slice(0, 200)}…` : value;
  if (resourceIdProblem(value, TYPES.privateDnsZone) !== undefined)
    return {
      kind: 'invalid',
      reason: `privateDNSZone ${JSON.stringify(text)} is neither system, none nor a private DNS zone id`,
    };
  return { kind: 'zone', zoneId: value };
}

/**
 * A zone AKS accepts for the API server of a cluster in `region` (§2.3): `privatelink.<region>.azmk8s.io`
 * or `<subzone>.privatelink.<region>.azmk8s.io` (`system` zones are `<guid>.privatelink.<region>.azmk8s.io`).
 */
export function isAksZoneName(name: string, region: string): boolean {
  const n = dnsName(name);
  const base = `privatelink.${region.toLowerCase()}.azmk8s.io`;
  return n === base || (n.endsWith(`.${base}`) && !n.slice(0, -base.length - 1).includes('.'));
}

/**
 * The `system` zone of a cluster among the zones of its node resource group: the one that holds its
 * private FQDN (`<prefix>-<hash>.<guid>.privatelink.<region>.azmk8s.io`, §2.3), or, without a private
 * FQDN, the only `<guid>.privatelink.<region>.azmk8s.io` zone there.
 */
export function systemZoneOf(cluster: Cluster, zones: readonly DnsZone[]): DnsZone | undefined {
  const nodeRg = cluster.nodeResourceGroup?.toLowerCase();
  const own = zones.filter(
    (z) =>
      z.subscriptionId.toLowerCase() === cluster.subscriptionId.toLowerCase() &&
      z.resourceGroup.toLowerCase() === nodeRg &&
      isAksZoneName(z.name, cluster.location),
  );
  const fqdn = cluster.privateFqdn;
  if (fqdn !== undefined) return own.find((z) => relativeName(fqdn, z.name) !== undefined);
  return own.length === 1 ? own[0] : undefined;
}

/**
 * Public names a privatelink zone answers for besides its own name without the `privatelink` label
 * (learn `azure/private-link/private-endpoint-dns`: Key Vault's public forwarders are `vault.azure.net`
 * and `vaultcore.azure.net`; its endpoints' `customDnsConfigs` name `<vault>.vault.azure.net`).
 */
const PUBLIC_FORWARDERS: Readonly<Record<string, readonly string[]>> = {
  'privatelink.vaultcore.azure.net': ['vault.azure.net'],
};

function suffixesOf(zone: string): string[] {
  const labels = zone.split('.');
  const i = labels.indexOf('privatelink');
  const out = [zone, ...(PUBLIC_FORWARDERS[zone] ?? [])];
  if (i >= 0 && labels.length > 2) out.push([...labels.slice(0, i), ...labels.slice(i + 1)].join('.'));
  return out;
}

/** The record name of `fqdn` relative to `zone` (lower-cased), or undefined when the zone does not hold it. */
export function relativeName(fqdn: string, zone: string): string | undefined {
  const f = dnsName(fqdn);
  for (const suffix of suffixesOf(dnsName(zone)))
    if (f.endsWith(`.${suffix}`) && f.length > suffix.length + 1) return f.slice(0, -(suffix.length + 1));
  return undefined;
}

/** The zone name of a zone id (its last segment), lower-cased. */
export function zoneNameOf(zoneId: string): string {
  return dnsName(zoneId.split('/').pop() ?? '');
}
