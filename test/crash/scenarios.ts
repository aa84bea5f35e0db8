/**
 * The crash scenarios: small estates that make every capability write, each started by its trigger.
 * Federation: FIC PUTs and a DELETE of a credential fedlink no longer wants; private link: approval PUTs,
 * synchronous (Storage) and long-running (SQL, docs/azure-behaviour.md §9.2); private DNS: VNet link PUTs
 * and a zone group PUT, both long-running with pollers resumed from saved state (docs/style.md 24).
 */
import { handleEventGridDelivery } from '../../functions/triggers/eventGrid';
import { startDriftCheck } from '../../functions/triggers/timer';
import { DRIFT_INSTANCE_ID } from '../../shared/core/instanceIds';
import { silentLogger } from '../../shared/core/log';
import {
  aRecordResource,
  armEvent,
  ficResource,
  type ArmResource,
  privateDnsZoneId,
  privateDnsZoneResource,
  privateEndpointResource,
  privateFqdnOf,
} from '../../sandbox/builders';
import { type Estate } from '../../sandbox/estate';
import { ficName } from '../../shared/federation/names';
import { connection, endpoint, provider, SPOKE } from '../helpers/privateLink';
import { cluster, identity, issuerOf, SUB, TENANT } from '../helpers/scenario';
import { type CrashScenario } from './harness';

const HUB = `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
const SYSTEM_ZONE = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9.privatelink.eastus.azmk8s.io';
const KV_ZONE = 'privatelink.vaultcore.azure.net';
const KV_ZONE_ID = privateDnsZoneId(SUB, 'rg-hub-dns', KV_ZONE);

function estateOf(resources: ArmResource[]): Estate {
  return { tenants: [{ tenantId: TENANT, subscriptions: [SUB, SPOKE] }], resources };
}

let events = 0;
function writeEvent(resourceId: string): Record<string, unknown> {
  events++;
  return armEvent({
    eventType: 'Microsoft.Resources.ResourceWriteSuccess',
    resourceId,
    tenantId: TENANT,
    eventId: `00000000-0000-4000-8000-${events.toString(16).padStart(12, 'c')}`,
    eventTime: '2026-11-23T10:00:00Z',
  });
}

/** Delivers one event through the real Event Grid trigger in apply mode; the instances it started. */
async function deliver(
  client: Parameters<CrashScenario['trigger']>[0],
  resourceId: string,
): Promise<readonly string[]> {
  const dispositions = await handleEventGridDelivery([writeEvent(resourceId)], {
    client,
    mode: 'apply',
    log: silentLogger,
  });
  const ids = dispositions.flatMap((d) => (d.kind === 'ignored' ? [] : [d.instanceId]));
  if (ids.length === 0) throw new Error(`the event for ${resourceId} started nothing`);
  return [...new Set(ids)];
}

// Federation: two identities, one bound by config (two service accounts), one by tags.
const payments = identity('id-payments');
const orders = identity('id-orders', { 'fedlink-service-accounts': 'orders/api', 'fedlink-clusters': '*' });
const aks = cluster('aks-crash', 'c0c0c0c0-0000-4000-8000-000000000001');
// aks-two was re-created with a new issuer: the FIC fedlink wrote for its old one is pruned (DELETE).
const aksTwo = cluster('aks-two', 'c0c0c0c0-0000-4000-8000-000000000002');
const formerIssuer = issuerOf(cluster('aks-two', 'c0c0c0c0-0000-4000-8000-0000000000ff'));
const ordersSubject = 'system:serviceaccount:orders:api';
const staleFic = ficResource(
  orders.id,
  ficName({
    clusterName: 'aks-two',
    namespace: 'orders',
    serviceAccount: 'api',
    issuer: formerIssuer,
    subject: ordersSubject,
  }),
  formerIssuer,
  ordersSubject,
);
const federationConfig = {
  scope: { subscriptions: [SUB] },
  federation: {
    bindings: [{ name: 'p', identity: payments.id, serviceAccounts: ['payments/api', 'payments/worker'] }],
  },
};

// Private DNS: a private cluster whose system zone needs a link to the hub (long-running PUT).
const privateAks = cluster('aks-private', undefined, { privateCluster: true, privateZoneName: SYSTEM_ZONE });
const nodeRg = 'MC_rg-aks_aks-private_eastus';
const systemZoneId = privateDnsZoneId(SUB, nodeRg, SYSTEM_ZONE);
const privateClusterResources = [
  privateAks,
  privateDnsZoneResource(SUB, nodeRg, SYSTEM_ZONE),
  aRecordResource(
    systemZoneId,
    SYSTEM_ZONE,
    privateFqdnOf('aks-private', SYSTEM_ZONE).slice(0, -(SYSTEM_ZONE.length + 1)),
    ['10.1.0.4'],
  ),
];

// Private link: a vault (synchronous approval) and a SQL server (long-running approval), asked for by a
// consumer endpoint in our spoke subscription; the endpoint also needs its zone group (long-running PUT).
const vault = provider('Microsoft.KeyVault/vaults', 'kv-shared');
const sql = provider('Microsoft.Sql/servers', 'sql-shared');
const consumerPe = endpoint('pe-app', SUB, [
  { targetId: vault.id, groupId: 'vault' },
  { targetId: sql.id, groupId: 'sqlServer' },
]);
const privateLinkResources = [
  vault,
  sql,
  connection(vault, 'kv-shared.app', consumerPe.id),
  connection(sql, 'sql-shared.app', consumerPe.id, { final: 'Ready' }),
  consumerPe,
];
const privateLinkConfig = {
  scope: { subscriptions: [SUB, SPOKE], tenants: [TENANT] },
  privateLink: {
    rules: [
      {
        name: 'ours',
        action: 'approve',
        resourceTypes: ['Microsoft.KeyVault/vaults', 'Microsoft.Sql/servers'],
        requesterSubscriptions: [SUB],
      },
    ],
  },
};

// A private endpoint that needs a zone group in the central vault zone.
const kvPe = privateEndpointResource({
  subscriptionId: SUB,
  resourceGroup: 'rg-app',
  name: 'pe-kv',
  location: 'eastus',
  targetId: `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-app`,
  groupId: 'vault',
  fqdn: 'kv-app.vault.azure.net',
  ip: '10.4.0.9',
});

const dnsConfig = { hubVirtualNetworks: [HUB], privateEndpointZones: { vault: KV_ZONE_ID } };

export const SCENARIOS: readonly CrashScenario[] = [
  {
    name: 'cluster event (federation)',
    estate: estateOf([payments, orders, aks]),
    config: federationConfig,
    trigger: (client) => deliver(client, aks.id),
  },
  {
    name: 'identity event (federation)',
    estate: estateOf([payments, orders, aks, aksTwo, staleFic]),
    config: federationConfig,
    trigger: (client) => deliver(client, orders.id),
  },
  {
    name: 'private endpoint event (private link + DNS zone group)',
    estate: estateOf([...privateLinkResources, privateDnsZoneResource(SUB, 'rg-hub-dns', KV_ZONE)]),
    config: { ...privateLinkConfig, dns: { privateEndpointZones: { vault: KV_ZONE_ID } } },
    trigger: (client) => deliver(client, consumerPe.id),
    clockScale: 1,
  },
  {
    name: 'private cluster event (DNS VNet link)',
    estate: estateOf(privateClusterResources),
    config: { scope: { subscriptions: [SUB] }, dns: { hubVirtualNetworks: [HUB] } },
    trigger: (client) => deliver(client, privateAks.id),
    clockScale: 1,
  },
];

/** The fleet drift check over all three capabilities (sampled in npm test, swept in bench/crash.ts). */
export const FLEET_SCENARIO: CrashScenario = {
  name: 'fleet drift check (federation, private link, DNS)',
  estate: estateOf([
    payments,
    orders,
    aks,
    ...privateClusterResources,
    ...privateLinkResources,
    kvPe,
    privateDnsZoneResource(SUB, 'rg-hub-dns', KV_ZONE),
  ]),
  config: { ...federationConfig, ...privateLinkConfig, dns: dnsConfig, drift: { mode: 'repair' } },
  clockScale: 5,
  trigger: async (client, config) => {
    await startDriftCheck(client, config, silentLogger);
    return [DRIFT_INSTANCE_ID];
  },
};
