/**
 * `PrivateDnsPort` over the real @azure/arm-privatedns and @azure/arm-network clients: the private DNS
 * capability's own ARM port (docs/azure-behaviour.md §5). Link and zone group PUTs are long-running
 * (§5.1, §9.3: a link PUT answers 202 `{}` and reports refusals only through the operation status): they
 * go through the SDK's pollers, started here and resumed from their serialized state in a later
 * activity (./lro.ts, docs/style.md 24), never polled in a loop of ours.
 */
import { restorePoller as restoreNetworkPoller } from '@azure/arm-network';
import { restorePoller as restoreDnsPoller } from '@azure/arm-privatedns';
import { type Clock } from '../core/clock';
import { type DnsZone, type PrivateEndpoint, type ZoneGroup, type ZoneLink } from '../core/dns';
import { normalizeResourceId, TYPES } from '../core/resourceId';
import { armCaller, drain, targetOf } from './armCall';
import { type ArmClients } from './clients';
import { type PrivateDnsPort } from './gateway';
import { type LroStep, pollLro, retryAfterOf, startLro } from './lro';
import {
  aRecordSetFromModel,
  linkFromArgRow,
  linkFromModel,
  privateEndpointFromArgRow,
  privateEndpointFromModel,
  zoneFromArgRow,
  zoneFromModel,
  zoneGroupFromModel,
} from './mappers/dns';
import { DNS_INVENTORY_QUERY, LINKS_QUERY, PRIVATE_ENDPOINTS_QUERY, ZONES_QUERY } from './queries';
import { clusterFromArgRow } from './mappers/cluster';
import { queryAllRows, type ResourceGraphOptions } from './resourceGraph';

export function createArmPrivateDns(
  clients: ArmClients,
  options: { readonly clock: Clock; readonly arg: ResourceGraphOptions },
): PrivateDnsPort {
  const { clock } = options;
  const { call, read } = armCaller(clock);
  /** Remembers the initial answer's Retry-After (onResponse fires per attempt: the last one counts). */
  const retryAfterRecorder = () => {
    let seconds: number | undefined;
    return {
      onResponse: (raw: { headers: { get(name: string): string | undefined } }) => {
        seconds = retryAfterOf(raw.headers, clock.now());
      },
      seconds: () => seconds,
    };
  };
  const query = async <T>(q: string, subs: readonly string[], map: (row: Record<string, unknown>) => T) => {
    if (subs.length === 0) return [];
    const rows = await call(undefined, () => queryAllRows(clients.resourceGraph, q, subs, options.arg));
    return rows.map(map);
  };

  return {
    async getZone(zoneId): Promise<DnsZone | undefined> {
      const t = targetOf(zoneId, TYPES.privateDnsZone);
      const model = await read(zoneId, () =>
        clients.forSubscription(t.subscriptionId).privateDns.privateZones.get(t.resourceGroup, t.name),
      );
      return model === undefined ? undefined : zoneFromModel(model);
    },

    async listZones(subscriptionId, resourceGroup) {
      const rg = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
      const models = await read(rg, () =>
        drain(
          clients.forSubscription(subscriptionId).privateDns.privateZones.listByResourceGroup(resourceGroup),
        ),
      );
      return (models ?? []).map(zoneFromModel);
    },

    async listLinks(zoneId): Promise<readonly ZoneLink[] | undefined> {
      const t = targetOf(zoneId, TYPES.privateDnsZone);
      // 404 (ParentResourceNotFound): the zone itself is gone; the list is the zone's only read.
      const models = await read(zoneId, () =>
        drain(
          clients
            .forSubscription(t.subscriptionId)
            .privateDns.virtualNetworkLinks.list(t.resourceGroup, t.name),
        ),
      );
      return models?.map(linkFromModel);
    },

    async listARecords(zoneId) {
      const t = targetOf(zoneId, TYPES.privateDnsZone);
      const models = await call(zoneId, () =>
        drain(
          clients
            .forSubscription(t.subscriptionId)
            .privateDns.recordSets.listByType(t.resourceGroup, t.name, 'A'),
        ),
      );
      return models.map(aRecordSetFromModel);
    },

    async startLink(zoneId, linkName, virtualNetworkId): Promise<LroStep> {
      const t = targetOf(zoneId, TYPES.privateDnsZone);
      const retryAfter = retryAfterRecorder();
      return call(`${zoneId}/virtualNetworkLinks/${linkName}`, () =>
        startLro(
          clients.forSubscription(t.subscriptionId).privateDns.virtualNetworkLinks.createOrUpdate(
            t.resourceGroup,
            t.name,
            linkName,
            // Registration off: a hub gets resolution, never auto-registered records (docs/azure-behaviour.md §5.4:
            // a network may have only one registration link).
            { location: 'global', virtualNetwork: { id: virtualNetworkId }, registrationEnabled: false },
            { onResponse: retryAfter.onResponse },
          ),
          retryAfter.seconds,
        ),
      );
    },

    async resumeLink(zoneId, state, retryAfterSeconds): Promise<LroStep> {
      const t = targetOf(zoneId, TYPES.privateDnsZone);
      const client = clients.forSubscription(t.subscriptionId).privateDns;
      return call(zoneId, () =>
        pollLro(
          restoreDnsPoller(client, state, client.virtualNetworkLinks.createOrUpdate),
          retryAfterSeconds,
        ),
      );
    },

    async getPrivateEndpoint(endpointId): Promise<PrivateEndpoint | undefined> {
      const t = targetOf(endpointId, TYPES.privateEndpoint);
      const model = await read(endpointId, () =>
        clients.forSubscription(t.subscriptionId).network.privateEndpoints.get(t.resourceGroup, t.name),
      );
      return model === undefined ? undefined : privateEndpointFromModel(model);
    },

    async listZoneGroups(endpointId): Promise<readonly ZoneGroup[]> {
      const t = targetOf(endpointId, TYPES.privateEndpoint);
      const models = await call(endpointId, () =>
        drain(
          clients
            .forSubscription(t.subscriptionId)
            .network.privateDnsZoneGroups.list(t.resourceGroup, t.name),
        ),
      );
      return models.map(zoneGroupFromModel);
    },

    async startZoneGroup(endpointId, groupName, configName, zoneId): Promise<LroStep> {
      const t = targetOf(endpointId, TYPES.privateEndpoint);
      const retryAfter = retryAfterRecorder();
      return call(`${endpointId}/privateDnsZoneGroups/${groupName}`, () =>
        startLro(
          clients
            .forSubscription(t.subscriptionId)
            .network.privateDnsZoneGroups.createOrUpdate(
              t.resourceGroup,
              t.name,
              groupName,
              { privateDnsZoneConfigs: [{ name: configName, privateDnsZoneId: zoneId }] },
              { onResponse: retryAfter.onResponse },
            ),
          retryAfter.seconds,
        ),
      );
    },

    async resumeZoneGroup(endpointId, state, retryAfterSeconds): Promise<LroStep> {
      const t = targetOf(endpointId, TYPES.privateEndpoint);
      const client = clients.forSubscription(t.subscriptionId).network;
      return call(endpointId, () =>
        pollLro(
          restoreNetworkPoller(client, state, client.privateDnsZoneGroups.createOrUpdate),
          retryAfterSeconds,
        ),
      );
    },

    queryZones: (subs) => query(ZONES_QUERY, subs, zoneFromArgRow),
    async queryDnsInventory(subs) {
      const rows = await query(DNS_INVENTORY_QUERY, subs, (row) => row);
      const typeOf = (row: Record<string, unknown>) => String(row['type']).toLowerCase();
      return {
        privateClusters: rows
          .filter((r) => typeOf(r) === 'microsoft.containerservice/managedclusters')
          .map(clusterFromArgRow),
        aksZones: rows.filter((r) => typeOf(r) === 'microsoft.network/privatednszones').map(zoneFromArgRow),
        endpoints: rows
          .filter((r) => typeOf(r) === 'microsoft.network/privateendpoints')
          .map(privateEndpointFromArgRow),
      };
    },
    queryPrivateEndpoints: (subs) => query(PRIVATE_ENDPOINTS_QUERY, subs, privateEndpointFromArgRow),
    async queryLinksTo(virtualNetworkId, subs) {
      const key = normalizeResourceId(virtualNetworkId);
      const links = await query(LINKS_QUERY, subs, linkFromArgRow);
      return links.filter((l) => normalizeResourceId(l.virtualNetworkId) === key);
    },
  };
}
