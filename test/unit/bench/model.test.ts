/**
 * The benchmark's fleet generator and its limits arithmetic (bench/fleet.ts, bench/model.ts): the fleet is
 * what it says (valid estate, exact counts), drift is seeded and counted, and the floor, the reads bound and
 * the peer models follow docs/targets.md from shared/azure/limits.ts.
 */
import { generateFleet } from '../../../bench/fleet';
import {
  asoModel,
  bucketSeconds,
  fedlinkFloor,
  readsBound,
  terraformModel,
  windowSeconds,
} from '../../../bench/model';
import { AZURE_SERVICE_LIMITS } from '../../../shared/azure/limits';
import { parseEstate } from '../../../sandbox/estate';

const FIC_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials';
const ofType = (fleet: ReturnType<typeof generateFleet>, type: string) =>
  fleet.estate.resources.filter((r) => r.type === type);

describe('limits arithmetic', () => {
  it('a bucket that starts full: (n − burst) / rate; docs/targets.md: 5,000 FIC lists at 15/s', () => {
    expect(bucketSeconds(5000, AZURE_SERVICE_LIMITS.msi.listsPerTenant)).toBeCloseTo(332.33, 2);
    expect(bucketSeconds(15, AZURE_SERVICE_LIMITS.msi.listsPerTenant)).toBe(0);
    expect(bucketSeconds(3, AZURE_SERVICE_LIMITS.msi.writesPerIdentity)).toBe(8);
  });

  it('Resource Graph: 15 queries per 5 s window', () => {
    expect(windowSeconds(0, AZURE_SERVICE_LIMITS.resourceGraph)).toBe(0);
    expect(windowSeconds(15, AZURE_SERVICE_LIMITS.resourceGraph)).toBe(0);
    expect(windowSeconds(16, AZURE_SERVICE_LIMITS.resourceGraph)).toBe(5);
    expect(windowSeconds(31, AZURE_SERVICE_LIMITS.resourceGraph)).toBe(10);
  });
});

describe('generateFleet', () => {
  const fleet = generateFleet({ clusters: 10, identities: 50, subscriptions: 5 });

  it('is a valid estate with the asked-for clusters, identities and subscriptions', () => {
    expect(() => parseEstate(fleet.estate, 'bench')).not.toThrow();
    expect(fleet.estate.tenants[0]!.subscriptions).toHaveLength(5);
    expect(ofType(fleet, 'Microsoft.ContainerService/managedClusters')).toHaveLength(10);
    expect(ofType(fleet, 'Microsoft.ManagedIdentity/userAssignedIdentities')).toHaveLength(50);
    expect(ofType(fleet, 'Microsoft.Network/privateDnsZones')).toHaveLength(fleet.counts.zones);
    expect(ofType(fleet, 'Microsoft.Network/privateEndpoints')).toHaveLength(1);
  });

  it('binds every identity to the 5 prod clusters of its team, 10 by config and the rest by tags', () => {
    expect(fleet.counts.desiredFics).toBe(250);
    expect(fleet.config.federation.bindings).toHaveLength(10);
    const tagged = ofType(fleet, 'Microsoft.ManagedIdentity/userAssignedIdentities').filter(
      (r) => (r.tags as Record<string, string>)['fedlink-service-accounts'] !== undefined,
    );
    expect(tagged).toHaveLength(40);
    expect(fleet.counts).toMatchObject({ privateClusters: 2, zones: 3, privateEndpoints: 1 });
  });

  it('counts its drift: present FICs are the desired ones kept plus the stale ones', () => {
    const e = fleet.expected;
    const missing = Math.round(fleet.counts.desiredFics - (fleet.counts.existingFics - e.ficDeletes));
    expect(ofType(fleet, FIC_TYPE)).toHaveLength(fleet.counts.existingFics);
    expect(e.ficWrites).toBeGreaterThanOrEqual(missing);
    expect(e.ficWrites).toBeGreaterThan(0);
    expect([...e.ficWritesPerIdentity.values()].reduce((a, b) => a + b, 0)).toBe(e.ficWrites);
  });

  it('stale FICs come from a few deleted clusters, one FIC on every identity of the deleted cluster’s team', () => {
    const big = generateFleet({ clusters: 200, identities: 1000, subscriptions: 20 });
    const stale = ofType(big, FIC_TYPE).filter((r) => /fedlink-aks-gone-/.test(r.name));
    const issuers = new Set(stale.map((r) => (r.properties as { issuer: string }).issuer));
    expect(issuers.size).toBe(1); // 200 × 0.1 / 20 = 1 deleted cluster
    expect(stale).toHaveLength(big.expected.ficDeletes);
    expect(big.expected.ficDeletes).toBe(50); // its team's 1,000 / 20 identities
    expect(
      ofType(big, 'Microsoft.ContainerService/managedClusters').some((r) => /aks-gone/.test(r.name)),
    ).toBe(false);
  });

  it('private link: every other vault has a pending connection, approved when the rule allows its requester', () => {
    const big = generateFleet({ clusters: 200, identities: 1000, subscriptions: 20 });
    const pending = ofType(big, 'Microsoft.KeyVault/vaults/privateEndpointConnections');
    expect(pending).toHaveLength(10);
    expect(big.counts.privateLinkTargets).toBe(10);
    // Requesters of vault 2k sit in subscription k + 1: the even ones (2, 4, …, 10) are allowed.
    expect(big.expected.connectionWrites).toBe(5);
  });

  it('with drift 0 the fleet is converged: nothing to write', () => {
    const clean = generateFleet({ clusters: 10, identities: 50, subscriptions: 5, drift: 0 });
    expect(clean.expected).toMatchObject({
      ficWrites: 0,
      ficDeletes: 0,
      linkWrites: 0,
      zoneGroupWrites: 0,
      connectionWrites: 0,
    });
    expect(clean.counts.existingFics).toBe(250);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const again = generateFleet({ clusters: 10, identities: 50, subscriptions: 5 });
    expect(JSON.stringify(again.estate)).toBe(JSON.stringify(fleet.estate));
    const other = generateFleet({ clusters: 10, identities: 50, subscriptions: 5, seed: 2 });
    expect(JSON.stringify(other.estate)).not.toBe(JSON.stringify(fleet.estate));
  });

  it('refuses sizes below 1 and drift outside 0..1', () => {
    expect(() => generateFleet({ clusters: 0, identities: 1, subscriptions: 1 })).toThrow(/clusters/);
    expect(() => generateFleet({ clusters: 1, identities: 1, subscriptions: 1, drift: 2 })).toThrow(/drift/);
  });
});

describe('the reference fleet (1,000 × 5,000 × 50)', () => {
  const ref = generateFleet({ clusters: 1000, identities: 5000, subscriptions: 50, drift: 0 });

  it('reads bound: ceil(N/1000) + ceil(M/1000) + M + Z + P', () => {
    expect(ref.counts).toMatchObject({
      privateClusters: 200,
      zones: 201,
      privateEndpoints: 100,
      // Converged (drift 0): the allowed requests were approved before; the 25 others stay pending.
      privateLinkTargets: 25,
    });
    expect(readsBound(ref)).toBe(1 + 5 + 5000 + 201 + 25);
  });

  it('floor of a converged check: the 5,000 FIC lists at 15/s per tenant', () => {
    const floor = fedlinkFloor(ref);
    expect(floor.seconds).toBeCloseTo(332.33, 2);
    expect(floor.boundBy).toMatch(/^msi\.listsPerTenant/);
  });

  it('ASO (modelled): 25,000 PUTs per sync, at least 2,499 s under 10 writes/s per tenant', () => {
    const aso = asoModel(ref);
    expect(ref.counts.desiredFics).toBe(25_000);
    expect(aso).toMatchObject({ modelled: true, armWrites: 25_000, armReads: 0, floorSeconds: 2499 });
  });

  it('Terraform (modelled): one GET per managed resource, identities and FICs at 30 GETs/s per tenant', () => {
    const tf = terraformModel(ref);
    expect(tf.armReads).toBe(1000 + 5000 + 25_000 + 201 + 200 + 2 * 100 + 1);
    expect(tf.armWrites).toBe(0);
    expect(tf.floorSeconds).toBe(999);
    expect(tf.boundBy).toMatch(/^msi\.getsPerTenant/);
  });
});
