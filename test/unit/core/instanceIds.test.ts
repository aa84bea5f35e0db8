import { identityLockKey, instanceIdFor } from '../../../shared/core/instanceIds';

const CLUSTER =
  '/subscriptions/9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d/resourceGroups/rg-aks-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod-eastus';

describe('instance ids', () => {
  it('are stable across id casing (duplicate events coalesce) and pinned', () => {
    const variant = CLUSTER.replace('resourceGroups', 'resourcegroups').replace(
      'Microsoft.ContainerService',
      'microsoft.containerservice',
    );
    expect(instanceIdFor('cluster', variant)).toBe(instanceIdFor('cluster', CLUSTER));
    expect(instanceIdFor('cluster', CLUSTER)).toBe('fedlink:cluster:aks-prod-eastus:33d29d7b5b1526b0ba9b');
  });

  it('never contain characters the Azure Storage task hub rejects in keys', () => {
    const id = instanceIdFor(
      'identity',
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/weird#name?x',
    );
    expect(id).not.toMatch(/[/\\#?]/);
    expect(
      identityLockKey(
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/a',
      ),
    ).not.toMatch(/[/\\#?]/);
  });
});
