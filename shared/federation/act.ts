/**
 * Act: federation's writes and the batch context its planner needs. One FIC write per call; the
 * engine (shared/reconcile/runner.ts) runs them one after another per identity, under the identity's
 * lock (Azure rejects concurrent FIC writes to one identity with 409, docs/azure-behaviour.md §1.5),
 * and turns what they throw into outcomes.
 */
import { type AzureGateway, type FederatedCredentialsPort } from '../azure/gateway';
import { type FedlinkConfig } from '../config/schema';
import { type Fic } from '../core/model';
import { type DesiredFic } from './desired';
import { isOwned } from './names';
import { confirmIssuers, confirmPrune, type IssuerConfirmation } from './observe';
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
 * What the plans of one batch share, read by the capability's `prepare` step:
 * - prune verdicts: every owned FIC whose issuer no desired FIC names is judged by direct ARM reads of
 *   its cluster (observe.ts `confirmPrune`; Resource Graph lags, docs/azure-behaviour.md §9.5). Only a
 *   `gone` verdict lets plan.ts delete it; with prune off the verdicts only word the warning.
 * - issuer confirmation: a FIC about to be created names an issuer that may come from a lagging Resource
 *   Graph row; its cluster is read with a GET first and the FIC held back when the GET disagrees
 *   (observe.ts `confirmIssuers`, invariant 1).
 * The converged case reads nothing extra: both steps only read for FICs that would change.
 */
export interface FederationContext {
  readonly prune: boolean;
  readonly verdicts: ReadonlyMap<string, PruneVerdict>;
  readonly confirmation: IssuerConfirmation;
}

export async function prepareFederation(
  azure: AzureGateway,
  config: FedlinkConfig,
  items: readonly { readonly desired: readonly DesiredFic[]; readonly observed: readonly Fic[] }[],
): Promise<FederationContext> {
  const candidates = items.flatMap(({ desired, observed }) => {
    const wanted = new Set(desired.map((d) => d.issuer));
    return observed.filter((f) => isOwned(f.name) && !wanted.has(f.issuer));
  });
  const verdicts = await confirmPrune(azure, config, candidates);
  const confirmation = await confirmIssuers(azure, config, items);
  return { prune: config.federation.prune, verdicts, confirmation };
}
