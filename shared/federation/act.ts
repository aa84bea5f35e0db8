/**
 * Act: for each identity, observe its FICs, plan, apply (in `apply` mode), read back and validate.
 *
 * Writes to one identity run one after another (Azure rejects concurrent FIC writes to one identity
 * with 409, docs/azure-behaviour.md §1.5; across runs the caller holds the identity's lock); different
 * identities proceed in parallel. Outcomes are data (docs/style.md 8): a terminal error fails that identity
 * with a reason, a transient one (409 from another writer, throttling, 5xx after the SDK's own
 * retries) asks the caller to retry it later. Nothing here throws for an expected ARM answer.
 */
import { toArmError } from '../azure/errors';
import { type AzureGateway } from '../azure/gateway';
import { type FedlinkConfig } from '../config/schema';
import { mapLimit } from '../core/concurrency';
import { type Fic } from '../core/model';
import { normalizeResourceId } from '../core/resourceId';
import { type Finding } from '../validation/findings';
import { checkIdentityFederation } from '../validation/federationChecks';
import { isOwned } from './names';
import { confirmIssuers, confirmPrune, desiredKey } from './observe';
import { planIdentity, type FicWrite, type PruneVerdict } from './plan';
import { type IdentityOutcome, type IdentityWork, type RunMode } from './work';

export interface ActDeps {
  readonly azure: AzureGateway;
  readonly config: FedlinkConfig;
}

/** Identities handled in parallel by one call (each one's writes stay serial). */
const IDENTITY_CONCURRENCY = 8;

type Observed =
  | { readonly ok: true; readonly fics: readonly Fic[] }
  | { readonly ok: false; readonly outcome: IdentityOutcome };

function failure(
  identityId: string,
  error: unknown,
  stage: string,
  writes: readonly FicWrite[] = [],
): IdentityOutcome {
  const armError = toArmError(error);
  const transient = armError.classification !== 'terminal';
  return {
    identityId,
    status: transient ? 'retry' : 'failed',
    writes,
    adopted: 0,
    unchanged: 0,
    findings: transient
      ? []
      : [
          {
            check: 'federation.apply',
            resourceId: identityId,
            status: 'fail',
            message: `${stage} failed: ${armError.status ?? ''} ${armError.code ?? ''} ${armError.message}`
              .replace(/\s+/g, ' ')
              .trim(),
            remediation:
              'Check the identity exists and that fedlink may read and write its federated identity credentials.',
          },
        ],
    reason: `${stage}: ${armError.code ?? armError.status ?? 'error'}: ${armError.message}`,
    ...(transient ? { retryAfterSeconds: armError.retryAfterSeconds ?? 5 } : {}),
  };
}

async function observe(azure: AzureGateway, identityId: string): Promise<Observed> {
  try {
    return { ok: true, fics: await azure.listFics(identityId) };
  } catch (error) {
    return { ok: false, outcome: failure(identityId, error, 'list federated credentials') };
  }
}

async function applyWrites(
  azure: AzureGateway,
  identityId: string,
  writes: readonly FicWrite[],
): Promise<FicWrite[]> {
  const done: FicWrite[] = [];
  for (const write of writes) {
    switch (write.kind) {
      case 'create':
      case 'update':
        await azure.putFic(identityId, write.name, {
          issuer: write.issuer,
          subject: write.subject,
          audiences: [write.audience],
        });
        break;
      case 'delete':
        await azure.deleteFic(identityId, write.name);
        break;
    }
    done.push(write);
  }
  return done;
}

/** Observe → plan → act → read back → validate, for every identity of `work`. */
export async function syncIdentities(
  deps: ActDeps,
  mode: RunMode,
  work: readonly IdentityWork[],
): Promise<IdentityOutcome[]> {
  const { azure, config } = deps;
  const observed = await mapLimit(work, IDENTITY_CONCURRENCY, (w) => observe(azure, w.identityId));

  // Prune candidates: owned FICs whose issuer no desired FIC names. Each is confirmed by direct ARM
  // reads of its cluster before any delete (observe.ts confirmPrune); the converged case reads nothing.
  // With prune off the verdicts only word the warning (stale or unbound).
  const candidates = work.flatMap((w, i) => {
    const o = observed[i];
    const wanted = new Set(w.desired.map((d) => d.issuer));
    return o?.ok === true ? o.fics.filter((f) => isOwned(f.name) && !wanted.has(f.issuer)) : [];
  });
  const verdicts: ReadonlyMap<string, PruneVerdict> = await confirmPrune(azure, config, candidates);
  // Issuers about to be written are confirmed by a GET of their cluster (observe.ts confirmIssuers).
  const confirmation = await confirmIssuers(
    azure,
    config,
    work.map((w, i) => {
      const o = observed[i];
      return { desired: w.desired, observed: o?.ok === true ? o.fics : [] };
    }),
  );

  const outcomes = await mapLimit(work, IDENTITY_CONCURRENCY, async (w0, i): Promise<IdentityOutcome> => {
    const w = { ...w0, desired: w0.desired.filter((d) => !confirmation.heldBack.has(desiredKey(d))) };
    const o = observed[i]!;
    if (!o.ok) return o.outcome;
    const plan = planIdentity({
      identityId: w.identityId,
      desired: w.desired,
      observed: o.fics,
      liveIssuers: new Set(w.desired.map((d) => d.issuer)),
      prune: config.federation.prune,
      pruneVerdicts: verdicts,
    });
    const base = {
      identityId: w.identityId,
      adopted: plan.adopted.filter((a) => !a.owned).length,
      unchanged: plan.adopted.filter((a) => a.owned).length,
    };
    if (plan.refused) {
      return {
        ...base,
        status: 'refused',
        writes: [],
        findings: plan.findings,
        reason: plan.findings[0]?.message ?? 'refused',
      };
    }
    if (mode === 'plan' || plan.writes.length === 0) {
      const findings: Finding[] = [
        ...plan.findings,
        ...checkIdentityFederation({
          identityId: w.identityId,
          desired: w.desired,
          observed: o.fics,
          pending: plan.writes,
        }),
      ];
      return {
        ...base,
        status: plan.writes.length === 0 ? 'converged' : 'planned',
        writes: plan.writes,
        findings,
      };
    }
    let done: FicWrite[] = [];
    try {
      done = await applyWrites(azure, w.identityId, plan.writes);
    } catch (error) {
      return failure(w.identityId, error, 'write federated credential', done);
    }
    const after = await observe(azure, w.identityId);
    if (!after.ok) return { ...after.outcome, writes: done };
    return {
      ...base,
      status: 'changed',
      writes: done,
      findings: [
        ...plan.findings,
        ...checkIdentityFederation({
          identityId: w.identityId,
          desired: w.desired,
          observed: after.fics,
          pending: [],
        }),
      ],
    };
  });
  return outcomes.map((outcome, i) => {
    const held = confirmation.findings.get(normalizeResourceId(work[i]?.identityId ?? '')) ?? [];
    return held.length ? { ...outcome, findings: [...held, ...outcome.findings] } : outcome;
  });
}
