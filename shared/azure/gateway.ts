/**
 * The ARM ports: the interfaces through which fedlink's core reads and writes ARM, one per concern
 * (docs/style.md 21: each capability has its own port, no single gateway growing into a god object).
 *
 * - `InventoryPort`: what every capability's scope step reads (subscriptions, clusters, identities,
 *   Resource Graph). Implemented in ./armInventory.ts.
 * - `FederatedCredentialsPort`: the federation capability's reads and writes of FICs. Implemented in
 *   ./armFederatedCredentials.ts.
 * - `PrivateLinkPort`: the private link capability's reads and approvals of private endpoint
 *   connections. Implemented in ./armPrivateLink.ts.
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
  /** The zone's virtual network links; undefined when the zone does not exist (404). */
  listLinks(zoneId: string): Promise<readonly ZoneLink[] | undefined>;
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
  /**
   * The DNS drift check's inventory through one Resource Graph query: private clusters, AKS zones
   * (`*.azmk8s.io`) and private endpoints.
   */
  queryDnsInventory(subscriptionIds: readonly string[]): Promise<{
    readonly privateClusters: readonly Cluster[];
    readonly aksZones: readonly DnsZone[];
    readonly endpoints: readonly PrivateEndpoint[];
  }>;
  /** Every private endpoint in the subscriptions, through Resource Graph. */
  queryPrivateEndpoints(subscriptionIds: readonly string[]): Promise<readonly PrivateEndpoint[]>;
  /** Every virtual network link to `virtualNetworkId` in the subscriptions, with its zone id, through Resource Graph. */
  queryLinksTo(
    virtualNetworkId: string,
    subscriptionIds: readonly string[],
  ): Promise<readonly (ZoneLink & { readonly zoneId: string })[]>;
}

/** A private endpoint connection on the provider side (docs/azure-behaviour.md §4.1), as fedlink reads it. */
export interface PrivateEndpointConnection {
  readonly id: string;
  readonly name: string;
  /** `privateLinkServiceConnectionState.status`: Pending, Approved, Rejected, Disconnected, or a transitional one (Web's Approving/Rejecting). */
  readonly status: string | undefined;
  readonly description: string | undefined;
  readonly provisioningState: string | undefined;
  /** The consumer's private endpoint (`properties.privateEndpoint.id`). */
  readonly privateEndpointId: string | undefined;
  /** Group ids the connection itself names (`groupIds` or `groupId`; most types name none). */
  readonly groupIds: readonly string[];
}

/** A consumer-side private endpoint: the resources its manual connections ask for. */
export interface PrivateEndpointInfo {
  readonly id: string;
  readonly manualConnections: readonly {
    readonly targetId: string;
    readonly groupIds: readonly string[];
    readonly status: string | undefined;
  }[];
}

/** One pending connection as Resource Graph indexes it (it lags behind ARM: docs/azure-behaviour.md §9.5). */
export interface PendingConnectionRow {
  readonly targetId: string;
  readonly targetType: string;
  readonly connectionId: string;
  readonly privateEndpointId: string | undefined;
}

/** A state change in flight: `running` carries the SDK poller's serialized state. */
export type ConnectionWrite =
  { readonly kind: 'done' } | { readonly kind: 'running'; readonly state: string };

export interface PrivateLinkPort {
  /** The consumer's private endpoint; undefined when it does not exist (or fedlink cannot see it: 403/404). */
  getConsumerEndpoint(privateEndpointId: string): Promise<PrivateEndpointInfo | undefined>;
  /** Every connection on a provider resource of a supported type, and when they were read (ISO time); `exists: false` when the resource is gone. */
  listConnections(
    targetId: string,
    targetType: string,
  ): Promise<{
    readonly readAt: string;
    readonly exists: boolean;
    readonly connections: readonly PrivateEndpointConnection[];
  }>;
  /** One connection, read directly (never from the parent's possibly stale list); undefined when gone. */
  getConnection(connectionId: string, targetType: string): Promise<PrivateEndpointConnection | undefined>;
  /** Every pending connection on resources in these subscriptions, through one paged Resource Graph query. */
  queryPendingConnections(subscriptionIds: readonly string[]): Promise<readonly PendingConnectionRow[]>;
  /**
   * Approves or rejects a connection that is Pending now, through the type's own API: re-reads it
   * first and PUTs back what GET returned with the new state (docs/azure-behaviour.md §4.1). Throws a
   * retryable `FedlinkConnectionNoLongerPending` when it is no longer Pending, before the write or when
   * the provider refuses the write because its state changed meanwhile. `running` when the provider's
   * operation has not finished (its poller's state, to resume with `pollConnectionState`).
   */
  setConnectionState(
    connectionId: string,
    targetType: string,
    state: { readonly status: 'Approved' | 'Rejected'; readonly description: string },
  ): Promise<ConnectionWrite>;
  /** Resumes a running state change from its poller state and polls once; never writes again. */
  pollConnectionState(connectionId: string, state: string): Promise<ConnectionWrite>;
}

/** Every port over one set of ARM clients: what the host builds once and hands to the capabilities. */
export type AzureGateway = InventoryPort & FederatedCredentialsPort & PrivateLinkPort & PrivateDnsPort;
