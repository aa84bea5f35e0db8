/**
 * `fedlink sandbox run` (docs/design.md "Sandbox run"): load an estate and a config, deliver events through
 * the real Event Grid trigger handler and orchestrations (or run a full drift check when there are no
 * events), then return one JSON object: operations, state.resources, report, metrics.
 *
 * Exit codes (applied by the CLI): 0 no failed finding, 1 failed findings, 2 bad input (thrown as
 * InputError before any ARM call).
 */
import { readFileSync, statSync } from 'node:fs';
import { type RunMode, type RunResult } from '../functions/contracts';
import { DRIFT_INSTANCE_ID } from '../shared/core/instanceIds';
import { decodeUtf8, parseJsonText, TextInputError } from '../shared/core/jsonText';
import { type Logger, silentLogger } from '../shared/core/log';
import { loadConfig } from '../shared/config/load';
import { type FedlinkConfig } from '../shared/config/schema';
import { type Finding } from '../shared/validation/findings';
import { buildReport, type Report } from '../shared/validation/report';
import { type EventDisposition, handleEventGridDelivery } from '../functions/triggers/eventGrid';
import { driftCheck, type DriftInput } from '../functions/orchestrations/drift';
import { addCounts } from '../shared/reconcile/outcome';
import { LATEST_NAME } from '../shared/reportStore/store';
import { type EmulatorMetrics, type FaultSpec, type OperationRecord, parseFaultSpec } from './emulator';
import { type VirtualClock } from './clock';
import { hash32, mulberry32 } from './emulator/prng';
import { type Estate, loadEstate } from './estate';
import { createSandbox, type Sandbox, type SandboxWorker } from './runtime';
import { InputError } from './inputError';

export interface SandboxRunOptions {
  readonly estatePath: string;
  readonly configPath: string;
  readonly eventsPath?: string;
  readonly mode?: RunMode;
  /** A JSON fault spec, inline or as a file path. */
  readonly faults?: string;
  readonly log?: Logger;
  readonly observer?: Parameters<typeof createSandbox>[0]['observer'];
  /** List passing findings in `report` too (`--full`); by default they are counted per check. */
  readonly full?: boolean;
}

/**
 * How the events reach the trigger. Event Grid delivers at least once and in no particular order
 * (docs/azure-behaviour.md §3.6), and an event whose delivery attempts run out is gone; the default is the
 * kind case (each event once, all at once). Draws come from `seed`, so a seed repeats a delivery.
 */
export interface EventDelivery {
  /** Probability that an event is delivered a second time (in a later wave when there are several). */
  readonly duplicate?: number;
  /** Probability that an event is never delivered. */
  readonly drop?: number;
  /** Deliver in a shuffled order instead of the file's. */
  readonly reorder?: boolean;
  /**
   * Deliver in this many waves (default 1), `waveGapSeconds` virtual seconds apart (default 2), so
   * duplicates and late events arrive while the runs they belong to are working or after they finished.
   */
  readonly waves?: number;
  readonly waveGapSeconds?: number;
  readonly seed?: number;
}

/** One delivery of an event (a duplicated event has two) and what became of it. */
export interface EventRecord {
  readonly eventId: string | undefined;
  /** 0 for the first delivery, 1 for a duplicate; `dropped` events were never delivered. */
  readonly copy: number;
  readonly delivery: 'delivered' | 'dropped';
  /** The trigger's disposition (absent for a dropped event). */
  readonly disposition?: EventDisposition['kind'];
  readonly instanceId?: string;
  /** Why the trigger ignored it. */
  readonly reason?: string;
  /**
   * How the run that took the event ended: its RunResult status (`converged`, `changed`, `skipped`,
   * `failed`, ...), or `run <runtimeStatus>` for a run that did not complete.
   */
  readonly ended?: string;
  /** The run's reason when it failed or was skipped. */
  readonly endedReason?: string;
}

export interface SandboxRunOutput {
  readonly operations: readonly { method: string; path: string; status: number }[];
  readonly state: { readonly resources: Estate['resources'] };
  readonly report: Report;
  readonly runs: readonly {
    instanceId: string;
    runtimeStatus: string;
    output?: RunResult;
    /** Why a run that is still Pending/Running made no progress (the host went idle around it). */
    stuck?: string;
  }[];
  readonly metrics: {
    armReads: number;
    armWrites: number;
    armDeletes: number;
    activities: number;
    orchestrations: number;
    maxHistoryEvents: number;
    /** The largest serialized history (UTF-8 bytes of its JSON) any orchestration execution reached. */
    maxHistoryBytes: number;
    throttled429: number;
    virtualSeconds: number;
  };
  /** Per delivery of each event, when there were events. */
  readonly events?: readonly EventRecord[];
}

function readBytes(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new InputError(
      `${what} ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
}

/** UTF-8 (a byte-order mark allowed), nested at most MAX_JSON_DEPTH levels, JSON; the error names the file. */
function readJson(path: string, what: string): unknown {
  try {
    return parseJsonText(readBytes(path, what));
  } catch (error) {
    if (error instanceof TextInputError) throw new InputError(`${what} ${path}: ${error.message}`);
    throw error;
  }
}

/**
 * `--faults`: a file holding the spec, or the spec itself (JSON or the compact form
 * `429=0.1,5xx=0.05,seed=7`). Errors about a file never quote it: it may not be a fault spec at all.
 */
function readFaults(spec: string): FaultSpec {
  const stat = statSync(spec, { throwIfNoEntry: false });
  if (stat?.isDirectory()) throw new InputError(`fault spec ${spec}: is a directory, not a fault spec file`);
  if (stat === undefined) {
    try {
      return parseFaultSpec(spec);
    } catch (error) {
      throw new InputError(
        `fault spec ${JSON.stringify(spec)}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  try {
    return parseFaultSpec(decodeUtf8(readBytes(spec, 'fault spec file')), { fromFile: true });
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      `fault spec file ${spec}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Reads and validates every input before anything runs, so bad input never reaches ARM. */
export function loadSandboxInputs(options: SandboxRunOptions): {
  estate: Estate;
  config: FedlinkConfig;
  events: unknown[] | undefined;
  faults: FaultSpec | undefined;
} {
  let estate: Estate;
  let config: FedlinkConfig;
  try {
    estate = loadEstate(options.estatePath);
  } catch (error) {
    throw new InputError(error instanceof Error ? error.message : String(error));
  }
  try {
    config = loadConfig(options.configPath);
  } catch (error) {
    throw new InputError(error instanceof Error ? error.message : String(error));
  }
  let events: unknown[] | undefined;
  if (options.eventsPath !== undefined) {
    const parsed = readJson(options.eventsPath, 'events file');
    if (!Array.isArray(parsed))
      throw new InputError(`events file ${options.eventsPath}: expected a JSON array of events`);
    events = parsed;
  }
  const faults = options.faults !== undefined ? readFaults(options.faults) : undefined;
  return { estate, config, events, faults };
}

/** Findings for runs that did not finish cleanly (invariant 6: recorded as failed, with their cause). */
function runFindings(runs: SandboxRunOutput['runs'], failures: ReadonlyMap<string, unknown>): Finding[] {
  return runs.flatMap((run): Finding[] => {
    if (run.runtimeStatus === 'Completed' && run.output) return [...run.output.findings];
    if (run.runtimeStatus === 'Completed') return [];
    const cause = failures.get(run.instanceId);
    return [
      {
        check: 'run.completed',
        resourceId: run.instanceId,
        status: 'fail',
        message:
          run.stuck !== undefined
            ? `run ended ${run.runtimeStatus}: orchestration made no progress (${run.stuck})`
            : `run ended ${run.runtimeStatus}${cause === undefined || cause === null ? '' : `: ${typeof cause === 'string' ? cause : JSON.stringify(cause)}`}`,
      },
    ];
  });
}

/** Events that were dropped as suspect (malformed, contradicting themselves), each with its reason. */
function eventFindings(dispositions: readonly EventDisposition[]): Finding[] {
  return dispositions.flatMap((d): Finding[] =>
    d.kind === 'ignored' && d.suspect
      ? [
          {
            check: 'event.dropped',
            resourceId: d.eventId !== undefined ? `event ${d.eventId}` : 'event',
            status: 'warn',
            message: `event dropped: ${d.reason}`,
            remediation: 'Check the Event Grid subscription and who can publish to its topic.',
          },
        ]
      : [],
  );
}

export async function runSandbox(options: SandboxRunOptions): Promise<SandboxRunOutput> {
  const inputs = loadSandboxInputs(options);
  return runLoadedSandbox(inputs, options);
}

/** What a loaded run can be told besides its inputs (tests and benches; the CLI uses the defaults). */
export interface LoadedRunOptions {
  readonly mode?: RunMode;
  readonly log?: Logger;
  readonly observer?: SandboxRunOptions['observer'];
  readonly clock?: VirtualClock;
  readonly delivery?: EventDelivery;
  /** After the events' runs settle, run one drift check in the same mode (one drift cycle). */
  readonly driftAfterEvents?: boolean;
  /** Called once everything settled, before the sandbox closes (to read the emulator's full request log). */
  readonly settled?: (sandbox: Sandbox) => void | Promise<void>;
  /** List passing findings in `report` too (`--full`); by default they are counted per check. */
  readonly full?: boolean;
}

interface Planned {
  readonly event: unknown;
  readonly eventId: string | undefined;
  readonly copy: number;
  readonly wave: number;
}

function eventIdOf(event: unknown): string | undefined {
  const id = typeof event === 'object' && event !== null ? (event as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** The deliveries `spec` makes of `events`: which copies, in which wave and order; and the dropped ones. */
export function planDelivery(
  events: readonly unknown[],
  spec: EventDelivery = {},
): { deliveries: Planned[]; dropped: Planned[] } {
  const rand = mulberry32(hash32(`delivery#${spec.seed ?? 1}`));
  const waves = Math.max(1, Math.floor(spec.waves ?? 1));
  const deliveries: Planned[] = [];
  const dropped: Planned[] = [];
  events.forEach((event) => {
    const eventId = eventIdOf(event);
    const wave = Math.floor(rand() * waves);
    if (rand() < (spec.drop ?? 0)) {
      dropped.push({ event, eventId, copy: 0, wave });
      return;
    }
    deliveries.push({ event, eventId, copy: 0, wave });
    if (rand() < (spec.duplicate ?? 0))
      deliveries.push({ event, eventId, copy: 1, wave: wave + Math.floor(rand() * (waves - wave)) });
  });
  if (spec.reorder) {
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }
  }
  // Stable: within a wave, the (possibly shuffled) order stands.
  deliveries.sort((a, b) => a.wave - b.wave);
  return { deliveries, dropped };
}

export function runLoadedSandbox(
  inputs: {
    readonly estate: Estate;
    readonly config: FedlinkConfig;
    readonly events?: readonly unknown[] | undefined;
    readonly faults?: FaultSpec | undefined;
  },
  options: LoadedRunOptions = {},
): Promise<SandboxRunOutput> {
  const { estate, config, events, faults } = inputs;
  const log = options.log ?? silentLogger;
  // Not async: once the emulator holds its copy of the estate, nothing of the run keeps the input
  // (a fleet-sized estate is tens of MB, and V8 sizes the heap by what stays live, docs/targets.md
  // performance 6).
  return createSandbox({
    estate,
    config,
    log,
    ...(faults ? { faults } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
  }).then((sandbox) => runStarted(sandbox, events, log, options));
}

/**
 * What the worker's side of a run produces (`runOnWorker`): everything of the output but the emulator's
 * request log, final state and counts, which `composeOutput` adds.
 */
export interface WorkerRunResult {
  readonly runs: SandboxRunOutput['runs'];
  readonly report: Report;
  readonly events?: readonly EventRecord[];
  readonly host: Pick<
    SandboxRunOutput['metrics'],
    'activities' | 'orchestrations' | 'maxHistoryEvents' | 'maxHistoryBytes' | 'virtualSeconds'
  >;
}

async function runStarted(
  sandbox: Sandbox,
  events: readonly unknown[] | undefined,
  log: Logger,
  options: LoadedRunOptions,
): Promise<SandboxRunOutput> {
  try {
    const result = await runOnWorker(sandbox, events, log, options);
    const output = composeOutput(
      {
        operations: sandbox.emulator.operations,
        resources: sandbox.emulator.state().resources,
        metrics: sandbox.emulator.metrics(),
      },
      result,
    );
    if (options.settled) await options.settled(sandbox);
    return output;
  } finally {
    await sandbox.close();
  }
}

/** The emulator's part of a run's output. */
export interface EmulatorRunPart {
  readonly operations: readonly Pick<OperationRecord, 'method' | 'path' | 'status'>[];
  readonly resources: Estate['resources'];
  readonly metrics: Pick<EmulatorMetrics, 'armReads' | 'armWrites' | 'armDeletes' | 'throttled429'>;
}

export function composeOutput(emulator: EmulatorRunPart, result: WorkerRunResult): SandboxRunOutput {
  return {
    operations: emulator.operations.map((o) => ({ method: o.method, path: o.path, status: o.status })),
    state: { resources: emulator.resources },
    report: result.report,
    runs: result.runs,
    metrics: {
      armReads: emulator.metrics.armReads,
      armWrites: emulator.metrics.armWrites,
      armDeletes: emulator.metrics.armDeletes,
      throttled429: emulator.metrics.throttled429,
      activities: result.host.activities,
      orchestrations: result.host.orchestrations,
      maxHistoryEvents: result.host.maxHistoryEvents,
      maxHistoryBytes: result.host.maxHistoryBytes,
      virtualSeconds: result.host.virtualSeconds,
    },
    ...(result.events ? { events: result.events } : {}),
  };
}

/**
 * The worker's side of a run: deliver the events through the real trigger (or start a drift check), run
 * the durable host until idle, and build the report from the runs' results. Runs wherever the worker is:
 * in this process (`runLoadedSandbox`) or in one of its own (`fedlink sandbox run`, ./workerProcess.ts).
 */
export async function runOnWorker(
  worker: SandboxWorker,
  events: readonly unknown[] | undefined,
  log: Logger,
  options: Pick<LoadedRunOptions, 'mode' | 'delivery' | 'driftAfterEvents' | 'full'>,
): Promise<WorkerRunResult> {
  const mode = options.mode ?? 'apply';
  const started = worker.clock.now();
  const dispositions: EventDisposition[] = [];
  const delivered: { planned: Planned; disposition: EventDisposition | undefined }[] = [];
  let droppedEvents: Planned[] = [];
  const drift = async () => {
    const input: DriftInput = { mode, trigger: 'cli' };
    await worker.host.client.startNew(driftCheck.name, { instanceId: DRIFT_INSTANCE_ID, input });
  };
  if (events) {
    const plan = planDelivery(events, options.delivery);
    droppedEvents = plan.dropped;
    const gapMs = (options.delivery?.waveGapSeconds ?? 2) * 1000;
    const lastWave = plan.deliveries.reduce((n, d) => Math.max(n, d.wave), 0);
    for (let wave = 0; wave <= lastWave; wave++) {
      if (wave > 0) await worker.clock.sleep(gapMs);
      const now = plan.deliveries.filter((d) => d.wave === wave);
      // Event Grid delivers each event on its own, concurrently and in no particular order.
      const answers = await Promise.all(
        now.map((d) => handleEventGridDelivery([d.event], { client: worker.host.client, mode, log })),
      );
      now.forEach((d, i) => delivered.push({ planned: d, disposition: answers[i]![0] }));
      dispositions.push(...answers.flat());
    }
    if (options.driftAfterEvents) {
      await worker.host.runUntilIdle();
      await drift();
    }
  } else {
    await drift();
  }
  await worker.host.runUntilIdle();
  const instances = worker.host.topLevelInstances();
  const stuck = new Map(worker.host.stuckInstances().map((s) => [s.instanceId, s.reason]));
  const runs = instances.map((s) => ({
    instanceId: s.instanceId,
    runtimeStatus: String(s.runtimeStatus),
    ...(s.output && s.runtimeStatus === 'Completed' ? { output: s.output as RunResult } : {}),
    ...(stuck.has(s.instanceId) ? { stuck: stuck.get(s.instanceId) } : {}),
  }));
  // A failed orchestration's output is its error: the cause goes into its finding.
  const failures = new Map(
    instances.filter((s) => s.runtimeStatus !== 'Completed').map((s) => [s.instanceId, s.output] as const),
  );
  const runOf = new Map(runs.map((r) => [r.instanceId, r]));
  const eventRecords: EventRecord[] | undefined = events
    ? [
        ...delivered.map(({ planned, disposition }): EventRecord => {
          const base = { eventId: planned.eventId, copy: planned.copy, delivery: 'delivered' as const };
          if (!disposition) return base;
          if (disposition.kind === 'ignored')
            return { ...base, disposition: disposition.kind, reason: disposition.reason };
          const run = runOf.get(disposition.instanceId);
          const reason =
            run?.output?.reason ??
            (run && run.runtimeStatus !== 'Completed' ? runFindings([run], failures)[0]?.message : undefined);
          return {
            ...base,
            disposition: disposition.kind,
            instanceId: disposition.instanceId,
            ...(run
              ? { ended: run.output ? run.output.status : `run ${run.runtimeStatus}` }
              : { ended: 'run missing' }),
            ...(reason !== undefined ? { endedReason: reason } : {}),
          };
        }),
        ...droppedEvents.map((d): EventRecord => ({ eventId: d.eventId, copy: d.copy, delivery: 'dropped' })),
      ]
    : undefined;
  const hostMetrics = worker.host.metrics();
  const full = options.full ?? false;
  return {
    runs,
    report: buildReport(
      [
        ...runFindings(runs, failures),
        ...eventFindings(dispositions),
        ...(await fleetFindings(worker, full)),
      ],
      // A full report reads the drift check's passes back from the report store; counting them too would
      // count them twice.
      full ? { full } : { passCounts: addCounts(...runs.map((r) => r.output?.passCounts)) },
    ),
    host: {
      activities: hostMetrics.activities,
      orchestrations: hostMetrics.orchestrations,
      maxHistoryEvents: hostMetrics.maxHistoryEvents,
      maxHistoryBytes: hostMetrics.maxHistoryBytes,
      virtualSeconds: Math.round((worker.clock.now() - started) / 10) / 100,
    },
    ...(eventRecords ? { events: eventRecords } : {}),
  };
}

/**
 * With `--full`, every finding of the run's drift check, passes included: a fleet check's result lists
 * only its problems (docs/design.md "Run result"), and its saveReport activity keeps the full list beside
 * the report in the sandbox's report store. Empty without `--full` or without a drift check.
 */
async function fleetFindings(worker: SandboxWorker, full: boolean): Promise<Finding[]> {
  const stored = full ? await worker.deps.reports?.readFindings(LATEST_NAME) : undefined;
  const findings: Finding[] = [];
  if (stored) for await (const f of stored) findings.push(f);
  return findings;
}
