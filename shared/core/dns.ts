/**
 * Core types of private DNS (docs/azure-behaviour.md §5): what the DNS capability knows about zones,
 * their virtual network links and A records, private endpoints and their DNS zone groups, after
 * shared/azure/ has mapped the SDK models. Ids as ARM returned them; compare with normalizeResourceId.
 */

/** A private DNS zone (`Microsoft.Network/privateDnsZones`). */
export interface DnsZone {
  readonly id: string;
  /** The zone's DNS name, e.g. `privatelink.vaultcore.azure.net`, lower-cased without a trailing dot. */
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
}

/** A virtual network link of a zone. */
export interface ZoneLink {
  readonly id: string;
  readonly name: string;
  /** `properties.virtualNetwork.id` as ARM returned it ('' when absent). */
  readonly virtualNetworkId: string;
  readonly registrationEnabled: boolean;
  /** `InProgress | Completed` (docs/azure-behaviour.md §5.1: the SDK docstring says `Done`); undefined when absent. */
  readonly linkState: string | undefined;
  readonly provisioningState: string | undefined;
}

/** An A record set of a zone: its name relative to the zone (lower-cased) and its addresses. */
export interface ARecordSet {
  readonly name: string;
  readonly ipv4Addresses: readonly string[];
}

/** A private endpoint (consumer side), as the DNS capability needs it. */
export interface PrivateEndpoint {
  readonly id: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  /** Group ids of every (automatic and manual) private link service connection, e.g. `vault`. */
  readonly groupIds: readonly string[];
  /** `customDnsConfigs`: the names the endpoint answers for and their private addresses. */
  readonly dnsConfigs: readonly { readonly fqdn: string; readonly ipAddresses: readonly string[] }[];
}

/** A private DNS zone group of a private endpoint. */
export interface ZoneGroup {
  readonly id: string;
  readonly name: string;
  readonly provisioningState: string | undefined;
  readonly configs: readonly { readonly name: string; readonly privateDnsZoneId: string }[];
}
