/**
 * The ARM ports: the interfaces through which fedlink's core reads and writes ARM, one per concern
 * (docs/style.md 21: each capability has its own port, no single gateway growing into a god object).
 *
 * - `InventoryPort`: what every capability's scope step reads (subscriptions, clusters, identities,
 *   Resource Graph). Implemented in ./armInventory.ts.
 * - `FederatedCredentialsPort`: the federation capability's reads and writes of FICs. Implemented in
 *   ./armFederatedCredentials.ts.
 *
 * A new capability adds its own port here and its own implementation file; `AzureGateway` is only the
 * bundle of every port over one set of clients (./armGateway.ts), so the host builds it once.
 * SDK types stop here: every method speaks the core types of shared/core/model.ts.
 *
 * Failures: methods throw `ArmError` (./errors.ts), already classified (retryable / throttled /
 * terminal). "Not found" on a read is not an error: it returns undefined.
 */
import { type Cluster, type Fic, type Identity } from '../core/model';

export interface FicSpec {
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
}

export interface InventoryPort {
  /** Subscriptions the credential can see, with their tenant. */
  listSubscriptions(): Promise<
    readonly { subscriptionId: string; tenantId: string | undefined; displayName: string | undefined }[]
  >;

  getCluster(clusterId: string): Promise<Cluster | undefined>;
  listClusters(subscriptionId: string): Promise<readonly Cluster[]>;
  /**
   * Every managed cluster in the given subscriptions through Azure Resource Graph (1,000-row pages,
   * $skipToken), mapped exactly as getCluster maps a GET. One query per page, no per-cluster GET.
   */
  queryClusters(subscriptionIds: readonly string[]): Promise<readonly Cluster[]>;

  getIdentity(identityId: string): Promise<Identity | undefined>;
  listIdentities(subscriptionId: string): Promise<readonly Identity[]>;
  /** Every user-assigned identity in the given subscriptions through Azure Resource Graph. */
  queryIdentities(subscriptionIds: readonly string[]): Promise<readonly Identity[]>;
}

export interface FederatedCredentialsPort {
  /** Every FIC on the identity (all pages). Throws a terminal ArmError when the identity is gone. */
  listFics(identityId: string): Promise<readonly Fic[]>;
  /** PUT (synchronous, docs/azure-behaviour.md §1.2: no long-running operation). Returns the FIC as ARM stored it. */
  putFic(identityId: string, ficName: string, spec: FicSpec): Promise<Fic>;
  /** DELETE (synchronous). `absent` when ARM answered 204 (it did not exist). */
  deleteFic(identityId: string, ficName: string): Promise<'deleted' | 'absent'>;
}

/** Every port over one set of ARM clients: what the host builds once and hands to the capabilities. */
export type AzureGateway = InventoryPort & FederatedCredentialsPort;
