/**
 * Microsoft.Network resources other than Private DNS: private endpoints (GET, list), their private DNS
 * zone groups (GET, list, PUT and DELETE as long-running operations, docs/azure-behaviour.md §5.2, §9.3),
 * virtual networks and every other Network type the estate holds (read-only).
 *
 * Zone group PUT (request shape: test/fixtures/azure/privatelink/network.PrivateEndpointDnsZoneGroupCreate.json,
 * `properties.privateDnsZoneConfigs[].properties.privateDnsZoneId`): 201 (create) / 200 (update) with
 * provisioningState Updating and Azure-AsyncOperation (Network's `locations/{loc}/operations/{id}`); on
 * completion the group is Succeeded and each zone config lists the A record sets Azure manages for the
 * endpoint in that zone, which are created in the zone when the zone is in the estate.
 *
 * Records (docs/azure-behaviour.md §9.3): each `customDnsConfigs` entry `{ fqdn, ipAddresses }` of the
 * endpoint is written into the ONE configured zone whose namespace contains the fqdn, named relative to
 * that zone: `myreg.eastus.data.azurecr.io` → `myreg.eastus.data` in `privatelink.azurecr.io`;
 * `<prefix>-<hash>.<guid>.privatelink.eastus.azmk8s.io` → `<prefix>-<hash>.<guid>` in
 * `privatelink.eastus.azmk8s.io`. A zone contains an fqdn when the fqdn ends with the zone name or with
 * the zone name without its `privatelink` label (the public name the service resolves through).
 * ASSUMED: when several configured zones contain an fqdn the longest (most specific) wins; an fqdn no
 * configured zone contains gets no record; TTL 10. Zone groups carry `type` and `etag` like every
 * Network resource (the published example's answer omits both; the estate contract requires `type`).
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
  /** Normalized id of the zone the record goes into. */
  readonly zoneId: string;
  /** Record set name relative to the zone, lower-cased. */
  readonly name: string;
  readonly ipAddresses: string[];
}

function zoneName(core: EmulatorCore, zoneId: string): string {
  const stored = core.store.get(zoneId);
  const name = stored?.resource['name'];
  return (typeof name === 'string' ? name : zoneId.split('/').pop()!).toLowerCase().replace(/\.$/, '');
}

/**
 * Public names a privatelink zone holds besides its name without the `privatelink` label: Key Vault's
 * endpoints name `<vault>.vault.azure.net`, and Azure writes `<vault>` into `privatelink.vaultcore.azure.net`
 * (learn `azure/private-link/private-endpoint-dns`: public forwarders `vault.azure.net`, `vaultcore.azure.net`).
 */
const PUBLIC_FORWARDERS: Readonly<Record<string, readonly string[]>> = {
  'privatelink.vaultcore.azure.net': ['vault.azure.net'],
};

/** The suffixes under which a zone holds names: itself, its public forwarders, and its name without the `privatelink` label. */
function zoneSuffixes(zone: string): string[] {
  const labels = zone.split('.');
  const i = labels.indexOf('privatelink');
  const out = [zone, ...(PUBLIC_FORWARDERS[zone] ?? [])];
  if (i >= 0 && labels.length > 2) out.push([...labels.slice(0, i), ...labels.slice(i + 1)].join('.'));
  return out;
}

/** The record name of `fqdn` relative to `zone`, if the zone contains it. */
export function relativeRecordName(fqdn: string, zone: string): string | undefined {
  const f = fqdn.toLowerCase().replace(/\.$/, '');
  for (const suffix of zoneSuffixes(zone.toLowerCase().replace(/\.$/, ''))) {
    if (f.endsWith(`.${suffix}`) && f.length > suffix.length + 1) return f.slice(0, -(suffix.length + 1));
  }
  return undefined;
}

/** One record per customDnsConfigs fqdn, in the most specific configured zone that contains it. */
function recordsFor(
  core: EmulatorCore,
  endpoint: StoredResource,
  configs: readonly ZoneConfig[],
): RecordPlan[] {
  const dns = objectAt(endpoint.resource, 'properties')?.['customDnsConfigs'];
  if (!Array.isArray(dns)) return [];
  const zones = configs.map((c) => ({ id: normalizeResourceId(c.zoneId), name: zoneName(core, c.zoneId) }));
  const out: RecordPlan[] = [];
  for (const d of dns) {
    if (!isJsonObject(d)) continue;
    const fqdn = stringAt(d, 'fqdn');
    const ips = d['ipAddresses'];
    if (fqdn === undefined || !Array.isArray(ips)) continue;
    let best: { zoneId: string; name: string; specificity: number } | undefined;
    for (const z of zones) {
      const name = relativeRecordName(fqdn, z.name);
      if (name !== undefined && (!best || z.name.length > best.specificity))
        best = { zoneId: z.id, name, specificity: z.name.length };
    }
    if (!best) continue;
    out.push({
      zoneId: best.zoneId,
      name: best.name,
      ipAddresses: ips.filter((ip): ip is string => typeof ip === 'string'),
    });
  }
  return out;
}

function withRecordSets(
  core: EmulatorCore,
  configs: readonly ZoneConfig[],
  plans: readonly RecordPlan[],
): JsonValue[] {
  return configs.map(({ entry, zoneId }) => {
    const zone = zoneName(core, zoneId);
    const recordSets = plans
      .filter((p) => p.zoneId === normalizeResourceId(zoneId))
      .map((p) => ({
        fqdn: `${p.name}.${zone}`,
        ipAddresses: p.ipAddresses,
        recordSetName: p.name,
        recordType: 'A',
      }));
    return { ...entry, properties: { ...(objectAt(entry, 'properties') ?? {}), recordSets } };
  });
}

/** Creates (or replaces) the managed A records in the zones the estate holds, or removes them. */
function writeRecords(core: EmulatorCore, plans: readonly RecordPlan[], remove: boolean): void {
  for (const p of plans) {
    const zone = core.store.get(p.zoneId);
    if (!zone) continue;
    const id = `${zone.resource.id}/A/${p.name}`;
    if (remove) core.store.delete(id);
    else {
      core.store.put({
        id,
        name: p.name,
        type: 'Microsoft.Network/privateDnsZones/A',
        etag: newEtag(core, id),
        properties: {
          ttl: 10,
          fqdn: `${p.name}.${zoneName(core, p.zoneId)}.`,
          isAutoRegistered: false,
          aRecords: p.ipAddresses.map((ip) => ({ ipv4Address: ip })),
        },
      });
    }
    refreshDerived(core.store, id);
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
  // Another party's operation on the private endpoint (the foreign writer of faults.ts).
  if (core.faults.foreignOperationRunning(endpoint.resource.id))
    throw anotherOperationInProgress(endpoint.resource.id);
  const plans = recordsFor(core, endpoint, configs);
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
  const previous = existing ? recordsFor(core, endpoint, groupConfigs(existing)) : [];
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
      const gone = previous.filter((p) => !plans.some((n) => n.zoneId === p.zoneId && n.name === p.name));
      writeRecords(core, gone, true);
      writeRecords(core, plans, false);
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
      writeRecords(core, recordsFor(core, endpoint, groupConfigs(existing)), true);
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
