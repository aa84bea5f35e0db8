/**
 * Microsoft.Network/privateDnsZones (docs/azure-behaviour.md §5, §9.3): zones (GET, list), virtual network
 * links (GET, list, PUT, PATCH and DELETE as long-running operations) and record sets (GET, list,
 * synchronous PUT/DELETE).
 *
 * Virtual network link PUT and PATCH answer as Azure/azure-cli's recorded traffic shows
 * (`src/azure-cli/azure/cli/command_modules/privatedns/tests/latest/recordings/`
 * test_PutLink_LinkExistsIfNoneMatchFailure_ExpectError.yaml, test_PatchLink_LinkExistsIfMatchFailure_ExpectError.yaml):
 * `202` with the body `{}`, Azure-AsyncOperation (privateDnsOperationStatuses) and Location
 * (privateDnsOperationResults), whether the write will succeed or not. Refusals (preconditions, conflicts,
 * overlapping namespaces, limits: see linkFailure) arrive only through the operation status, which ends
 * `Failed` with the error; the store is left as it was. A write that will succeed stores the link at once
 * in `provisioningState` Creating/Updating with `virtualNetworkLinkState` InProgress (UNVERIFIED: whether a
 * GET during the operation shows it); it becomes Succeeded / Completed when the operation completes
 * (lro.ts). Link etags are quoted strings. Retry-After: the spec example (VirtualNetworkLinkPut.json) sends
 * it, the 2018-09-01 recordings do not; it is sent (lro.ts compresses time with it).
 * `location` is stored as "global" (the published answer to a PUT with "Global").
 * Limits: 60 link writes and 100 link reads per minute per zone (docs/targets.md).
 * ASSUMED / UNVERIFIED: synchronous 400 `BadRequest` for a location other than global or a
 * missing/malformed virtual network id; synchronous 409 `AnotherOperationInProgress` for a write while the
 * link's operation runs; DELETE's If-Match / If-None-Match answer synchronously 412 (conditional.ts). The
 * virtual network itself is not required to exist in the estate (it may live in a subscription outside it).
 *
 * Record sets: names are stored lower-cased and `fqdn` is `<name>.<zone>.` (RecordSetAGet.json shows a
 * request for `recordA` answered as `recorda`).
 */
import { isResourceId, normalizeResourceId, TYPES } from '../../../shared/core/resourceId';
import { PRIVATE_DNS_VERSIONS } from '../apiVersions';
import { chargeService, drawDuration, type EmulatorCore, newEtag } from '../context';
import { badRequest, resourceNotFound, unsupportedOperation } from '../errors';
import { type ArmRequest, type ArmResponse, header, noContent, ok } from '../http';
import { isJsonObject, type JsonObject, objectAt, stringAt } from '../json';
import { type LroFailure } from '../lro';
import { type ResourceTarget } from '../paths';
import { type StoredResource } from '../store';
import { refreshDerived } from '../views';
import {
  bodyObject,
  collectionMembers,
  getItemOr404,
  getResponse,
  listResponse,
  requireParent,
  requireResourceGroup,
  type ResourceHandler,
  serveRead,
  typePath,
} from './common';
import { checkPreconditions } from './conditional';
import { anotherOperationInProgress } from './privateEndpointConnections';

export const LINK_TYPE = 'Microsoft.Network/privateDnsZones/virtualNetworkLinks';
const RECORD_TYPES = new Set(['A', 'AAAA', 'CNAME', 'MX', 'PTR', 'SOA', 'SRV', 'TXT']);
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function zoneIdOf(target: ResourceTarget): string {
  return target.parentId ?? target.path;
}

function chargeLinks(core: EmulatorCore, kind: 'read' | 'write', zoneId: string): void {
  chargeService(
    core,
    [
      {
        limit: kind === 'read' ? 'privateDnsLinkReadsPerZone' : 'privateDnsLinkWritesPerZone',
        key: normalizeResourceId(zoneId),
      },
    ],
    'Private DNS',
  );
}

// ---- virtual network links ----

/** Per-zone link limits (docs/azure-behaviour.md §5.4; the zone GET in the recordings shows the same maxima). */
export const MAX_LINKS_PER_ZONE = 1000;
export const MAX_REGISTRATION_LINKS_PER_ZONE = 100;

/** Link etags are quoted strings (`"8801e9aa-0000-0100-0000-66c335f20000"` in the recordings). */
function linkEtag(core: EmulatorCore, id: string): string {
  return `"${newEtag(core, id)}"`;
}

function linkVnetId(link: StoredResource): string {
  return normalizeResourceId(
    stringAt(objectAt(objectAt(link.resource, 'properties'), 'virtualNetwork'), 'id') ?? '',
  );
}

function linkRegistration(link: StoredResource): boolean {
  return objectAt(link.resource, 'properties')?.['registrationEnabled'] === true;
}

function nameOf(stored: StoredResource, fallback: string): string {
  const n = stored.resource['name'];
  return typeof n === 'string' ? n : fallback;
}

function zoneIdOfLink(link: StoredResource): string {
  return normalizeResourceId(link.resource.id.replace(/\/virtualNetworkLinks\/[^/]+$/i, ''));
}

/** The zone a link belongs to (its parent), if it is in the store. */
function zoneOfLink(core: EmulatorCore, link: StoredResource): StoredResource | undefined {
  return core.store.get(zoneIdOfLink(link));
}

/**
 * Two zone names overlap when they are equal (recorded: MicrosoftDocs/azure-aks-docs#212, Azure/ARO-RP#796)
 * or one is a subzone of the other. UNVERIFIED: the parent/subzone case; the stricter reading is modelled.
 */
export function namespacesOverlap(a: string, b: string): boolean {
  const x = a.toLowerCase().replace(/\.$/, '');
  const y = b.toLowerCase().replace(/\.$/, '');
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}

const failure = (httpStatus: number, code: string, message: string): LroFailure => ({
  code,
  message,
  httpStatus,
});

interface LinkWrite {
  readonly zone: StoredResource;
  readonly zoneName: string;
  readonly linkName: string;
  readonly existing: StoredResource | undefined;
  readonly vnetId: string;
  readonly registrationEnabled: boolean;
}

/**
 * Why Azure would fail this link write, reported through the operation status (202 first, then Failed;
 * docs/azure-behaviour.md §9.3). In this order (the order itself is ASSUMED):
 * - If-None-Match: * on an existing link; If-Match not equal to the current etag: 412-class
 *   `PreconditionFailed` with the recorded messages (recordings test_PutLink_LinkExistsIfNoneMatchFailure_ExpectError,
 *   test_PatchLink_LinkExistsIfMatchFailure_ExpectError). The etag is compared as an exact string (ASSUMED).
 *   If-Match on an absent link: ASSUMED the same code, message of our own.
 * - the virtual network already linked to this zone by another link: `Conflict` (code as the other
 *   network conflicts, azure-powershell#9537; message ASSUMED).
 * - the virtual network linked to another zone whose name overlaps: `BadRequest` "A virtual network cannot
 *   be linked to multiple zones with overlapping namespaces..." (recorded asynchronous: Azure/ARO-RP#796
 *   shows it as a terminal provisioning state 'Failed').
 * - registration on, and the virtual network already has a registration link to another zone: `Conflict`
 *   "A virtual network can only be linked to 1 Private DNS zone(s) with auto-registration enabled; ..."
 *   (Azure/terraform-azurerm-caf-enterprise-scale#157; asynchronous ASSUMED).
 * - the zone already has 1,000 links, or 100 with registration: `BadRequest` (code, message and
 *   asynchrony ASSUMED; the limits are documented).
 */
function linkFailure(req: ArmRequest, core: EmulatorCore, w: LinkWrite): LroFailure | undefined {
  const ifMatch = header(req, 'if-match')?.trim();
  const ifNoneMatch = header(req, 'if-none-match')?.trim();
  if (ifNoneMatch === '*' && w.existing) {
    return failure(
      412,
      'PreconditionFailed',
      `The Virtual Network link ${w.linkName} for the Private DNS zone ${w.zoneName} exists already and hence cannot be created again.`,
    );
  }
  if (ifMatch !== undefined) {
    if (!w.existing) {
      return failure(
        412,
        'PreconditionFailed',
        `The Virtual Network link '${w.linkName}' for the Private DNS zone '${w.zoneName}' does not exist (If-Match).`,
      );
    }
    if (ifMatch !== '*' && ifMatch !== w.existing.resource['etag']) {
      return failure(
        412,
        'PreconditionFailed',
        `The Virtual Network link '${w.linkName}' for the Private DNS zone '${w.zoneName}' has been modified (etag mismatch).`,
      );
    }
  }
  const self = w.existing ? normalizeResourceId(w.existing.resource.id) : undefined;
  const others = core.store
    .ofType(LINK_TYPE)
    .filter((l) => normalizeResourceId(l.resource.id) !== self && linkVnetId(l) === w.vnetId);
  const zoneKey = normalizeResourceId(w.zone.resource.id);
  const sameZone = others.find((l) => zoneIdOfLink(l) === zoneKey);
  if (sameZone) {
    return failure(
      409,
      'Conflict',
      `The virtual network '${w.vnetId}' is already linked to the Private DNS zone ${w.zoneName} by the link ${nameOf(sameZone, '')}.`,
    );
  }
  for (const l of others) {
    const z = zoneOfLink(core, l);
    if (!z) continue;
    if (normalizeResourceId(z.resource.id) === zoneKey) continue;
    const otherName = nameOf(z, '');
    if (namespacesOverlap(otherName, w.zoneName)) {
      return failure(
        400,
        'BadRequest',
        `A virtual network cannot be linked to multiple zones with overlapping namespaces. You tried to link virtual network with '${otherName}' and '${w.zoneName}' zones.`,
      );
    }
  }
  if (w.registrationEnabled) {
    const reg = others.find(linkRegistration);
    const regZone = reg ? zoneOfLink(core, reg) : undefined;
    if (reg) {
      return failure(
        409,
        'Conflict',
        `A virtual network can only be linked to 1 Private DNS zone(s) with auto-registration enabled; conflicting Private DNS zone is '${regZone ? nameOf(regZone, '') : ''}'.`,
      );
    }
  }
  const inZone = core.store
    .childrenOf(w.zone.resource.id, 'virtualNetworkLinks')
    .filter((l) => normalizeResourceId(l.resource.id) !== self);
  if (!w.existing && inZone.length >= MAX_LINKS_PER_ZONE) {
    return failure(
      400,
      'BadRequest',
      `The Private DNS zone ${w.zoneName} already has the maximum number of virtual network links (${MAX_LINKS_PER_ZONE}).`,
    );
  }
  if (
    w.registrationEnabled &&
    !(w.existing && linkRegistration(w.existing)) &&
    inZone.filter(linkRegistration).length >= MAX_REGISTRATION_LINKS_PER_ZONE
  ) {
    return failure(
      400,
      'BadRequest',
      `The Private DNS zone ${w.zoneName} already has the maximum number of virtual network links with auto-registration enabled (${MAX_REGISTRATION_LINKS_PER_ZONE}).`,
    );
  }
  return undefined;
}

function validateLink(req: ArmRequest): { body: JsonObject; vnetId: string; registrationEnabled: boolean } {
  const body = bodyObject(req);
  if (!body) throw badRequest('The request content must be a JSON object.', 'InvalidRequestContent');
  const location = body['location'];
  if (typeof location !== 'string' || location.toLowerCase() !== 'global') {
    throw badRequest("The location of a virtual network link must be 'global'.");
  }
  const props = objectAt(body, 'properties');
  const vnetId = stringAt(objectAt(props, 'virtualNetwork'), 'id');
  if (vnetId === undefined || !isResourceId(vnetId, TYPES.virtualNetwork)) {
    throw badRequest('properties.virtualNetwork.id must be the resource id of a virtual network.');
  }
  validateLinkFlags(props);
  return { body, vnetId, registrationEnabled: props?.['registrationEnabled'] === true };
}

function validateLinkFlags(props: JsonObject | undefined): void {
  const reg = props?.['registrationEnabled'];
  if (reg !== undefined && typeof reg !== 'boolean')
    throw badRequest('properties.registrationEnabled must be a boolean.');
  const policy = props?.['resolutionPolicy'];
  if (policy !== undefined && policy !== 'Default' && policy !== 'NxDomainRedirect') {
    throw badRequest("properties.resolutionPolicy must be 'Default' or 'NxDomainRedirect'.");
  }
}

/**
 * Starts the link operation: a refusal leaves the store untouched and fails the operation; otherwise
 * `next` is stored in Creating/Updating + InProgress and becomes Succeeded + Completed on completion.
 * The answer is the recorded `202 {}` with Azure-AsyncOperation, Location and Retry-After.
 */
function startLinkOperation(
  req: ArmRequest,
  target: ResourceTarget,
  core: EmulatorCore,
  id: string,
  refusal: LroFailure | undefined,
  next: (JsonObject & { id: string }) | undefined,
): ArmResponse {
  if (!refusal && next) {
    core.store.put(next);
    refreshDerived(core.store, id);
  }
  const headers = core.lro.start({
    family: 'privateDns',
    kind: 'put',
    resourceId: id,
    subscriptionId: target.subscriptionId,
    resourceGroup: target.resourceGroup,
    namespace: 'Microsoft.Network',
    location: 'global',
    apiVersion: req.apiVersion!,
    durationMs: drawDuration(core, core.latency.lroMs, `lro|${id.toLowerCase()}`),
    ...(refusal ? { failure: refusal } : {}),
    complete: () => {
      const current = core.store.get(id);
      if (!current) return;
      const p = objectAt(current.resource, 'properties') ?? {};
      core.store.put({
        ...current.resource,
        properties: { ...p, virtualNetworkLinkState: 'Completed', provisioningState: 'Succeeded' },
      });
    },
  });
  return ok({}, 202, headers);
}

function putLink(
  req: ArmRequest,
  target: ResourceTarget,
  core: EmulatorCore,
  zone: StoredResource,
): ArmResponse {
  const { body, vnetId, registrationEnabled } = validateLink(req);
  const existing = core.store.get(target.path);
  if (existing && core.lro.inFlight(existing.resource.id))
    throw anotherOperationInProgress(existing.resource.id);
  // Another party's operation on the zone (the foreign writer of faults.ts).
  if (core.faults.foreignOperationRunning(zone.resource.id))
    throw anotherOperationInProgress(zone.resource.id);
  chargeLinks(core, 'write', zone.resource.id);
  const zoneName = nameOf(zone, target.names[0]!);
  const linkName = existing ? nameOf(existing, target.names[1]!) : target.names[1]!;
  const refusal = linkFailure(req, core, {
    zone,
    zoneName,
    linkName,
    existing,
    vnetId: normalizeResourceId(vnetId),
    registrationEnabled,
  });
  const props = objectAt(body, 'properties') ?? {};
  const id = existing ? existing.resource.id : target.path;
  const tags = body['tags'];
  const link: JsonObject & { id: string } = {
    id,
    name: linkName,
    type: LINK_TYPE,
    etag: linkEtag(core, id),
    location: 'global',
    ...(isJsonObject(tags) ? { tags } : {}),
    properties: {
      virtualNetwork: { id: vnetId },
      registrationEnabled,
      ...(typeof props['resolutionPolicy'] === 'string'
        ? { resolutionPolicy: props['resolutionPolicy'] }
        : {}),
      virtualNetworkLinkState: 'InProgress',
      provisioningState: existing ? 'Updating' : 'Creating',
    },
  };
  return startLinkOperation(req, target, core, id, refusal, link);
}

/**
 * Link PATCH (recorded: test_PatchLink_* in the azure-cli privatedns recordings): the same `202 {}` and
 * operation as a PUT; tags, registrationEnabled and resolutionPolicy merge into the link. ASSUMED: PATCH of
 * an absent link is a synchronous 404 (the CLI reads before it patches, so no recording shows it); a
 * different virtual network id is a synchronous 400 (a link's network cannot change).
 */
function patchLink(
  req: ArmRequest,
  target: ResourceTarget,
  core: EmulatorCore,
  zone: StoredResource,
): ArmResponse {
  const existing = core.store.get(target.path);
  if (!existing) throw resourceNotFound(typePath(target), target.resourceGroup);
  if (core.lro.inFlight(existing.resource.id)) throw anotherOperationInProgress(existing.resource.id);
  const body = bodyObject(req);
  if (!body) throw badRequest('The request content must be a JSON object.', 'InvalidRequestContent');
  const props = objectAt(body, 'properties');
  validateLinkFlags(props);
  const current = objectAt(existing.resource, 'properties') ?? {};
  const vnetId = stringAt(objectAt(current, 'virtualNetwork'), 'id') ?? '';
  const asked = stringAt(objectAt(props, 'virtualNetwork'), 'id');
  if (asked !== undefined && normalizeResourceId(asked) !== normalizeResourceId(vnetId)) {
    throw badRequest('The virtual network of a virtual network link cannot be changed.');
  }
  chargeLinks(core, 'write', zone.resource.id);
  const registrationEnabled =
    typeof props?.['registrationEnabled'] === 'boolean'
      ? props['registrationEnabled']
      : current['registrationEnabled'] === true;
  const refusal = linkFailure(req, core, {
    zone,
    zoneName: nameOf(zone, target.names[0]!),
    linkName: nameOf(existing, target.names[1]!),
    existing,
    vnetId: normalizeResourceId(vnetId),
    registrationEnabled,
  });
  const tags = body['tags'];
  const id = existing.resource.id;
  const link: JsonObject & { id: string } = {
    ...existing.resource,
    etag: linkEtag(core, id),
    ...(isJsonObject(tags) ? { tags } : {}),
    properties: {
      ...current,
      registrationEnabled,
      ...(typeof props?.['resolutionPolicy'] === 'string'
        ? { resolutionPolicy: props['resolutionPolicy'] }
        : {}),
      virtualNetworkLinkState: 'InProgress',
      provisioningState: 'Updating',
    },
  };
  return startLinkOperation(req, target, core, id, refusal, link);
}

function deleteLink(
  req: ArmRequest,
  target: ResourceTarget,
  core: EmulatorCore,
  zone: StoredResource,
): ArmResponse {
  const existing = core.store.get(target.path);
  checkPreconditions(req, existing);
  if (!existing) return noContent(204);
  if (core.lro.inFlight(existing.resource.id)) throw anotherOperationInProgress(existing.resource.id);
  chargeLinks(core, 'write', zone.resource.id);
  const p = objectAt(existing.resource, 'properties') ?? {};
  core.store.put({ ...existing.resource, properties: { ...p, provisioningState: 'Deleting' } });
  const headers = core.lro.start({
    family: 'privateDns',
    kind: 'delete',
    resourceId: existing.resource.id,
    subscriptionId: target.subscriptionId,
    resourceGroup: target.resourceGroup,
    namespace: 'Microsoft.Network',
    location: 'global',
    apiVersion: req.apiVersion!,
    durationMs: drawDuration(core, core.latency.lroMs, `lro|${existing.resource.id.toLowerCase()}`),
    complete: () => {
      core.store.delete(existing.resource.id);
      refreshDerived(core.store, existing.resource.id);
    },
  });
  return { status: 202, headers };
}

// ---- record sets ----

function recordTypeOf(target: ResourceTarget): string {
  return target.types[target.types.length - 1]!.toUpperCase();
}

function recordsOfZone(core: EmulatorCore, zoneId: string, type: string | undefined): StoredResource[] {
  return core.store.childrenOf(zoneId).filter((c) => {
    const t = c.parsed.segments[c.parsed.segments.length - 1]!.type.toUpperCase();
    return RECORD_TYPES.has(t) && (type === undefined || t === type);
  });
}

function putRecordSet(
  req: ArmRequest,
  target: ResourceTarget,
  core: EmulatorCore,
  zone: StoredResource,
): ArmResponse {
  const type = recordTypeOf(target);
  const body = bodyObject(req);
  const props = objectAt(body, 'properties');
  if (!body || !props)
    throw badRequest('The request must have a properties object.', 'InvalidRequestContent');
  if (type === 'A') {
    const records = props['aRecords'];
    if (
      !Array.isArray(records) ||
      records.some(
        (r) => !isJsonObject(r) || typeof r['ipv4Address'] !== 'string' || !IPV4.test(r['ipv4Address']),
      )
    ) {
      throw badRequest('properties.aRecords must be a list of { ipv4Address } with valid IPv4 addresses.');
    }
  }
  const ttl = props['ttl'];
  if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0))
    throw badRequest('properties.ttl must be a non-negative integer.');
  const name = target.names[1]!.toLowerCase();
  const id = `${zone.resource.id}/${type}/${name}`;
  const existing = core.store.get(id);
  checkPreconditions(req, existing);
  const zoneName = typeof zone.resource['name'] === 'string' ? zone.resource['name'] : target.names[0]!;
  const next: JsonObject = {
    ...props,
    fqdn: `${name === '@' ? '' : `${name}.`}${zoneName}.`,
    isAutoRegistered: false,
  };
  if (next['ttl'] === undefined) next['ttl'] = 3600;
  const record = {
    id,
    name,
    type: `Microsoft.Network/privateDnsZones/${type}`,
    etag: newEtag(core, id),
    properties: next,
  };
  core.store.put(record);
  refreshDerived(core.store, id);
  return ok(record, existing ? 200 : 201);
}

function deleteRecordSet(req: ArmRequest, target: ResourceTarget, core: EmulatorCore): ArmResponse {
  const existing = core.store.get(target.path);
  checkPreconditions(req, existing);
  if (!existing) return noContent(204);
  core.store.delete(existing.resource.id);
  refreshDerived(core.store, existing.resource.id);
  return { status: 200 };
}

// ---- dispatch ----

function handleLinks(req: ArmRequest, target: ResourceTarget, core: EmulatorCore): ArmResponse {
  const zone = requireParent(
    core,
    target,
    req.method === 'GET' ? 'read' : req.method === 'DELETE' ? 'delete' : 'write',
  );
  if (target.collection) {
    if (req.method !== 'GET') throw unsupportedOperation(req.method, target.fullType);
    chargeLinks(core, 'read', zoneIdOf(target));
    return listResponse(core, req, collectionMembers(core, target));
  }
  switch (req.method) {
    case 'GET':
      chargeLinks(core, 'read', zoneIdOf(target));
      return getResponse(core, getItemOr404(core, target));
    case 'PUT':
      return putLink(req, target, core, zone);
    case 'PATCH':
      return patchLink(req, target, core, zone);
    case 'DELETE':
      return deleteLink(req, target, core, zone);
    default:
      throw unsupportedOperation(req.method, target.fullType);
  }
}

function handleRecords(req: ArmRequest, target: ResourceTarget, core: EmulatorCore): ArmResponse {
  const zone = requireParent(core, target, req.method === 'GET' ? 'read' : 'write');
  const segment = target.types[target.types.length - 1]!.toUpperCase();
  if (target.collection) {
    if (req.method !== 'GET') throw unsupportedOperation(req.method, target.fullType);
    const all = segment === 'ALL' || segment === 'RECORDSETS';
    return listResponse(core, req, recordsOfZone(core, zone.resource.id, all ? undefined : segment));
  }
  switch (req.method) {
    case 'GET': {
      const stored = core.store.get(target.path);
      if (!stored) throw resourceNotFound(typePath(target), target.resourceGroup);
      return getResponse(core, stored);
    }
    case 'PUT':
      return putRecordSet(req, target, core, zone);
    case 'DELETE':
      return deleteRecordSet(req, target, core);
    default:
      throw unsupportedOperation(req.method, target.fullType);
  }
}

export const privateDnsHandler: ResourceHandler = {
  apiVersions: () => PRIVATE_DNS_VERSIONS,
  handle: (req, target, core) => {
    requireResourceGroup(core, target);
    if (target.types.length === 1) {
      if (req.method !== 'GET') return Promise.reject(unsupportedOperation(req.method, target.fullType));
      return Promise.resolve(serveRead(core, req, target));
    }
    const child = target.types[1]!;
    if (target.types.length === 2 && child.toLowerCase() === 'virtualnetworklinks')
      return Promise.resolve(handleLinks(req, target, core));
    const upper = child.toUpperCase();
    if (
      target.types.length === 2 &&
      (RECORD_TYPES.has(upper) || (target.collection && (upper === 'ALL' || upper === 'RECORDSETS')))
    ) {
      return Promise.resolve(handleRecords(req, target, core));
    }
    return Promise.reject(resourceNotFound(typePath(target), target.resourceGroup));
  },
};
