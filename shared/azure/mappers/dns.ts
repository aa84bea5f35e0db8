/**
 * Private DNS and private endpoint SDK models (or Resource Graph rows) → the core types of
 * shared/core/dns.ts. @azure/arm-privatedns 4.x and @azure/arm-network 39.x flatten REST `properties`
 * onto the model; Resource Graph rows keep them nested in REST casing, so each row is first shaped like
 * the SDK model and then mapped by the same function as a GET.
 */
import { type PrivateEndpoint as SdkPrivateEndpoint, type PrivateDnsZoneGroup } from '@azure/arm-network';
import { type PrivateZone, type RecordSet, type VirtualNetworkLink } from '@azure/arm-privatedns';
import {
  type ARecordSet,
  type DnsZone,
  type PrivateEndpoint,
  type ZoneGroup,
  type ZoneLink,
} from '../../core/dns';
import { TYPES } from '../../core/resourceId';
import { asNonEmptyString, asRecord, asString, asStringArray, isTrue, type JsonRecord } from './json';
import { argRowBase, trackedBase } from './resource';

const dnsName = (name: string): string => name.toLowerCase().replace(/\.$/, '');

export function zoneFromModel(model: PrivateZone): DnsZone {
  const base = trackedBase(TYPES.privateDnsZone, model);
  return {
    id: base.id,
    name: dnsName(base.name),
    subscriptionId: base.subscriptionId,
    resourceGroup: base.resourceGroup,
  };
}

export function zoneFromArgRow(row: JsonRecord): DnsZone {
  return zoneFromModel(argRowBase(row).base);
}

export function linkFromModel(model: VirtualNetworkLink): ZoneLink {
  const id = asNonEmptyString(model.id) ?? '';
  return {
    id,
    name: asNonEmptyString(model.name) ?? id.split('/').pop() ?? '',
    virtualNetworkId: asString(model.virtualNetwork?.id) ?? '',
    registrationEnabled: isTrue(model.registrationEnabled),
    linkState: asNonEmptyString(model.virtualNetworkLinkState),
    provisioningState: asNonEmptyString(model.provisioningState),
  };
}

/** A link row of Resource Graph, with the id of its zone (the link id without its last two segments). */
export function linkFromArgRow(row: JsonRecord): ZoneLink & { readonly zoneId: string } {
  const properties = asRecord(row['properties']) ?? {};
  const link = linkFromModel({
    id: asString(row['id']),
    name: asString(row['name']),
    virtualNetwork: { id: asString(asRecord(properties['virtualNetwork'])?.['id']) },
    registrationEnabled: properties['registrationEnabled'] === true,
    virtualNetworkLinkState: asString(properties['virtualNetworkLinkState']),
    provisioningState: asString(properties['provisioningState']),
  });
  return { ...link, zoneId: link.id.replace(/\/virtualNetworkLinks\/[^/]+$/i, '') };
}

/** An A record set (other types are not asked for); the name relative to the zone, lower-cased. */
export function aRecordSetFromModel(model: RecordSet): ARecordSet {
  return {
    name: (asNonEmptyString(model.name) ?? '').toLowerCase(),
    ipv4Addresses: (model.aRecords ?? []).flatMap((r) => {
      const ip = asNonEmptyString(r.ipv4Address);
      return ip === undefined ? [] : [ip];
    }),
  };
}

export function privateEndpointFromModel(model: SdkPrivateEndpoint): PrivateEndpoint {
  const base = trackedBase(TYPES.privateEndpoint, model);
  const connections = [
    ...(model.privateLinkServiceConnections ?? []),
    ...(model.manualPrivateLinkServiceConnections ?? []),
  ];
  return {
    id: base.id,
    name: base.name,
    subscriptionId: base.subscriptionId,
    resourceGroup: base.resourceGroup,
    location: base.location,
    groupIds: [...new Set(connections.flatMap((c) => asStringArray(c.groupIds)))],
    dnsConfigs: (model.customDnsConfigs ?? []).flatMap((c) => {
      const fqdn = asNonEmptyString(c.fqdn);
      return fqdn === undefined ? [] : [{ fqdn, ipAddresses: asStringArray(c.ipAddresses) }];
    }),
  };
}

/** A Resource Graph row of a private endpoint, shaped as the SDK model (REST `properties` flattened). */
export function privateEndpointFromArgRow(row: JsonRecord): PrivateEndpoint {
  const { base, properties } = argRowBase(row);
  const connections = (key: string) =>
    (Array.isArray(properties[key]) ? (properties[key] as unknown[]) : []).map((c) => {
      const p = asRecord(asRecord(c)?.['properties']) ?? {};
      return { groupIds: asStringArray(p['groupIds']) };
    });
  const dns = Array.isArray(properties['customDnsConfigs'])
    ? (properties['customDnsConfigs'] as unknown[])
    : [];
  return privateEndpointFromModel({
    ...base,
    privateLinkServiceConnections: connections('privateLinkServiceConnections'),
    manualPrivateLinkServiceConnections: connections('manualPrivateLinkServiceConnections'),
    customDnsConfigs: dns.map((d) => ({
      fqdn: asString(asRecord(d)?.['fqdn']),
      ipAddresses: asStringArray(asRecord(d)?.['ipAddresses']),
    })),
  });
}

export function zoneGroupFromModel(model: PrivateDnsZoneGroup): ZoneGroup {
  const id = asNonEmptyString(model.id) ?? '';
  return {
    id,
    name: asNonEmptyString(model.name) ?? id.split('/').pop() ?? '',
    provisioningState: asNonEmptyString(model.provisioningState),
    configs: (model.privateDnsZoneConfigs ?? []).flatMap((c) => {
      const zoneId = asNonEmptyString(c.privateDnsZoneId);
      return zoneId === undefined ? [] : [{ name: asString(c.name) ?? '', privateDnsZoneId: zoneId }];
    }),
  };
}
