/**
 * The subscriptions a run covers, for every capability, derived once before any read of a resource
 * (docs/design.md "Config": `scope`): the subscriptions the credential can see (one tenant-level
 * GET /subscriptions), narrowed to `scope.subscriptions` when configured, else to `scope.tenants` when
 * configured. A configured subscription the credential cannot see is `unreachable`: never read, reported.
 */
import { type InventoryPort } from '../azure/gateway';
import { type FedlinkConfig } from '../config/schema';
import { parseResourceId } from '../core/resourceId';
import { type ScopeResult } from './types';

export interface Scope {
  readonly subscriptions: readonly string[];
  readonly unreachable: readonly string[];
}

export async function resolveScope(
  azure: Pick<InventoryPort, 'listSubscriptions'>,
  config: FedlinkConfig,
): Promise<Scope> {
  const visible = await azure.listSubscriptions();
  const configured = config.scope.subscriptions;
  if (configured) {
    const seen = new Map(visible.map((s) => [s.subscriptionId.toLowerCase(), s.subscriptionId]));
    return {
      subscriptions: configured.filter((s) => seen.has(s.toLowerCase())),
      unreachable: configured.filter((s) => !seen.has(s.toLowerCase())),
    };
  }
  const tenants = config.scope.tenants?.map((t) => t.toLowerCase());
  return {
    subscriptions: visible
      .filter((s) => !tenants || (s.tenantId !== undefined && tenants.includes(s.tenantId.toLowerCase())))
      .map((s) => s.subscriptionId),
    unreachable: [],
  };
}

/**
 * The run's scope, resolved at most once per activity (`env` is built per activity call, so one memo per
 * scope or sync activity: every capability step and the runner share one GET /subscriptions).
 * `visibility`: whether configured subscriptions the credential cannot see must be told apart (an
 * event's target is skipped with a warning before anything is read, `outOfScope`). Without it, a
 * configured `scope.subscriptions` is used as it is and nothing is read: the fleet check reads only the
 * bound's terms (docs/targets.md performance 1), and Resource Graph answers nothing for a subscription the
 * credential cannot see.
 */
export function scopeOf(
  env: { readonly azure: Pick<InventoryPort, 'listSubscriptions'>; readonly config: FedlinkConfig },
  options: { readonly visibility?: boolean } = {},
): Promise<Scope> {
  const known = resolved.get(env);
  if (known) return known;
  const configured = env.config.scope.subscriptions;
  if (configured && !options.visibility)
    return Promise.resolve({ subscriptions: configured, unreachable: [] });
  const scope = resolveScope(env.azure, env.config);
  resolved.set(env, scope);
  // A failed read is not kept: a retried step reads again.
  scope.catch(() => resolved.delete(env));
  return scope;
}

const resolved = new WeakMap<object, Promise<Scope>>();

/** The subscriptions in scope that the credential can see (see `resolveScope`). */
export async function scopeSubscriptions(
  azure: Pick<InventoryPort, 'listSubscriptions'>,
  config: FedlinkConfig,
): Promise<readonly string[]> {
  return (await resolveScope(azure, config)).subscriptions;
}

/** The check id of a target skipped for its subscription. */
export const SCOPE_CHECK = 'scope.target';

/**
 * Why a target in `subscriptionId` is not read at all, or undefined when it is in scope. Decided from
 * the scope alone, before any read of the target: an out-of-scope event costs no ARM read against its
 * subscription, and one the credential cannot see never turns into retried 404s and a failed run.
 */
export function outOfScope(
  scope: Scope,
  config: FedlinkConfig,
  targetId: string,
): Extract<ScopeResult, { kind: 'skip' }> | undefined {
  let subscription: string;
  try {
    subscription = parseResourceId(targetId).subscriptionId;
  } catch (error) {
    const reason = `not a resource id: ${error instanceof Error ? error.message : String(error)}`;
    return { kind: 'skip', reason, findings: [] };
  }
  const is = (list: readonly string[]): boolean =>
    list.some((s) => s.toLowerCase() === subscription.toLowerCase());
  if (is(scope.subscriptions)) return undefined;
  if (is(scope.unreachable)) {
    const reason = `subscription ${subscription} is in scope.subscriptions, but the credential cannot see it; nothing was read`;
    return {
      kind: 'skip',
      reason,
      findings: [
        {
          check: SCOPE_CHECK,
          resourceId: targetId,
          status: 'warn',
          message: reason,
          remediation: `Grant fedlink's identity Reader (and the roles docs/design.md lists) on subscription ${subscription}, or remove it from scope.subscriptions.`,
        },
      ],
    };
  }
  const why = config.scope.subscriptions
    ? 'is not in scope.subscriptions'
    : config.scope.tenants
      ? 'is not visible to the credential in scope.tenants'
      : 'is not visible to the credential';
  const reason = `subscription ${subscription} ${why}; skipped, nothing was read`;
  return {
    kind: 'skip',
    reason,
    findings: [{ check: SCOPE_CHECK, resourceId: targetId, status: 'pass', message: reason }],
  };
}

/** The subscription id of a resource id, lower-cased; undefined for a string that is not an ARM id. */
function subscriptionOf(resourceId: string): string | undefined {
  try {
    return parseResourceId(resourceId).subscriptionId.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * A `subscription` target for a capability that reconciles the fleet (POST /api/runs
 * `{"scope": {"subscriptionId": …}}`): the capability's fleet scope, narrowed to the work items and
 * findings of resources in that subscription. The fleet scope is read whole on purpose: what an item
 * should hold can depend on resources elsewhere (an identity in this subscription federated with
 * clusters in another one), and a scope read as if the rest of the estate did not exist would plan to
 * remove what those resources need. A subscription outside the run's scope never gets here: the
 * runner skips it first (`outOfScope`).
 */
export async function withinSubscription(
  subscriptionResourceId: string,
  fleetScope: () => Promise<ScopeResult>,
): Promise<ScopeResult> {
  const wanted = subscriptionOf(subscriptionResourceId);
  if (wanted === undefined)
    return { kind: 'skip', reason: `not a subscription id: ${subscriptionResourceId}`, findings: [] };
  const scope = await fleetScope();
  const inside = (resourceId: string): boolean => subscriptionOf(resourceId) === wanted;
  const findings = scope.findings.filter((f) => inside(f.resourceId));
  return scope.kind === 'proceed'
    ? { ...scope, work: scope.work.filter((w) => inside(w.resourceId)), findings }
    : { ...scope, findings };
}
