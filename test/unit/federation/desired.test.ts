import { resolveBindings } from '../../../shared/federation/bindings';
import { desiredFics } from '../../../shared/federation/desired';
import { aksIssuer, AUD, cluster, config, identity } from './fixtures';

const payments = identity('id-payments');
const orders = identity('id-orders', {
  'fedlink-service-accounts': 'orders/api',
  'fedlink-clusters': 'env=prod',
});
const EAST_UUID = '0d6f3c1e-7b2a-4c8d-9e5f-a1b2c3d4e5f6';
const EAST = aksIssuer(EAST_UUID);

const cfg = config({
  federation: {
    bindings: [
      {
        name: 'payments',
        identity: payments.id,
        clusters: { tags: { env: 'prod' } },
        serviceAccounts: ['payments/api', 'payments/worker'],
      },
      // Overlaps 'payments' on payments/api: one FIC, asked for by both.
      { name: 'payments-api-everywhere', identity: payments.id, serviceAccounts: ['payments/api'] },
    ],
  },
});
const { bindings } = resolveBindings(cfg, [payments, orders]);

describe('desiredFics', () => {
  it('gives one FIC per (identity, issuer, subject), with the exact issuer and the names of every binding asking', () => {
    const prod = cluster('aks-prod-eastus', EAST_UUID);
    const dev = cluster('aks-dev-1', '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d', { tags: { env: 'dev' } });
    const desired = desiredFics(bindings, [dev, prod], AUD);
    const base = {
      clusterId: prod.id,
      clusterKey: prod.key,
      clusterName: 'aks-prod-eastus',
      issuer: EAST,
      audience: AUD,
    };
    const DEV = aksIssuer('5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d');
    expect(desired).toEqual([
      {
        ...base,
        identityId: orders.id,
        identityKey: orders.key,
        subject: 'system:serviceaccount:orders:api',
        name: 'fedlink-aks-prod-eastus-orders-api-7baccd9018ea',
        bindings: ['tags:id-orders'],
      },
      {
        identityId: payments.id,
        identityKey: payments.key,
        clusterId: dev.id,
        clusterKey: dev.key,
        clusterName: 'aks-dev-1',
        issuer: DEV,
        subject: 'system:serviceaccount:payments:api',
        audience: AUD,
        name: 'fedlink-aks-dev-1-payments-api-cac4c20234b1',
        bindings: ['payments-api-everywhere'],
      },
      {
        ...base,
        identityId: payments.id,
        identityKey: payments.key,
        subject: 'system:serviceaccount:payments:api',
        name: 'fedlink-aks-prod-eastus-payments-api-986f550fb43b',
        bindings: ['payments', 'payments-api-everywhere'],
      },
      {
        ...base,
        identityId: payments.id,
        identityKey: payments.key,
        subject: 'system:serviceaccount:payments:worker',
        name: 'fedlink-aks-prod-eastus-payments-worker-4b31e68c0557',
        bindings: ['payments'],
      },
    ]);
  });

  it('never yields a FIC for a cluster whose gate does not proceed, whatever the caller passes', () => {
    const blocked = [
      cluster('aks-updating', '11111111-0000-4000-8000-000000000001', { provisioningState: 'Updating' }),
      cluster('aks-no-oidc', undefined),
      cluster('aks-no-wi', '11111111-0000-4000-8000-000000000002', { workloadIdentityEnabled: false }),
      cluster('aks-http', '11111111-0000-4000-8000-000000000003', {
        issuerUrl: 'http://eastus.oic.prod-aks.azure.com/t/u/',
      }),
    ];
    expect(desiredFics(bindings, blocked, AUD)).toEqual([]);
  });

  it('gives nothing without bindings or clusters', () => {
    expect(desiredFics([], [cluster('aks-prod-eastus', EAST_UUID)], AUD)).toEqual([]);
    expect(desiredFics(bindings, [], AUD)).toEqual([]);
  });
});
