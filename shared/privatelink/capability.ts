/**
 * Private endpoint approvals as a capability of the reconcile engine (shared/reconcile/capability.ts):
 * for each provider resource with pending connections, decide each one by explicit policy and approve or
 * reject it through the provider's own API, exactly as Azure does it per type (docs/design.md invariant 5;
 * docs/azure-behaviour.md §4, §9.1, §9.2).
 *
 * scope: scope.ts (an endpoint's manual connections, or the Resource Graph sweep) · observe: the target's
 * connections from ARM, group ids resolved · prepare: who is ours (the tenant of each visible subscription,
 * listed once per fleet check)
 * · plan: plan.ts (pure, policy.ts) · act: one approve or reject PUT, long-running ones returned as pending
 * · resume: poll the SDK poller once, then re-read the connection until the type says it is done ·
 * validate: checks.ts.
 */
import { type PrivateEndpointConnection } from '../azure/gateway';
import { privateLinkTypeInfo, type PrivateLinkTypeInfo } from '../core/privateLinkTypes';
import { normalizeResourceId } from '../core/resourceId';
import { type ActResult, type Capability, type CapabilityEnv } from '../reconcile/capability';
import { type Target } from '../reconcile/types';
import { checkConnections, isDone } from './checks';
import {
  type ConnectionDecision,
  type ObservedConnection,
  type Observed,
  planTarget,
  requesterSubscriptionOf,
  type TenantContext,
} from './plan';
import {
  PRIVATE_LINK,
  type PrivateLinkItem,
  type PrivateLinkPayload,
  scopeForFleet,
  scopeForPrivateEndpoint,
} from './scope';

export { PRIVATE_LINK } from './scope';

/**
 * How long to wait before reading a running change again: the Azure CLI polls every 10 s
 * (docs/azure-behaviour.md §4.1); the recorded changes take 3 to 76 s (§9.2).
 */
export const POLL_SECONDS = 10;

/** What a pending write carries across the durable wait: the SDK poller's state, or "read the connection". */
type Progress = { readonly poll: string } | { readonly read: true };

function pendingWith(progress: Progress): ActResult {
  return { kind: 'pending', state: JSON.stringify(progress), retryAfterSeconds: POLL_SECONDS };
}

function infoOf(item: PrivateLinkItem): PrivateLinkTypeInfo {
  const info = privateLinkTypeInfo(item.payload.type);
  if (!info) throw new Error(`privateLink: unsupported type ${item.payload.type} in a work item`);
  return info;
}

const wantedOf = (action: ConnectionDecision): 'Approved' | 'Rejected' =>
  action.kind === 'approve' ? 'Approved' : 'Rejected';

/**
 * After the provider's operation: read the connection itself (never the parent's list) and judge per
 * type whether the change has landed (checks.ts isDone). Key Vault's poller ends at once while the
 * connection still says `Updating`; Cosmos DB's GET shows the old state for a while: both are read
 * again after a durable wait. A connection that is gone, or that shows another final status (someone
 * else decided it meanwhile), is done here: the next observe reports what it is.
 */
async function confirm(
  { azure }: CapabilityEnv,
  item: PrivateLinkItem,
  action: ConnectionDecision,
): Promise<ActResult> {
  const info = infoOf(item);
  const now = await azure.getConnection(action.connectionId, info.type);
  if (now === undefined || isDone(info, now, wantedOf(action))) return undefined;
  const other = wantedOf(action) === 'Approved' ? 'Rejected' : 'Approved';
  if (now.status === other || now.status === 'Disconnected') return undefined;
  return pendingWith({ read: true });
}

/** The group id of a connection: its own, the type's only one, or the one the requester's endpoint asked for. */
async function resolveGroupIds(
  { azure }: CapabilityEnv,
  item: PrivateLinkItem,
  connections: readonly PrivateEndpointConnection[],
): Promise<ObservedConnection[]> {
  const info = infoOf(item);
  const endpoints = new Map<string, Promise<string | undefined>>();
  const target = normalizeResourceId(item.resourceId);
  const fromEndpoint = (peId: string): Promise<string | undefined> => {
    const key = normalizeResourceId(peId);
    let found = endpoints.get(key);
    if (!found) {
      found = azure
        .getConsumerEndpoint(peId)
        .then(
          (pe) =>
            pe?.manualConnections.find((m) => normalizeResourceId(m.targetId) === target)?.groupIds[0] ??
            undefined,
        );
      endpoints.set(key, found);
    }
    return found;
  };
  return Promise.all(
    connections.map(async (c): Promise<ObservedConnection> => {
      const own = c.groupIds[0] ?? info.singleGroupId;
      // Only a well-formed private endpoint id is read: a malformed one names no requester (plan.ts),
      // and reading it would send a traversal to ARM or fail the whole target on one hostile connection.
      if (
        own !== undefined ||
        c.status !== 'Pending' ||
        c.privateEndpointId === undefined ||
        requesterSubscriptionOf(c.privateEndpointId) === undefined ||
        info.groupIds.length === 0
      )
        return { ...c, groupId: own };
      return { ...c, groupId: await fromEndpoint(c.privateEndpointId) };
    }),
  );
}

export const privateLink: Capability<PrivateLinkPayload, Observed, ConnectionDecision, TenantContext> = {
  name: PRIVATE_LINK,
  targets: ['privateEndpoint', 'fleet'],
  failures: {
    check: 'privatelink.apply',
    stages: {
      observe: 'read private endpoint connections',
      prepare: 'list subscriptions and their tenants',
      act: 'approve or reject private endpoint connection',
    },
    remediation:
      "Check that fedlink may read the resource and write its private endpoint connections (the role's Microsoft.<RP>/<type>/privateEndpointConnections/* actions).",
    giveUpRemediation:
      'The next drift check decides it again; look for another writer on this resource or a provider operation that does not end.',
  },

  async scope(env, target: Target) {
    switch (target.kind) {
      case 'privateEndpoint':
        return scopeForPrivateEndpoint(env, target.resourceId);
      case 'fleet':
        return scopeForFleet(env);
      case 'cluster':
      case 'identity':
      case 'subscription':
        return { kind: 'skip', reason: `private link does not reconcile a ${target.kind}`, findings: [] };
    }
  },

  async observe(env, item) {
    const { readAt, exists, connections } = await env.azure.listConnections(
      item.resourceId,
      item.payload.type,
    );
    return { readAt, exists, connections: await resolveGroupIds(env, item, connections) };
  },

  async prepare({ azure, config, shared }, items) {
    const tenantOf: Record<string, string> = {};
    if (items.every(({ observed }) => observed.connections.length === 0)) return { tenantOf };
    // One tenant-level list per fleet check, shared by its batches (docs/targets.md performance 1); taken
    // after the check's scope phase, like every shared read (shared/reconcile/sharedReads.ts).
    const list = () => azure.listSubscriptions();
    for (const s of shared ? await shared.once('subscriptions', list) : await list())
      if (s.tenantId !== undefined) tenantOf[s.subscriptionId.toLowerCase()] = s.tenantId.toLowerCase();
    const tenants = config.scope.tenants?.map((t) => t.toLowerCase());
    return { tenantOf, ...(tenants ? { tenants } : {}) };
  },

  plan: (item, observed, context, config) => planTarget(item, observed, context, config),

  async act(env, item, action) {
    const write = await env.azure.setConnectionState(action.connectionId, item.payload.type, {
      status: wantedOf(action),
      description: action.description,
    });
    if (write.kind === 'running') return pendingWith({ poll: write.state });
    return confirm(env, item, action);
  },

  async resume(env, item, { action, state }) {
    const progress = JSON.parse(state) as Progress;
    if ('poll' in progress) {
      const write = await env.azure.pollConnectionState(action.connectionId, progress.poll);
      if (write.kind === 'running') return pendingWith({ poll: write.state });
    }
    return confirm(env, item, action);
  },

  validate: (item, observed) => (observed.exists ? checkConnections(infoOf(item), observed.connections) : []),
};
