/**
 * The planner: one provider resource's connections as ARM shows them now + the policy → the writes, and
 * a record of every decision (docs/design.md invariant 5). Pure and deterministic.
 *
 * - Only Pending connections are decided. A connection someone already approved, rejected or
 *   disconnected is never written (no re-approve, no re-reject); one fedlink decided earlier (its
 *   description names the rule) is reported as it stands.
 * - Each decision names its rule and records the target, the connection, the requester's subscription
 *   (from `privateEndpoint.id`) and tenant (unknown when fedlink cannot see that subscription), and the
 *   time the connection was read: in the write itself (the run result's actions) and as a finding (the report).
 */
import { type PrivateEndpointConnection } from '../azure/gateway';
import { parseResourceId, resourceIdProblem, TYPES } from '../core/resourceId';
import { type FedlinkConfig } from '../config/schema';
import { type Plan } from '../reconcile/capability';
import { type Action } from '../reconcile/types';
import { type Finding } from '../validation/findings';
import { CHECKS } from './checks';
import { type ConnectionFacts, type Decision, decide, descriptionFor, ruleOfDescription } from './policy';
import { type PrivateLinkItem } from './scope';

/** A connection as observed, with the group id resolved where it can be (capability.ts observe). */
export interface ObservedConnection extends PrivateEndpointConnection {
  readonly groupId: string | undefined;
}

export interface Observed {
  /** When the connections were read (ISO 8601): the time of every decision made on them. */
  readonly readAt: string;
  readonly exists: boolean;
  readonly connections: readonly ObservedConnection[];
}

/** What plans need beyond the target: who is ours. Read once per batch (capability.ts prepare). */
export interface TenantContext {
  /** Lower-cased subscription id → tenant id, for every subscription the credential can see. */
  readonly tenantOf: Readonly<Record<string, string>>;
  /**
   * `scope.tenants`, lower-cased. Unset: the tenant of the resource being decided counts as ours (the
   * credential's tenant, for the subscriptions it manages), so a requester from any other tenant, or
   * from a subscription fedlink cannot see, is never approved.
   */
  readonly tenants?: readonly string[];
}

/** One approve or reject: the write and its audit record. */
export interface ConnectionDecision extends Action {
  readonly kind: 'approve' | 'reject';
  readonly target: string;
  readonly connectionId: string;
  readonly connection: string;
  readonly requesterSubscription: string | null;
  /** null: unknown (fedlink cannot see the requester's subscription). */
  readonly requesterTenant: string | null;
  readonly groupId: string | null;
  readonly rule: string;
  readonly reason: string;
  /** What fedlink writes into the connection state. */
  readonly description: string;
  readonly decidedAt: string;
}

/** The (lower-cased) subscription of a well-formed resource id (the target's), or undefined. */
function subscriptionOf(resourceId: string): string | undefined {
  try {
    return parseResourceId(resourceId).subscriptionId.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * The requester's (lower-cased) subscription: that of `privateEndpoint.id` when it is a well-formed
 * private endpoint id, else undefined (unknown, so never approved: docs/design.md invariant 5). A
 * traversal (`/subscriptions/<ours>/../<theirs>/...`), an encoded one (`%2f`, `?`, `#`: docs/azure-behaviour.md
 * §6.7), a scope, or an id of another type names no requester, whatever subscription it starts with.
 */
export function requesterSubscriptionOf(privateEndpointId: string | undefined): string | undefined {
  if (
    privateEndpointId === undefined ||
    resourceIdProblem(privateEndpointId, TYPES.privateEndpoint) !== undefined
  )
    return undefined;
  return subscriptionOf(privateEndpointId);
}

function factsOf(item: PrivateLinkItem, c: ObservedConnection, context: TenantContext): ConnectionFacts {
  const requesterSubscription = requesterSubscriptionOf(c.privateEndpointId);
  return {
    targetType: item.payload.type,
    groupId: c.groupId,
    requesterSubscription,
    requesterTenant:
      requesterSubscription === undefined ? undefined : context.tenantOf[requesterSubscription],
  };
}

/** A connection's description as findings quote it: one line, at most 200 characters (it is anyone's text). */
function quoted(description: string): string {
  const line = description.replace(/\s+/g, ' ');
  return JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}…` : line);
}

function who(facts: ConnectionFacts): string {
  return `requester subscription ${facts.requesterSubscription ?? 'unknown'}, tenant ${facts.requesterTenant ?? 'unknown'}, group ${facts.groupId ?? 'unknown'}`;
}

const VERB = { approve: 'approve', reject: 'reject', leave: 'leave pending' } as const;

function decisionFinding(
  item: PrivateLinkItem,
  c: ObservedConnection,
  facts: ConnectionFacts,
  decision: Decision,
  at: string,
): Finding {
  const leave = decision.action === 'leave';
  return {
    check: CHECKS.decision,
    resourceId: c.id,
    status: leave ? 'warn' : 'pass',
    message: `${VERB[decision.action]} connection ${c.name} on ${item.resourceId}: ${who(facts)}; rule ${decision.rule} (${decision.reason}); decided at ${at}`,
    ...(leave
      ? {
          remediation:
            'Add a privateLink rule that approves or rejects it, set privateLink.default: reject, or decide it by hand.',
        }
      : {}),
  };
}

export function planTarget(
  item: PrivateLinkItem,
  observed: Observed,
  context: TenantContext,
  config: FedlinkConfig,
): Plan<ConnectionDecision> {
  if (!observed.exists)
    return {
      actions: [],
      findings: [
        {
          check: CHECKS.targetMissing,
          resourceId: item.resourceId,
          status: 'warn',
          message: `${item.resourceId} no longer exists; nothing to decide`,
        },
      ],
    };
  const own = context.tenantOf[subscriptionOf(item.resourceId) ?? ''];
  const policy = {
    rules: config.privateLink.rules,
    default: config.privateLink.default,
    tenants: context.tenants ?? (own === undefined ? [] : [own]),
  };
  const actions: ConnectionDecision[] = [];
  const findings: Finding[] = [];
  let left = 0;
  const at = observed.readAt;
  const sorted = [...observed.connections].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const c of sorted) {
    const facts = factsOf(item, c, context);
    if (c.status !== 'Pending') {
      const rule = ruleOfDescription(c.description);
      findings.push(
        rule !== undefined
          ? {
              check: CHECKS.decided,
              resourceId: c.id,
              status: 'pass',
              message: `connection ${c.name} on ${item.resourceId} is ${c.status} by fedlink rule ${rule} (its description: ${quoted(c.description ?? '')}): ${who(facts)}; seen at ${at}`,
            }
          : {
              // Never re-approved, re-rejected or touched: someone else decided it (or it is changing).
              check: CHECKS.decidedElsewhere,
              resourceId: c.id,
              status: 'pass',
              message: `connection ${c.name} on ${item.resourceId} is ${c.status ?? 'without a status'}${c.description ? ` (${quoted(c.description)})` : ''}, not Pending: left alone; ${who(facts)}; seen at ${at}`,
            },
      );
      continue;
    }
    const decision = decide(facts, policy);
    findings.push(decisionFinding(item, c, facts, decision, at));
    if (decision.refusedApproval !== undefined)
      findings.push({
        check: CHECKS.foreignRequester,
        resourceId: c.id,
        status: 'warn',
        message: `connection ${c.name} on ${item.resourceId}: ${decision.refusedApproval}`,
        remediation:
          facts.requesterTenant === undefined
            ? "Check who owns the requester's subscription; grant fedlink read on it and add its tenant to scope.tenants if it is yours, or decide the connection by hand."
            : 'Add the tenant to scope.tenants if it is yours, or decide the connection by hand.',
      });
    if (decision.action === 'leave') {
      left++;
      continue;
    }
    actions.push({
      kind: decision.action,
      lockKey: item.lockKey,
      target: item.resourceId,
      connectionId: c.id,
      connection: c.name,
      requesterSubscription: facts.requesterSubscription ?? null,
      requesterTenant: facts.requesterTenant ?? null,
      groupId: facts.groupId ?? null,
      rule: decision.rule,
      reason: decision.reason,
      description: descriptionFor(decision),
      decidedAt: at,
    });
  }
  return { actions, findings, kept: left > 0 ? { left: left } : {} };
}
