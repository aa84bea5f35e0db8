/**
 * The chaos suite's generated estate (docs/targets.md "Reliability targets" 1): for a seed and a size,
 * every kind of object the three capabilities keep correct, the Event Grid events that estate would
 * produce, and, computed here from the generator's own model (not by fedlink's planners), the state
 * every object must end in.
 *
 * - Federation: identities bound to the `env=prod` clusters; public clusters with AKS issuers; some
 *   clusters re-created (an owned FIC for their old issuer is stale); one cluster deleted (its owned
 *   FICs are stale, and a delete event says so); a hand-made FIC that is never touched.
 * - Private link: vaults and web apps (approved by rule; web apps answer 202 and run a long-running
 *   write), SQL servers (rejected by rule, also 202), storage accounts (no rule: left pending); local
 *   requesters (private endpoints in the subscription, which send events) and foreign-tenant ones
 *   (never approved; no events: the drift cycle's sweep finds them).
 * - DNS: private clusters whose `system` zone needs a link to the hub, and private endpoints whose
 *   group id has a central zone and which need the `default` zone group.
 *
 * Resources and events use the published shapes (sandbox/builders.ts, test/helpers/privateLink.ts).
 */
import { ficName } from '../../shared/federation/names';
import { linkName, ZONE_GROUP_NAME, zoneConfigName } from '../../shared/dns/names';
import {
  aksIssuer,
  armEvent,
  type ArmResource,
  aRecordResource,
  clusterResource,
  ficResource,
  identityResource,
  privateDnsZoneId,
  privateDnsZoneResource,
  privateEndpointResource,
} from '../../sandbox/builders';
import { type Estate } from '../../sandbox/estate';
import { mulberry32, hash32 } from '../../sandbox/emulator/prng';
import { connection, endpoint, endpointId, provider } from '../helpers/privateLink';

export const TENANT = '72f988bf-0000-4000-8000-00000000aaaa';
export const FOREIGN_TENANT = 'f0f0f0f0-0000-4000-8000-00000000bbbb';
export const SUB = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
export const FOREIGN_SUB = 'fe000000-0000-4000-8000-000000000002';
export const HUB = `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
export const KV_ZONE = 'privatelink.vaultcore.azure.net';
export const KV_ZONE_ID = privateDnsZoneId(SUB, 'rg-hub', KV_ZONE);
const AUDIENCE = 'api://AzureADTokenExchange';
const LOCATION = 'eastus';

/** How big an estate a seed generates (the suite's `npm test` seeds use size 1). */
export interface ChaosSize {
  readonly identities: number;
  readonly clusters: number;
  readonly privateClusters: number;
  /** Provider resources per private link type. */
  readonly providersPerType: number;
  readonly dnsEndpoints: number;
}

export function sizeOf(n: number): ChaosSize {
  return {
    identities: 2 + n,
    clusters: 3 + n,
    privateClusters: 1 + n,
    providersPerType: 1,
    dnsEndpoints: 1 + n,
  };
}

export interface ExpectedFic {
  readonly identityId: string;
  readonly name: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
}

export interface ExpectedConnection {
  readonly id: string;
  readonly status: 'Approved' | 'Rejected' | 'Pending';
  /** The exact description; undefined: left as the requester wrote it. */
  readonly description: string;
}

export interface ExpectedLink {
  readonly zoneId: string;
  readonly name: string;
  readonly virtualNetworkId: string;
}

export interface ExpectedZoneGroup {
  readonly endpointId: string;
  readonly id: string;
  readonly zoneConfigName: string;
  readonly zoneId: string;
}

export interface ChaosEstate {
  readonly seed: number;
  readonly estate: Estate;
  readonly config: Record<string, unknown>;
  /** The events the estate's creation (and the one deletion) produced, in the order they happened. */
  readonly events: Record<string, unknown>[];
  readonly expected: {
    /** Every FIC of every identity, exactly (owned and foreign). */
    readonly fics: ReadonlyMap<string, readonly ExpectedFic[]>;
    readonly connections: readonly ExpectedConnection[];
    readonly links: readonly ExpectedLink[];
    readonly zoneGroups: readonly ExpectedZoneGroup[];
  };
}

/** A small seeded generator (the emulator's mulberry32), so a seed repeats an estate exactly. */
export function seeded(seed: number, stream: string): () => number {
  return mulberry32(hash32(`${stream}#${seed}`));
}

function uuid(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}

const subjectOf = (sa: string): string => {
  const [ns, name] = sa.split('/') as [string, string];
  return `system:serviceaccount:${ns}:${name}`;
};

export function generateEstate(seed: number, size: ChaosSize = sizeOf(1)): ChaosEstate {
  const rand = seeded(seed, 'estate');
  const resources: ArmResource[] = [];
  const events: { resourceId: string; change: 'write' | 'delete' }[] = [];
  const fics = new Map<string, ExpectedFic[]>();

  // ---- federation --------------------------------------------------------------------------------
  const identities = Array.from({ length: size.identities }, (_, k) => {
    const n = (k + 1).toString(16).padStart(4, '0');
    return identityResource({
      subscriptionId: SUB,
      resourceGroup: 'rg-id',
      name: `id-app-${k}`,
      location: LOCATION,
      tenantId: TENANT,
      clientId: `c1e00000-0000-4000-8000-00000000${n}`,
      principalId: `a1e00000-0000-4000-8000-00000000${n}`,
    });
  });
  const serviceAccounts = identities.map((_, k) =>
    k % 2 === 0 ? [`app${k}/api`, `app${k}/worker`] : [`app${k}/api`],
  );
  for (const identity of identities) {
    resources.push(identity);
    fics.set(identity.id, []);
    events.push({ resourceId: identity.id, change: 'write' });
  }
  const clusterSpec = (name: string, issuerId: string | undefined, extra = {}) => ({
    subscriptionId: SUB,
    resourceGroup: 'rg-aks',
    name,
    location: LOCATION,
    tenantId: TENANT,
    ...(issuerId !== undefined ? { issuerId } : {}),
    ...extra,
  });
  const staleFics: ArmResource[] = [];
  const ownedFor = (clusterName: string, issuer: string, k: number, sa: string) => ({
    identityId: identities[k]!.id,
    name: ficName({
      clusterName,
      namespace: sa.split('/')[0]!,
      serviceAccount: sa.split('/')[1]!,
      issuer,
      subject: subjectOf(sa),
    }),
    issuer,
    subject: subjectOf(sa),
    audiences: [AUDIENCE],
  });
  for (let i = 0; i < size.clusters; i++) {
    const name = `aks-prod-${i}`;
    const issuerId = uuid(rand);
    const cluster = clusterResource(clusterSpec(name, issuerId, { tags: { env: 'prod' } }));
    resources.push(cluster);
    events.push({ resourceId: cluster.id, change: 'write' });
    const issuer = aksIssuer(LOCATION, TENANT, issuerId);
    identities.forEach((_, k) => {
      for (const sa of serviceAccounts[k]!) fics.get(identities[k]!.id)!.push(ownedFor(name, issuer, k, sa));
    });
    // Re-created (about one in three): the FIC fedlink made for the old issuer is stale.
    if (i === 0 || rand() < 0.3) {
      const oldIssuer = aksIssuer(LOCATION, TENANT, uuid(rand));
      const k = Math.floor(rand() * identities.length);
      const stale = ownedFor(name, oldIssuer, k, serviceAccounts[k]![0]!);
      staleFics.push(ficResource(stale.identityId, stale.name, stale.issuer, stale.subject));
    }
  }
  // A cluster deleted after fedlink federated it: every FIC it had is stale; its delete event arrives.
  const gone = clusterResource(clusterSpec('aks-gone', undefined));
  const goneIssuer = aksIssuer(LOCATION, TENANT, uuid(rand));
  identities.forEach((_, k) => {
    for (const sa of serviceAccounts[k]!) {
      const stale = ownedFor('aks-gone', goneIssuer, k, sa);
      staleFics.push(ficResource(stale.identityId, stale.name, stale.issuer, stale.subject));
    }
  });
  events.push({ resourceId: gone.id, change: 'delete' });
  // A FIC somebody made by hand: not fedlink's, never written or deleted.
  const handmade = ficResource(
    identities[0]!.id,
    'handmade-ci',
    'https://token.actions.githubusercontent.com',
    'repo:org/app:ref:refs/heads/main',
  );
  fics.get(identities[0]!.id)!.push({
    identityId: identities[0]!.id,
    name: 'handmade-ci',
    issuer: 'https://token.actions.githubusercontent.com',
    subject: 'repo:org/app:ref:refs/heads/main',
    audiences: [AUDIENCE],
  });
  resources.push(...staleFics, handmade);

  // ---- private link ------------------------------------------------------------------------------
  const plTypes = [
    { type: 'Microsoft.KeyVault/vaults', base: 'kv', groupId: 'vault', expect: 'approve' },
    { type: 'Microsoft.Web/sites', base: 'app', groupId: 'sites', expect: 'approve' },
    { type: 'Microsoft.Sql/servers', base: 'sql', groupId: 'sqlServer', expect: 'reject' },
    { type: 'Microsoft.Storage/storageAccounts', base: 'st', groupId: 'blob', expect: 'leave' },
  ] as const;
  const connections: ExpectedConnection[] = [];
  const localEndpoints: ArmResource[] = [];
  let peIndex = 0;
  for (const t of plTypes) {
    for (let p = 0; p < size.providersPerType; p++) {
      const target = provider(t.type, `${t.base}${seed}x${p}`.replace(/[^a-z0-9]/gi, ''));
      resources.push(target);
      const requesters = 1 + Math.floor(rand() * 2);
      for (let r = 0; r < requesters; r++) {
        const peName = `pe-${t.base}-${peIndex++}`;
        const pe = endpoint(peName, SUB, [{ targetId: target.id, groupId: t.groupId }]);
        localEndpoints.push(pe);
        const conn = connection(target, `${target.name}.${peName}`, pe.id, {
          ...(t.type === 'Microsoft.Storage/storageAccounts'
            ? { stateKeys: { actionRequired: 'None' } }
            : {}),
        });
        resources.push(conn);
        connections.push({
          id: conn.id,
          status: t.expect === 'approve' ? 'Approved' : t.expect === 'reject' ? 'Rejected' : 'Pending',
          description:
            t.expect === 'approve'
              ? `Approved by fedlink rule approve-${t.base}`
              : t.expect === 'reject'
                ? `Rejected by fedlink rule reject-${t.base}: matches ${t.type}, group ${t.groupId}, requester subscription ${SUB}`
                : 'please approve',
        });
      }
      // A foreign tenant asks for the approve-rule types: never approved (left pending).
      if (t.expect === 'approve') {
        const foreignPe = endpointId(`pe-foreign-${peIndex++}`, FOREIGN_SUB);
        const conn = connection(target, `${target.name}.foreign`, foreignPe);
        resources.push(conn);
        connections.push({ id: conn.id, status: 'Pending', description: 'please approve' });
      }
    }
  }
  for (const pe of localEndpoints) {
    resources.push(pe);
    events.push({ resourceId: pe.id, change: 'write' });
  }

  // ---- private DNS -------------------------------------------------------------------------------
  const links: ExpectedLink[] = [];
  const zoneGroups: ExpectedZoneGroup[] = [];
  resources.push(privateDnsZoneResource(SUB, 'rg-hub', KV_ZONE));
  for (let i = 0; i < size.privateClusters; i++) {
    const name = `aks-priv-${i}`;
    const zone = `${uuid(rand)}.privatelink.${LOCATION}.azmk8s.io`;
    const nodeRg = `MC_rg-aks_${name}_${LOCATION}`;
    const zoneId = privateDnsZoneId(SUB, nodeRg, zone);
    resources.push(
      clusterResource(
        clusterSpec(name, undefined, {
          tags: { env: 'internal' },
          privateCluster: true,
          privateZoneName: zone,
        }),
      ),
      privateDnsZoneResource(SUB, nodeRg, zone),
      aRecordResource(zoneId, zone, `${name}-dns-abcd1234`, [`10.1.${i}.4`]),
    );
    events.push({ resourceId: clusterResource(clusterSpec(name, undefined)).id, change: 'write' });
    links.push({ zoneId, name: linkName(HUB), virtualNetworkId: HUB });
  }
  for (let i = 0; i < size.dnsEndpoints; i++) {
    const pe = privateEndpointResource({
      subscriptionId: SUB,
      resourceGroup: 'rg-app',
      name: `pe-dns-${i}`,
      location: LOCATION,
      targetId: `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-dns-${i}`,
      groupId: 'vault',
      fqdn: `kv-dns-${i}.vault.azure.net`,
      ip: `10.4.0.${10 + i}`,
    });
    resources.push(pe);
    events.push({ resourceId: pe.id, change: 'write' });
  }
  // Every private endpoint asking for a vault gets the central vault zone (dns.privateEndpointZones).
  for (const pe of resources.filter(
    (r) =>
      r.type === 'Microsoft.Network/privateEndpoints' &&
      JSON.stringify(r.properties).includes('"groupIds":["vault"]'),
  ))
    zoneGroups.push({
      endpointId: pe.id,
      id: `${pe.id}/privateDnsZoneGroups/${ZONE_GROUP_NAME}`,
      zoneConfigName: zoneConfigName(KV_ZONE),
      zoneId: KV_ZONE_ID,
    });

  const config = {
    scope: { subscriptions: [SUB], tenants: [TENANT] },
    federation: {
      bindings: identities.map((identity, k) => ({
        name: `bind-${k}`,
        identity: identity.id,
        clusters: { tags: { env: 'prod' } },
        serviceAccounts: serviceAccounts[k],
      })),
    },
    privateLink: {
      rules: plTypes.flatMap((t) =>
        t.expect === 'leave'
          ? []
          : [
              {
                name: `${t.expect}-${t.base}`,
                action: t.expect,
                resourceTypes: [t.type],
                groupIds: [t.groupId],
              },
            ],
      ),
    },
    dns: { hubVirtualNetworks: [HUB], privateEndpointZones: { vault: KV_ZONE_ID } },
    drift: { mode: 'repair' },
  };

  const start = Date.parse('2026-11-23T10:00:00Z');
  const armEvents = events.map((e, i) =>
    armEvent({
      eventType:
        e.change === 'write'
          ? 'Microsoft.Resources.ResourceWriteSuccess'
          : 'Microsoft.Resources.ResourceDeleteSuccess',
      resourceId: e.resourceId,
      tenantId: TENANT,
      eventId: `${(seed >>> 0).toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString().padStart(12, '0')}`,
      eventTime: new Date(start + i * 1000).toISOString(),
    }),
  );

  return {
    seed,
    estate: {
      tenants: [
        { tenantId: TENANT, subscriptions: [SUB] },
        { tenantId: FOREIGN_TENANT, subscriptions: [FOREIGN_SUB] },
      ],
      resources,
    },
    config,
    events: armEvents,
    expected: { fics, connections, links, zoneGroups },
  };
}
