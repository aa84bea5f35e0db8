/**
 * Act: federation's writes and the batch context its planner needs. One FIC write per call; the
 * engine (shared/reconcile/runner.ts) runs them one after another per identity, under the identity's
 * lock (Azure rejects concurrent FIC writes to one identity with 409, docs/azure-behaviour.md §1.5),
 * and turns what they throw into outcomes.
 */
import { type FederatedCredentialsPort } from '../azure/gateway';
import { type Fic } from '../core/model';
import { type DesiredFic } from './desired';
import { isOwned } from './names';
import {
  type ClusterReads,
  confirmIssuers,
  confirmPrune,
  type FederationEnv,
  type IssuerConfirmation,
} from './observe';
import { type FicWrite, type PruneVerdict } from './plan';

/** One write to one identity's FICs. */
export async function writeFic(
  port: FederatedCredentialsPort,
  identityId: string,
  write: FicWrite,
): Promise<void> {
  switch (write.kind) {
    case 'create':
    case 'update':
      await port.putFic(identityId, write.name, {
        issuer: write.issuer,
        subject: write.subject,
        audiences: [write.audience],
      });
      return;
    case 'delete':
      await port.deleteFic(identityId, write.name);
      return;
  }
}

/**
 * The identity's FICs after `done`, from the writes' answers (the runner's read back, without a second
 * list): a FIC PUT is synchronous and its 200/201 answers with the FIC as stored, which is the body sent
 * (issuer, subject and audience byte for byte, docs/azure-behaviour.md §1.2, §1.4); a DELETE's 200 or 204
 * means it is gone. Names compare case-insensitively, as ARM's do.
 */
export function afterWrites(identityId: string, observed: readonly Fic[], done: readonly FicWrite[]): Fic[] {
  const byName = new Map(observed.map((f) => [f.name.toLowerCase(), f]));
  for (const write of done) {
    const key = write.name.toLowerCase();
    if (write.kind === 'delete') byName.delete(key);
    else
      byName.set(key, {
        id: `${identityId}/federatedIdentityCredentials/${write.name}`,
        name: write.name,
        issuer: write.issuer,
        subject: write.subject,
        audiences: [write.audience],
      });
  }
  return [...byName.values()];
}

/**
 * What the plans of one batch share, read by the capability's `prepare` step:
 * - prune verdicts: every owned FIC whose issuer no desired FIC names is judged by direct ARM reads of
 *   its cluster (observe.ts `confirmPrune`; Resource Graph lags, docs/azure-behaviour.md §9.5). Only a
 *   `gone` verdict lets plan.ts delete it; with prune off the verdicts only word the warning.
 * - issuer confirmation: a FIC about to be created names an issuer that may come from a lagging Resource
 *   Graph row; in an event run its cluster is read with a GET first, and the FIC held back when the GET
 *   disagrees; the fleet check reads no cluster for it and uses only the reads prune made (observe.ts
 *   `confirmIssuers`, invariant 1).
 * The converged case reads nothing extra: both steps only read for FICs that would change, and each
 * cluster at most once per batch (the reads are shared).
 */
export interface FederationContext {
  readonly prune: boolean;
  readonly verdicts: ReadonlyMap<string, PruneVerdict>;
  readonly confirmation: IssuerConfirmation;
}

export async function prepareFederation(
  env: FederationEnv,
  items: readonly {
    readonly desired: readonly DesiredFic[];
    readonly observed: readonly Fic[];
    /** Read each cluster a create names first (event runs); the fleet check trusts its inventory. */
    readonly confirm: boolean;
  }[],
): Promise<FederationContext> {
  const candidates = items.flatMap(({ desired, observed }) => {
    const wanted = new Set(desired.map((d) => d.issuer));
    return observed.filter((f) => isOwned(f.name) && !wanted.has(f.issuer));
  });
  const reads: ClusterReads = new Map();
  const verdicts = await confirmPrune(env, candidates, reads);
  const confirmation = await confirmIssuers(env.azure, env.config, items, reads);
  return { prune: env.config.federation.prune, verdicts, confirmation };
}
