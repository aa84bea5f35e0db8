/**
 * Hostile run requests for POST /api/runs (issue #12 item 3), as data: ids that traverse, are encoded, name
 * the wrong provider or type for the route, are empty-segmented or oversized, and scopes of the wrong
 * shape; each with what the 400 must say.
 */
import { cluster, identity, SUB } from '../../helpers/scenario';
import { type HostileCase } from '../harness';

export const payments = identity('id-payments');
export const aks = cluster('aks-http', '5e5e5e5e-6666-4777-8888-999999999999');

function idVariants(good: string, what: string): [string, string][] {
  return [
    [`${what}: dot-dot segment`, good.replace('/providers/', '/../providers/')],
    [`${what}: dot-dot resource group`, good.replace(/\/resourceGroups\/[^/]+\//, '/resourceGroups/../')],
    [
      `${what}: percent-encoded dot-dot`,
      good.replace(/\/resourceGroups\/[^/]+\//, '/resourceGroups/%2e%2e/'),
    ],
    [
      `${what}: double-encoded dot-dot`,
      good.replace(/\/resourceGroups\/[^/]+\//, '/resourceGroups/%252e%252e/'),
    ],
    [`${what}: encoded slash in the name`, `${good}%2f..%2f..`],
    [
      `${what}: wrong provider`,
      good.replace(/Microsoft\.(ContainerService|ManagedIdentity)/, 'Microsoft.Storage'),
    ],
    [`${what}: a child resource`, `${good}/federatedIdentityCredentials/x`],
    [`${what}: empty segment`, good.replace('/resourceGroups/', '//resourceGroups/')],
    [`${what}: trailing slash`, `${good}/`],
    [`${what}: leading space`, ` ${good}`],
    [`${what}: a query string`, `${good}?api-version=1`],
    [`${what}: a URL`, `https://management.azure.com${good}`],
    [`${what}: 3,000 characters`, good.replace(/[^/]+$/, 'n'.repeat(3000))],
    [`${what}: subscription not a GUID`, good.replace(SUB, '*')],
  ];
}

export function httpCases(): HostileCase<unknown>[] {
  const out: HostileCase<unknown>[] = [];
  for (const [name, id] of idVariants(aks.id, 'clusterId'))
    out.push({
      category: 'malformed and traversal resource ids',
      name,
      input: { scope: { clusterId: id }, mode: 'apply' },
      says: /clusterId: expected a managed cluster resource id/,
    });
  for (const [name, id] of idVariants(payments.id, 'identityId'))
    out.push({
      category: 'malformed and traversal resource ids',
      name,
      input: { scope: { identityId: id }, mode: 'apply' },
      says: /identityId: expected a user-assigned identity resource id/,
    });
  const wrongRoute: [string, unknown][] = [
    ['an identity id as clusterId', { scope: { clusterId: payments.id } }],
    ['a cluster id as identityId', { scope: { identityId: aks.id } }],
    [
      'a private endpoint id as clusterId',
      {
        scope: {
          clusterId: aks.id.replace(
            'Microsoft.ContainerService/managedClusters',
            'Microsoft.Network/privateEndpoints',
          ),
        },
      },
    ],
    ['subscription id with a wildcard', { scope: { subscriptionId: '*' } }],
    ['subscription id with a traversal', { scope: { subscriptionId: `${SUB}/../x` } }],
    ['subscription id in braces', { scope: { subscriptionId: `{${SUB}}` } }],
    ['all: "true" as a string', { scope: { all: 'true' } }],
    ['two scopes at once', { scope: { clusterId: aks.id, identityId: payments.id } }],
    ['an unknown scope key', { scope: { resourceId: aks.id } }],
    ['an unknown mode', { scope: { all: true }, mode: 'force' }],
  ];
  for (const [name, input] of wrongRoute)
    out.push({ category: 'wrong type for the route', name, input, says: /invalid run request/ });
  return out;
}
