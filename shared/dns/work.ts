/**
 * The DNS capability's work items, observations and writes (plain JSON: they cross the durable
 * boundary). Two kinds of item: a private cluster zone to link to every hub (the zone is the resource
 * written, and locked), and a private endpoint to give a DNS zone group.
 */
import { type ARecordSet, type PrivateEndpoint, type ZoneGroup, type ZoneLink } from '../core/dns';

export type DnsPayload =
  | {
      readonly kind: 'zone';
      readonly zoneName: string;
      /** `dns.hubVirtualNetworks`. */
      readonly hubs: readonly string[];
      /** `dns.linkPrivateClusterZones`: false → validate only. */
      readonly write: boolean;
      /** The private clusters whose API server lives in this zone, with its private FQDN. */
      readonly apiServers: readonly { readonly clusterId: string; readonly fqdn: string | undefined }[];
      /**
       * An event run: read the zone's A records whatever its links say. Absent in the fleet check, which
       * reads them only for a zone missing a Completed link to a hub (docs/targets.md performance 1: one
       * read per zone, the link list).
       */
      readonly checkRecords?: true;
    }
  | {
      readonly kind: 'endpoint';
      readonly groupId: string;
      /** The central zone of `dns.privateEndpointZones[groupId]`. */
      readonly zoneId: string;
    };

export type DnsObserved =
  | {
      readonly kind: 'zone';
      readonly exists: boolean;
      readonly links: readonly ZoneLink[];
      /**
       * The zone's A records; undefined when not read (every hub linked, in the fleet check; or an apply run
       * about to link every hub that lacks a link, which validates its read after the writes).
       */
      readonly records: readonly ARecordSet[] | undefined;
    }
  | {
      readonly kind: 'endpoint';
      readonly endpoint: PrivateEndpoint | undefined;
      readonly groups: readonly ZoneGroup[];
      /** A records of the central zone (empty when the endpoint is gone or not wired into the zone: not read). */
      readonly records: readonly ARecordSet[];
    };

export type DnsAction =
  | { readonly kind: 'link'; readonly lockKey: string; readonly hubId: string; readonly linkName: string }
  | {
      readonly kind: 'zoneGroup';
      readonly lockKey: string;
      readonly groupName: string;
      readonly configName: string;
      readonly zoneId: string;
    };
