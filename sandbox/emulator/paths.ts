/**
 * Parses an ARM request path into what it addresses: ARM's own endpoints (subscriptions, resource
 * groups, tenants), a tenant-level provider path (Resource Graph), or a provider resource / collection:
 *
 *   /subscriptions/{s}[/resourceGroups/{rg}]/providers/{Namespace}/{type}[/{name}[/{childType}[/{name}...]]]
 *
 * An even number of type/name parts addresses one resource; an odd number, a collection.
 * Segment keywords (`subscriptions`, `resourceGroups`, `providers`) are case-insensitive, as in ARM.
 */

export type RouteTarget =
  | { readonly kind: 'tenants' }
  | { readonly kind: 'subscriptions' }
  | { readonly kind: 'subscription'; readonly subscriptionId: string }
  | { readonly kind: 'resourceGroups'; readonly subscriptionId: string }
  | { readonly kind: 'resourceGroup'; readonly subscriptionId: string; readonly resourceGroup: string }
  | { readonly kind: 'tenantProvider'; readonly namespace: string; readonly rest: readonly string[] }
  | ResourceTarget
  | { readonly kind: 'unknown' };

export interface ResourceTarget {
  readonly kind: 'resource';
  readonly subscriptionId: string;
  readonly resourceGroup: string | undefined;
  readonly namespace: string;
  /** Type segments after the namespace, e.g. ['userAssignedIdentities', 'federatedIdentityCredentials']. */
  readonly types: readonly string[];
  /** Names, one per type segment except the last of a collection. */
  readonly names: readonly string[];
  readonly collection: boolean;
  /** `Namespace/type[/childType...]` as requested. */
  readonly fullType: string;
  /** Lower-cased fullType, for dispatch. */
  readonly typeKey: string;
  /** The requested resource id (item) or collection path, original casing, no trailing slash. */
  readonly path: string;
  /** The id of the resource that owns this item/collection (undefined for a top-level resource or collection). */
  readonly parentId: string | undefined;
}

export function parsePath(segments: readonly string[]): RouteTarget {
  const lower = segments.map((s) => s.toLowerCase());
  if (segments.length === 1 && lower[0] === 'tenants') return { kind: 'tenants' };
  if (lower[0] === 'providers' && segments.length >= 2) {
    return { kind: 'tenantProvider', namespace: segments[1]!, rest: segments.slice(2) };
  }
  if (lower[0] !== 'subscriptions') return { kind: 'unknown' };
  if (segments.length === 1) return { kind: 'subscriptions' };
  const subscriptionId = segments[1]!;
  if (segments.length === 2) return { kind: 'subscription', subscriptionId };
  let i = 2;
  let resourceGroup: string | undefined;
  if (lower[2] === 'resourcegroups') {
    if (segments.length === 3) return { kind: 'resourceGroups', subscriptionId };
    resourceGroup = segments[3]!;
    if (segments.length === 4) return { kind: 'resourceGroup', subscriptionId, resourceGroup };
    i = 4;
  }
  if (lower[i] !== 'providers' || segments.length < i + 3) return { kind: 'unknown' };
  const namespace = segments[i + 1]!;
  const rest = segments.slice(i + 2);
  const types: string[] = [];
  const names: string[] = [];
  rest.forEach((s, k) => (k % 2 === 0 ? types : names).push(s));
  const collection = types.length > names.length;
  const prefix = segments.slice(0, i + 2);
  const path = '/' + segments.join('/');
  let parentId: string | undefined;
  if (collection && types.length >= 2)
    parentId = '/' + [...prefix, ...rest.slice(0, rest.length - 1)].join('/');
  if (!collection && types.length >= 2)
    parentId = '/' + [...prefix, ...rest.slice(0, rest.length - 2)].join('/');
  const fullType = [namespace, ...types].join('/');
  return {
    kind: 'resource',
    subscriptionId,
    resourceGroup,
    namespace,
    types,
    names,
    collection,
    fullType,
    typeKey: fullType.toLowerCase(),
    path,
    parentId,
  };
}
