/**
 * Private DNS as the third capability of the reconcile engine (shared/reconcile/capability.ts):
 * private cluster zones linked to every hub network, private endpoints wired into the central zones.
 *
 * scope: scope.ts · observe: the zone's links and A records, or the endpoint, its zone groups and the
 * central zone's A records · plan: plan.ts (pure) · act: one long-running PUT through the SDK poller,
 * `pending` while it runs (docs/style.md 24) · resume: one poll from the saved state · explain: a
 * refused link names the conflicting link and the fix · validate: checks.ts.
 */
import { type AzureGateway } from '../azure/gateway';
import { type LroStep } from '../azure/lro';
import { type FedlinkConfig } from '../config/schema';
import { normalizeResourceId } from '../core/resourceId';
import { type ActResult, type Capability } from '../reconcile/capability';
import { scopeOf } from '../reconcile/subscriptions';
import { type Target } from '../reconcile/types';
import { type Finding } from '../validation/findings';
import { DNS_CHECKS } from './checkIds';
import { checkDns } from './checks';
import { planDns } from './plan';
import { DNS, scopeForCluster, scopeForFleet, scopeForPrivateEndpoint } from './scope';
import { type DnsAction, type DnsObserved, type DnsPayload } from './work';
import { zoneNameOf } from './zones';

export { DNS };

const asResult = (step: LroStep): ActResult =>
  step.kind === 'pending'
    ? { kind: 'pending', state: step.state, retryAfterSeconds: step.retryAfterSeconds }
    : undefined;

/** Two zone names overlap when equal or one is a subzone of the other (docs/azure-behaviour.md §9.3). */
function overlaps(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

async function explainLink(
  env: { readonly azure: AzureGateway; readonly config: FedlinkConfig },
  zoneId: string,
  action: Extract<DnsAction, { kind: 'link' }>,
  code: string | undefined,
  azureMessage: string,
): Promise<Finding | undefined> {
  const zoneName = zoneNameOf(zoneId);
  const hubName = action.hubId.split('/').pop() ?? action.hubId;
  if (/overlapping namespaces/i.test(azureMessage)) {
    const links = await env.azure.queryLinksTo(action.hubId, (await scopeOf(env)).subscriptions);
    const conflict = links.find(
      (l) =>
        normalizeResourceId(l.zoneId) !== normalizeResourceId(zoneId) &&
        overlaps(zoneNameOf(l.zoneId), zoneName),
    );
    const other = conflict
      ? `the hub is already linked to the zone ${conflict.zoneId} by the link ${conflict.name} (${conflict.id})`
      : 'the hub is already linked to another zone of an overlapping name (not found through Resource Graph: it may be outside the scope, or the index lags)';
    return {
      check: DNS_CHECKS.apply,
      resourceId: zoneId,
      status: 'fail',
      message: `Azure refused to link zone ${zoneName} (${zoneId}) to the hub ${hubName}: ${other}, and a virtual network cannot be linked to two zones with overlapping namespaces (${code ?? 'BadRequest'}: ${azureMessage})`,
      remediation: conflict
        ? `Keep one ${zoneName} zone per hub: if ${conflict.zoneId} is the one to keep, point the cluster at it (apiServerAccessProfile.privateDNSZone) or move its records there; otherwise delete the link ${conflict.id}. The next run links this zone.`
        : `Find the other ${zoneName} zone linked to ${hubName} and keep only one of them linked.`,
    };
  }
  if (/maximum number of virtual network links/i.test(azureMessage))
    return {
      check: DNS_CHECKS.apply,
      resourceId: zoneId,
      status: 'fail',
      message: `Azure refused to link zone ${zoneName} to the hub ${hubName}: the zone is at its link limit (${azureMessage})`,
      remediation:
        'Remove unused virtual network links from the zone (1,000 per zone, docs/azure-behaviour.md §5.4).',
    };
  return undefined;
}

export const dns: Capability<DnsPayload, DnsObserved, DnsAction, null> = {
  name: DNS,
  targets: ['cluster', 'privateEndpoint', 'fleet'],
  failures: {
    check: DNS_CHECKS.apply,
    stages: {
      observe: 'read private DNS',
      prepare: 'prepare private DNS',
      act: 'write private DNS',
    },
    remediation:
      'Check that fedlink may read and write private DNS zone links and private endpoint zone groups (and join the hub networks and zones).',
    giveUpRemediation:
      'The next drift check retries it; look for another writer on this zone or endpoint, or a link operation stuck in Azure.',
  },

  async scope(env, target: Target) {
    const { azure, config } = env;
    switch (target.kind) {
      case 'cluster':
        return scopeForCluster(azure, config, target.resourceId);
      case 'privateEndpoint':
        return scopeForPrivateEndpoint(azure, config, target.resourceId);
      case 'fleet':
        return scopeForFleet(env);
      case 'identity':
      case 'subscription':
        return { kind: 'skip', reason: `dns does not reconcile a ${target.kind}`, findings: [] };
    }
  },

  async observe({ azure, mode }, item): Promise<DnsObserved> {
    const p = item.payload;
    if (p.kind === 'zone') {
      // One read: the link list (404: the zone is gone). The A records only when something needs them:
      // an event run, or a hub without a Completed link (docs/targets.md performance 1).
      const links = await azure.listLinks(item.resourceId);
      if (!links) return { kind: 'zone', exists: false, links: [], records: [] };
      const linked = (hub: string) =>
        links.some(
          (l) =>
            normalizeResourceId(l.virtualNetworkId) === normalizeResourceId(hub) &&
            l.linkState === 'Completed' &&
            (l.provisioningState ?? 'Succeeded') === 'Succeeded',
        );
      const unlinked = p.hubs.filter((hub) => !linked(hub));
      // The records serve the API server record check (checks.ts), which validates this read only when no
      // write follows it: an apply run that links every hub lacking a link validates the read after its
      // writes instead (the runner's read back), so it does not read them here (docs/targets.md performance 1).
      const linksEveryHub =
        mode === 'apply' &&
        unlinked.length > 0 &&
        planDns(item, { kind: 'zone', exists: true, links, records: undefined }).actions.length ===
          unlinked.length;
      const records =
        p.checkRecords || (unlinked.length > 0 && !linksEveryHub)
          ? await azure.listARecords(item.resourceId)
          : undefined;
      return { kind: 'zone', exists: true, links, records };
    }
    const endpoint = await azure.getPrivateEndpoint(item.resourceId);
    if (!endpoint) return { kind: 'endpoint', endpoint: undefined, groups: [], records: [] };
    const groups = await azure.listZoneGroups(item.resourceId);
    // The central zone's records serve only the record check of an endpoint wired into that zone
    // (checks.ts); one not wired gets a zone group or a finding, never that check. The fleet check's
    // scope read the zone once already (scope.ts), so an endpoint that became an item for want of its
    // records does not read the zone again before it is wired (docs/targets.md performance 1).
    const wired = groups.some((g) =>
      g.configs.some((c) => normalizeResourceId(c.privateDnsZoneId) === normalizeResourceId(p.zoneId)),
    );
    const records = wired ? await azure.listARecords(p.zoneId) : [];
    return { kind: 'endpoint', endpoint, groups, records };
  },

  prepare: () => Promise.resolve(null),

  plan: (item, observed) => planDns(item, observed),

  async act({ azure }, item, action) {
    switch (action.kind) {
      case 'link':
        return asResult(await azure.startLink(item.resourceId, action.linkName, action.hubId));
      case 'zoneGroup':
        return asResult(
          await azure.startZoneGroup(item.resourceId, action.groupName, action.configName, action.zoneId),
        );
    }
  },

  async resume({ azure }, item, { action, state, retryAfterSeconds }) {
    switch (action.kind) {
      case 'link':
        return asResult(await azure.resumeLink(item.resourceId, state, retryAfterSeconds));
      case 'zoneGroup':
        return asResult(await azure.resumeZoneGroup(item.resourceId, state, retryAfterSeconds));
    }
  },

  explain: async (env, item, action, error) =>
    action.kind === 'link' ? explainLink(env, item.resourceId, action, error.code, error.message) : undefined,

  validate: (item, observed, pending) => checkDns(item, observed, pending),
};
