/**
 * Discovery: which provider resources have pending private endpoint connections to decide. Both roads
 * lead to the same per-target work item (one per provider resource, under its write lock):
 *
 * - an event: a `Microsoft.Network/privateEndpoints` written in a subscription in scope → its manual
 *   connections → the resources they ask for (in scope, of a supported type);
 * - the sweep (drift check): one paged Resource Graph query over the subscriptions in scope finds every
 *   pending connection, whoever created it: a consumer in another subscription or tenant writes its private
 *   endpoint there, and no event of ours names it (docs/azure-behaviour.md §4.3).
 *
 * Resource Graph lags behind ARM (§9.5), so its rows only name candidates: each target's connections
 * are re-read from ARM before anything is decided (capability.ts observe).
 */
import { type AzureGateway } from '../azure/gateway';
import { type FedlinkConfig } from '../config/schema';
import { lockKeyFor } from '../core/instanceIds';
import { privateLinkTypeInfo } from '../core/privateLinkTypes';
import { normalizeResourceId, parseResourceId } from '../core/resourceId';
import { scopeOf } from '../reconcile/subscriptions';
import { type ScopeResult, type WorkItem } from '../reconcile/types';
import { type Finding } from '../validation/findings';
import { CHECKS } from './checks';

export const PRIVATE_LINK = 'privateLink';

export interface PrivateLinkPayload {
  /** The target's resource type, as the supported table spells it (shared/core/privateLinkTypes.ts). */
  readonly type: string;
}

export type PrivateLinkItem = WorkItem<PrivateLinkPayload>;

/**
 * The subscriptions in scope: the configured list, or every subscription the credential sees in the
 * configured tenants (the same rule as every capability's, shared/reconcile/subscriptions.ts), resolved
 * at most once per activity (`scopeOf`: the runner's scope-first check already read it for an event).
 */
export async function scopeSubscriptions(env: PrivateLinkEnv): Promise<readonly string[]> {
  return (await scopeOf(env)).subscriptions;
}

/** What the scope steps read with: the ARM ports and the config, one object per activity. */
export interface PrivateLinkEnv {
  readonly azure: AzureGateway;
  readonly config: FedlinkConfig;
}

function typeOf(id: string): string | undefined {
  try {
    return parseResourceId(id).type;
  } catch {
    return undefined;
  }
}

function subscriptionOf(id: string): string | undefined {
  try {
    return parseResourceId(id).subscriptionId.toLowerCase();
  } catch {
    return undefined;
  }
}

function itemFor(targetId: string, type: string): PrivateLinkItem {
  return { capability: PRIVATE_LINK, resourceId: targetId, lockKey: lockKeyFor(targetId), payload: { type } };
}

function unsupported(targetId: string, type: string, pending: number): Finding {
  return {
    check: CHECKS.unsupportedType,
    resourceId: targetId,
    status: 'warn',
    message: `${pending} pending private endpoint connection(s) on a ${type}, a type fedlink does not decide; left pending`,
    remediation: 'Approve or reject them by hand, or ask for the type to be supported.',
  };
}

/** The work for one private endpoint an event named. */
export async function scopeForPrivateEndpoint(
  env: PrivateLinkEnv,
  privateEndpointId: string,
): Promise<ScopeResult<PrivateLinkPayload>> {
  const endpoint = await env.azure.getConsumerEndpoint(privateEndpointId);
  if (!endpoint)
    return { kind: 'skip', reason: `private endpoint ${privateEndpointId} does not exist`, findings: [] };
  const subscriptions = new Set((await scopeSubscriptions(env)).map((s) => s.toLowerCase()));
  const work = new Map<string, PrivateLinkItem>();
  const findings: Finding[] = [];
  const outside: string[] = [];
  for (const manual of endpoint.manualConnections) {
    const key = normalizeResourceId(manual.targetId);
    if (work.has(key)) continue;
    const sub = subscriptionOf(manual.targetId);
    if (sub === undefined || !subscriptions.has(sub)) {
      outside.push(manual.targetId);
      continue;
    }
    const type = typeOf(manual.targetId) ?? '(unknown type)';
    const info = privateLinkTypeInfo(type);
    if (!info) {
      findings.push(unsupported(manual.targetId, type, 1));
      continue;
    }
    work.set(key, itemFor(manual.targetId, info.type));
  }
  if (work.size === 0) {
    const why =
      endpoint.manualConnections.length === 0
        ? 'it has no manual connections (automatic ones need no approval)'
        : outside.length === endpoint.manualConnections.length
          ? 'every resource it asks for is outside the subscriptions in scope'
          : 'no resource it asks for is of a type fedlink decides';
    return { kind: 'skip', reason: `private endpoint ${privateEndpointId}: ${why}`, findings };
  }
  return { kind: 'proceed', work: [...work.values()], findings };
}

/** The sweep: every resource in scope with a pending connection, through one paged Resource Graph query. */
export async function scopeForFleet(env: PrivateLinkEnv): Promise<ScopeResult<PrivateLinkPayload>> {
  const subscriptions = await scopeSubscriptions(env);
  if (subscriptions.length === 0) return { kind: 'skip', reason: 'no subscriptions in scope', findings: [] };
  const rows = await env.azure.queryPendingConnections(subscriptions);
  const work = new Map<string, PrivateLinkItem>();
  const skipped = new Map<string, { targetId: string; type: string; pending: number }>();
  for (const row of rows) {
    const key = normalizeResourceId(row.targetId);
    const info = privateLinkTypeInfo(row.targetType);
    if (info) {
      if (!work.has(key)) work.set(key, itemFor(row.targetId, info.type));
      continue;
    }
    const s = skipped.get(key);
    if (s) skipped.set(key, { ...s, pending: s.pending + 1 });
    else skipped.set(key, { targetId: row.targetId, type: row.targetType, pending: 1 });
  }
  const findings = [...skipped.values()].map((s) => unsupported(s.targetId, s.type, s.pending));
  return { kind: 'proceed', work: [...work.values()], findings };
}
