/**
 * Federation as a capability of the reconcile engine (shared/reconcile/capability.ts): for each
 * identity in scope, its complete desired FIC set against the FICs it holds.
 *
 * scope: observe.ts (clusters and identities from ARM, gates, bindings) · observe: list the FICs ·
 * prepare: live issuers, only when prune needs them · plan: plan.ts (pure) · act: one PUT or DELETE ·
 * validate: checks.ts.
 */
import { type Fic } from '../core/model';
import { type Capability } from '../reconcile/capability';
import { type ScopeResult, type Target, type WorkItem } from '../reconcile/types';
import { liveContext, type LiveContext, writeFic } from './act';
import { checkIdentityFederation } from './checks';
import { type DesiredFic } from './desired';
import { scopeForCluster, scopeForFleet, scopeForIdentity } from './observe';
import { planIdentity, type FicWrite } from './plan';
import { type ScopeResult as FederationScope } from './work';

export const FEDERATION = 'federation';

export interface FederationPayload {
  /** The identity's complete desired set: all its bindings × every gated-in cluster they select. */
  readonly desired: readonly DesiredFic[];
}

/** A FIC write, with the lock it needs: the identity's. */
export type FicAction = FicWrite & { readonly lockKey: string };

export type FederationItem = WorkItem<FederationPayload>;

function toEngineScope(scope: FederationScope): ScopeResult<FederationPayload> {
  if (scope.kind !== 'proceed') return scope;
  return {
    kind: 'proceed',
    findings: scope.findings,
    work: scope.work.map((w) => ({
      capability: FEDERATION,
      resourceId: w.identityId,
      lockKey: w.lockKey,
      payload: { desired: w.desired },
    })),
  };
}

export const federation: Capability<FederationPayload, readonly Fic[], FicAction, LiveContext> = {
  name: FEDERATION,
  targets: ['cluster', 'identity', 'fleet'],
  failures: {
    check: 'federation.apply',
    stages: {
      observe: 'list federated credentials',
      prepare: 'list live clusters',
      act: 'write federated credential',
    },
    remediation:
      'Check the identity exists and that fedlink may read and write its federated identity credentials.',
    giveUpRemediation:
      'The next drift check retries it; look for another writer on this identity or sustained throttling.',
  },

  async scope({ azure, config }, target: Target) {
    switch (target.kind) {
      case 'cluster':
        return toEngineScope(await scopeForCluster(azure, config, target.resourceId));
      case 'identity':
        return toEngineScope(await scopeForIdentity(azure, config, target.resourceId));
      case 'fleet':
        return toEngineScope(await scopeForFleet(azure, config));
      case 'subscription':
        return {
          kind: 'skip',
          reason: 'federation does not reconcile a subscription on its own',
          findings: [],
        };
      case 'privateEndpoint':
        return { kind: 'skip', reason: 'federation does not reconcile private endpoints', findings: [] };
    }
  },

  observe: ({ azure }, item) => azure.listFics(item.resourceId),

  prepare: ({ azure, config }, items) =>
    liveContext(
      azure,
      config,
      items.map(({ item, observed }) => ({ desired: item.payload.desired, observed })),
    ),

  plan(item, observed, context) {
    const desired = item.payload.desired;
    const plan = planIdentity({
      identityId: item.resourceId,
      desired,
      observed,
      liveIssuers: new Set([...context.live, ...desired.map((d) => d.issuer)]),
      prune: context.prune,
    });
    return {
      actions: plan.writes.map((w) => ({ ...w, lockKey: item.lockKey })),
      findings: plan.findings,
      kept: {
        adopted: plan.adopted.filter((a) => !a.owned).length,
        unchanged: plan.adopted.filter((a) => a.owned).length,
      },
      ...(plan.refused ? { refused: plan.findings[0]?.message ?? 'refused' } : {}),
    };
  },

  act: ({ azure }, item, action) => writeFic(azure, item.resourceId, action),

  validate: (item, observed, pending) =>
    checkIdentityFederation({
      identityId: item.resourceId,
      desired: item.payload.desired,
      observed,
      pending,
    }),
};
