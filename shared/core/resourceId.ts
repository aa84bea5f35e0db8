/**
 * ARM resource ids: parsing, validation and normalization.
 *
 * ARM ids are case-insensitive, and real payloads mix `resourcegroups` / `resourceGroups` and provider
 * casing (docs/azure-behaviour.md §3.1), so every comparison, map key and durable instance id uses
 * `normalizeResourceId`. The original string is kept for writes and reports.
 */

export interface ResourceId {
  /** The id as given (trimmed of nothing: a malformed id is rejected, not repaired). */
  readonly id: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string | undefined;
  /** e.g. `Microsoft.ManagedIdentity` */
  readonly provider: string | undefined;
  /** Full type, e.g. `Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials`. */
  readonly type: string | undefined;
  /** Name of the last segment, e.g. the FIC name. */
  readonly name: string | undefined;
  /** Every `type/name` pair after the provider, outermost first. */
  readonly segments: readonly { readonly type: string; readonly name: string }[];
}

const GUIDISH = /^[0-9A-Za-z-]{1,64}$/;
// Names in ARM ids: no '/', no control characters, no surrounding whitespace.
const NAME = /^[^/\s\p{Cc}](?:[^/\p{Cc}]*[^/\s\p{Cc}])?$/u;
const MAX_ID_LENGTH = 2048;

/**
 * `.` and `..` (also percent-encoded: `%2e`, `.%2E`, `%2e%2e`) are path segments a URL parser
 * resolves away (WHATWG URL, which the SDK's pipeline uses), so a request for such an id would reach
 * a different path from the id that was validated. ARM names never are one of them.
 */
function isDotSegment(name: string): boolean {
  const decoded = name.replace(/%2e/gi, '.');
  return decoded === '.' || decoded === '..';
}

export class ResourceIdError extends Error {
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(
      `not an ARM resource id (${reason}): ${JSON.stringify(input.length > 200 ? input.slice(0, 200) + '…' : input)}`,
    );
    this.name = 'ResourceIdError';
  }
}

/** Parses an ARM id; throws ResourceIdError with the reason when it is not one. */
export function parseResourceId(input: string): ResourceId {
  if (typeof input !== 'string') throw new ResourceIdError(String(input), 'not a string');
  if (input.length > MAX_ID_LENGTH)
    throw new ResourceIdError(input, `longer than ${MAX_ID_LENGTH} characters`);
  if (!input.startsWith('/')) throw new ResourceIdError(input, 'must start with /subscriptions/');
  const parts = input.slice(1).split('/');
  if (parts.some((p) => p === '')) throw new ResourceIdError(input, 'empty segment');
  if (parts[0]?.toLowerCase() !== 'subscriptions' || parts[1] === undefined) {
    throw new ResourceIdError(input, 'must start with /subscriptions/{id}');
  }
  const subscriptionId = parts[1];
  if (!GUIDISH.test(subscriptionId)) throw new ResourceIdError(input, 'malformed subscription id');
  let i = 2;
  let resourceGroup: string | undefined;
  if (parts[i]?.toLowerCase() === 'resourcegroups') {
    const rg = parts[i + 1];
    if (rg === undefined || !NAME.test(rg)) throw new ResourceIdError(input, 'malformed resource group');
    if (isDotSegment(rg))
      throw new ResourceIdError(input, `resource group "${rg}" is a "." or ".." path segment`);
    resourceGroup = rg;
    i += 2;
  }
  if (i === parts.length) {
    return {
      id: input,
      subscriptionId,
      resourceGroup,
      provider: undefined,
      type: undefined,
      name: resourceGroup,
      segments: [],
    };
  }
  if (parts[i]?.toLowerCase() !== 'providers' || parts[i + 1] === undefined) {
    throw new ResourceIdError(input, 'expected /providers/{namespace} after the resource group');
  }
  const provider = parts[i + 1]!;
  if (!/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+$/.test(provider)) {
    throw new ResourceIdError(input, 'malformed provider namespace');
  }
  i += 2;
  const rest = parts.slice(i);
  if (rest.length === 0 || rest.length % 2 !== 0)
    throw new ResourceIdError(input, 'expected type/name pairs after the provider');
  const segments: { type: string; name: string }[] = [];
  for (let k = 0; k < rest.length; k += 2) {
    const type = rest[k]!;
    const name = rest[k + 1]!;
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(type))
      throw new ResourceIdError(input, `malformed resource type segment "${type}"`);
    if (!NAME.test(name)) throw new ResourceIdError(input, `malformed resource name "${name}"`);
    if (isDotSegment(name))
      throw new ResourceIdError(input, `resource name "${name}" is a "." or ".." path segment`);
    segments.push({ type, name });
  }
  const type = [provider, ...segments.map((s) => s.type)].join('/');
  return {
    id: input,
    subscriptionId,
    resourceGroup,
    provider,
    type,
    name: segments[segments.length - 1]!.name,
    segments,
  };
}

/** True when `input` parses as an ARM id (optionally of the given type, compared case-insensitively). */
export function isResourceId(input: unknown, type?: string): input is string {
  if (typeof input !== 'string') return false;
  try {
    const parsed = parseResourceId(input);
    return type === undefined || sameType(parsed.type, type);
  } catch {
    return false;
  }
}

/**
 * Why `input` is not an ARM id of `type`, in a few words (`resource group ".." is a "." or ".." path
 * segment`, `an id of type Microsoft.Storage/storageAccounts`), or undefined when it is one.
 */
export function resourceIdProblem(input: unknown, type?: string): string | undefined {
  if (typeof input !== 'string') return 'not a string';
  let parsed: ResourceId;
  try {
    parsed = parseResourceId(input);
  } catch (error) {
    return error instanceof ResourceIdError ? error.reason : String(error);
  }
  // Ids a person or a resource property hands fedlink (not ARM's own answers): no ARM name holds a '%'
  // (percent-encoding decodes '%2f' into '/', '%2e%2e' into '..'), a '?' or a '#' (they end a URL's path;
  // docs/azure-behaviour.md §6.7), so such an id is somebody's URL trick, not a resource.
  if (/[%?#]/.test(input)) return 'it holds %, ? or #, which no ARM resource name does';
  if (type === undefined || sameType(parsed.type, type)) return undefined;
  return `an id of type ${parsed.type ?? (parsed.resourceGroup ? 'resource group' : 'subscription')}`;
}

export function sameType(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/**
 * The canonical form used for comparison and as a map key: lower-cased, no trailing slash.
 * Lower-casing the whole id is what ARM's own case-insensitive comparison amounts to.
 */
export function normalizeResourceId(id: string): string {
  return id.replace(/\/+$/, '').toLowerCase();
}

export function sameResource(a: string, b: string): boolean {
  return normalizeResourceId(a) === normalizeResourceId(b);
}

/** The id of the parent resource (one type/name pair up), or undefined for a top-level resource. */
export function parentResourceId(id: string): string | undefined {
  const parsed = parseResourceId(id);
  if (parsed.segments.length < 2) return undefined;
  return id.split('/').slice(0, -2).join('/');
}

export const TYPES = {
  managedCluster: 'Microsoft.ContainerService/managedClusters',
  userAssignedIdentity: 'Microsoft.ManagedIdentity/userAssignedIdentities',
  federatedIdentityCredential:
    'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
  privateDnsZone: 'Microsoft.Network/privateDnsZones',
  virtualNetworkLink: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
  virtualNetwork: 'Microsoft.Network/virtualNetworks',
  privateEndpoint: 'Microsoft.Network/privateEndpoints',
} as const;
