/**
 * The Azure Resource Graph queries fedlink runs, as constants: they are part of the contract with
 * the sandbox emulator, which implements exactly this KQL subset (`resources`, `where type =~ '...'`,
 * `project`, `order by id asc`).
 *
 * Why this shape:
 * - `type =~` compares case-insensitively: ARG stores `type` lower-cased.
 * - `project ... properties` returns `properties` in REST casing (`oidcIssuerProfile.issuerURL`), so a
 *   row maps exactly as a GET does (shared/azure/mappers); `resourceGroup` is projected but not used
 *   (it is lower-cased; the mappers take the resource group from `id`).
 * - `order by id asc` gives a stable order across pages: ARG pages with $skipToken only when the
 *   result has an `id` column, and sorts by it for stable paging (ResourcesNextPageQuery example).
 */

/** Every managed cluster in the queried subscriptions. */
export const CLUSTERS_QUERY =
  "resources | where type =~ 'microsoft.containerservice/managedclusters' | project id, name, type, location, resourceGroup, subscriptionId, tags, properties | order by id asc";

/** Every user-assigned managed identity in the queried subscriptions. */
export const IDENTITIES_QUERY =
  "resources | where type =~ 'microsoft.managedidentity/userassignedidentities' | project id, name, type, location, resourceGroup, subscriptionId, tags, properties | order by id asc";

/** ARG's maximum `$top`. */
export const ARG_PAGE_SIZE = 1000;

/** Subscriptions per query: fewer than 300, as ARG's throttling guidance asks (docs/azure-behaviour.md §6.4). */
export const ARG_SUBSCRIPTIONS_PER_QUERY = 250;

/** Every private DNS zone (docs/azure-behaviour.md §5): the drift check finds `system` zones of private clusters by name. */
export const ZONES_QUERY =
  "resources | where type =~ 'microsoft.network/privatednszones' | project id, name, type, location, resourceGroup, subscriptionId, tags, properties | order by id asc";

/** Every private endpoint (consumer side), with its connections' group ids and `customDnsConfigs`. */
export const PRIVATE_ENDPOINTS_QUERY =
  "resources | where type =~ 'microsoft.network/privateendpoints' | project id, name, type, location, resourceGroup, subscriptionId, tags, properties | order by id asc";

/** Every virtual network link of every private DNS zone (to name the link a refused link conflicts with). */
export const LINKS_QUERY =
  "resources | where type =~ 'microsoft.network/privatednszones/virtualnetworklinks' | project id, name, type, location, resourceGroup, subscriptionId, tags, properties | order by id asc";

/**
 * Every pending private endpoint connection on resources in the queried subscriptions, one row per
 * connection (docs/azure-behaviour.md §4.4): the parent's `properties.privateEndpointConnections`
 * expanded. `id` is the connection's id, so ARG pages by it; `targetId` is the provider resource.
 * Rows are candidates only (ARG lags behind ARM, §9.5): each target's connections are re-read from ARM.
 */
export const PENDING_CONNECTIONS_QUERY =
  "resources | where isnotnull(properties.privateEndpointConnections) | mv-expand pec = properties.privateEndpointConnections | where tostring(pec.properties.privateLinkServiceConnectionState.status) =~ 'Pending' | project id = tostring(pec.id), targetId = id, type, privateEndpointId = tostring(pec.properties.privateEndpoint.id) | order by id asc";

/**
 * What the DNS drift check needs, in one query (as few pages as the rows allow, docs/azure-behaviour.md
 * §6.4): private clusters, the AKS zones (`*.azmk8s.io`: a `system` zone is found by name in the node
 * resource group) and every private endpoint. Rows tell themselves apart by `type`.
 */
export const DNS_INVENTORY_QUERY =
  "resources | where (type =~ 'microsoft.containerservice/managedclusters' and tostring(properties.apiServerAccessProfile.enablePrivateCluster) =~ 'true') or (type =~ 'microsoft.network/privatednszones' and name endswith '.azmk8s.io') or type =~ 'microsoft.network/privateendpoints' | project id, name, type, location, resourceGroup, subscriptionId, tags, properties | order by id asc";
