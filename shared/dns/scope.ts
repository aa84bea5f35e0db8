/**
 * Scope: which zones and private endpoints a run looks at, per target (reads only).
 *
 * - cluster: a private cluster's zone (`system`: the zone AKS made in the node resource group; a zone
 *   id: that zone; `none`: nothing to link, said in a finding), when hubs are configured.
 * - privateEndpoint: the endpoint, when one of its group ids has a central zone in `dns.privateEndpointZones`.
 * - fleet (drift check): private clusters, AKS zones and private endpoints through one Resource Graph
 *   query (docs/azure-behaviour.md §6.4); links are read per zone by ARM (ARG lags, §9.5). Endpoints:
 *   each central zone's A records are read once (one read per zone, docs/targets.md performance 1);
 *   an endpoint whose every address has its record there resolves already and gets its findings here,
 *   with no read of its own; only the others become work items (their zone groups read by ARM).
 */
import { type AzureGateway } from '../azure/gateway';
import { toArmError } from '../azure/errors';
import { type FedlinkConfig } from '../config/schema';
import { type DnsZone, type PrivateEndpoint } from '../core/dns';
import { lockKeyFor } from '../core/instanceIds';
import { type Cluster } from '../core/model';
import { normalizeResourceId } from '../core/resourceId';
import { type ScopeResult, type WorkItem } from '../reconcile/types';
import { scopeOf, scopeSubscriptions } from '../reconcile/subscriptions';
import { type Finding } from '../validation/findings';
import { DNS_CHECKS } from './checkIds';
import { endpointResolves } from './checks';
import { type DnsPayload } from './work';
import { clusterZone, isAksZoneName, systemZoneOf, zoneNameOf } from './zones';

export const DNS = 'dns';

type Item = WorkItem<DnsPayload>;

/** What a cluster contributes: its zone (id) and API server, or a finding why it has none. */
type ClusterPart =
  | { readonly kind: 'zone'; readonly zoneId: string; readonly cluster: Cluster }
  | { readonly kind: 'finding'; readonly finding: Finding }
  | { readonly kind: 'skip'; readonly reason: string };

/**
 * A cluster's own zone (`privateDNSZone` set to a zone id) may live anywhere; fedlink links and writes
 * records only in zones of the subscriptions in scope, so a zone elsewhere (another subscription of
 * ours, another tenant's) is a finding, never a write (docs/targets.md security 2's reasoning: the config
 * says where fedlink may act).
 */
function outsideScope(cluster: Cluster, zoneId: string, inScope: ReadonlySet<string>): Finding | undefined {
  const sub = /^\/subscriptions\/([^/]+)\//i.exec(zoneId)?.[1]?.toLowerCase();
  if (sub !== undefined && inScope.has(sub)) return undefined;
  return {
    check: DNS_CHECKS.zone,
    resourceId: cluster.id,
    status: 'fail',
    message: `the cluster's private zone ${zoneId} is in subscription ${sub ?? '(none)'}, outside the subscriptions in scope: fedlink does not link or write records there`,
    remediation:
      "Add that subscription to scope.subscriptions (and fedlink's role there) if fedlink should manage the zone, or link it by hand.",
  };
}

function clusterPart(
  cluster: Cluster,
  zones: (c: Cluster) => readonly DnsZone[],
  inScope: ReadonlySet<string>,
): ClusterPart {
  if (!cluster.privateCluster) return { kind: 'skip', reason: 'not a private cluster: no private zone' };
  const zone = clusterZone(cluster);
  switch (zone.kind) {
    case 'none':
      return {
        kind: 'finding',
        finding: {
          check: DNS_CHECKS.zone,
          resourceId: cluster.id,
          status: 'pass',
          message:
            'privateDNSZone is none: AKS made no private zone, so there is nothing to link; resolving the API server is up to your own DNS',
        },
      };
    case 'invalid':
      return {
        kind: 'finding',
        finding: {
          check: DNS_CHECKS.zone,
          resourceId: cluster.id,
          status: 'fail',
          message: zone.reason,
          remediation: 'Set apiServerAccessProfile.privateDNSZone to system, none or a private DNS zone id.',
        },
      };
    case 'zone': {
      const elsewhere = outsideScope(cluster, zone.zoneId, inScope);
      if (elsewhere) return { kind: 'finding', finding: elsewhere };
      const name = zoneNameOf(zone.zoneId);
      if (!isAksZoneName(name, cluster.location))
        return {
          kind: 'finding',
          finding: {
            check: DNS_CHECKS.zone,
            resourceId: cluster.id,
            status: 'fail',
            message: `the cluster's private zone ${name} is not privatelink.${cluster.location.toLowerCase()}.azmk8s.io or a subzone of it (docs/azure-behaviour.md §2.3)`,
            remediation:
              'Use a zone named privatelink.<region>.azmk8s.io or <subzone>.privatelink.<region>.azmk8s.io.',
          },
        };
      return { kind: 'zone', zoneId: zone.zoneId, cluster };
    }
    case 'system': {
      const found = systemZoneOf(cluster, zones(cluster));
      if (!found)
        return {
          kind: 'finding',
          finding: {
            check: DNS_CHECKS.zone,
            resourceId: cluster.id,
            status: 'fail',
            message: `no private DNS zone holding ${cluster.privateFqdn ?? 'the API server'} in the node resource group ${cluster.nodeResourceGroup ?? '(unknown)'}`,
            remediation:
              'AKS creates the system zone with the cluster; check the node resource group and that fedlink may read private DNS zones there.',
          },
        };
      return { kind: 'zone', zoneId: found.id, cluster };
    }
  }
}

function zoneItems(config: FedlinkConfig, parts: readonly ClusterPart[], event = false): Item[] {
  const byZone = new Map<string, { zoneId: string; clusters: Cluster[] }>();
  for (const p of parts) {
    if (p.kind !== 'zone') continue;
    const key = normalizeResourceId(p.zoneId);
    const entry = byZone.get(key) ?? { zoneId: p.zoneId, clusters: [] };
    entry.clusters.push(p.cluster);
    byZone.set(key, entry);
  }
  return [...byZone.values()].map(({ zoneId, clusters }) => ({
    capability: DNS,
    resourceId: zoneId,
    lockKey: lockKeyFor(zoneId),
    payload: {
      kind: 'zone',
      zoneName: zoneNameOf(zoneId),
      hubs: config.dns.hubVirtualNetworks,
      write: config.dns.linkPrivateClusterZones,
      apiServers: clusters.map((c) => ({ clusterId: c.id, fqdn: c.privateFqdn })),
      ...(event ? { checkRecords: true as const } : {}),
    },
  }));
}

/** The central zone for the first of the endpoint's group ids that has one in `dns.privateEndpointZones`. */
function endpointItem(config: FedlinkConfig, endpoint: PrivateEndpoint): Item | undefined {
  const zones = config.dns.privateEndpointZones;
  const groupId = endpoint.groupIds.find((g) => zones[g] !== undefined);
  if (groupId === undefined) return undefined;
  return {
    capability: DNS,
    resourceId: endpoint.id,
    lockKey: lockKeyFor(endpoint.id),
    payload: { kind: 'endpoint', groupId, zoneId: zones[groupId]! },
  };
}

const noHubs = 'dns.hubVirtualNetworks is empty: no private cluster zone is linked';

export async function scopeForCluster(
  azure: AzureGateway,
  config: FedlinkConfig,
  clusterId: string,
): Promise<ScopeResult<DnsPayload>> {
  const cluster = await azure.getCluster(clusterId);
  if (!cluster) return { kind: 'skip', reason: 'the cluster does not exist (deleted)', findings: [] };
  if (!cluster.privateCluster)
    return { kind: 'skip', reason: 'not a private cluster: no private zone', findings: [] };
  if (config.dns.hubVirtualNetworks.length === 0) return { kind: 'skip', reason: noHubs, findings: [] };
  const zoneKind = clusterZone(cluster).kind;
  const nodeZones =
    zoneKind === 'system' && cluster.nodeResourceGroup !== undefined
      ? await azure.listZones(cluster.subscriptionId, cluster.nodeResourceGroup)
      : [];
  const inScope =
    zoneKind === 'zone'
      ? new Set((await scopeSubscriptions(azure, config)).map((s) => s.toLowerCase()))
      : new Set<string>();
  const part = clusterPart(cluster, () => nodeZones, inScope);
  if (part.kind === 'skip') return { kind: 'skip', reason: part.reason, findings: [] };
  if (part.kind === 'finding')
    return part.finding.status === 'pass'
      ? { kind: 'skip', reason: part.finding.message, findings: [part.finding] }
      : { kind: 'proceed', work: [], findings: [part.finding] };
  return { kind: 'proceed', work: zoneItems(config, [part], true), findings: [] };
}

export async function scopeForPrivateEndpoint(
  azure: AzureGateway,
  config: FedlinkConfig,
  endpointId: string,
): Promise<ScopeResult<DnsPayload>> {
  const endpoint = await azure.getPrivateEndpoint(endpointId);
  if (!endpoint)
    return { kind: 'skip', reason: 'the private endpoint does not exist (deleted)', findings: [] };
  const item = endpointItem(config, endpoint);
  if (!item)
    return {
      kind: 'skip',
      reason: `its group ids (${endpoint.groupIds.join(', ') || 'none'}) have no central zone in dns.privateEndpointZones`,
      findings: [],
    };
  return { kind: 'proceed', work: [item], findings: [] };
}

/** What the fleet check needs of the DNS capability's step environment (its scope is resolved once, `scopeOf`). */
export interface DnsEnv {
  readonly azure: AzureGateway;
  readonly config: FedlinkConfig;
}

export async function scopeForFleet(env: DnsEnv): Promise<ScopeResult<DnsPayload>> {
  const { azure, config } = env;
  const linking = config.dns.hubVirtualNetworks.length > 0;
  const wiring = Object.keys(config.dns.privateEndpointZones).length > 0;
  if (!linking && !wiring)
    return {
      kind: 'skip',
      reason: 'dns.hubVirtualNetworks and dns.privateEndpointZones are empty: nothing to check',
      findings: [],
    };
  const { subscriptions } = await scopeOf(env);
  const inventory = await azure.queryDnsInventory(subscriptions);
  const clusters = linking ? inventory.privateClusters.filter((c) => c.privateCluster) : [];
  const inScope = new Set(subscriptions.map((s) => s.toLowerCase()));
  const parts = clusters.map((c) => clusterPart(c, () => inventory.aksZones, inScope));
  const endpoints = wiring
    ? inventory.endpoints.flatMap((e) => {
        const item = endpointItem(config, e);
        return item ? [{ endpoint: e, item }] : [];
      })
    : [];
  // One read per central zone: its A records. A zone that cannot be read proves nothing: its endpoints
  // are read one by one (and their own reads report the failure).
  const centralZones = [
    ...new Map(
      endpoints.flatMap(({ item }) =>
        item.payload.kind === 'endpoint'
          ? [[normalizeResourceId(item.payload.zoneId), item.payload.zoneId]]
          : [],
      ),
    ).entries(),
  ];
  const records = new Map(
    await Promise.all(
      centralZones.map(async ([key, zoneId]) => {
        try {
          return [key, await azure.listARecords(zoneId)] as const;
        } catch (error) {
          if (toArmError(error).classification !== 'terminal') throw error;
          return [key, undefined] as const;
        }
      }),
    ),
  );
  const resolved: Finding[] = [];
  const endpointWork: Item[] = [];
  for (const { endpoint, item } of endpoints) {
    const zoneId = item.payload.kind === 'endpoint' ? item.payload.zoneId : '';
    const zoneRecords = records.get(normalizeResourceId(zoneId));
    const found =
      zoneRecords && endpointResolves(endpoint.id, zoneNameOf(zoneId), endpoint.dnsConfigs, zoneRecords);
    if (found) resolved.push(...found);
    else endpointWork.push(item);
  }
  return {
    kind: 'proceed',
    work: [...zoneItems(config, parts), ...endpointWork],
    findings: [...parts.flatMap((p) => (p.kind === 'finding' ? [p.finding] : [])), ...resolved],
  };
}
