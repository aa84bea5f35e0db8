/** The DNS capability's check ids, as they appear in report findings. */
export const DNS_CHECKS = {
  /** A write or read failed (the engine's failure check for this capability). */
  apply: 'dns.apply',
  /** The private zone of a private cluster: found, `none`, missing. */
  zone: 'dns.zone',
  /** The zone is linked to a hub, and the link is Completed. */
  link: 'dns.link',
  /** A private endpoint has a DNS zone group pointing at the central zone. */
  zoneGroup: 'dns.zoneGroup',
  /** An A record for the API server, or for each endpoint address. */
  record: 'dns.record',
} as const;
