/**
 * The demo estate: one tenant, two subscriptions (platform, apps), three clusters and three
 * identities, bound both ways docs/design.md allows:
 *   - config: `payments` binds id-payments to every `env=prod` cluster for payments/api and payments/worker;
 *   - tags:   id-orders says `fedlink-service-accounts: orders/api`, `fedlink-clusters: env=prod`;
 *             id-ci says `fedlink-service-accounts: tools/runner`, `fedlink-clusters: *`.
 * The existing clusters are already federated (one by a hand-made FIC that fedlink adopts), so the
 * demo's "new cluster" event shows exactly the new FICs, and a re-check shows zero writes.
 */
import { ficName } from '../../shared/federation/names';
import { type Estate } from '../estate';
import {
  aksIssuer,
  armEvent,
  type ArmResource,
  clusterResource,
  type ClusterSpec,
  ficResource,
  identityResource,
  type IdentitySpec,
} from '../builders';

export const DEMO_TENANT = '6b1e4a3c-2f0d-4c57-9a8e-1d2c3b4a5f60';
export const PLATFORM_SUB = '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
export const APPS_SUB = '9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';

const prodEast: ClusterSpec = {
  subscriptionId: APPS_SUB,
  resourceGroup: 'rg-aks-prod',
  name: 'aks-prod-eastus',
  location: 'eastus',
  tenantId: DEMO_TENANT,
  issuerId: '0d6f3c1e-7b2a-4c8d-9e5f-a1b2c3d4e5f6',
  tags: { env: 'prod', team: 'platform' },
};
const devWest: ClusterSpec = {
  subscriptionId: APPS_SUB,
  resourceGroup: 'rg-aks-dev',
  name: 'aks-dev-westeurope',
  location: 'westeurope',
  tenantId: DEMO_TENANT,
  issuerId: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
  tags: { env: 'dev' },
};
const legacy: ClusterSpec = {
  subscriptionId: PLATFORM_SUB,
  resourceGroup: 'rg-legacy',
  name: 'aks-legacy',
  location: 'northeurope',
  tenantId: DEMO_TENANT,
  tags: { env: 'legacy' },
};
/** The cluster the demo's event announces. */
export const newCluster: ClusterSpec = {
  subscriptionId: APPS_SUB,
  resourceGroup: 'rg-aks-prod',
  name: 'aks-prod-westus3',
  location: 'westus3',
  tenantId: DEMO_TENANT,
  issuerId: 'e7c1b2a3-4d5e-4f60-8a9b-0c1d2e3f4a5b',
  tags: { env: 'prod', team: 'platform' },
};

const payments: IdentitySpec = {
  subscriptionId: PLATFORM_SUB,
  resourceGroup: 'rg-identities',
  name: 'id-payments',
  location: 'eastus',
  tenantId: DEMO_TENANT,
  clientId: 'a1b2c3d4-0001-4000-8000-000000000001',
  principalId: 'b1c2d3e4-0001-4000-8000-000000000001',
};
const orders: IdentitySpec = {
  subscriptionId: APPS_SUB,
  resourceGroup: 'rg-orders',
  name: 'id-orders',
  location: 'eastus',
  tenantId: DEMO_TENANT,
  clientId: 'a1b2c3d4-0002-4000-8000-000000000002',
  principalId: 'b1c2d3e4-0002-4000-8000-000000000002',
  tags: { 'fedlink-service-accounts': 'orders/api', 'fedlink-clusters': 'env=prod' },
};
const ci: IdentitySpec = {
  subscriptionId: PLATFORM_SUB,
  resourceGroup: 'rg-identities',
  name: 'id-ci',
  location: 'eastus',
  tenantId: DEMO_TENANT,
  clientId: 'a1b2c3d4-0003-4000-8000-000000000003',
  principalId: 'b1c2d3e4-0003-4000-8000-000000000003',
  tags: { 'fedlink-service-accounts': 'tools/runner', 'fedlink-clusters': '*' },
};

export const demoIds = {
  payments: identityResource(payments).id,
  orders: identityResource(orders).id,
  ci: identityResource(ci).id,
  newCluster: clusterResource(newCluster).id,
};

/** The demo's config, as an object (examples/fedlink.yaml is written from it, for the CLI). */
export const demoConfig = {
  scope: { subscriptions: [PLATFORM_SUB, APPS_SUB], tenants: [DEMO_TENANT] },
  federation: {
    bindings: [
      {
        name: 'payments',
        identity: demoIds.payments,
        clusters: { tags: { env: 'prod' } },
        serviceAccounts: ['payments/api', 'payments/worker'],
      },
    ],
    identityTags: true,
    prune: true,
  },
};

function owned(
  identity: string,
  cluster: ClusterSpec,
  namespace: string,
  serviceAccount: string,
): ArmResource {
  const issuer = aksIssuer(cluster.location, cluster.tenantId, cluster.issuerId ?? '');
  const subject = `system:serviceaccount:${namespace}:${serviceAccount}`;
  return ficResource(
    identity,
    ficName({ clusterName: cluster.name, namespace, serviceAccount, issuer, subject }),
    issuer,
    subject,
  );
}

export function demoEstate(): Estate {
  const east = aksIssuer(prodEast.location, DEMO_TENANT, prodEast.issuerId ?? '');
  const resources: ArmResource[] = [
    clusterResource(prodEast),
    clusterResource(devWest),
    clusterResource(legacy),
    identityResource(payments),
    identityResource(orders),
    identityResource(ci),
    // Made by hand before fedlink existed; same issuer and subject, so it is adopted, never rewritten.
    ficResource(demoIds.payments, 'payments-api-prod-eastus', east, 'system:serviceaccount:payments:api'),
    owned(demoIds.payments, prodEast, 'payments', 'worker'),
    owned(demoIds.orders, prodEast, 'orders', 'api'),
    owned(demoIds.ci, prodEast, 'tools', 'runner'),
    owned(demoIds.ci, devWest, 'tools', 'runner'),
  ];
  return {
    tenants: [
      {
        tenantId: DEMO_TENANT,
        subscriptions: [
          { subscriptionId: PLATFORM_SUB, displayName: 'platform' },
          { subscriptionId: APPS_SUB, displayName: 'apps' },
        ],
      },
    ],
    resources,
  };
}

/** The cluster the demo adds, and the ResourceWriteSuccess event ARM would raise for it. */
export function newClusterArrival(): { resource: ArmResource; event: Record<string, unknown> } {
  const resource = clusterResource(newCluster);
  return {
    resource,
    event: armEvent({
      eventType: 'Microsoft.Resources.ResourceWriteSuccess',
      resourceId: resource.id,
      tenantId: DEMO_TENANT,
      eventId: '4db48cba-50a2-455a-93b4-de41a3b5b7f6',
      eventTime: '2026-11-23T18:38:04.6117357Z',
    }),
  };
}
