/**
 * Smoke test of the benchmark (bench/README.md) at 10 clusters × 50 identities × 5 subscriptions, through
 * the compiled child process as `npm run bench` runs it: every docs/design.md "Bench" field is reported,
 * the apply check makes exactly the writes the generated drift calls for, the converged re-check writes
 * nothing (docs/targets.md performance 2), and the peers are modelled on the same fleet.
 *
 * Reads by kind, from the emulator's request log (docs/targets.md performance 1): the converged re-check
 * reads exactly the bound's terms (Resource Graph pages, one FIC list per identity, one read per zone and
 * per private-link target with a pending connection) plus what it says beside them; the apply check adds
 * only the prune confirmation and the drifted objects' own reads, never a GET per cluster.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseArgs, runBench } from '../../bench/main';
import { DEFAULT_INSTANCE_MEMORY_MB, heapLimitMbFor } from '../../sandbox/workerInstance';
import { autoScale, type BenchResult } from '../../bench/measure';

const DIST = resolve(__dirname, '../../dist/bench');
const FIELDS = [
  'armReads',
  'armWrites',
  'armDeletes',
  'readsBound',
  'recheckWrites',
  'virtualSeconds',
  'floorSeconds',
  'cpuSeconds',
  'peakRssMb',
  'maxHistoryEvents',
  'throttled429',
  'maxHistoryBytes',
  'reportBytes',
  'heapLimitMb',
] as const;

let result: BenchResult;
let stderr = '';

beforeAll(async () => {
  result = await runBench({
    clusters: 10,
    identities: 50,
    subscriptions: 5,
    // Faster than the default (autoScale: 1 for a floor this small), as the tests' own sandboxes run.
    scale: 5,
    childScript: resolve(DIST, 'child.js'),
    stderr: (c) => (stderr += c),
  });
}, 180_000);

it('reports every Bench field as a number', () => {
  expect(stderr).toBe('');
  for (const field of FIELDS) {
    expect(typeof result[field]).toBe('number');
    expect(Number.isFinite(result[field])).toBe(true);
  }
  expect(result.cpuSeconds).toBeGreaterThan(0);
  expect(result.peakRssMb).toBeGreaterThanOrEqual(result.baselineRssMb);
  expect(result.maxHistoryEvents).toBeGreaterThan(0);
  expect(result.reportBytes).toBeGreaterThan(0);
});

it('the apply check repairs exactly the drift the fleet was generated with, and fails nothing', () => {
  const e = result.expected;
  expect(result.first.status).toBe('Completed');
  expect(result.first.findings.fail).toBe(0);
  expect(result.first.committedWrites).toBe(
    e.ficWrites + e.linkWrites + e.zoneGroupWrites + e.connectionWrites,
  );
  expect(result.first.committedDeletes).toBe(e.ficDeletes);
  expect(result.first.counts.delete).toBe(e.ficDeletes);
});

it('the converged re-check writes nothing', () => {
  expect(result.recheck.status).toBe('Completed');
  expect(result.recheckWrites).toBe(0);
  expect(result.recheck.findings.fail).toBe(0);
});

it('reads are reported next to the bound ceil(N/1000) + ceil(M/1000) + M + Z + P', () => {
  // 10 clusters, 50 identities; Z = 2 private cluster zones + the central Key Vault zone; P = kv-0's
  // pending connection (its requester's subscription is not allowed: it stays pending).
  expect(result.fleet).toMatchObject({ zones: 3, privateLinkTargets: 1 });
  expect(result.readsBound).toBe(1 + 1 + 50 + 3 + 1);
});

const withoutThrottled = (byKind: Readonly<Record<string, number>>): Record<string, number> =>
  Object.fromEntries(Object.entries(byKind).filter(([kind]) => kind !== 'throttled'));

it('the converged re-check reads the bound’s terms, by kind, and no cluster, endpoint or subscription list', () => {
  expect(withoutThrottled(result.recheck.readsByKind)).toEqual({
    // Federation's clusters + identities (the bound's two pages), DNS's one inventory query, private
    // link's one pending-connections query.
    resourceGraph: 2 + 1 + 1,
    ficList: 50,
    // Each private cluster zone's link list, and the central zone's A records (the endpoint is proven
    // wired by its record: no read of the endpoint or its zone group).
    privateDns: 3,
    // kv-0 (Key Vault has no connection list: its GET carries them).
    privateLink: 1,
    // Private link asks who owns the requester's subscription (its tenant) for the batch with a
    // pending connection; scope.subscriptions is explicit, so no scope read.
    subscriptions: 1,
  });
});

it('the apply check adds no GET per cluster and no FIC re-list; prune confirms through ARM', () => {
  const reads = result.first.readsByKind;
  // One list per identity: the writes' answers are the read back.
  expect(reads['ficList']).toBe(50);
  // Issuers come from the inventory; the deleted cluster is not in Resource Graph, so nothing to GET.
  expect(reads['clusterGet'] ?? 0).toBe(0);
  // Its stale FICs (on all 50 identities, in two sync activities of 25) are confirmed by ARM's cluster
  // list of each of the 5 subscriptions once per check, shared by the activities through the work store
  // (shared/reconcile/sharedReads.ts); they start from the scope phase's cluster view, so Resource Graph
  // is queried only for the bound's two pages and DNS's and private link's sweeps.
  expect(reads['resourceGraph']).toBe(2 + 1 + 1);
  expect(reads['clusterList']).toBe(5);
});

it('by default runs at the lowest clock scale that keeps a check at its floor within a few minutes of wall time', () => {
  expect(result.scale).toBe(5);
  expect(autoScale(0)).toBe(1);
  expect(autoScale(332.33)).toBe(4.2);
  expect(autoScale(100_000)).toBe(20);
});

it('measures the worker as in the Flex Consumption instance infra deploys: its heap limit, and the emulator apart', () => {
  // infra/main.bicep's default instance memory, and the quarter of it Node gives V8's old generation.
  const bicep = readFileSync(resolve(__dirname, '../../infra/main.bicep'), 'utf8');
  expect(Number(/param instanceMemoryMB int = (\d+)/.exec(bicep)?.[1])).toBe(DEFAULT_INSTANCE_MEMORY_MB);
  expect(result.instanceMemoryMb).toBe(2048);
  expect(heapLimitMbFor(2048)).toBe(512);
  // What V8 reports in the child: the old generation's 512 MB plus the young generation's.
  expect(result.heapLimitMb).toBeGreaterThanOrEqual(512);
  expect(result.heapLimitMb).toBeLessThan(640);
  // The emulator ran in its own process, with the estate: the worker's baseline does not hold it.
  expect(result.emulator.peakRssMb).toBeGreaterThan(20);
  expect(
    parseArgs(['--clusters', '1', '--identities', '1', '--subscriptions', '1', '--instance-memory', '4096']),
  ).toMatchObject({ instanceMemoryMb: 4096 });
  expect(() =>
    parseArgs(['--clusters', '1', '--identities', '1', '--subscriptions', '1', '--instance-memory', '1000']),
  ).toThrow('--instance-memory: expected one of 512, 2048, 4096 (MB), got 1000');
});

it('the floor and the peers come from the same fleet and limits', () => {
  expect(result.floor.seconds).toBe(result.floorSeconds);
  expect(result.floorSeconds).toBeGreaterThanOrEqual(
    result.floor.terms.find((t) => t.limit.startsWith('msi.listsPerTenant'))!.seconds,
  );
  expect(result.peers.aso).toMatchObject({ modelled: true, armWrites: result.fleet.desiredFics });
  expect(result.peers.terraform).toMatchObject({ modelled: true });
  expect(result.peers.terraform.armReads).toBeGreaterThan(result.fleet.desiredFics + result.fleet.identities);
});

it('npm run bench refuses bad arguments with exit 2 and the usage', () => {
  const run = spawnSync(
    process.execPath,
    [resolve(DIST, 'main.js'), '--clusters', '0', '--identities', '5', '--subscriptions', '1'],
    {
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  expect(run.status).toBe(2);
  expect(run.stderr).toBe('--clusters: expected a whole number ≥ 1, got 0\n');
  const missing = spawnSync(process.execPath, [resolve(DIST, 'main.js'), '--clusters', '1'], {
    encoding: 'utf8',
  });
  expect(missing.status).toBe(2);
  expect(missing.stderr).toMatch(/^--identities is required\nusage: npm run bench -- --clusters N/);
});
