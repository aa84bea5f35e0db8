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
import { type FaultSpec, parseFaultSpec } from './emulator';
import { type Estate, loadEstate } from './estate';
import { createSandbox, type Sandbox } from './runtime';
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
  const { estate, config, events, faults } = loadSandboxInputs(options);
  const log = options.log ?? silentLogger;
  const sandbox: Sandbox = await createSandbox({
    estate,
    config,
    log,
    ...(faults ? { faults } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
  });
  const mode = options.mode ?? 'apply';
  const started = sandbox.clock.now();
  try {
    let dispositions: EventDisposition[] = [];
    if (events) {
      // Event Grid delivers each event on its own, concurrently and in no particular order.
      dispositions = (
        await Promise.all(
          events.map((event) => handleEventGridDelivery([event], { client: sandbox.host.client, mode, log })),
        )
      ).flat();
    } else {
      const input: DriftInput = { mode, trigger: 'cli' };
      await sandbox.host.client.startNew(driftCheck.name, { instanceId: DRIFT_INSTANCE_ID, input });
    }
    await sandbox.host.runUntilIdle();
    const instances = sandbox.host.topLevelInstances();
    const stuck = new Map(sandbox.host.stuckInstances().map((s) => [s.instanceId, s.reason]));
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
    const emulatorMetrics = sandbox.emulator.metrics();
    const hostMetrics = sandbox.host.metrics();
    return {
      operations: sandbox.emulator.operations.map((o) => ({
        method: o.method,
        path: o.path,
        status: o.status,
      })),
      state: { resources: sandbox.emulator.state().resources },
      report: buildReport([...runFindings(runs, failures), ...eventFindings(dispositions)], {
        passCounts: addCounts(...runs.map((r) => r.output?.passCounts)),
      }),
      runs,
      metrics: {
        armReads: emulatorMetrics.armReads,
        armWrites: emulatorMetrics.armWrites,
        armDeletes: emulatorMetrics.armDeletes,
        throttled429: emulatorMetrics.throttled429,
        activities: hostMetrics.activities,
        orchestrations: hostMetrics.orchestrations,
        maxHistoryEvents: hostMetrics.maxHistoryEvents,
        maxHistoryBytes: hostMetrics.maxHistoryBytes,
        virtualSeconds: Math.round((sandbox.clock.now() - started) / 10) / 100,
      },
    };
  } finally {
    await sandbox.close();
  }
}
