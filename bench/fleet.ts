/**
 * The benchmark fleet (docs/targets.md: the reference fleet is N = 1,000 clusters, M = 5,000 identities,
 * S = 50 subscriptions, one tenant), generated deterministically from (N, M, S, drift, seed) in the
 * published ARM shapes (sandbox/builders.ts).
 *
 * Shape, chosen to look like a platform team's estate:
 * - clusters `aks-<i>` spread over the S subscriptions and four regions, tagged `team=t<k>` (ten clusters
 *   per team) and `env=prod|dev` (alternating); every fifth cluster is private with the AKS `system` zone in
 *   its node resource group (zone + the API server's A record);
 * - identities `id-<j>` spread over the subscriptions, each bound to the prod clusters of its team for one
 *   service account: the first `CONFIG_BINDINGS` through config bindings, the rest through identity tags
 *   (docs/design.md "Identity tags"), so 5 FICs per identity when N ≥ 10;
 * - one hub virtual network every private cluster zone must be linked to (dns.hubVirtualNetworks);
 * - one Key Vault private endpoint per ten clusters, wired into the central `privatelink.vaultcore.azure.net`
 *   zone (dns.privateEndpointZones).
 *
 * Converged means every desired FIC exists, every zone is linked to the hub, every endpoint has its zone
 * group. A `drift` fraction of the desired objects is then broken, picked by a seeded PRNG: of the FICs
 * 60% are missing and 40% have a changed subject (both need one PUT); a few clusters (N × drift / 20, at
 * least one) were deleted, so every identity of their team still holds a stale fedlink FIC for each of them
 * (prune: one DELETE each; Resource Graph no longer lists the clusters); a `drift` fraction of the private
 * zones is not linked, and a `drift` fraction of the endpoints has no zone group.
 * Private link: every other vault has a pending connection from an endpoint in another subscription of
 * the tenant (P targets); the `privateLink` rule approves those from even-numbered subscriptions, the rest
 * stay pending (`default: leave`).
 * `expected` counts what a correct drift check must write.
 */
import { type FedlinkConfig } from '../shared/config/schema';
import { configSchema } from '../shared/config/schema';
import { linkName, ZONE_GROUP_NAME, zoneConfigName } from '../shared/dns/names';
import { CLUSTERS_TAG, SERVICE_ACCOUNTS_TAG } from '../shared/federation/identityTags';
import { ficName } from '../shared/federation/names';
import {
  aksIssuer,
  aRecordResource,
  type ArmResource,
  clusterResource,
  ficResource,
  identityId,
  identityResource,
  privateDnsZoneId,
  privateDnsZoneResource,
  privateEndpointResource,
  privateFqdnOf,
  virtualNetworkLinkResource,
} from '../sandbox/builders';
import { type Estate } from '../sandbox/estate';
import { mulberry32 } from '../sandbox/emulator/prng';

export interface FleetOptions {
  readonly clusters: number;
  readonly identities: number;
  readonly subscriptions: number;
  /** Fraction of desired objects that differ from the desired state, 0..1 (default 0.1). */
  readonly drift?: number;
  readonly seed?: number;
}

/** What the fleet holds and what a correct drift check must do, for the bound, the floor and the peers. */
export interface FleetCounts {
  readonly clusters: number;
  readonly identities: number;
  readonly subscriptions: number;
  readonly privateClusters: number;
  /** Private DNS zones fedlink reads: the private clusters' zones and the central endpoint zones (Z). */
  readonly zones: number;
  readonly privateEndpoints: number;
  /** Private-link targets whose detail a check reads (P): the vaults with a pending connection. */
  readonly privateLinkTargets: number;
  /** FICs the fleet should hold (one per identity × matching cluster × service account). */
  readonly desiredFics: number;
  /** Every FIC in the drifted estate (desired ones present + stale ones). */
  readonly existingFics: number;
  readonly hubs: number;
}

export interface ExpectedChanges {
  /** FIC PUTs: missing FICs and FICs whose subject was changed. */
  readonly ficWrites: number;
  /** FIC DELETEs: stale fedlink FICs of clusters that no longer exist. */
  readonly ficDeletes: number;
  /** Identities that get at least one FIC write (each costs ≥ 4 s per extra write: 0.25/s per identity). */
  readonly ficWritesPerIdentity: ReadonlyMap<string, number>;
  readonly ficWritesPerSubscription: ReadonlyMap<string, number>;
  readonly ficDeletesPerIdentity: ReadonlyMap<string, number>;
  readonly ficDeletesPerSubscription: ReadonlyMap<string, number>;
  /** Virtual network link PUTs (one per unlinked zone, long-running). */
  readonly linkWrites: number;
  /** Zone group PUTs (one per endpoint without one, long-running). */
  readonly zoneGroupWrites: number;
  /** Private endpoint connection approvals (PUTs): pending connections the `privateLink` rule allows. */
  readonly connectionWrites: number;
  /** Write requests per subscription across every kind (the ARM subscription write bucket). */
  readonly writesPerSubscription: ReadonlyMap<string, number>;
  /** Desired FICs per identity and per subscription (what a peer that re-PUTs everything writes). */
  readonly desiredFicsPerIdentity: ReadonlyMap<string, number>;
  readonly desiredFicsPerSubscription: ReadonlyMap<string, number>;
}

export interface Fleet {
  readonly options: Required<FleetOptions>;
  readonly estate: Estate;
  readonly config: FedlinkConfig;
  readonly counts: FleetCounts;
  readonly expected: ExpectedChanges;
}

/** A fleet without its estate: what the models and the result need once the emulator holds the estate. */
export type FleetFigures = Omit<Fleet, 'estate'>;

/** Bindings written in the config rather than as identity tags (a realistic mix of both). */
export const CONFIG_BINDINGS = 10;
const CLUSTERS_PER_TEAM = 10;
const PRIVATE_EVERY = 5;
const ENDPOINT_EVERY = 10;
const REGIONS = ['eastus', 'westeurope', 'northeurope', 'westus3'] as const;
const KV_ZONE = 'privatelink.vaultcore.azure.net';

export const BENCH_TENANT = '5e7d0000-0000-4000-8000-00000000be0c';

/** Deterministic GUID-shaped ids: `<prefix8>-0000-4000-8000-<n as 12 hex digits>`. */
function guid(prefix: string, n: number): string {
  return `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export function subscriptionOf(i: number): string {
  return guid('5b500000', i);
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min}`);
  return value;
}

export function generateFleet(options: FleetOptions): Fleet {
  const N = checkCount('clusters', options.clusters, 1);
  const M = checkCount('identities', options.identities, 1);
  const S = checkCount('subscriptions', options.subscriptions, 1);
  const drift = options.drift ?? 0.1;
  if (!(drift >= 0 && drift <= 1)) throw new RangeError('drift must be between 0 and 1');
  const seed = options.seed ?? 1;
  const random = mulberry32(seed);
  const teams = Math.max(1, Math.ceil(N / CLUSTERS_PER_TEAM));

  const subs = Array.from({ length: S }, (_, i) => subscriptionOf(i));
  const hubSub = subs[0]!;
  const hub = `/subscriptions/${hubSub}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
  const hubLink = linkName(hub);
  const kvZoneId = privateDnsZoneId(hubSub, 'rg-hub', KV_ZONE);

  const resources: ArmResource[] = [];
  const prodByTeam = new Map<number, { name: string; issuer: string }[]>();
  let privateClusters = 0;
  let linkWrites = 0;
  const writesPerSubscription = new Map<string, number>();

  for (let i = 0; i < N; i++) {
    const subscriptionId = subs[i % S]!;
    const location = REGIONS[i % REGIONS.length]!;
    const name = `aks-${i}`;
    const team = i % teams;
    const prod = Math.floor(i / teams) % 2 === 0;
    const issuerId = guid('155e0000', i);
    const isPrivate = i % PRIVATE_EVERY === 0;
    const zoneName = `${guid('20e00000', i)}.privatelink.${location}.azmk8s.io`;
    resources.push(
      clusterResource({
        subscriptionId,
        resourceGroup: `rg-aks-${team}`,
        name,
        location,
        tenantId: BENCH_TENANT,
        issuerId,
        tags: { team: `t${team}`, env: prod ? 'prod' : 'dev' },
        ...(isPrivate ? { privateCluster: true, privateZoneName: zoneName } : {}),
      }),
    );
    if (prod) {
      const list = prodByTeam.get(team) ?? [];
      list.push({ name, issuer: aksIssuer(location, BENCH_TENANT, issuerId) });
      prodByTeam.set(team, list);
    }
    if (isPrivate) {
      privateClusters++;
      const nodeRg = `MC_rg-aks-${team}_${name}_${location}`;
      const zoneId = privateDnsZoneId(subscriptionId, nodeRg, zoneName);
      const host = privateFqdnOf(name, zoneName).slice(0, -(zoneName.length + 1));
      resources.push(
        privateDnsZoneResource(subscriptionId, nodeRg, zoneName),
        aRecordResource(zoneId, zoneName, host, [`10.${(i >> 8) & 255}.${i & 255}.4`]),
      );
      if (random() < drift) {
        linkWrites++;
        bump(writesPerSubscription, subscriptionId);
      } else resources.push(virtualNetworkLinkResource(zoneId, hubLink, hub));
    }
  }

  // Private endpoints to Key Vaults, one per ten clusters, and the central zone they register in.
  const endpoints = Math.ceil(N / ENDPOINT_EVERY);
  let zoneGroupWrites = 0;
  let privateLinkTargets = 0;
  let connectionWrites = 0;
  resources.push(privateDnsZoneResource(hubSub, 'rg-hub', KV_ZONE));
  for (let e = 0; e < endpoints; e++) {
    const subscriptionId = subs[e % S]!;
    const vault = `kv-${e}`;
    const ip = `10.200.${(e >> 8) & 255}.${e & 255}`;
    const pe = privateEndpointResource({
      subscriptionId,
      resourceGroup: 'rg-app',
      name: `pe-${vault}`,
      location: REGIONS[e % REGIONS.length]!,
      targetId: `/subscriptions/${subscriptionId}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/${vault}`,
      groupId: 'vault',
      fqdn: `${vault}.vault.azure.net`,
      ip,
    });
    resources.push(pe);
    // Every other vault also has a pending connection from a private endpoint in another subscription of
    // the tenant: allowed by the `privateLink` rule when that subscription is one of the even-numbered
    // ones (approved), left pending otherwise (read by every check: P).
    const vaultId = `/subscriptions/${subscriptionId}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/${vault}`;
    resources.push({
      id: vaultId,
      name: vault,
      type: 'Microsoft.KeyVault/vaults',
      location: pe.location,
      properties: {},
    });
    if (e % 2 === 0) {
      const requesterIndex = (e / 2 + 1) % S;
      const requester = `/subscriptions/${subs[requesterIndex]!}/resourceGroups/rg-consumer/providers/Microsoft.Network/privateEndpoints/pe-req-${e}`;
      // An allowed request is new work when the fleet has drift (approved by a previous check otherwise).
      const allowed = requesterIndex % 2 === 0;
      const pending = !allowed || drift > 0;
      resources.push({
        id: `${vaultId}/privateEndpointConnections/pec-req-${e}`,
        name: `pec-req-${e}`,
        type: 'Microsoft.KeyVault/vaults/privateEndpointConnections',
        properties: {
          privateEndpoint: { id: requester },
          privateLinkServiceConnectionState: {
            status: pending ? 'Pending' : 'Approved',
            description: pending ? 'please approve' : 'Approved by fedlink',
            actionsRequired: 'None',
          },
          provisioningState: 'Succeeded',
        },
      });
      if (pending) privateLinkTargets++;
      if (allowed && pending) {
        connectionWrites++;
        bump(writesPerSubscription, subscriptionId);
      }
    }
    if (random() < drift) {
      zoneGroupWrites++;
      bump(writesPerSubscription, subscriptionId);
      continue;
    }
    resources.push(
      {
        id: `${pe.id}/privateDnsZoneGroups/${ZONE_GROUP_NAME}`,
        name: ZONE_GROUP_NAME,
        type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
        properties: {
          provisioningState: 'Succeeded',
          privateDnsZoneConfigs: [
            {
              name: zoneConfigName(KV_ZONE),
              properties: {
                privateDnsZoneId: kvZoneId,
                recordSets: [
                  {
                    recordType: 'A',
                    recordSetName: vault,
                    fqdn: `${vault}.${KV_ZONE}`,
                    ttl: 10,
                    ipAddresses: [ip],
                  },
                ],
              },
            },
          ],
        },
      },
      aRecordResource(kvZoneId, KV_ZONE, vault, [ip]),
    );
  }

  // A few deleted clusters (drift / 20 of N, at least one when there is drift), each a former prod cluster
  // of one team: every identity of that team still holds its FIC.
  const deletedClusters = drift > 0 ? Math.max(1, Math.round((N * drift) / 20)) : 0;
  const deletedByTeam = new Map<number, { name: string; issuer: string }[]>();
  for (let k = 0; k < deletedClusters; k++) {
    const team = (k * 7) % teams;
    const list = deletedByTeam.get(team) ?? [];
    list.push({ name: `aks-gone-${k}`, issuer: aksIssuer('eastus', BENCH_TENANT, guid('90e00000', k)) });
    deletedByTeam.set(team, list);
  }

  // Identities, their bindings and FICs.
  const bindings: FedlinkConfig['federation']['bindings'] = [];
  const ficWritesPerIdentity = new Map<string, number>();
  const ficWritesPerSubscription = new Map<string, number>();
  const ficDeletesPerIdentity = new Map<string, number>();
  const ficDeletesPerSubscription = new Map<string, number>();
  const desiredFicsPerIdentity = new Map<string, number>();
  const desiredFicsPerSubscription = new Map<string, number>();
  let desiredFics = 0;
  let existingFics = 0;
  let ficWrites = 0;
  let ficDeletes = 0;
  for (let j = 0; j < M; j++) {
    const subscriptionId = subs[j % S]!;
    const team = j % teams;
    const name = `id-${j}`;
    const id = identityId(subscriptionId, 'rg-identities', name);
    const namespace = `team-${team}`;
    const serviceAccount = `svc-${j}`;
    const byConfig = j < CONFIG_BINDINGS;
    resources.push(
      identityResource({
        subscriptionId,
        resourceGroup: 'rg-identities',
        name,
        location: REGIONS[j % REGIONS.length]!,
        tenantId: BENCH_TENANT,
        clientId: guid('c11e0000', j),
        principalId: guid('9a1e0000', j),
        tags: byConfig
          ? { team: `t${team}` }
          : {
              team: `t${team}`,
              [SERVICE_ACCOUNTS_TAG]: `${namespace}/${serviceAccount}`,
              [CLUSTERS_TAG]: `team=t${team} env=prod`,
            },
      }),
    );
    if (byConfig)
      bindings.push({
        name: `binding-${j}`,
        identity: id,
        clusters: { tags: { team: `t${team}`, env: 'prod' } },
        serviceAccounts: [`${namespace}/${serviceAccount}`],
      });
    const subject = `system:serviceaccount:${namespace}:${serviceAccount}`;
    for (const cluster of prodByTeam.get(team) ?? []) {
      desiredFics++;
      bump(desiredFicsPerIdentity, id);
      bump(desiredFicsPerSubscription, subscriptionId);
      const fic = ficName({
        clusterName: cluster.name,
        namespace,
        serviceAccount,
        issuer: cluster.issuer,
        subject,
      });
      const r = random();
      if (r < drift * 0.6) {
        // Missing: someone deleted it.
      } else if (r < drift) {
        existingFics++;
        resources.push(ficResource(id, fic, cluster.issuer, `${subject}-edited`));
      } else {
        existingFics++;
        resources.push(ficResource(id, fic, cluster.issuer, subject));
        continue;
      }
      ficWrites++;
      bump(ficWritesPerIdentity, id);
      bump(ficWritesPerSubscription, subscriptionId);
      bump(writesPerSubscription, subscriptionId);
    }
    // Stale FICs: the identity was bound to a prod cluster of its team that has since been deleted
    // (long enough ago that Resource Graph no longer lists it): prune removes them.
    for (const gone of deletedByTeam.get(team) ?? []) {
      existingFics++;
      resources.push(
        ficResource(
          id,
          ficName({ clusterName: gone.name, namespace, serviceAccount, issuer: gone.issuer, subject }),
          gone.issuer,
          subject,
        ),
      );
      ficDeletes++;
      bump(ficDeletesPerIdentity, id);
      bump(ficDeletesPerSubscription, subscriptionId);
    }
  }

  const config = configSchema.parse({
    scope: { subscriptions: subs, tenants: [BENCH_TENANT] },
    federation: { bindings, identityTags: true, prune: true },
    dns: { hubVirtualNetworks: [hub], privateEndpointZones: { vault: kvZoneId } },
    privateLink: {
      default: 'leave',
      rules: [
        {
          name: 'vaults-from-even-subscriptions',
          action: 'approve',
          resourceTypes: ['Microsoft.KeyVault/vaults'],
          requesterSubscriptions: subs.filter((_, i) => i % 2 === 0),
        },
      ],
    },
    drift: { mode: 'repair' },
  });

  return {
    options: { clusters: N, identities: M, subscriptions: S, drift, seed },
    estate: { tenants: [{ tenantId: BENCH_TENANT, subscriptions: subs }], resources },
    config,
    counts: {
      clusters: N,
      identities: M,
      subscriptions: S,
      privateClusters,
      zones: privateClusters + 1,
      privateEndpoints: endpoints,
      privateLinkTargets,
      desiredFics,
      existingFics,
      hubs: 1,
    },
    expected: {
      ficWrites,
      ficDeletes,
      ficWritesPerIdentity,
      ficWritesPerSubscription,
      ficDeletesPerIdentity,
      ficDeletesPerSubscription,
      linkWrites,
      zoneGroupWrites,
      connectionWrites,
      writesPerSubscription,
      desiredFicsPerIdentity,
      desiredFicsPerSubscription,
    },
  };
}
