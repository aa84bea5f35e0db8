/** The check ids federation emits, in one place so report consumers and tests can name them. */
export const CHECKS = {
  /** A desired FIC exists with the exact issuer, subject and audience. */
  ficPresent: 'federation.fic-present',
  /** A FIC's issuer/subject differs from the cluster's only by a trailing slash, whitespace or case. */
  issuerExact: 'federation.issuer-exact',
  /** A bound cluster has the OIDC issuer and workload identity enabled. */
  clusterOidc: 'federation.cluster-oidc',
  /** A bound cluster is mid-operation or in a failed state. */
  clusterState: 'federation.cluster-state',
  /** A bound cluster's issuer URL fails the shape check; fedlink will not write it. */
  issuerShape: 'federation.issuer-shape',
  /** A bound cluster's issuer is on an unexpected host, or names another tenant. */
  issuerHost: 'federation.issuer-host',
  /** An identity's FIC count against Azure's limit of 20. */
  identityCapacity: 'federation.identity-capacity',
  /** An existing FIC blocks a desired one and fedlink may not change it. */
  ficConflict: 'federation.fic-conflict',
  /** An owned FIC trusts a live cluster, but no binding asks for it any more. */
  ficUnbound: 'federation.fic-unbound',
  /** An owned FIC trusts an issuer no live cluster has, and prune is off. */
  ficStale: 'federation.fic-stale',
  /** Prune would delete an owned FIC, but no direct ARM read confirmed its cluster is gone: kept. */
  pruneUnconfirmed: 'federation.prune-unconfirmed',
  /** A FIC was not written: a GET of its cluster contradicts the (lagging) Resource Graph row it came from. */
  issuerStale: 'federation.issuer-stale',
  /** A config binding names an identity that was not found. */
  bindingIdentity: 'federation.binding-identity',
  /** An identity's fedlink tags do not parse. */
  identityTags: 'federation.identity-tags',
} as const;
