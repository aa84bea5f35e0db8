/**
 * Core types: what fedlink knows about Azure, after shared/azure/ has mapped the SDK models.
 * Planners, gates and checks see only these. Every field the SDK leaves optional is decided here
 * once (absent key vs false vs null), so nothing downstream has to guess.
 *
 * Ids: `id` is the resource id exactly as ARM returned it (used when writing back and in reports);
 * `key` is its normalized form (see shared/azure/resourceId.ts: `normalizeResourceId`) used for every
 * comparison, map key and durable instance id, because ARM ids are case-insensitive and events mix
 * `resourcegroups` / `resourceGroups`.
 */

export type Tags = Readonly<Record<string, string>>;

/** A managed cluster, as fedlink needs it. */
export interface Cluster {
  readonly id: string;
  readonly key: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly tags: Tags;
  /** `properties.provisioningState`; undefined when ARM did not return one. */
  readonly provisioningState: string | undefined;
  readonly oidcIssuerEnabled: boolean;
  /** `properties.oidcIssuerProfile.issuerURL` byte for byte; undefined when absent. */
  readonly issuerUrl: string | undefined;
  readonly workloadIdentityEnabled: boolean;
  readonly privateCluster: boolean;
  /** `apiServerAccessProfile.privateDNSZone`: `system`, `none`, a zone id, or undefined. */
  readonly privateDnsZone: string | undefined;
  /** `properties.privateFQDN` (private clusters): the API server's name in its private zone; undefined when absent. */
  readonly privateFqdn: string | undefined;
  readonly nodeResourceGroup: string | undefined;
}

/** A user-assigned managed identity. */
export interface Identity {
  readonly id: string;
  readonly key: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly tags: Tags;
  readonly tenantId: string | undefined;
  readonly clientId: string | undefined;
  readonly principalId: string | undefined;
}

/** A federated identity credential on a user-assigned identity. */
export interface Fic {
  readonly id: string;
  readonly name: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
}

/** The FICs observed on one identity at one moment. */
export interface IdentityFics {
  readonly identityId: string;
  readonly fics: readonly Fic[];
}
