/**
 * Validation (pure): every hub linked to the zone and the link Completed; an A record for each API
 * server (clusters) or each endpoint address (endpoints). Findings carry the fix.
 */
import { normalizeResourceId } from '../core/resourceId';
import { type WorkItem } from '../reconcile/types';
import { type Finding, type FindingSubject } from '../validation/findings';
import { DNS_CHECKS } from './checkIds';
import { type ARecordSet } from '../core/dns';
import { type DnsAction, type DnsObserved, type DnsPayload } from './work';
import { relativeName, zoneNameOf } from './zones';

const same = (a: string, b: string): boolean => normalizeResourceId(a) === normalizeResourceId(b);

/** The finding's cell in the report's DNS links view: zones × hub networks (by name). */
export function linkCell(zoneName: string, hubId: string, state: string): FindingSubject {
  return {
    view: 'dns-links',
    rowKind: 'zone',
    row: zoneName,
    columnKind: 'hub',
    column: hubId.split('/').filter(Boolean).pop() ?? hubId,
    state,
  };
}

function recordFinding(
  resourceId: string,
  zoneName: string,
  fqdn: string,
  ips: readonly string[] | undefined,
  records: readonly ARecordSet[],
  fix: string,
): Finding | undefined {
  const name = relativeName(fqdn, zoneName);
  if (name === undefined) return undefined;
  const record = records.find((r) => r.name === name);
  const missing =
    ips === undefined
      ? record && record.ipv4Addresses.length > 0
        ? []
        : ['any']
      : ips.filter((ip) => !record?.ipv4Addresses.includes(ip));
  if (missing.length === 0)
    return {
      check: DNS_CHECKS.record,
      resourceId,
      status: 'pass',
      message: `${name}.${zoneName} has an A record`,
    };
  return {
    check: DNS_CHECKS.record,
    resourceId,
    status: 'fail',
    message: `no A record ${name}.${zoneName}${ips ? ` for ${missing.join(', ')}` : ''}`,
    remediation: fix,
  };
}

/**
 * The findings of an endpoint the fleet check found resolving through its central zone from the zone's
 * A records alone (scope.ts): every address of its `customDnsConfigs` has its record there. Its zone
 * group is not read (docs/targets.md performance 1: no read per endpoint); one is read, and written when
 * missing, only for an endpoint with a record missing.
 */
export function endpointResolves(
  endpointId: string,
  zoneName: string,
  dnsConfigs: readonly { readonly fqdn: string; readonly ipAddresses: readonly string[] }[],
  records: readonly ARecordSet[],
): Finding[] | undefined {
  if (dnsConfigs.length === 0) return undefined;
  const findings: Finding[] = [];
  for (const d of dnsConfigs) {
    const f = recordFinding(endpointId, zoneName, d.fqdn, d.ipAddresses, records, '');
    if (!f || f.status !== 'pass') return undefined;
    findings.push(f);
  }
  return [
    {
      check: DNS_CHECKS.zoneGroup,
      resourceId: endpointId,
      status: 'pass',
      message: `resolves through ${zoneName}: its A records are there (its zone group is read only when one is missing)`,
    },
    ...findings,
  ];
}

export function checkDns(
  item: WorkItem<DnsPayload>,
  observed: DnsObserved,
  pending: readonly DnsAction[],
): Finding[] {
  const p = item.payload;
  if (p.kind === 'zone' && observed.kind === 'zone') {
    if (!observed.exists)
      return [
        {
          check: DNS_CHECKS.zone,
          resourceId: item.resourceId,
          status: 'fail',
          message: `the private zone ${p.zoneName} does not exist`,
          remediation:
            "Check the cluster's apiServerAccessProfile.privateDNSZone and that fedlink may read the zone.",
        },
      ];
    const findings: Finding[] = p.hubs.map((hub): Finding => {
      const link = observed.links.find((l) => same(l.virtualNetworkId, hub));
      if (link && link.linkState === 'Completed' && (link.provisioningState ?? 'Succeeded') === 'Succeeded')
        return {
          check: DNS_CHECKS.link,
          resourceId: item.resourceId,
          status: 'pass',
          message: `linked to ${hub} by ${link.name}`,
          subject: linkCell(p.zoneName, hub, 'linked'),
        };
      if (link)
        return {
          check: DNS_CHECKS.link,
          resourceId: item.resourceId,
          status: 'warn',
          message: `the link ${link.name} to ${hub} is ${link.provisioningState ?? '?'} / ${link.linkState ?? '?'}, not yet Succeeded / Completed`,
          remediation:
            'The next drift check looks again; a link stuck InProgress needs a look in the portal.',
          subject: linkCell(p.zoneName, hub, 'in-progress'),
        };
      if (pending.some((a) => a.kind === 'link' && same(a.hubId, hub)))
        return {
          check: DNS_CHECKS.link,
          resourceId: item.resourceId,
          status: 'warn',
          message: `not linked to ${hub}: a link is planned`,
          subject: linkCell(p.zoneName, hub, 'planned'),
        };
      return {
        check: DNS_CHECKS.link,
        resourceId: item.resourceId,
        status: 'fail',
        message: `zone ${p.zoneName} is not linked to the hub ${hub}`,
        remediation: p.write
          ? 'See the dns.apply finding of this zone for why the link failed.'
          : 'dns.linkPrivateClusterZones is false: link the zone to the hub yourself, or turn it on.',
        subject: linkCell(p.zoneName, hub, 'missing'),
      };
    });
    const records = observed.records;
    for (const api of p.apiServers) {
      if (api.fqdn === undefined || records === undefined) continue;
      const f = recordFinding(
        api.clusterId,
        p.zoneName,
        api.fqdn,
        undefined,
        records,
        `AKS writes the API server record into ${p.zoneName}; for a custom zone the cluster identity needs Private DNS Zone Contributor on it (docs/azure-behaviour.md §2.3).`,
      );
      if (f) findings.push(f);
    }
    return findings;
  }
  if (p.kind === 'endpoint' && observed.kind === 'endpoint') {
    if (!observed.endpoint) return [];
    const wired = observed.groups.some((g) => g.configs.some((c) => same(c.privateDnsZoneId, p.zoneId)));
    if (!wired) {
      if (pending.length > 0)
        return [
          {
            check: DNS_CHECKS.zoneGroup,
            resourceId: item.resourceId,
            status: 'warn',
            message: `no DNS zone group: one pointing at ${zoneNameOf(p.zoneId)} is planned`,
          },
        ];
      return [];
    }
    const zoneName = zoneNameOf(p.zoneId);
    return [
      {
        check: DNS_CHECKS.zoneGroup,
        resourceId: item.resourceId,
        status: 'pass',
        message: `wired into ${zoneName}`,
      },
      ...observed.endpoint.dnsConfigs.flatMap((d) => {
        const f = recordFinding(
          item.resourceId,
          zoneName,
          d.fqdn,
          d.ipAddresses,
          observed.records ?? [],
          'Azure writes the records of a zone group; check the group is Succeeded and points at the central zone.',
        );
        return f ? [f] : [];
      }),
    ];
  }
  return [];
}
