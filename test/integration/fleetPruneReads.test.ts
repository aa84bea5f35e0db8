/**
 * Prune in a fleet check of several batches reads ARM's cluster lists once per check, not once per batch
 * (docs/targets.md performance 1; shared/federation/observe.ts `confirmPrune`, shared/reconcile/sharedReads.ts),
 * and still deletes only what a direct ARM read shows gone (docs/azure-behaviour.md §9.5): FICs of a cluster
 * deleted long ago (no Resource Graph row) go; FICs of a cluster created seconds ago (not indexed yet, but
 * in ARM's list) stay. Measured on the emulator's recorded operations.
 */
import { BENCH_TENANT, generateFleet, subscriptionOf } from '../../bench/fleet';
import { clusterResource, ficResource } from '../../sandbox/builders';
import { createSandbox, type Sandbox } from '../../sandbox/runtime';
import { silentLogger } from '../../shared/core/log';
import { ficName } from '../../shared/federation/names';
import { completedDriftCheck } from '../helpers/driftCheck';
import { keptWorkStore } from '../helpers/workStore';
import { issuerOf } from '../helpers/scenario';

jest.setTimeout(180_000);

const SUBSCRIPTIONS = 4;
const IDENTITIES = 300;

const check = completedDriftCheck;

type Op = { readonly method: string; readonly path: string; readonly status: number };
const lower = (op: Op) => op.path.toLowerCase();
/** GET /subscriptions/{s}/providers/Microsoft.ContainerService/managedClusters: ARM's cluster list. */
const isClusterList = (op: Op) =>
  op.method === 'GET' && lower(op).endsWith('/providers/microsoft.containerservice/managedclusters');
const isClusterGet = (op: Op) => op.method === 'GET' && lower(op).includes('/managedclusters/');
const isGraphQuery = (op: Op) =>
  op.method === 'POST' && lower(op).includes('/providers/microsoft.resourcegraph/');
const ficOf = (op: Op) => (lower(op).includes('/federatedidentitycredentials/') ? lower(op) : undefined);

describe('prune in a fleet check of several batches', () => {
  let sandbox: Sandbox | undefined;
  afterAll(() => sandbox?.close());

  it('lists the clusters of each subscription once, deletes exactly the stale FICs and keeps those of a cluster Resource Graph has not indexed yet', async () => {
    const fleet = generateFleet({
      clusters: 20,
      identities: IDENTITIES,
      subscriptions: SUBSCRIPTIONS,
      drift: 0.1,
      seed: 3,
    });
    const identities = fleet.estate.resources.filter((r) =>
      r.type.toLowerCase().endsWith('/userassignedidentities'),
    );
    expect(identities).toHaveLength(IDENTITIES);
    // A cluster created five seconds ago: in ARM, not yet in Resource Graph (which lags two minutes). No
    // binding selects it (env=dev), and identities spread over every batch hold FICs fedlink wrote for it
    // (its create event ran): prune must find it through ARM's list and keep them.
    const fresh = clusterResource({
      subscriptionId: subscriptionOf(1),
      resourceGroup: 'rg-aks-fresh',
      name: 'aks-fresh',
      location: 'eastus',
      tenantId: BENCH_TENANT,
      tags: { env: 'dev', team: 't0' },
      issuerId: 'f4e50000-0000-4000-8000-000000000001',
    });
    const holders = [0, 99, 100, 150, 299].map((i) => identities[i]!);
    const subject = 'system:serviceaccount:fresh:api';
    const freshFics = holders.map((h) =>
      ficResource(
        h.id,
        ficName({
          clusterName: 'aks-fresh',
          namespace: 'fresh',
          serviceAccount: 'api',
          issuer: issuerOf(fresh),
          subject,
        }),
        issuerOf(fresh),
        subject,
      ),
    );
    // The stale FICs the generator made: their issuer is one of its deleted clusters' (`aks-gone-<k>`).
    const stale = fleet.estate.resources.filter(
      (r) => r.type.toLowerCase().endsWith('/federatedidentitycredentials') && r.name.includes('aks-gone-'),
    );
    expect(stale.length).toBe(fleet.expected.ficDeletes);
    expect(stale.length).toBeGreaterThan(100);

    sandbox = await createSandbox({
      estate: {
        ...fleet.estate,
        resources: [...fleet.estate.resources, fresh, ...freshFics],
        resourceGraph: { lagSeconds: 120, recent: [{ id: fresh.id, secondsAgo: 5, before: null }] },
      },
      config: fleet.config,
      log: silentLogger,
      work: keptWorkStore(),
    });
    const ops = sandbox.emulator.operations;

    const first = await check(sandbox, 'fedlink:drift:prune-reads');
    expect(first.findings.filter((f) => f.status === 'fail')).toEqual([]);
    const applied = ops.slice();
    // Several batches (chunks of 100 identities), most of them holding stale FICs, yet one ARM list per
    // subscription for the whole check.
    const lists = applied.filter(isClusterList);
    expect(lists.map((o) => lower(o).split('/')[2]).sort()).toEqual(
      Array.from({ length: SUBSCRIPTIONS }, (_, i) => subscriptionOf(i).toLowerCase()).sort(),
    );
    // No cluster GET (no claimant in Resource Graph's view) and no Resource Graph query per batch: the
    // batches use the scope phase's view, so the check queries exactly as often as the converged re-check.
    expect(applied.filter(isClusterGet)).toEqual([]);

    // Exactly the stale FICs deleted; the fresh cluster's stay.
    const deleted = applied.filter((o) => o.method === 'DELETE').map(ficOf);
    expect(deleted.sort()).toEqual(stale.map((f) => f.id.toLowerCase()).sort());
    const left = new Set(sandbox.emulator.state().resources.map((r) => r.id.toLowerCase()));
    for (const f of freshFics) expect(left.has(f.id.toLowerCase())).toBe(true);
    for (const f of stale) expect(left.has(f.id.toLowerCase())).toBe(false);

    const again = await check(sandbox, 'fedlink:drift:prune-reads-again');
    expect(again.status).toBe('converged');
    const rechecked = ops.slice(applied.length);
    expect(rechecked.filter((o) => o.method !== 'GET' && !isGraphQuery(o))).toEqual([]);
    expect(applied.filter(isGraphQuery).length).toBe(rechecked.filter(isGraphQuery).length);
    // The fresh cluster's FICs are owned and not desired, so the re-check judges them again (by ARM's
    // list, or by a GET once Resource Graph has indexed the cluster): still kept, and never a list per batch.
    expect(rechecked.filter(isClusterList).length).toBeLessThanOrEqual(SUBSCRIPTIONS);
    const still = new Set(sandbox.emulator.state().resources.map((r) => r.id.toLowerCase()));
    for (const f of freshFics) expect(still.has(f.id.toLowerCase())).toBe(true);
  });
});
