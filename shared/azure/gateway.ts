/**
 * The ARM ports: the interfaces through which fedlink's core reads and writes ARM, one per concern
 * (docs/style.md 21: each capability has its own port, no single gateway growing into a god object).
 *
 * - `InventoryPort`: what every capability's scope step reads (subscriptions, clusters, identities,
 *   Resource Graph). Implemented in ./armInventory.ts.
 * - `FederatedCredentialsPort`: the federation capability's reads and writes of FICs. Implemented in
 *   ./armFederatedCredentials.ts.
 *
 * A new capability adds its own port here and its own implementation file; `AzureGateway` is only the
 * bundle of every port over one set of clients (./armGateway.ts), so the host builds it once.
 * SDK types stop here: every method speaks the core types of shared/core/model.ts.
 *
 * Failures: methods throw `ArmError` (./errors.ts), already classified (retryable / throttled /
 * terminal). "Not found" on a read is not an error: it returns undefined.
 */
import {
  type ARecordSet,
  type DnsZone,
  type PrivateEndpoint,
  type ZoneGroup,
  type ZoneLink,
} from '../core/dns';
import { type Cluster, type Fic, type Identity } from '../core/model';
import { type LroStep } from './lro';

export interface FicSpec {
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
}

export interface InventoryPort {
  /** Subscriptions the credential can see, with their tenant. */
  listSubscriptions(): Promise<
    readonly { subscriptionId: string; tenantId: string | undefined; displayName: string | undefined }[]
  >;

  getCluster(clusterId: string): Promise<Cluster | undefined>;
  listClusters(subscriptionId: string): Promise<readonly Cluster[]>;
  /**
   * Every managed cluster in the given subscriptions through Azure Resource Graph (1,000-row pages,
   * $skipToken), mapped exactly as getCluster maps a GET. One query per page, no per-cluster GET.
   */
  queryClusters(subscriptionIds: readonly string[]): Promise<readonly Cluster[]>;

  getIdentity(identityId: string): Promise<Identity | undefined>;
  listIdentities(subscriptionId: string): Promise<readonly Identity[]>;
  /** Every user-assigned identity in the given subscriptions through Azure Resource Graph. */
  queryIdentities(subscriptionIds: readonly string[]): Promise<readonly Identity[]>;
}

export interface FederatedCredentialsPort {
  /** Every FIC on the identity (all pages). Throws a terminal ArmError when the identity is gone. */
  listFics(identityId: string): Promise<readonly Fic[]>;
  /** PUT (synchronous, docs/azure-behaviour.md §1.2: no long-running operation). Returns the FIC as ARM stored it. */
  putFic(identityId: string, ficName: string, spec: FicSpec): Promise<Fic>;
  /** DELETE (synchronous). `absent` when ARM answered 204 (it did not exist). */
  deleteFic(identityId: string, ficName: string): Promise<'deleted' | 'absent'>;
}

/**
 * The private DNS capability's reads and writes (docs/azure-behaviour.md §5): zones, their virtual
 * network links and A records, private endpoints and their DNS zone groups. Link and zone group writes
 * are long-running: `start…` sends the PUT and answers `pending` with the poller's state unless the
 * operation already finished; `resume…` rebuilds the poller from that state and polls once
 * (./lro.ts, docs/style.md 24). A failed operation throws its ArmError.
 */
export interface PrivateDnsPort {
  getZone(zoneId: string): Promise<DnsZone | undefined>;
  /** Every private DNS zone of a resource group (AKS puts a `system` zone in the node resource group). */
  listZones(subscriptionId: string, resourceGroup: string): Promise<readonly DnsZone[]>;
  listLinks(zoneId: string): Promise<readonly ZoneLink[]>;
  listARecords(zoneId: string): Promise<readonly ARecordSet[]>;
  /** PUT a link (registration off) from the zone to the virtual network, through the SDK poller. */
  startLink(zoneId: string, linkName: string, virtualNetworkId: string): Promise<LroStep>;
  resumeLink(zoneId: string, state: string, retryAfterSeconds: number): Promise<LroStep>;
  getPrivateEndpoint(endpointId: string): Promise<PrivateEndpoint | undefined>;
  listZoneGroups(endpointId: string): Promise<readonly ZoneGroup[]>;
  /** PUT a DNS zone group with one zone config, through the SDK poller. */
  startZoneGroup(endpointId: string, groupName: string, configName: string, zoneId: string): Promise<LroStep>;
  resumeZoneGroup(endpointId: string, state: string, retryAfterSeconds: number): Promise<LroStep>;
  /** Every private DNS zone in the subscriptions, through Resource Graph. */
  queryZones(subscriptionIds: readonly string[]): Promise<readonly DnsZone[]>;
  /** Every private endpoint in the subscriptions, through Resource Graph. */
  queryPrivateEndpoints(subscriptionIds: readonly string[]): Promise<readonly PrivateEndpoint[]>;
  /** Every virtual network link to `virtualNetworkId` in the subscriptions, with its zone id, through Resource Graph. */
  queryLinksTo(
    virtualNetworkId: string,
    subscriptionIds: readonly string[],
  ): Promise<readonly (ZoneLink & { readonly zoneId: string })[]>;
}

/** Every port over one set of ARM clients: what the host builds once and hands to the capabilities. */
export type AzureGateway = InventoryPort & FederatedCredentialsPort & PrivateDnsPort;
