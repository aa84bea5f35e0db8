/**
 * Crash safety, generated from histories (docs/targets.md "Reliability targets" 4, issue 12 item 2).
 *
 * A scenario (an estate, a config, a trigger) runs once cleanly while the durable host reports every
 * committed episode of every instance (parents, sub-orchestrations; entity responses arrive as events)
 * and every activity execution. From that record come the crash points, with nothing named by hand:
 *
 * - `afterEpisode`: the instance dies right after an episode that consumed a completion (ExecutionStarted,
 *   TaskCompleted/Failed, SubOrchestrationInstanceCompleted/Failed, TimerFired, EventRaised, i.e. entity
 *   responses and raised events) was committed, for each such episode of each instance;
 * - `midActivity`: for each activity execution, the worker dies after the activity's function returned
 *   (its ARM writes happened) and before its result was sent, so Durable runs it again.
 *
 * Instances are named by their place in the run, not by their ids: a top-level instance by its name
 * and id, a sub-orchestration by its parent's key and the TaskScheduleId that created it (deterministic
 * under replay), so the points survive changes to child ids, activity names or positions.
 *
 * Each point then runs the scenario from scratch with the crash injected there; the crashed instance
 * is resumed once the rest of the host is idle. The run must end with every top-level instance
 * Completed, the emulator's state equal to the clean run's once the provider operations the run started
 * have finished, and no completed write repeated (`repeatedWrites`).
 */
import { type DurableClientPort } from '../../functions/durableClientPort';
import { configSchema, type FedlinkConfig } from '../../shared/config/schema';
import { silentLogger } from '../../shared/core/log';
import { type CrashPlan, HistoryEventType, type WireEvent } from '../../sandbox/durable';
import { type OperationRecord } from '../../sandbox/emulator';
import { type Estate } from '../../sandbox/estate';
import { createSandbox, type Sandbox } from '../../sandbox/runtime';
import { VirtualClock } from '../../sandbox/clock';

/** The sandbox's clock speed unless a scenario sets its own (sandbox/runtime.ts). */
const DEFAULT_CLOCK_SCALE = 20;

/** Longer than any provider operation the emulator models (docs/azure-behaviour.md §9.2: up to 76 s). */
const SETTLE_MS = 30 * 60_000;

export interface CrashScenario {
  readonly name: string;
  readonly estate: Estate;
  readonly config: unknown;
  /** Starts the run through the real trigger code; returns the top-level instance ids it started. */
  readonly trigger: (client: DurableClientPort, config: FedlinkConfig) => Promise<readonly string[]>;
  /**
   * Virtual ms per real ms while work is in flight (default 20; the host jumps the clock when it waits).
   * The sandbox's CPU time counts as virtual time at this scale (docs/adr/0002-sandbox-virtual-time.md), so
   * at 20× a loaded machine can let a long-running operation finish before a poll it did not finish by in
   * the clean run, and the run passes fewer poll points: scenarios with long-running writes run slower.
   */
  readonly clockScale?: number;
}

export type CrashPoint =
  | {
      readonly kind: 'afterEpisode';
      /** The instance's key (see instanceKey). */
      readonly instance: string;
      /** Crash once the instance has consumed this many completion events (counted over its executions). */
      readonly completions: number;
      /** What the episode consumed, for messages: `TaskCompleted#3 TimerFired#5`. */
      readonly consumed: string;
    }
  | {
      readonly kind: 'midActivity';
      readonly instance: string;
      /** Execution ordinal (continueAsNew starts another) and TaskScheduledId of the activity. */
      readonly execution: number;
      readonly taskId: number;
      readonly activity: string;
    };

export function describePoint(p: CrashPoint): string {
  return p.kind === 'afterEpisode'
    ? `after ${p.instance} consumed ${p.completions} completion(s) [${p.consumed}]`
    : `mid-activity ${p.activity} (task ${p.taskId}, execution ${p.execution}) of ${p.instance}`;
}

/** The history events an episode consumes that a crash can follow (what "after each activity" etc. means). */
const COMPLETIONS: ReadonlySet<number> = new Set([
  HistoryEventType.ExecutionStarted,
  HistoryEventType.TaskCompleted,
  HistoryEventType.TaskFailed,
  HistoryEventType.SubOrchestrationInstanceCompleted,
  HistoryEventType.SubOrchestrationInstanceFailed,
  HistoryEventType.TimerFired,
  HistoryEventType.EventRaised,
]);

function completionLabel(e: WireEvent): string {
  const name = HistoryEventType[e.EventType] ?? String(e.EventType);
  const ref =
    'TaskScheduledId' in e
      ? `#${String(e.TaskScheduledId)}`
      : e.EventType === HistoryEventType.TimerFired && 'TimerId' in e
        ? `#${String(e.TimerId)}`
        : '';
  return name + ref;
}

export interface WriteRecord {
  readonly method: string;
  /** Lower-cased path: ARM paths are case-insensitive. */
  readonly object: string;
  readonly status: number;
  /** The body as canonical JSON (keys sorted), '' for none. */
  readonly body: string;
}

export interface Observation {
  readonly scenario: string;
  readonly point: CrashPoint | undefined;
  /** True when the point was reached and the instance crashed (always false for the clean run). */
  readonly crashed: boolean;
  /** Top-level instances and how they ended. */
  readonly roots: readonly { readonly instanceId: string; readonly runtimeStatus: string }[];
  /** The emulator's resources after the run, as canonical JSON. */
  readonly state: string;
  /** The same when the run ended, before the provider operations it left running finished. */
  readonly unsettled: string;
  readonly writes: readonly WriteRecord[];
  /** Crash points the run passed through (only meaningful for the clean run). */
  readonly points: readonly CrashPoint[];
  readonly activityExecutions: number;
  /** Operations the emulator answered (reads included). */
  readonly armRequests: number;
}

/** JSON with object keys sorted, so bodies and states compare by content. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

function canonicalBody(text: string | undefined): string {
  if (text === undefined || text === '') return '';
  try {
    return canonical(JSON.parse(text));
  } catch {
    return text;
  }
}

function writesOf(operations: readonly OperationRecord[]): WriteRecord[] {
  return operations
    .filter((o) => o.operationClass !== 'read')
    .map((o) => ({
      method: o.method,
      object: o.path.toLowerCase(),
      status: o.status,
      body: canonicalBody(o.body),
    }));
}

const success = (status: number) => status >= 200 && status < 300;
/** The answers that accept a long-running operation (docs/azure-behaviour.md §9.2): its poller must be resumed, not the write sent again. */
const accepted = (status: number) => status === 201 || status === 202;

/**
 * Completed writes that were repeated, from the emulator's request log:
 * - a successful (2xx) write or delete of an object answered 2xx again for the same method and body;
 * - a long-running PUT re-issued: the same PUT (object and body) sent again, whatever its answer, after
 *   an earlier one was accepted (201/202), instead of the saved poller being resumed.
 * A write whose first attempt failed (429, 409, 5xx) may be sent again: it did not complete.
 */
export function repeatedWrites(writes: readonly WriteRecord[]): string[] {
  const done = new Map<string, number>();
  const problems: string[] = [];
  for (const w of writes) {
    const key = `${w.method} ${w.object} ${w.body}`;
    const first = done.get(key);
    if (first !== undefined && (success(w.status) || (w.method === 'PUT' && accepted(first)))) {
      problems.push(
        accepted(first) && w.method === 'PUT'
          ? `long-running PUT ${w.object} re-issued (first answered ${first}, again ${w.status}) instead of resuming its poller`
          : `${w.method} ${w.object} completed twice with the same body (${first}, then ${w.status})`,
      );
    }
    if (first === undefined && success(w.status)) done.set(key, w.status);
  }
  return problems;
}

/**
 * Names an instance by its place in the run: `name(id)` for a top-level instance, `<parent key>/<task
 * id>:name` for a sub-orchestration (the parent's TaskScheduleId that created it).
 */
function instanceKeyer(sandbox: Sandbox): (instanceId: string) => string {
  const keys = new Map<string, string>();
  const keyOf = (instanceId: string): string => {
    const known = keys.get(instanceId);
    if (known !== undefined) return known;
    const status = sandbox.host.instanceStatus(instanceId);
    const started = sandbox.host
      .history(instanceId)
      .find((e) => e.EventType === HistoryEventType.ExecutionStarted);
    const parent = started && 'ParentInstance' in started ? started.ParentInstance : undefined;
    const name = status?.name ?? '?';
    const key = parent
      ? `${keyOf(parent.InstanceId)}/${parent.TaskScheduleId}:${name}`
      : `${name}(${instanceId})`;
    keys.set(instanceId, key);
    return key;
  };
  return keyOf;
}

/** Runs the scenario once: cleanly (`point` undefined, recording the crash points) or crashing at `point`. */
export async function observe(scenario: CrashScenario, point?: CrashPoint): Promise<Observation> {
  const config = configSchema.parse(scenario.config);
  const clock = new VirtualClock({ scale: scenario.clockScale ?? DEFAULT_CLOCK_SCALE });
  const sandbox = await createSandbox({ estate: scenario.estate, config, log: silentLogger, clock });
  try {
    const keyOf = instanceKeyer(sandbox);
    const points: CrashPoint[] = [];
    const completions = new Map<string, number>();
    const executions = new Map<string, number>();
    let crashedId: string | undefined;
    const plan: CrashPlan = {
      afterEpisode(instanceId, _name, events) {
        const key = keyOf(instanceId);
        if (events.some((e) => e.EventType === HistoryEventType.ExecutionStarted))
          executions.set(key, (executions.get(key) ?? 0) + 1);
        const consumed = events.filter((e) => COMPLETIONS.has(e.EventType));
        if (consumed.length === 0) return false;
        const before = completions.get(key) ?? 0;
        const after = before + consumed.length;
        completions.set(key, after);
        if (!point) {
          points.push({
            kind: 'afterEpisode',
            instance: key,
            completions: after,
            consumed: consumed.map(completionLabel).join(' '),
          });
          return false;
        }
        if (crashedId !== undefined || point.kind !== 'afterEpisode' || point.instance !== key) return false;
        // Batching may differ from the clean run: crash at the first episode reaching the count.
        if (after < point.completions) return false;
        crashedId = instanceId;
        return true;
      },
      afterActivityBody(instanceId, name, taskId) {
        const key = keyOf(instanceId);
        const execution = executions.get(key) ?? 1;
        if (!point) {
          points.push({ kind: 'midActivity', instance: key, execution, taskId, activity: name });
          return false;
        }
        if (crashedId !== undefined || point.kind !== 'midActivity') return false;
        if (point.instance !== key || point.execution !== execution || point.taskId !== taskId) return false;
        crashedId = instanceId;
        return true;
      },
    };
    sandbox.host.setCrashPlan(plan);
    const roots = await scenario.trigger(sandbox.host.client, config);
    await sandbox.host.runUntilIdle();
    if (crashedId !== undefined) {
      // The rest of the run went on (or waited) while the instance was down; a new worker picks it up.
      sandbox.host.resume(crashedId);
      await sandbox.host.runUntilIdle();
    }
    const stateNow = (): string =>
      canonical(
        sandbox.emulator
          .state()
          .resources.slice()
          .sort((a, b) => a.id.toLowerCase().localeCompare(b.id.toLowerCase())),
      );
    const unsettled = stateNow();
    // The end state is what Azure ends with: provider operations a run left running (a change it reports
    // as still in progress) finish on their own, so the clock moves on past them before the state is read.
    sandbox.clock.advanceTo(sandbox.clock.now() + SETTLE_MS);
    const statuses = await Promise.all(
      roots.map(async (instanceId) => ({
        instanceId,
        runtimeStatus: String((await sandbox.host.client.getStatus(instanceId)).runtimeStatus),
      })),
    );
    return {
      scenario: scenario.name,
      point,
      crashed: crashedId !== undefined,
      roots: statuses,
      state: stateNow(),
      unsettled,
      writes: writesOf(sandbox.emulator.operations),
      points,
      activityExecutions: sandbox.host.metrics().activities,
      armRequests: sandbox.emulator.operations.length,
    };
  } finally {
    sandbox.host.setCrashPlan(undefined);
    await sandbox.close();
  }
}

/** The crash points of a clean run, de-duplicated, in the order the run passed them. */
export function crashPoints(clean: Observation): CrashPoint[] {
  const seen = new Set<string>();
  return clean.points.filter((p) => {
    const id = describePoint(p).replace(/ \[.*\]$/, '');
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** A deterministic sample of `n` points spread over the list (every k-th, both kinds), all if n >= length. */
export function samplePoints(points: readonly CrashPoint[], n: number): CrashPoint[] {
  if (n >= points.length) return [...points];
  const byKind = (kind: CrashPoint['kind']) => points.filter((p) => p.kind === kind);
  const spread = (list: readonly CrashPoint[], k: number) =>
    k >= list.length
      ? [...list]
      : Array.from({ length: k }, (_, i) => list[Math.floor((i * list.length) / k)]!);
  const mid = byKind('midActivity');
  const after = byKind('afterEpisode');
  const kMid = Math.min(mid.length, Math.ceil(n / 2));
  return [...spread(mid, kMid), ...spread(after, n - kMid)];
}

/** What is wrong with a crashed run compared with the clean one (empty: crash safe at that point). */
export function compare(clean: Observation, crashed: Observation): string[] {
  const where = crashed.point ? describePoint(crashed.point) : 'clean run';
  const problems: string[] = [];
  if (!crashed.crashed) problems.push(`${where}: the point was never reached (no crash happened)`);
  for (const r of crashed.roots)
    if (r.runtimeStatus !== 'Completed') problems.push(`${where}: ${r.instanceId} ended ${r.runtimeStatus}`);
  if (crashed.state !== clean.state)
    problems.push(`${where}: the emulator's end state differs from the clean run's`);
  for (const p of repeatedWrites(crashed.writes)) problems.push(`${where}: ${p}`);
  return problems;
}

/** Runs of one point before "never reached" is reported. */
const REACH_ATTEMPTS = 3;

export interface SweepResult {
  readonly clean: Observation;
  /** Every point the clean run passed through. */
  readonly points: readonly CrashPoint[];
  /** The points run. */
  readonly ran: readonly CrashPoint[];
  readonly problems: readonly string[];
  /**
   * Points after which the run ended with a provider operation still running that the clean run had
   * waited for (the resumed activity found the change made and reported it in progress): the same end
   * state, reached later. Not a repeated write; listed so it stays visible.
   */
  readonly endedEarly: readonly string[];
}

/** The clean run, then one crashed run per point (or per sampled point). */
export async function sweep(
  scenario: CrashScenario,
  options: { sample?: number } = {},
): Promise<SweepResult> {
  const clean = await observe(scenario);
  const problems: string[] = [];
  for (const r of clean.roots)
    if (r.runtimeStatus !== 'Completed') problems.push(`clean run: ${r.instanceId} ended ${r.runtimeStatus}`);
  for (const p of repeatedWrites(clean.writes)) problems.push(`clean run: ${p}`);
  const points = crashPoints(clean);
  const ran = options.sample === undefined ? points : samplePoints(points, options.sample);
  const endedEarly: string[] = [];
  for (const point of ran) {
    let run = await observe(scenario, point);
    // A point behind a poll that timing made unnecessary (the operation was done sooner): try again.
    for (let attempt = 1; !run.crashed && attempt < REACH_ATTEMPTS; attempt++)
      run = await observe(scenario, point);
    problems.push(...compare(clean, run));
    if (run.state === clean.state && run.unsettled !== clean.unsettled) endedEarly.push(describePoint(point));
  }
  return { clean, points, ran, problems, endedEarly };
}
