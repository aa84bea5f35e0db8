/**
 * Federation as a capability of the reconcile engine (shared/reconcile/capability.ts): for each
 * identity in scope, its complete desired FIC set against the FICs it holds.
 *
 * scope: observe.ts (clusters and identities from ARM, gates, bindings) · observe: list the FICs ·
 * prepare: prune verdicts and issuer confirmations from direct ARM reads (act.ts) · plan: plan.ts (pure) · act: one PUT or DELETE ·
 * validate: checks.ts.
 */
import { type Fic } from '../core/model';
import { normalizeResourceId } from '../core/resourceId';
import { type Capability } from '../reconcile/capability';
import { type ScopeResult, type Target, type WorkItem } from '../reconcile/types';
import { afterWrites, type FederationContext, prepareFederation, writeFic } from './act';
import { checkIdentityFederation } from './checks';
import { type DesiredFic } from './desired';
import { desiredKey, scopeForCluster, scopeForFleet, scopeForIdentity } from './observe';
import { planIdentity, type FicWrite } from './plan';
import { type ScopeResult as FederationScope } from './work';

export const FEDERATION = 'federation';

export interface FederationPayload {
  /** The identity's complete desired set: all its bindings × every gated-in cluster they select. */
  readonly desired: readonly DesiredFic[];
  /**
   * An event run (a cluster or identity target): each cluster a create names is read with a GET before
   * the write. Absent in the fleet check, which trusts its inventory's issuers (observe.ts `confirmIssuers`).
   */
  readonly confirm?: true;
}

/** A FIC write, with the lock it needs: the identity's. */
export type FicAction = FicWrite & { readonly lockKey: string };

export type FederationItem = WorkItem<FederationPayload>;

function toEngineScope(scope: FederationScope, confirm: boolean): ScopeResult<FederationPayload> {
  if (scope.kind !== 'proceed') return scope;
  return {
    kind: 'proceed',
    findings: scope.findings,
    work: scope.work.map((w) => ({
      capability: FEDERATION,
      resourceId: w.identityId,
      lockKey: w.lockKey,
      payload: { desired: w.desired, ...(confirm ? { confirm: true as const } : {}) },
    })),
  };
}

/** The desired FICs a plan may write: those whose issuer a direct read of the cluster confirmed. */
function heldBackRemoved(item: FederationItem, context: FederationContext): readonly DesiredFic[] {
  return item.payload.desired.filter((d) => !context.confirmation.heldBack.has(desiredKey(d)));
}

export const federation: Capability<FederationPayload, readonly Fic[], FicAction, FederationContext> = {
  name: FEDERATION,
  targets: ['cluster', 'identity', 'fleet'],
  failures: {
    check: 'federation.apply',
    stages: {
      observe: 'list federated credentials',
      prepare: 'confirm clusters',
      act: 'write federated credential',
    },
    remediation:
      'Check the identity exists and that fedlink may read and write its federated identity credentials.',
    giveUpRemediation:
      'The next drift check retries it; look for another writer on this identity or sustained throttling.',
  },

  async scope(env, target: Target) {
    switch (target.kind) {
      case 'cluster':
        return toEngineScope(await scopeForCluster(env, target.resourceId), true);
      case 'identity':
        return toEngineScope(await scopeForIdentity(env, target.resourceId), true);
      case 'fleet':
        return toEngineScope(await scopeForFleet(env), false);
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

  prepare: (env, items) =>
    prepareFederation(
      env,
      items.map(({ item, observed }) => ({
        desired: item.payload.desired,
        observed,
        confirm: item.payload.confirm === true,
      })),
    ),

  plan(item, observed, context) {
    // FICs whose cluster a GET contradicted are held back (invariant 1), with the finding that says why.
    const held = context.confirmation.findings.get(normalizeResourceId(item.resourceId)) ?? [];
    const desired = heldBackRemoved(item, context);
    const plan = planIdentity({
      identityId: item.resourceId,
      desired,
      observed,
      liveIssuers: new Set(desired.map((d) => d.issuer)),
      prune: context.prune,
      pruneVerdicts: context.verdicts,
    });
    return {
      actions: plan.writes.map((w) => ({ ...w, lockKey: item.lockKey })),
      findings: [...held, ...plan.findings],
      kept: {
        adopted: plan.adopted.filter((a) => !a.owned).length,
        unchanged: plan.adopted.filter((a) => a.owned).length,
      },
      ...(plan.refused ? { refused: plan.findings[0]?.message ?? 'refused' } : {}),
    };
  },

  act: ({ azure }, item, action) => writeFic(azure, item.resourceId, action),

  // FIC writes are synchronous: their answers are the read back (no second list of the identity's FICs).
  written: (item, observed, done) => afterWrites(item.resourceId, observed, done),

  validate: (item, observed, pending, context) =>
    checkIdentityFederation({
      identityId: item.resourceId,
      desired: heldBackRemoved(item, context),
      observed,
      pending,
    }),
};
