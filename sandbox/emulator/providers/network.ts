/**
 * Microsoft.Network resources other than Private DNS: private endpoints (GET, list), their private DNS
 * zone groups (GET, list, PUT and DELETE as long-running operations, docs/azure-behaviour.md §5.2), virtual
 * networks and every other Network type the estate holds (read-only).
 *
 * Zone group PUT: 201 (create) / 200 (update) with provisioningState Updating and Azure-AsyncOperation
 * (Network's `locations/{loc}/operations/{id}`); on completion the group is Succeeded and each zone
 * config lists the A record sets Azure manages for the endpoint, which are created in the zone when
 * the zone is in the estate.
 * ASSUMED mapping (the real one depends on each service's DNS names): every `customDnsConfigs` entry
 * `{ fqdn, ipAddresses }` of the private endpoint gives, in every configured zone, an A record named by
 * the fqdn's first label, TTL 10. Zone groups carry `type` and `etag` like every Network resource
 * (the published example's answer omits both; the estate contract requires `type`).
 */
import { isResourceId, normalizeResourceId, TYPES } from '../../../shared/core/resourceId';
import { NETWORK_VERSIONS } from '../apiVersions';
import { drawDuration, type EmulatorCore, newEtag } from '../context';
import { badRequest, unsupportedOperation } from '../errors';
import { type ArmRequest, type ArmResponse, noContent, ok } from '../http';
import { isJsonObject, type JsonObject, type JsonValue, objectAt, stringAt } from '../json';
import { type ResourceTarget } from '../paths';
import { type StoredResource } from '../store';
import { refreshDerived } from '../views';
import {
  bodyObject,
  locationOf,
  requireParent,
  requireResourceGroup,
  type ResourceHandler,
  serveRead,
} from './common';
import { anotherOperationInProgress } from './privateEndpointConnections';

const GROUP_TYPE = 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups';

interface ZoneConfig {
  readonly entry: JsonObject;
  readonly zoneId: string;
}

function validateGroup(req: ArmRequest): { body: JsonObject; configs: ZoneConfig[] } {
  const body = bodyObject(req);
  const configs = objectAt(body, 'properties')?.['privateDnsZoneConfigs'];
  if (!body || !Array.isArray(configs) || configs.length === 0) {
    throw badRequest('properties.privateDnsZoneConfigs must list at least one private DNS zone.');
  }
  return {
    body,
    configs: configs.map((c, i) => {
      const zoneId = isJsonObject(c) ? stringAt(objectAt(c, 'properties'), 'privateDnsZoneId') : undefined;
      if (!isJsonObject(c) || zoneId === undefined || !isResourceId(zoneId, TYPES.privateDnsZone)) {
        throw badRequest(
          `properties.privateDnsZoneConfigs[${i}].properties.privateDnsZoneId must be a private DNS zone resource id.`,
        );
      }
      return { entry: c, zoneId };
    }),
  };
}

interface RecordPlan {
  readonly label: string;
  readonly ipAddresses: string[];
}

function recordsFor(endpoint: StoredResource): RecordPlan[] {
  const dns = objectAt(endpoint.resource, 'properties')?.['customDnsConfigs'];
  if (!Array.isArray(dns)) return [];
  const out: RecordPlan[] = [];
  for (const d of dns) {
    if (!isJsonObject(d)) continue;
    const fqdn = stringAt(d, 'fqdn');
    const ips = d['ipAddresses'];
    if (fqdn === undefined || !Array.isArray(ips)) continue;
    out.push({
      label: fqdn.split('.')[0]!,
      ipAddresses: ips.filter((ip): ip is string => typeof ip === 'string'),
    });
  }
  return out;
}

function zoneName(core: EmulatorCore, zoneId: string): string {
  const stored = core.store.get(zoneId);
  const name = stored?.resource['name'];
  return typeof name === 'string' ? name : zoneId.split('/').pop()!;
}

function withRecordSets(
  core: EmulatorCore,
  configs: readonly ZoneConfig[],
  plans: readonly RecordPlan[],
): JsonValue[] {
  return configs.map(({ entry, zoneId }) => {
    const zone = zoneName(core, zoneId);
    const recordSets = plans.map((p) => ({
      fqdn: `${p.label}.${zone}`,
      ipAddresses: p.ipAddresses,
      recordSetName: p.label,
      recordType: 'A',
    }));
    return { ...entry, properties: { ...(objectAt(entry, 'properties') ?? {}), recordSets } };
  });
}

/** Creates (or replaces) the managed A records in the zones the estate holds. */
function writeRecords(
  core: EmulatorCore,
  configs: readonly ZoneConfig[],
  plans: readonly RecordPlan[],
  remove: boolean,
): void {
  for (const { zoneId } of configs) {
    const zone = core.store.get(zoneId);
    if (!zone) continue;
    for (const p of plans) {
      const id = `${zone.resource.id}/A/${p.label.toLowerCase()}`;
      if (remove) core.store.delete(id);
      else {
        core.store.put({
          id,
          name: p.label.toLowerCase(),
          type: 'Microsoft.Network/privateDnsZones/A',
          etag: newEtag(core, id),
          properties: {
            ttl: 10,
            fqdn: `${p.label.toLowerCase()}.${zoneName(core, zoneId)}.`,
            isAutoRegistered: false,
            aRecords: p.ipAddresses.map((ip) => ({ ipv4Address: ip })),
          },
        });
      }
      refreshDerived(core.store, id);
    }
  }
}

function groupConfigs(group: StoredResource): ZoneConfig[] {
  const configs = objectAt(group.resource, 'properties')?.['privateDnsZoneConfigs'];
  if (!Array.isArray(configs)) return [];
  return configs.flatMap((c) => {
    const zoneId = isJsonObject(c) ? stringAt(objectAt(c, 'properties'), 'privateDnsZoneId') : undefined;
    return zoneId !== undefined && isJsonObject(c) ? [{ entry: c, zoneId }] : [];
  });
}

function putGroup(
  req: ArmRequest,
  target: ResourceTarget,
  core: EmulatorCore,
  endpoint: StoredResource,
): ArmResponse {
  const { configs } = validateGroup(req);
  const existing = core.store.get(target.path);
  if (existing && core.lro.inFlight(existing.resource.id))
    throw anotherOperationInProgress(existing.resource.id);
  const plans = recordsFor(endpoint);
  const id = existing ? existing.resource.id : target.path;
  const name = existing ? (existing.resource['name'] ?? target.names[1]!) : target.names[1]!;
  const group = {
    id,
    name,
    type: GROUP_TYPE,
    etag: newEtag(core, id),
    properties: {
      privateDnsZoneConfigs: withRecordSets(core, configs, plans),
      provisioningState: 'Updating',
    },
  };
  core.store.put(group);
  const previous = existing ? groupConfigs(existing) : [];
  const headers = core.lro.start({
    family: 'network',
    kind: 'put',
    resourceId: id,
    subscriptionId: target.subscriptionId,
    resourceGroup: target.resourceGroup,
    namespace: 'Microsoft.Network',
    location: locationOf(endpoint),
    apiVersion: req.apiVersion!,
    durationMs: drawDuration(core, core.latency.lroMs, `lro|${id.toLowerCase()}`),
    complete: () => {
      const current = core.store.get(id);
      if (!current) return;
      const gone = previous.filter(
        (p) => !configs.some((c) => normalizeResourceId(c.zoneId) === normalizeResourceId(p.zoneId)),
      );
      writeRecords(core, gone, plans, true);
      writeRecords(core, configs, plans, false);
      core.store.put({
        ...current.resource,
        properties: { ...(objectAt(current.resource, 'properties') ?? {}), provisioningState: 'Succeeded' },
      });
    },
  });
  return ok(group, existing ? 200 : 201, {
    'Azure-AsyncOperation': headers['Azure-AsyncOperation']!,
    'Retry-After': headers['Retry-After']!,
  });
}

function deleteGroup(
  req: ArmRequest,
  target: ResourceTarget,
  core: EmulatorCore,
  endpoint: StoredResource,
): ArmResponse {
  const existing = core.store.get(target.path);
  if (!existing) return noContent(204);
  if (core.lro.inFlight(existing.resource.id)) throw anotherOperationInProgress(existing.resource.id);
  core.store.put({
    ...existing.resource,
    properties: { ...(objectAt(existing.resource, 'properties') ?? {}), provisioningState: 'Deleting' },
  });
  const headers = core.lro.start({
    family: 'network',
    kind: 'delete',
    resourceId: existing.resource.id,
    subscriptionId: target.subscriptionId,
    resourceGroup: target.resourceGroup,
    namespace: 'Microsoft.Network',
    location: locationOf(endpoint),
    apiVersion: req.apiVersion!,
    durationMs: drawDuration(core, core.latency.lroMs, `lro|${existing.resource.id.toLowerCase()}`),
    complete: () => {
      writeRecords(core, groupConfigs(existing), recordsFor(endpoint), true);
      core.store.delete(existing.resource.id);
    },
  });
  return { status: 202, headers };
}

function handleZoneGroups(req: ArmRequest, target: ResourceTarget, core: EmulatorCore): ArmResponse {
  const endpoint = requireParent(
    core,
    target,
    req.method === 'GET' ? 'read' : req.method === 'DELETE' ? 'delete' : 'write',
  );
  if (req.method === 'GET') return serveRead(core, req, target);
  if (target.collection) throw unsupportedOperation(req.method, target.fullType);
  if (req.method === 'PUT') return putGroup(req, target, core, endpoint);
  if (req.method === 'DELETE') return deleteGroup(req, target, core, endpoint);
  throw unsupportedOperation(req.method, target.fullType);
}

export const networkHandler: ResourceHandler = {
  apiVersions: () => NETWORK_VERSIONS,
  handle: (req, target, core) => {
    requireResourceGroup(core, target);
    const isZoneGroup =
      target.types.length === 2 &&
      target.types[0]!.toLowerCase() === 'privateendpoints' &&
      target.types[1]!.toLowerCase() === 'privatednszonegroups';
    if (isZoneGroup) return Promise.resolve(handleZoneGroups(req, target, core));
    if (req.method === 'GET') return Promise.resolve(serveRead(core, req, target));
    return Promise.reject(unsupportedOperation(req.method, target.fullType));
  },
};
