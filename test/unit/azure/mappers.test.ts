/**
 * The mappers' decisions on values the SDK typings promise but the wire does not (null, '', wrong
 * types), on Resource Graph rows. (GET-side mapping through the real SDK: ./armGateway.test.ts.)
 */
import { clusterFromArgRow } from '../../../shared/azure/mappers/cluster';
import { ficFromModel } from '../../../shared/azure/mappers/fic';
import { identityFromArgRow } from '../../../shared/azure/mappers/identity';
import { asTags } from '../../../shared/azure/mappers/json';
import { subscriptionFromModel } from '../../../shared/azure/mappers/subscription';

const SUB = '11111111-2222-3333-4444-555555555555';
const ID = `/subscriptions/${SUB}/resourceGroups/Team-RG/providers/Microsoft.ContainerService/managedClusters/aks1`;

function row(
  properties: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: ID,
    name: 'aks1',
    type: 'microsoft.containerservice/managedclusters',
    location: 'westeurope',
    resourceGroup: 'team-rg',
    subscriptionId: SUB,
    tags: { env: 'prod' },
    properties,
    ...extra,
  };
}

describe('cluster rows', () => {
  it('takes the resource group from the id, with its casing (ARG lower-cases the column)', () => {
    expect(clusterFromArgRow(row({}))).toMatchObject({
      resourceGroup: 'Team-RG',
      subscriptionId: SUB,
      key: ID.toLowerCase(),
      id: ID,
    });
  });

  it.each([
    ['absent profile', {}, undefined, false],
    ['enabled, no issuerURL key', { oidcIssuerProfile: { enabled: true } }, undefined, true],
    ['issuerURL null', { oidcIssuerProfile: { enabled: true, issuerURL: null } }, undefined, true],
    ['issuerURL empty', { oidcIssuerProfile: { enabled: true, issuerURL: '' } }, undefined, true],
    ['issuerURL a number', { oidcIssuerProfile: { enabled: true, issuerURL: 42 } }, undefined, true],
    [
      'enabled "true" (a string)',
      { oidcIssuerProfile: { enabled: 'true', issuerURL: 'https://x/' } },
      'https://x/',
      false,
    ],
    [
      'trailing slash kept',
      { oidcIssuerProfile: { enabled: true, issuerURL: 'https://eastus.oic.prod-aks.azure.com/t/i/' } },
      'https://eastus.oic.prod-aks.azure.com/t/i/',
      true,
    ],
    [
      'no trailing slash kept',
      { oidcIssuerProfile: { enabled: true, issuerURL: 'https://eastus.oic.prod-aks.azure.com/t/i' } },
      'https://eastus.oic.prod-aks.azure.com/t/i',
      true,
    ],
    [
      'whitespace kept, not trimmed',
      { oidcIssuerProfile: { enabled: true, issuerURL: ' https://x/ ' } },
      ' https://x/ ',
      true,
    ],
    [
      'case kept',
      { oidcIssuerProfile: { enabled: true, issuerURL: 'HTTPS://X.Example/A/' } },
      'HTTPS://X.Example/A/',
      true,
    ],
  ])('OIDC issuer: %s', (_name, properties, issuerUrl, enabled) => {
    const cluster = clusterFromArgRow(row(properties));
    expect(cluster.issuerUrl).toBe(issuerUrl);
    expect(cluster.oidcIssuerEnabled).toBe(enabled);
  });

  it.each([
    [
      'no profiles',
      {},
      {
        workloadIdentityEnabled: false,
        privateCluster: false,
        privateDnsZone: undefined,
        provisioningState: undefined,
        nodeResourceGroup: undefined,
      },
    ],
    ['securityProfile {}', { securityProfile: {} }, { workloadIdentityEnabled: false }],
    [
      'workload identity on',
      { securityProfile: { workloadIdentity: { enabled: true } } },
      { workloadIdentityEnabled: true },
    ],
    [
      'private, system zone',
      { apiServerAccessProfile: { enablePrivateCluster: true, privateDNSZone: 'system' } },
      { privateCluster: true, privateDnsZone: 'system' },
    ],
    [
      'private flag null',
      { apiServerAccessProfile: { enablePrivateCluster: null, privateDNSZone: 'none' } },
      { privateCluster: false, privateDnsZone: 'none' },
    ],
    [
      'state and node RG',
      { provisioningState: 'Updating', nodeResourceGroup: 'MC_x' },
      { provisioningState: 'Updating', nodeResourceGroup: 'MC_x' },
    ],
  ])('%s', (_name, properties, expected) => {
    expect(clusterFromArgRow(row(properties))).toMatchObject(expected);
  });

  it('gives {} for absent or null tags and drops non-string tag values', () => {
    expect(clusterFromArgRow(row({}, { tags: null })).tags).toEqual({});
    expect(clusterFromArgRow(row({}, { tags: undefined })).tags).toEqual({});
    expect(asTags({ a: 'x', b: 1, c: null })).toEqual({ a: 'x' });
  });

  it('falls back to the id for a missing name, and to "" for a missing location', () => {
    expect(clusterFromArgRow(row({}, { name: null, location: undefined }))).toMatchObject({
      name: 'aks1',
      location: '',
    });
  });

  it.each([
    ['no id', { id: undefined }],
    ['empty id', { id: '' }],
    ['malformed id', { id: 'aks1' }],
    [
      'an identity id',
      {
        id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/x`,
      },
    ],
    ['an agent pool id', { id: `${ID}/agentPools/pool1` }],
  ])('refuses a row with %s (never skipped: a missing cluster would look deleted)', (_name, extra) => {
    expect(() => clusterFromArgRow(row({}, extra))).toThrow(
      expect.objectContaining({
        name: 'ArmError',
        code: 'InvalidResponse',
        classification: 'terminal',
      }) as Error,
    );
  });
});

describe('identity rows', () => {
  it('reads tenant, client and principal ids from properties', () => {
    const id = `/subscriptions/${SUB}/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/payments`;
    const identity = identityFromArgRow({
      id,
      name: 'payments',
      location: 'eastus',
      tags: { 'fedlink-service-accounts': 'payments/api' },
      properties: { tenantId: 't', clientId: 'c', principalId: '' },
    });
    expect(identity).toEqual({
      id,
      key: id.toLowerCase(),
      name: 'payments',
      subscriptionId: SUB,
      resourceGroup: 'rg',
      location: 'eastus',
      tags: { 'fedlink-service-accounts': 'payments/api' },
      tenantId: 't',
      clientId: 'c',
      principalId: undefined,
    });
  });
});

describe('FIC and subscription models', () => {
  const ficId = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1/federatedIdentityCredentials/fedlink-a`;
  it('keeps issuer and subject byte for byte', () => {
    expect(
      ficFromModel({
        id: ficId,
        name: 'fedlink-a',
        issuer: 'https://I/ ',
        subject: 'system:serviceaccount:Ns:Sa',
        audiences: ['api://AzureADTokenExchange'],
      }),
    ).toEqual({
      id: ficId,
      name: 'fedlink-a',
      issuer: 'https://I/ ',
      subject: 'system:serviceaccount:Ns:Sa',
      audiences: ['api://AzureADTokenExchange'],
    });
  });

  it('refuses a FIC without a FIC id', () => {
    expect(() => ficFromModel({ name: 'x' })).toThrow(
      expect.objectContaining({ code: 'InvalidResponse' }) as Error,
    );
    expect(() => ficFromModel({ id: ID })).toThrow(
      expect.objectContaining({ code: 'InvalidResponse' }) as Error,
    );
  });

  it('needs a subscription id', () => {
    expect(subscriptionFromModel({ subscriptionId: SUB, tenantId: '', displayName: 'x' })).toEqual({
      subscriptionId: SUB,
      tenantId: undefined,
      displayName: 'x',
    });
    expect(() => subscriptionFromModel({})).toThrow(
      expect.objectContaining({ code: 'InvalidResponse' }) as Error,
    );
  });
});
