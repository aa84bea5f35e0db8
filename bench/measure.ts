/**
 * One measurement, in this process: generate the fleet, start the sandbox (emulator with Azure's limits on
 * a virtual clock, the real gateway and SDK clients, the durable host running the real orchestrations),
 * run the drift check in `apply` mode on the drifted fleet, then a second drift check on the now converged
 * fleet (its writes are `recheckWrites`, docs/targets.md performance 2).
 *
 * `bench/child.ts` runs this in a child process per measurement: the Function App worker's side (the real
 * gateway and SDK clients, the durable host, the work and report stores). The emulator and its generated
 * estate run in a process of their own (bench/emulatorChild.ts, sandbox/emulator/process.ts) on the same
 * virtual clock: in Azure they are not in the worker, and in one process they were most of its heap and
 * CPU. So `peakRssMb` and `cpuSeconds` are the worker's; `emulator` reports the stand-in's own.
 * `baselineRssMb` is the worker's RSS once the sandbox is up, before the first check.
 */
import { type RunResult } from '../functions/contracts';
import { driftCheck, type DriftInput } from '../functions/orchestrations/drift';
import { DRIFT_INSTANCE_ID } from '../shared/core/instanceIds';
import { serialise } from '../shared/reportStore/store';
import { type MemoryWorkStore } from '../shared/workStore/memory';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { VirtualClock } from '../sandbox/clock';
import { createFileStores } from '../sandbox/fileDocs';
import { peakRssMb } from '../sandbox/workerInstance';
import { type EmulatorProcess, startEmulatorProcess } from '../sandbox/emulator/process';
import {
  createSandboxWorker,
  DEFAULT_SANDBOX_SCALE,
  type SandboxOptions,
  type SandboxWorker,
} from '../sandbox/runtime';
import { type Fleet, type FleetFigures, type FleetOptions } from './fleet';
import { asoModel, fedlinkFloor, type Floor, type PeerModel, readsBound, terraformModel } from './model';

export interface MeasureOptions extends FleetOptions {
  /** Virtual clock scale (default: `autoScale` of the fleet's floor). */
  readonly scale?: number;
}

/** Wall seconds a check at its floor takes at the default scale. */
const WALL_SECONDS_AT_FLOOR = 80;

/**
 * The default clock scale: the lowest that still runs a check at its floor in WALL_SECONDS_AT_FLOOR of wall
 * time (the whole benchmark then stays within a few minutes), from 1 to the sandbox's 20. Every second of
 * the process's own CPU counts `scale` seconds of virtual time (docs/adr/0002-sandbox-virtual-time.md), and
 * that CPU is mostly the stand-ins' (the emulator serving every request, the durable host replaying every
 * history), which in Azure costs fedlink no time at all; the lowest scale counts it least. 4.2 for the
 * reference fleet (floor 332 s).
 */
export function autoScale(floorSeconds: number): number {
  return (
    Math.round(Math.min(DEFAULT_SANDBOX_SCALE, Math.max(1, floorSeconds / WALL_SECONDS_AT_FLOOR)) * 10) / 10
  );
}

/** One drift check's numbers. */
export interface CheckNumbers {
  readonly status: string;
  readonly armReads: number;
  readonly armWrites: number;
  readonly armDeletes: number;
  /** Writes and deletes that succeeded (2xx); armWrites/armDeletes count every request, 429s included. */
  readonly committedWrites: number;
  readonly committedDeletes: number;
  readonly throttled429: number;
  readonly conflicts409: number;
  readonly resourceGraphQueries: number;
  readonly lroPolls: number;
  readonly virtualSeconds: number;
  readonly wallSeconds: number;
  /** Read requests by what they read; `throttled` are reads answered 429 (each retried later). */
  readonly readsByKind: Readonly<Record<string, number>>;
  readonly findings: { pass: number; warn: number; fail: number };
  readonly counts: Readonly<Record<string, number>>;
}

export interface BenchResult {
  readonly fleet: Fleet['options'] & Fleet['counts'];
  readonly expected: {
    ficWrites: number;
    ficDeletes: number;
    linkWrites: number;
    zoneGroupWrites: number;
    connectionWrites: number;
  };
  // docs/design.md "Bench" fields, of the first (apply) check unless named otherwise.
  readonly armReads: number;
  readonly armWrites: number;
  readonly armDeletes: number;
  readonly readsBound: number;
  readonly recheckWrites: number;
  readonly virtualSeconds: number;
  readonly floorSeconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
  readonly maxHistoryEvents: number;
  readonly throttled429: number;
  readonly maxHistoryBytes: number;
  /** UTF-8 bytes of the stored report of the first check, as the report store keeps it. */
  readonly reportBytes: number;
  /**
   * The most the work store held at once (serialised bytes; both checks): the work items and full
   * outcomes a fleet check keeps outside its histories (the claim check, shared/reconcile/workDocs.ts).
   */
  readonly workStoreBytes: number;
  /** What the work store still held after both checks (each check deletes its documents): 0. */
  readonly workStoreLeftBytes: number;
  readonly baselineRssMb: number;
  readonly wallSeconds: number;
  readonly scale: number;
  readonly floor: Floor;
  readonly first: CheckNumbers;
  readonly recheck: CheckNumbers;
  /** The durable host's work over both checks (where virtual time goes: each entity call and activity is a queue hop). */
  readonly durable: {
    readonly orchestrations: number;
    readonly activities: number;
    readonly episodes: number;
    readonly entityOperations: number;
    readonly timersFired: number;
  };
  readonly peers: { readonly aso: PeerModel; readonly terraform: PeerModel };
  /** The emulator's own process (not fedlink's cost): its peak RSS, MB. */
  readonly emulator: { readonly peakRssMb: number };
  /** The worker's V8 heap limit, MB (as read from V8; bench/main.ts heapLimitMbFor). */
  readonly heapLimitMb: number;
  /** The Function App instance memory the worker was modelled in, MB (runBench adds it). */
  readonly instanceMemoryMb: number;
}

/** What a read request read, from its path (for the reads breakdown). */
export function readKind(method: string, path: string, status: number): string | undefined {
  if (method !== 'GET' && !(method === 'POST' && /\/providers\/Microsoft\.ResourceGraph\//i.test(path)))
    return undefined;
  if (status === 429) return 'throttled';
  const p = path.toLowerCase();
  if (p.includes('/providers/microsoft.resourcegraph/')) return 'resourceGraph';
  if (p.endsWith('/federatedidentitycredentials')) return 'ficList';
  if (p.includes('/federatedidentitycredentials/')) return 'ficGet';
  if (p.includes('/privateendpointconnections')) return 'privateLink';
  // A private-link target itself: types without a connection list are read through the parent's GET
  // (docs/azure-behaviour.md §4.1: Key Vault, Web).
  if (/\/providers\/microsoft\.(keyvault|storage|web|sql|documentdb|containerregistry)\//.test(p))
    return 'privateLink';
  if (p.includes('operationstatuses') || p.includes('/operations/')) return 'lroPoll';
  if (p.includes('/privatednszones')) return 'privateDns';
  if (p.includes('/privateendpoints')) return 'privateEndpoint';
  if (p.endsWith('/providers/microsoft.containerservice/managedclusters')) return 'clusterList';
  if (p.includes('/managedclusters/')) return 'clusterGet';
  if (p.includes('/userassignedidentities')) return 'identity';
  if (p === '/subscriptions' || /^\/subscriptions\/[^/]+$/.test(p)) return 'subscriptions';
  return 'other';
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 102.4) / 10;

/** The measurement without the process-wide figures (cpuSeconds, peakRssMb), which child.ts adds. */
export type Measurement = Omit<BenchResult, 'cpuSeconds' | 'peakRssMb' | 'heapLimitMb' | 'instanceMemoryMb'>;

export async function measureFleet(options: MeasureOptions): Promise<Measurement> {
  // The report and work stores keep their documents in files, out of the worker's heap, as Blob Storage
  // keeps them out of a worker's memory.
  const stores = createFileStores('fedlink-bench-');
  const { reports } = stores;
  const { work, peakBytes } = measuredWorkStore(stores.work);
  const { fleet, floor, scale, clock, emulator, sandbox } = await startSandbox(options, {
    reports,
    work,
  }).catch((error: unknown) => {
    stores.remove();
    throw error;
  });
  const baselineRssMb = mb(process.memoryUsage().rss);
  const wallStart = performance.now();
  let operationsSeen = 0;
  try {
    const check = async (instanceId: string): Promise<CheckNumbers> => {
      const before = await emulator.metrics();
      const started = clock.now();
      const wall = performance.now();
      const input: DriftInput = { mode: 'apply', trigger: 'cli' };
      await sandbox.host.client.startNew(driftCheck.name, { instanceId, input });
      await sandbox.host.runUntilIdle();
      const after = await emulator.metrics();
      const status = sandbox.host.instanceStatus(instanceId);
      const output = status?.runtimeStatus === 'Completed' ? (status.output as RunResult) : undefined;
      const readsByKind: Record<string, number> = {};
      const operations = await emulator.operations(operationsSeen);
      operationsSeen += operations.length;
      for (const o of operations) {
        const kind = readKind(o.method, o.path, o.status);
        if (kind !== undefined) readsByKind[kind] = (readsByKind[kind] ?? 0) + 1;
      }
      const findings = { pass: 0, warn: 0, fail: 0 };
      for (const f of output?.findings ?? []) findings[f.status]++;
      // A fleet check lists warn and fail findings and counts the passes (docs/design.md "Run result").
      for (const n of Object.values(output?.passCounts ?? {})) findings.pass += n;
      return {
        status: String(status?.runtimeStatus ?? 'missing'),
        armReads: after.armReads - before.armReads,
        armWrites: after.armWrites - before.armWrites,
        armDeletes: after.armDeletes - before.armDeletes,
        committedWrites: after.committedWrites - before.committedWrites,
        committedDeletes: after.committedDeletes - before.committedDeletes,
        throttled429: after.throttled429 - before.throttled429,
        conflicts409: after.conflicts409 - before.conflicts409,
        resourceGraphQueries: after.resourceGraphQueries - before.resourceGraphQueries,
        lroPolls: after.lroPolls - before.lroPolls,
        virtualSeconds: Math.round((clock.now() - started) / 10) / 100,
        readsByKind,
        wallSeconds: Math.round(performance.now() - wall) / 1000,
        findings,
        counts: output?.counts ?? {},
      };
    };
    const first = await check(DRIFT_INSTANCE_ID);
    const stored = await reports.latest();
    const reportBytes = stored === undefined ? 0 : Buffer.byteLength(serialise(stored), 'utf8');
    const recheck = await check(`${DRIFT_INSTANCE_ID}-recheck`);
    const host = sandbox.host.metrics();
    return {
      fleet: { ...fleet.options, ...fleet.counts },
      expected: {
        ficWrites: fleet.expected.ficWrites,
        ficDeletes: fleet.expected.ficDeletes,
        linkWrites: fleet.expected.linkWrites,
        zoneGroupWrites: fleet.expected.zoneGroupWrites,
        connectionWrites: fleet.expected.connectionWrites,
      },
      armReads: first.armReads,
      armWrites: first.armWrites,
      armDeletes: first.armDeletes,
      readsBound: readsBound(fleet),
      recheckWrites: recheck.armWrites + recheck.armDeletes,
      virtualSeconds: first.virtualSeconds,
      floorSeconds: floor.seconds,
      maxHistoryEvents: host.maxHistoryEvents,
      throttled429: first.throttled429 + recheck.throttled429,
      maxHistoryBytes: host.maxHistoryBytes,
      reportBytes,
      workStoreBytes: peakBytes(),
      workStoreLeftBytes: work.bytes(),
      baselineRssMb,
      wallSeconds: Math.round(performance.now() - wallStart) / 1000,
      scale,
      floor,
      first,
      recheck,
      durable: {
        orchestrations: host.orchestrations,
        activities: host.activities,
        episodes: host.episodes,
        entityOperations: host.entityOperations,
        timersFired: host.timersFired,
      },
      peers: { aso: asoModel(fleet), terraform: terraformModel(fleet) },
      emulator: { peakRssMb: await emulator.peakRssMb() },
    };
  } finally {
    await sandbox.close();
    await emulator.close();
    stores.remove();
  }
}

/**
 * Starts the emulator's process, which generates the fleet and keeps its estate, and the worker's side of
 * the sandbox in this process, pointed at it.
 */
async function startSandbox(
  options: MeasureOptions,
  stores: Pick<SandboxOptions, 'reports' | 'work'>,
): Promise<{
  fleet: FleetFigures;
  floor: Floor;
  scale: number;
  clock: VirtualClock;
  emulator: EmulatorProcess<FleetFigures>;
  sandbox: SandboxWorker;
}> {
  const { scale: chosen, ...fleetOptions } = options;
  const emulator = await startEmulatorProcess<FleetFigures>({
    script: join(__dirname, 'emulatorChild.js'),
    args: fleetOptions,
    clock: (figures) =>
      new VirtualClock({ scale: chosen ?? autoScale(fedlinkFloor(figures as FleetFigures).seconds) }),
  });
  const fleet = emulator.extra;
  const { clock } = emulator;
  const sandbox = createSandboxWorker(emulator, {
    config: fleet.config,
    clock,
    ...stores,
    // One Function App worker: the pacing that keeps the check free of 429s is per process, and the
    // benchmark is one process. A worker owns every control queue then, and a message it sends wakes the
    // poller of that queue (DurableTask.AzureStorage TaskHubQueue.AddMessageAsync resets its back-off;
    // sandbox/durable/queues.ts); durable timers still wait for the next poll.
    queuePolling: { wakeOnSend: true },
  });
  return { fleet, floor: fedlinkFloor(fleet), scale: clock.scale, clock, emulator, sandbox };
}

/** The work store, remembering the most it held (its serialised bytes after every put). */
function measuredWorkStore(work: MemoryWorkStore): { work: MemoryWorkStore; peakBytes: () => number } {
  let peak = 0;
  const put = work.put.bind(work);
  return {
    work: {
      ...work,
      async put(name, value) {
        await put(name, value);
        peak = Math.max(peak, work.bytes());
      },
    },
    peakBytes: () => peak,
  };
}

/** Adds the process-wide figures: CPU seconds (user + system) and peak RSS of this process so far. */
export function withProcessFigures(
  m: Measurement,
  cpuStart: NodeJS.CpuUsage,
): Omit<BenchResult, 'instanceMemoryMb'> {
  const cpu = process.cpuUsage(cpuStart);
  return {
    ...m,
    cpuSeconds: Math.round((cpu.user + cpu.system) / 10_000) / 100,
    peakRssMb: peakRssMb(),
    heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024),
  };
}
