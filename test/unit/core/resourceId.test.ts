import {
  isResourceId,
  normalizeResourceId,
  parentResourceId,
  parseResourceId,
  ResourceIdError,
  resourceIdProblem,
  sameResource,
  TYPES,
} from '../../../shared/core/resourceId';

const FIC =
  '/subscriptions/c267c0e7-0a73-4789-9e17-d26aeb0904e5/resourcegroups/rgName/providers/Microsoft.ManagedIdentity/userAssignedIdentities/identityName/federatedIdentityCredentials/ficResourceName';

describe('parseResourceId', () => {
  it('parses a child resource id (published FIC example) into its parts', () => {
    const id = parseResourceId(FIC);
    expect(id).toMatchObject({
      subscriptionId: 'c267c0e7-0a73-4789-9e17-d26aeb0904e5',
      resourceGroup: 'rgName',
      provider: 'Microsoft.ManagedIdentity',
      type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
      name: 'ficResourceName',
    });
    expect(id.segments.map((s) => s.name)).toEqual(['identityName', 'ficResourceName']);
  });

  it.each([
    ['', 'must start with /subscriptions/'],
    ['subscriptions/x/resourceGroups/rg', 'must start with /subscriptions/'],
    ['/subscriptions//resourceGroups/rg', 'empty segment'],
    [
      '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters',
      'type/name pairs',
    ],
    [
      '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/a/b/c/d',
      'type/name pairs',
    ],
    [
      '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/ aks',
      'malformed resource name',
    ],
    [
      '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks\n',
      'malformed resource name',
    ],
    [
      '/subscriptions/sub/resourceGroups/rg/providers/notaprovider/managedClusters/aks',
      'malformed provider namespace',
    ],
    ['/subscriptions/sub$/resourceGroups/rg', 'malformed subscription id'],
    ['/subscriptions/' + 'a'.repeat(2100), 'longer than'],
  ])('rejects %j (%s)', (input, reason) => {
    expect(() => parseResourceId(input)).toThrow(ResourceIdError);
    expect(() => parseResourceId(input)).toThrow(reason);
  });
});

describe('dot segments', () => {
  const SUB = '/subscriptions/c267c0e7-0a73-4789-9e17-d26aeb0904e5';
  const uami = (rg: string, name: string) =>
    `${SUB}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;

  it.each([
    [uami('..', 'id'), 'resource group ".." is a "." or ".." path segment'],
    [uami('.', 'id'), 'resource group "." is a "." or ".." path segment'],
    [uami('%2e%2e', 'id'), 'resource group "%2e%2e" is a "." or ".." path segment'],
    [uami('rg', '..'), 'resource name ".." is a "." or ".." path segment'],
    [uami('rg', '%2E'), 'resource name "%2E" is a "." or ".." path segment'],
    [uami('rg', '.%2e'), 'resource name ".%2e" is a "." or ".." path segment'],
    [
      `${uami('rg', 'id')}/federatedIdentityCredentials/..`,
      'resource name ".." is a "." or ".." path segment',
    ],
    [`${SUB}/resourceGroups/..`, 'resource group ".." is a "." or ".." path segment'],
  ])('refuses %j: a URL parser would resolve it to another path', (input, reason) => {
    // What the SDK's URL handling would do with it: the request would go elsewhere.
    expect(new URL(`https://management.azure.com${input}`).pathname).not.toBe(input);
    expect(() => parseResourceId(input)).toThrow(
      `not an ARM resource id (${reason}): ${JSON.stringify(input)}`,
    );
    expect(isResourceId(input)).toBe(false);
  });

  it('resourceIdProblem says why in a few words', () => {
    expect(resourceIdProblem(uami('..', 'id'), TYPES.userAssignedIdentity)).toBe(
      'resource group ".." is a "." or ".." path segment',
    );
    expect(resourceIdProblem(uami('rg', 'id'), TYPES.managedCluster)).toBe(
      'an id of type Microsoft.ManagedIdentity/userAssignedIdentities',
    );
    expect(resourceIdProblem(`${SUB}/resourceGroups/rg`, TYPES.managedCluster)).toBe(
      'an id of type resource group',
    );
    expect(resourceIdProblem(42)).toBe('not a string');
    expect(resourceIdProblem(uami('rg', 'id'), TYPES.userAssignedIdentity)).toBeUndefined();
  });

  it('accepts names that merely contain dots', () => {
    for (const name of ['...', 'a..b', '.hidden', 'v1.2', '%2e%2e%2e']) {
      expect(parseResourceId(uami('rg.prod', name)).name).toBe(name);
    }
  });
});

describe('normalization', () => {
  it('treats resourcegroups / resourceGroups and provider casing as the same resource', () => {
    const a = '/subscriptions/S/resourcegroups/RG/providers/microsoft.containerservice/managedclusters/AKS';
    const b = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks/';
    expect(normalizeResourceId(a)).toBe(normalizeResourceId(b));
    expect(sameResource(a, b)).toBe(true);
  });

  it('checks the type case-insensitively and finds the parent', () => {
    expect(
      isResourceId(FIC, 'microsoft.managedidentity/userassignedidentities/federatedidentitycredentials'),
    ).toBe(true);
    expect(isResourceId(FIC, 'Microsoft.ManagedIdentity/userAssignedIdentities')).toBe(false);
    expect(parentResourceId(FIC)).toBe(FIC.split('/federatedIdentityCredentials/')[0]);
  });
});
