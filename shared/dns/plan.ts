/**
 * The pure planner (docs/style.md 3): converged input gives no writes.
 *
 * Zone: a hub counts as linked when ANY link of the zone points at it, whatever its name (adopted, no
 * write); a missing one gets `fedlink-<hub>-<hash>` (registration off), only when
 * `dns.linkPrivateClusterZones` is on. A link of fedlink's name to another network is a finding, no write.
 * Endpoint: no zone group → `default` pointing at the central zone; a group that already points at it
 * → converged; a group pointing at another zone of the central zone's name → a finding, no write;
 * any other group is someone else's and is left alone.
 */
import { normalizeResourceId } from '../core/resourceId';
import { type Plan } from '../reconcile/capability';
import { type WorkItem } from '../reconcile/types';
import { type Finding } from '../validation/findings';
import { DNS_CHECKS } from './checkIds';
import { linkCell } from './checks';
import { isOwnedLink, linkName, ZONE_GROUP_NAME, zoneConfigName } from './names';
import { type DnsAction, type DnsObserved, type DnsPayload } from './work';
import { zoneNameOf } from './zones';

const same = (a: string, b: string): boolean => normalizeResourceId(a) === normalizeResourceId(b);

export function planDns(item: WorkItem<DnsPayload>, observed: DnsObserved): Plan<DnsAction> {
  const p = item.payload;
  if (p.kind === 'zone' && observed.kind === 'zone') {
    if (!observed.exists) return { actions: [], findings: [] };
    const actions: DnsAction[] = [];
    const findings: Finding[] = [];
    let adopted = 0;
    let unchanged = 0;
    for (const hub of p.hubs) {
      const existing = observed.links.find((l) => same(l.virtualNetworkId, hub));
      if (existing) {
        if (isOwnedLink(existing.name)) unchanged++;
        else adopted++;
        continue;
      }
      const name = linkName(hub);
      const taken = observed.links.find((l) => l.name.toLowerCase() === name);
      if (taken) {
        findings.push({
          check: DNS_CHECKS.link,
          resourceId: taken.id,
          status: 'fail',
          message: `the link ${name} of zone ${p.zoneName} points at ${taken.virtualNetworkId}, not the hub ${hub}`,
          remediation: `Delete or rename the link ${taken.id}; fedlink then links the hub under its own name.`,
          subject: linkCell(p.zoneName, hub, 'name-taken'),
        });
        continue;
      }
      if (p.write) actions.push({ kind: 'link', lockKey: item.lockKey, hubId: hub, linkName: name });
    }
    return { actions, findings, kept: { adopted, unchanged } };
  }
  if (p.kind === 'endpoint' && observed.kind === 'endpoint') {
    if (!observed.endpoint) return { actions: [], findings: [] };
    const central = zoneNameOf(p.zoneId);
    if (observed.groups.length === 0) {
      return {
        actions: [
          {
            kind: 'zoneGroup',
            lockKey: item.lockKey,
            groupName: ZONE_GROUP_NAME,
            configName: zoneConfigName(central),
            zoneId: p.zoneId,
          },
        ],
        findings: [],
      };
    }
    const configs = observed.groups.flatMap((g) => g.configs.map((c) => ({ group: g, ...c })));
    if (configs.some((c) => same(c.privateDnsZoneId, p.zoneId)))
      return { actions: [], findings: [], kept: { unchanged: 1 } };
    const elsewhere = configs.find((c) => zoneNameOf(c.privateDnsZoneId) === central);
    if (elsewhere)
      return {
        actions: [],
        findings: [
          {
            check: DNS_CHECKS.zoneGroup,
            resourceId: item.resourceId,
            status: 'fail',
            message: `the zone group ${elsewhere.group.name} wires group id ${p.groupId} to ${elsewhere.privateDnsZoneId}, not the central zone ${p.zoneId}`,
            remediation: `Point the zone group at ${p.zoneId} (or remove it and let fedlink create one); fedlink does not overwrite another zone group.`,
          },
        ],
      };
    return {
      actions: [],
      findings: [
        {
          check: DNS_CHECKS.zoneGroup,
          resourceId: item.resourceId,
          status: 'warn',
          message: `has its own zone group ${observed.groups.map((g) => g.name).join(', ')} (zones ${configs.map((c) => zoneNameOf(c.privateDnsZoneId)).join(', ') || 'none'}); left alone`,
          remediation: `If its names should resolve through the central zone ${central}, add that zone to its group.`,
        },
      ],
      kept: { left: 1 },
    };
  }
  return { actions: [], findings: [] };
}
