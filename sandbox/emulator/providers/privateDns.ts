/**
 * Microsoft.Network/privateDnsZones (docs/azure-behaviour.md §5): zones (GET, list), virtual network links (GET,
 * list, PUT and DELETE as long-running operations) and record sets (GET, list, synchronous PUT/DELETE).
 *
 * Virtual network link PUT (VirtualNetworkLinkPut.json; §5.1): 201 (create) / 200 (update) with the
 * link in `provisioningState` Creating/Updating and `virtualNetworkLinkState` InProgress, plus
 * Azure-AsyncOperation (privateDnsOperationStatuses), Location (privateDnsOperationResults) and
 * Retry-After; it becomes Succeeded / Completed when the operation completes (lro.ts). `location`
 * is stored as "global" (the published answer to a PUT with "Global"). If-Match / If-None-Match: 412.
 * Limits: 60 link writes and 100 link reads per minute per zone (docs/targets.md).
 * ASSUMED / UNVERIFIED: 400 `BadRequest` for a location other than global or a missing/malformed
 * virtual network id; 409 `Conflict` when the virtual network is already linked to the zone by another
 * link; 409 `AnotherOperationInProgress` for a write while the link's operation runs. The virtual
 * network itself is not required to exist in the estate (it may live in a subscription outside it).
 *
 * Record sets: names are stored lower-cased and `fqdn` is `<name>.<zone>.` (RecordSetAGet.json shows a
 * request for `recordA` answered as `recorda`).
 */
import { isResourceId, normalizeResourceId, TYPES } from '../../../shared/core/resourceId';
import { PRIVATE_DNS_VERSIONS } from '../apiVersions';
import { chargeService, drawDuration, type EmulatorCore, newEtag } from '../context';
import { badRequest, resourceNotFound, unsupportedOperation } from '../errors';
import { ArmError, type ArmRequest, type ArmResponse, noContent, ok } from '../http';
import { isJsonObject, type JsonObject, objectAt, stringAt } from '../json';
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
  const reg = props?.['registrationEnabled'];
  if (reg !== undefined && typeof reg !== 'boolean')
    throw badRequest('properties.registrationEnabled must be a boolean.');
  const policy = props?.['resolutionPolicy'];
  if (policy !== undefined && policy !== 'Default' && policy !== 'NxDomainRedirect') {
    throw badRequest("properties.resolutionPolicy must be 'Default' or 'NxDomainRedirect'.");
  }
  return { body, vnetId, registrationEnabled: reg === true };
}

function putLink(
  req: ArmRequest,
  target: ResourceTarget,
  core: EmulatorCore,
  zone: StoredResource,
): ArmResponse {
  const { body, vnetId, registrationEnabled } = validateLink(req);
  const existing = core.store.get(target.path);
  checkPreconditions(req, existing);
  if (existing && core.lro.inFlight(existing.resource.id))
    throw anotherOperationInProgress(existing.resource.id);
  const other = core.store
    .childrenOf(zone.resource.id, 'virtualNetworkLinks')
    .find(
      (l) =>
        l !== existing &&
        normalizeResourceId(
          stringAt(objectAt(objectAt(l.resource, 'properties'), 'virtualNetwork'), 'id') ?? '',
        ) === normalizeResourceId(vnetId),
    );
  if (other) {
    throw new ArmError(
      409,
      'Conflict',
      `The virtual network '${vnetId}' is already linked to the zone by '${other.resource['name'] as string}'.`,
    );
  }
  chargeLinks(core, 'write', zone.resource.id);
  const props = objectAt(body, 'properties') ?? {};
  const id = existing ? existing.resource.id : target.path;
  const tags = body['tags'];
  const link: JsonObject & { id: string } = {
    id,
    name: existing ? (existing.resource['name'] ?? target.names[1]!) : target.names[1]!,
    type: LINK_TYPE,
    etag: newEtag(core, id),
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
  core.store.put(link);
  refreshDerived(core.store, id);
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
  return ok(link, existing ? 200 : 201, headers);
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
