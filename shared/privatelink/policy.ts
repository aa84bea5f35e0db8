/**
 * The approval policy (docs/design.md invariant 5): a pending private endpoint connection is approved only
 * when an explicit rule matches it; otherwise it stays pending (`default: leave`) or is rejected
 * (`default: reject`). A requester outside `scope.tenants`, or whose tenant is unknown, is never approved,
 * whatever the rules say. Every decision names the rule that made it. Pure.
 *
 * Matching: rules in config order, the first that matches decides. A rule matches when the target's
 * type is one of its `resourceTypes` and, when it lists them, the connection's group id is one of its
 * `groupIds` (an unknown group id matches no list) and the requester's subscription is one of its
 * `requesterSubscriptions` (an unknown one matches no list). All compared case-insensitively.
 * An approve rule matching a requester outside `scope.tenants` is passed over (noted in the reason) and
 * matching goes on, so a later reject rule still applies.
 */
import { type PrivateLinkRule } from '../config/schema';

export type DecisionAction = 'approve' | 'reject' | 'leave';

/** What the policy knows about one pending connection. */
export interface ConnectionFacts {
  readonly targetType: string;
  /** undefined when neither the connection nor the requester's private endpoint names it. */
  readonly groupId: string | undefined;
  /** From the connection's `privateEndpoint.id`; undefined when the connection names no endpoint. */
  readonly requesterSubscription: string | undefined;
  /** The tenant of the requester's subscription; undefined when fedlink cannot see that subscription. */
  readonly requesterTenant: string | undefined;
}

export interface Policy {
  readonly rules: readonly PrivateLinkRule[];
  readonly default: 'leave' | 'reject';
  /** The tenants that count as ours (`scope.tenants`, or those of the subscriptions in scope). */
  readonly tenants: readonly string[];
}

export interface Decision {
  readonly action: DecisionAction;
  /** The deciding rule's name, or `default` when no rule matched. */
  readonly rule: string;
  readonly reason: string;
  /** Set when an approve rule matched but the requester is outside `scope.tenants` (or unknown). */
  readonly refusedApproval?: string;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export function ruleMatches(rule: PrivateLinkRule, facts: ConnectionFacts): boolean {
  if (!rule.resourceTypes.some((t) => same(t, facts.targetType))) return false;
  if (rule.groupIds && (facts.groupId === undefined || !rule.groupIds.some((g) => same(g, facts.groupId!))))
    return false;
  if (
    rule.requesterSubscriptions &&
    (facts.requesterSubscription === undefined ||
      !rule.requesterSubscriptions.some((s) => same(s, facts.requesterSubscription!)))
  )
    return false;
  return true;
}

export function isOurTenant(policy: Policy, tenant: string | undefined): boolean {
  return tenant !== undefined && policy.tenants.some((t) => same(t, tenant));
}

function what(facts: ConnectionFacts): string {
  return [
    facts.targetType,
    `group ${facts.groupId ?? 'unknown'}`,
    `requester subscription ${facts.requesterSubscription ?? 'unknown'}`,
  ].join(', ');
}

function outsideTenants(facts: ConnectionFacts): string {
  if (facts.requesterSubscription === undefined)
    return 'the connection names no well-formed private endpoint id, so its requester is unknown and counts as outside scope.tenants';
  return facts.requesterTenant === undefined
    ? `the tenant of requester subscription ${facts.requesterSubscription} is unknown (fedlink cannot read that subscription), so it counts as outside scope.tenants`
    : `requester tenant ${facts.requesterTenant} is outside scope.tenants`;
}

export function decide(facts: ConnectionFacts, policy: Policy): Decision {
  const ours = isOurTenant(policy, facts.requesterTenant);
  let refused: string | undefined;
  for (const rule of policy.rules) {
    if (!ruleMatches(rule, facts)) continue;
    if (rule.action === 'approve' && !ours) {
      refused ??= `rule ${rule.name} would approve, but ${outsideTenants(facts)}: never approved`;
      continue;
    }
    return { action: rule.action, rule: rule.name, reason: `matches ${what(facts)}` };
  }
  const reason = refused ?? `no rule matches ${what(facts)}`;
  return {
    action: policy.default === 'reject' ? 'reject' : 'leave',
    rule: 'default',
    reason,
    ...(refused !== undefined ? { refusedApproval: refused } : {}),
  };
}

/** The description fedlink writes with its decision (docs/design.md invariant 5: it names the rule). */
export function descriptionFor(decision: Decision): string {
  return decision.action === 'approve'
    ? `Approved by fedlink rule ${decision.rule}`
    : `Rejected by fedlink rule ${decision.rule}: ${decision.reason}`;
}

/** The rule a description fedlink wrote names, or undefined for any other description. */
export function ruleOfDescription(description: string | undefined): string | undefined {
  const m = /^(?:Approved|Rejected) by fedlink rule ([^:]+?)(?::|$)/.exec(description ?? '');
  return m?.[1];
}
