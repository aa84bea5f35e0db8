/**
 * Managed cluster: SDK model (or Resource Graph row) → core `Cluster`. The one place that decides
 * what an absent, `null` or `false` field means for a cluster (docs/azure-behaviour.md §2.1).
 */
import { type ManagedCluster } from '@azure/arm-containerservice';
import { type Cluster } from '../../core/model';
import { TYPES } from '../../core/resourceId';
import { asNonEmptyString, asRecord, asString, isTrue, type JsonRecord } from './json';
import { argRowBase, trackedBase } from './resource';

/**
 * Maps the SDK's `ManagedCluster` (@azure/arm-containerservice 25.x flattens REST `properties` onto the
 * model). Decisions:
 * - `issuerUrl`: `oidcIssuerProfile.issuerURL` byte for byte, never trimmed or normalized (a trailing
 *   slash or case difference breaks token exchange, docs/azure-behaviour.md §1.4, §2.2); absent, `null` or `''` →
 *   undefined. It is kept even when `enabled` is false: gates decide what to do with it.
 * - booleans (`oidcIssuerEnabled`, `workloadIdentityEnabled`, `privateCluster`): only JSON `true` is
 *   true; a missing key is false (a real GET omits `issuerURL` and `workloadIdentity` when off, §2.1).
 * - `privateDnsZone`: `system`, `none` or a zone id exactly as returned; undefined when absent.
 * - `privateFqdn`: REST `privateFQDN` (the SDK calls it `privateFqdn`); undefined when absent or ''.
 */
export function clusterFromModel(model: ManagedCluster): Cluster {
  const base = trackedBase(TYPES.managedCluster, model);
  const oidc = asRecord(model.oidcIssuerProfile);
  const security = asRecord(model.securityProfile);
  const apiServer = asRecord(model.apiServerAccessProfile);
  return {
    ...base,
    provisioningState: asNonEmptyString(model.provisioningState),
    oidcIssuerEnabled: isTrue(oidc?.['enabled']),
    issuerUrl: asNonEmptyString(oidc?.['issuerURL']),
    workloadIdentityEnabled: isTrue(asRecord(security?.['workloadIdentity'])?.['enabled']),
    privateCluster: isTrue(apiServer?.['enablePrivateCluster']),
    privateDnsZone: asNonEmptyString(apiServer?.['privateDNSZone']),
    privateFqdn: asNonEmptyString(model.privateFqdn),
    nodeResourceGroup: asNonEmptyString(model.nodeResourceGroup),
  };
}

/**
 * A Resource Graph row (REST casing, `properties` nested) as the SDK model a GET would have produced,
 * so that `clusterFromModel` maps both. Only the fields `clusterFromModel` reads are carried; their
 * REST and SDK names are identical (`issuerURL`, `privateDNSZone` keep their casing in the SDK).
 * Sub-objects are passed through untouched: `clusterFromModel` narrows every value it reads.
 */
export function managedClusterFromArgRow(row: JsonRecord): ManagedCluster {
  const { base, properties } = argRowBase(row);
  return {
    ...base,
    provisioningState: asString(properties['provisioningState']),
    oidcIssuerProfile: asRecord(properties['oidcIssuerProfile']),
    securityProfile: asRecord(properties['securityProfile']),
    apiServerAccessProfile: asRecord(properties['apiServerAccessProfile']),
    nodeResourceGroup: asString(properties['nodeResourceGroup']),
    privateFqdn: asString(properties['privateFQDN']),
  };
}

/** A Resource Graph row mapped exactly as a GET of the same cluster is mapped. */
export function clusterFromArgRow(row: JsonRecord): Cluster {
  return clusterFromModel(managedClusterFromArgRow(row));
}
