/**
 * Act: federation's writes and the batch context its planner needs. One FIC write per call; the
 * engine (shared/reconcile/runner.ts) runs them one after another per identity, under the identity's
 * lock (Azure rejects concurrent FIC writes to one identity with 409, docs/azure-behaviour.md §1.5),
 * and turns what they throw into outcomes.
 */
import { type AzureGateway, type FederatedCredentialsPort } from '../azure/gateway';
import { type FedlinkConfig } from '../config/schema';
import { type Fic } from '../core/model';
import { isOwned } from './names';
import { liveIssuers } from './observe';
import { type FicWrite } from './plan';
import { type DesiredFic } from './desired';

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

/** What plans of one batch share: the issuers of every live cluster, read only when prune needs them. */
export interface LiveContext {
  /** True when prune is on and some owned FIC trusts an issuer no desired FIC names. */
  readonly prune: boolean;
  readonly live: ReadonlySet<string>;
}

/**
 * Prune needs the issuers of every live cluster in scope, but only when some owned FIC trusts an
 * issuer that no desired FIC names; the common converged case costs no extra read.
 */
export async function liveContext(
  azure: AzureGateway,
  config: FedlinkConfig,
  items: readonly { readonly desired: readonly DesiredFic[]; readonly observed: readonly Fic[] }[],
): Promise<LiveContext> {
  const needsLive =
    config.federation.prune &&
    items.some(({ desired, observed }) => {
      const wanted = new Set(desired.map((d) => d.issuer));
      return observed.some((f) => isOwned(f.name) && !wanted.has(f.issuer));
    });
  if (!needsLive) return { prune: false, live: new Set() };
  return { prune: true, live: await liveIssuers(azure, config) };
}
