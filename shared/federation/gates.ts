/**
 * Cluster gate (docs/style.md 4): may fedlink federate this cluster now, later, or not at all?
 * A pure predicate over the cluster as just read from ARM; the result says why.
 */
import { type Cluster } from '../core/model';
import { checkIssuerPinned, DEFAULT_ISSUER_POLICY, type IssuerPolicy } from './issuer';

export type Gate =
  /** Federate now. `note` flags something worth reporting (a `Failed` cluster) that does not stop it. */
  | { readonly kind: 'proceed'; readonly note?: string }
  /** Do not federate this cluster (its FICs are not touched either: prune goes by live issuers). */
  | { readonly kind: 'skip'; readonly reason: string; readonly cause: SkipCause }
  /** Not yet: the cluster is mid-operation. Look again after `retryAfterSeconds`. */
  | { readonly kind: 'block'; readonly reason: string; readonly retryAfterSeconds: number };

/** How long to wait before re-reading a cluster that is mid-operation. */
export const BLOCK_RETRY_AFTER_SECONDS = 60;

/**
 * ARM's terminal provisioning states (compared case-insensitively). Everything else (`Creating`,
 * `Updating`, `Upgrading`, `Scaling`, `Deleting`, `Migrating`, `Starting`, `Stopping`, states
 * added later...) is an operation in flight.
 */
export const TERMINAL_PROVISIONING_STATES: readonly string[] = ['Succeeded', 'Failed', 'Canceled'];

/**
 * Decides, in this order:
 * 1. an operation in flight → block. It comes first because the operation may be the one enabling
 *    the OIDC issuer (which also changes the issuer, docs/azure-behaviour.md §2.2) or deleting the cluster;
 *    once it settles the re-read tells the truth.
 * 2. OIDC issuer disabled, or no `issuerURL` → skip.
 * 3. an issuer that fails the shape check (issuer.ts) → skip; it is never written.
 * 4. workload identity disabled → skip. Strictly, token exchange only needs the issuer, but without the
 *    workload identity webhook no pod gets the projected token and env vars a FIC exists to serve; a
 *    FIC there would only spend one of the identity's 20 slots. The cluster's write event on enabling
 *    it brings the FICs.
 * 5. `Failed` or `Canceled` with a good issuer → proceed with a note: the issuer is still real and
 *    workloads still run; only the last operation did not complete. No provisioning state at all →
 *    proceed with a note (nothing says an operation is in flight; blocking would wait forever).
 */
export function clusterGate(cluster: Cluster, policy: IssuerPolicy = DEFAULT_ISSUER_POLICY): Gate {
  const state = cluster.provisioningState;
  const terminal =
    state === undefined
      ? undefined
      : TERMINAL_PROVISIONING_STATES.find((t) => t.toLowerCase() === state.toLowerCase());
  if (state !== undefined && terminal === undefined) {
    return {
      kind: 'block',
      reason: `cluster ${cluster.name} is ${state}; waiting for the operation to finish`,
      retryAfterSeconds: BLOCK_RETRY_AFTER_SECONDS,
    };
  }
  if (!cluster.oidcIssuerEnabled) {
    return {
      kind: 'skip',
      cause: 'oidc-disabled',
      reason: `cluster ${cluster.name} has the OIDC issuer disabled`,
    };
  }
  if (cluster.issuerUrl === undefined) {
    return { kind: 'skip', cause: 'no-issuer', reason: `cluster ${cluster.name} reports no OIDC issuer URL` };
  }
  const shape = checkIssuerPinned(cluster.issuerUrl, policy);
  if (!shape.ok) {
    return {
      kind: 'skip',
      cause: 'issuer-shape',
      reason: `cluster ${cluster.name}: ${shape.reason}; fedlink will not trust it`,
    };
  }
  if (!cluster.workloadIdentityEnabled) {
    return {
      kind: 'skip',
      cause: 'workload-identity-disabled',
      reason: `cluster ${cluster.name} has workload identity disabled`,
    };
  }
  if (terminal === undefined)
    return { kind: 'proceed', note: `cluster ${cluster.name} reports no provisioning state` };
  if (terminal !== 'Succeeded') {
    return {
      kind: 'proceed',
      note: `cluster ${cluster.name} is in provisioning state ${terminal}; its issuer is still federated`,
    };
  }
  return { kind: 'proceed' };
}

/** Why a gate skips a cluster, for checks that word their finding by cause. */
export type SkipCause = 'oidc-disabled' | 'no-issuer' | 'issuer-shape' | 'workload-identity-disabled';
