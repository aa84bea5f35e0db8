import { BLOCK_RETRY_AFTER_SECONDS, clusterGate } from '../../../shared/federation/gates';
import { cluster } from './fixtures';

const UUID = '11111111-2222-4333-8444-555555555555';

describe('clusterGate by provisioning state', () => {
  it.each([
    'Creating',
    'Updating',
    'Upgrading',
    'Scaling',
    'Deleting',
    'Migrating',
    'Starting',
    'Stopping',
    'Canceling',
    'SomethingNew',
  ])('%s → block, retry after 60 s', (state) => {
    expect(clusterGate(cluster('aks-prod-1', UUID, { provisioningState: state }))).toEqual({
      kind: 'block',
      reason: `cluster aks-prod-1 is ${state}; waiting for the operation to finish`,
      retryAfterSeconds: BLOCK_RETRY_AFTER_SECONDS,
    });
  });

  it.each([
    ['Succeeded', { kind: 'proceed' }],
    ['succeeded', { kind: 'proceed' }],
    [
      'Failed',
      {
        kind: 'proceed',
        note: 'cluster aks-prod-1 is in provisioning state Failed; its issuer is still federated',
      },
    ],
    [
      'Canceled',
      {
        kind: 'proceed',
        note: 'cluster aks-prod-1 is in provisioning state Canceled; its issuer is still federated',
      },
    ],
    [undefined, { kind: 'proceed', note: 'cluster aks-prod-1 reports no provisioning state' }],
  ])('%s → %j', (state, gate) => {
    expect(clusterGate(cluster('aks-prod-1', UUID, { provisioningState: state }))).toEqual(gate);
  });

  it('blocks an update in flight even when the OIDC issuer is still off (the update may be enabling it)', () => {
    expect(clusterGate(cluster('aks-prod-1', undefined, { provisioningState: 'Updating' })).kind).toBe(
      'block',
    );
  });
});

describe('clusterGate skips', () => {
  it.each([
    [
      'OIDC issuer disabled',
      cluster('aks-prod-1', undefined),
      'oidc-disabled',
      'cluster aks-prod-1 has the OIDC issuer disabled',
    ],
    [
      'enabled but no issuerURL yet',
      cluster('aks-prod-1', undefined, { oidcIssuerEnabled: true }),
      'no-issuer',
      'cluster aks-prod-1 reports no OIDC issuer URL',
    ],
    [
      'an issuer URL left behind with the issuer disabled',
      cluster('aks-prod-1', UUID, { oidcIssuerEnabled: false }),
      'oidc-disabled',
      'cluster aks-prod-1 has the OIDC issuer disabled',
    ],
    [
      'workload identity disabled',
      cluster('aks-prod-1', UUID, { workloadIdentityEnabled: false }),
      'workload-identity-disabled',
      'cluster aks-prod-1 has workload identity disabled',
    ],
    [
      'an http:// issuer',
      cluster('aks-prod-1', UUID, { issuerUrl: `http://eastus.oic.prod-aks.azure.com/t/${UUID}/` }),
      'issuer-shape',
      'cluster aks-prod-1: issuer is not an https:// URL; fedlink will not trust it',
    ],
    [
      'an issuer with a trailing space',
      cluster('aks-prod-1', UUID, { issuerUrl: `https://eastus.oic.prod-aks.azure.com/t/${UUID}/ ` }),
      'issuer-shape',
      'cluster aks-prod-1: issuer contains whitespace or control characters; fedlink will not trust it',
    ],
    [
      'a look-alike issuer host',
      cluster('aks-prod-1', UUID, {
        issuerUrl: `https://eastus.oic.prod-aks.azure.com.evil.example/t/${UUID}/`,
      }),
      'issuer-shape',
      'cluster aks-prod-1: issuer host "eastus.oic.prod-aks.azure.com.evil.example" imitates the AKS issuer host *.oic.prod-aks.azure.com; fedlink will not trust it',
    ],
  ])('%s', (_what, c, cause, reason) => {
    expect(clusterGate(c)).toEqual({ kind: 'skip', cause, reason });
  });

  it('checks the issuer before workload identity, so a bad issuer is always named', () => {
    const c = cluster('aks-prod-1', UUID, {
      issuerUrl: 'https://10.0.0.1/x/',
      workloadIdentityEnabled: false,
    });
    expect(clusterGate(c)).toMatchObject({ kind: 'skip', cause: 'issuer-shape' });
  });
});
