/**
 * The buckets a request claims on the wire (shared/azure/paced.ts `pacingClaims`) are the ones ARM and
 * the resource providers charge it against (docs/azure-behaviour.md §6.3, §1.5, §5.4; the emulator's
 * pipeline.ts `armClaim`, providers/msiCommon.ts, providers/privateDns.ts).
 */
import { PACING, pacingClaims } from '../../../shared/azure/paced';

const ARM = 'https://management.azure.com';
const SUB = '/subscriptions/1F2E3D4C-0000-4000-8000-000000000001';
const sub = '1f2e3d4c-0000-4000-8000-000000000001';
const ID = `${SUB}/resourceGroups/RG-Id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-Pay`;
const id = ID.toLowerCase().slice(1);
const ZONE = `${SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.westeurope.azmk8s.io`;
const zone = ZONE.toLowerCase().slice(1);
const V = '?api-version=2023-01-31';

function keys(method: string, path: string): string[] {
  return pacingClaims(method, `${ARM}${path}`).map((c) => c.key);
}

describe('pacingClaims', () => {
  it('FIC list: a subscription read and the tenant FIC list bucket', () => {
    expect(keys('GET', `${ID}/federatedIdentityCredentials${V}`)).toEqual([
      `arm-read:${sub}`,
      'msi-list:tenant',
    ]);
    expect(keys('GET', `${ID}/federatedIdentityCredentials${V}&$skiptoken=abc`)).toEqual([
      `arm-read:${sub}`,
      'msi-list:tenant',
    ]);
  });

  it('FIC PUT and DELETE: ARM write/delete per subscription, then tenant, subscription and identity', () => {
    expect(keys('PUT', `${ID}/federatedIdentityCredentials/fedlink-a${V}`)).toEqual([
      `arm-write:${sub}`,
      'msi-write:tenant',
      `msi-write:sub:${sub}`,
      `msi-write:id:${id}`,
    ]);
    expect(keys('DELETE', `${ID}/federatedIdentityCredentials/fedlink-a${V}`)).toEqual([
      `arm-delete:${sub}`,
      'msi-delete:tenant',
      `msi-delete:sub:${sub}`,
      `msi-delete:id:${id}`,
    ]);
  });

  it('identity and FIC GET: the tenant get bucket; identity list: the tenant list bucket', () => {
    expect(keys('GET', `${ID}${V}`)).toEqual([`arm-read:${sub}`, 'msi-get:tenant']);
    expect(keys('GET', `${ID}/federatedIdentityCredentials/x${V}`)).toEqual([
      `arm-read:${sub}`,
      'msi-get:tenant',
    ]);
    expect(keys('GET', `${SUB}/providers/Microsoft.ManagedIdentity/userAssignedIdentities${V}`)).toEqual([
      `arm-read:${sub}`,
      'msi-list:tenant',
    ]);
  });

  it('Resource Graph: a tenant read and the query window; GET /subscriptions: a tenant read', () => {
    const graph = pacingClaims(
      'POST',
      `${ARM}/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01`,
    );
    expect(graph.map((c) => c.key)).toEqual(['arm-read:tenant', 'arg']);
    expect(graph[1]!.rate).toBe(PACING.resourceGraphQueries);
    expect(keys('GET', `/subscriptions?api-version=2022-12-01`)).toEqual(['arm-read:tenant']);
  });

  it('private DNS links: per zone reads and writes; LRO polls and other resources: ARM only', () => {
    expect(keys('GET', `${ZONE}/virtualNetworkLinks${V}`)).toEqual([
      `arm-read:${sub}`,
      `dns-link-read:${zone}`,
    ]);
    expect(keys('PUT', `${ZONE}/virtualNetworkLinks/fedlink-hub${V}`)).toEqual([
      `arm-write:${sub}`,
      `dns-link-write:${zone}`,
    ]);
    expect(keys('GET', `${ZONE}/A/x${V}`)).toEqual([`arm-read:${sub}`]);
    expect(keys('GET', `${SUB}/providers/Microsoft.Network/privateDnsOperationStatuses/op1${V}`)).toEqual([
      `arm-read:${sub}`,
    ]);
    expect(keys('GET', `${SUB}/providers/Microsoft.ContainerService/managedClusters${V}`)).toEqual([
      `arm-read:${sub}`,
    ]);
  });

  it('the rates are the table entries', () => {
    const rates = pacingClaims('PUT', `${ARM}${ID}/federatedIdentityCredentials/f${V}`).map((c) => c.rate);
    expect(rates).toEqual([
      PACING.subscriptionWrites,
      PACING.msiWritesPerTenant,
      PACING.msiWritesPerSubscription,
      PACING.msiWritesPerIdentity,
    ]);
  });
});
