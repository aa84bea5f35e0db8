/**
 * DurableHost: an in-process Durable Functions runtime for the sandbox, the CLI and the tests.
 *
 * It plays the Durable extension + Durable Task Framework around the *real* durable-functions
 * orchestrator and entity code: per instance it keeps a history, batches the instance's pending
 * messages into episodes (OrchestratorStarted, the new events, ... , OrchestratorCompleted), hands the
 * whole history to the real orchestrator handler (./orchestratorRunner.ts), replays the returned
 * actions on the extension side (./replay.ts: sequence numbers, non-determinism detection, retries,
 * long timers, completion rules), appends the scheduling events, and carries out the new actions:
 * activities in-process (./activityRunner.ts), durable timers on the virtual clock (./timers.ts),
 * sub-orchestrations as instances of their own, entity messages through ./entityRunner.ts.
 *
 * Messages to one instance are processed one episode at a time, like a DTFx orchestration session;
 * everything else runs concurrently in real async. Instance ids follow the extension's `startNew`
 * rules (./client.ts). A test can crash an instance after its n-th completed activity and resume it:
 * the stored history is replayed and only work without a result in history (or in the instance's
 * queue) runs again.
 */
import { randomUUID } from 'node:crypto';
import { type ActivityDeps } from '../../functions/deps';
import { type DurableClientPort } from '../../functions/durableClientPort';
import { type registeredFunctions } from '../../functions/registry';
import { type Logger, silentLogger } from '../../shared/core/log';
import { ActivityRunner } from './activityRunner';
import { type ClientBackend, ClientError, SandboxDurableClient } from './client';
import { EntityRunner, type EntitySnapshot } from './entityRunner';
import {
  type DurableHostEvent,
  type DurableHostMetrics,
  type DurableObserver,
  type InstanceStatus,
} from './events';
import { historyEvent, played } from './history';
import { appDurableTaskSettings, type DurableTaskSettings } from './hostJson';
import { QueuePollingModel, type QueuePollingOptions, TransitQueue } from './queues';
import { ACTIVE, type InboxMessage, type Instance, type ParentLink, statusOf, TERMINAL } from './instance';
import { HistoryEventType, ReplaySchema } from './lib';
import { OrchestratorRunner } from './orchestratorRunner';
import {
  customStatusProblem,
  type FunctionCatalog,
  instanceIdProblem,
  replayEpisode,
  type ReplayResult,
  type ScheduledAction,
} from './replay';
import { type HostClock, TimerService } from './timers';
import { fromJson, type NewEvent, toJson, type WireEntityRequest, type WireEvent } from './wire';
import { WorkTracker } from './workTracker';

export type RegisteredFunctions = ReturnType<typeof registeredFunctions>;

export interface DurableHostOptions {
  /** The registry's definitions: `registeredFunctions()` after importing functions/catalog. */
  readonly functions: RegisteredFunctions;
  /** ActivityDeps for each activity execution. */
  readonly deps: () => ActivityDeps;
  /** Virtual (sandbox/clock.ts) or system clock. Timestamps, timers and `currentUtcDateTime` use it. */
  readonly clock: HostClock;
  /** Host diagnostics and the orchestrators' / entities' `context.log`. Default: silent. */
  readonly log?: Logger;
  readonly observer?: DurableObserver;
  /** The replay schema the "extension" offers (upperSchemaVersion). Default V3, as current extension bundles. */
  readonly schema?: 'V1' | 'V2' | 'V3';
  /** Jump the clock to the next timer when nothing else can progress. Default: when the clock can jump. */
  readonly autoAdvanceTimers?: boolean;
  /**
   * The extension's host.json settings. Default: the app's own host.json (./hostJson.ts), with the
   * extension's Consumption defaults for what it leaves out.
   */
  readonly settings?: DurableTaskSettings;
  /** Overrides settings.maxConcurrentActivityFunctions. */
  readonly maxConcurrentActivities?: number;
  /** Overrides settings.maxConcurrentOrchestratorFunctions (orchestrator episodes at once). */
  readonly maxConcurrentOrchestrations?: number;
  /** Overrides settings.maxEntityOperationBatchSize. */
  readonly maxEntityBatchSize?: number;
  /**
   * When a message is dequeued: the Azure Storage polling back-off (./queues.ts), with
   * settings.maxQueuePollingInterval unless given. `false`: at once (kinder than Azure). Default: on
   * when the clock can jump (sandbox and tests), off on a real clock (a local run against real Azure).
   */
  readonly queuePolling?: QueuePollingOptions | false;
  /** Azure Storage's MaximumDelayTime (6 days) and LongRunningTimerIntervalLength (3 days). */
  readonly maximumShortTimerMs?: number;
  readonly longRunningTimerIntervalMs?: number;
  /** Management URL settings for createCheckStatusResponse. */
  readonly baseUrl?: string;
  readonly taskHubName?: string;
}

/**
 * Where a test makes the worker die (`setCrashPlan`). Each callback returns true to crash the instance
 * there, as `crash(instanceId)` does; `resume` brings it back.
 */
export interface CrashPlan {
  /**
   * An episode of a still running instance was committed: its history holds `events` (the messages it
   * consumed: activity results, timer firings, sub-orchestration results, entity responses, events) and
   * the messages it scheduled were sent. Crashing here loses only what the instance had not yet dequeued.
   */
  afterEpisode?(instanceId: string, name: string, events: readonly WireEvent[]): boolean;
  /**
   * An activity's function returned (its ARM writes happened) and its result has not been sent yet.
   * Crashing here loses the result, so the activity runs again after `resume`: Azure's at-least-once
   * execution of a worker that died between the function's return and the result's enqueue.
   */
  afterActivityBody?(instanceId: string, name: string, taskId: number): boolean;
}

const DAY_MS = 86_400_000;

/** DurableClient.MaxInstanceIdLength. */
export const MAX_INSTANCE_ID_LENGTH = 256;

/** One history event's JSON as the extension sends it (IsPlayed last, as before). */
function eventJson(event: NewEvent, isPlayed: boolean): string {
  return JSON.stringify({ ...event, IsPlayed: isPlayed });
}

export class DurableHost {
  readonly client: DurableClientPort;
  /** The host.json settings in force (limits, polling ceiling). */
  readonly settings: DurableTaskSettings;
  /** The queue polling model, or undefined when messages are picked up at once. */
  readonly polling: QueuePollingModel | undefined;

  private readonly log: Logger;
  private readonly clock: HostClock;
  private readonly observer: DurableObserver | undefined;
  private readonly schema: ReplaySchema;
  private readonly autoAdvance: boolean;
  private readonly maximumShortTimerMs: number;
  private readonly longRunningTimerIntervalMs: number;
  private readonly orchestrators: OrchestratorRunner;
  private readonly activities: ActivityRunner;
  private readonly entities: EntityRunner;
  private readonly timers: TimerService;
  private readonly transit: TransitQueue;
  private readonly catalog: FunctionCatalog;
  private readonly maxEpisodes: number;
  private episodeSlotsInUse = 0;
  private readonly episodeSlotWaiters = new Set<Instance>();

  private readonly instances = new Map<string, Instance>();
  private readonly crashArms = new Map<string, number>();
  private crashPlan: CrashPlan | undefined;
  private readonly work: WorkTracker;
  private closed = false;
  private readonly counters = {
    orchestrations: 0,
    activities: 0,
    activityFailures: 0,
    episodes: 0,
    timersFired: 0,
    entityOperations: 0,
    maxHistoryEvents: 0,
    maxHistoryBytes: 0,
    nonDeterminismFailures: 0,
    droppedDuplicateStarts: 0,
  };

  constructor(options: DurableHostOptions) {
    this.log = options.log ?? silentLogger;
    this.work = new WorkTracker(
      () => this.onQuiet(),
      (error) =>
        this.log.error('durable host internal error', {
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    );
    this.clock = options.clock;
    this.observer = options.observer;
    this.schema = ReplaySchema[options.schema ?? 'V3'];
    this.autoAdvance = options.autoAdvanceTimers ?? typeof options.clock.advanceTo === 'function';
    this.maximumShortTimerMs = options.maximumShortTimerMs ?? 6 * DAY_MS;
    this.longRunningTimerIntervalMs = options.longRunningTimerIntervalMs ?? 3 * DAY_MS;
    const settings = options.settings ?? appDurableTaskSettings();
    this.settings = settings;
    this.maxEpisodes = options.maxConcurrentOrchestrations ?? settings.maxConcurrentOrchestratorFunctions;
    const pollingOn =
      options.queuePolling !== undefined
        ? options.queuePolling !== false
        : typeof options.clock.advanceTo === 'function';
    this.polling = pollingOn
      ? new QueuePollingModel(
          {
            maxIntervalMs: settings.maxQueuePollingIntervalMs,
            ...(options.queuePolling === false ? {} : options.queuePolling),
          },
          this.stamp(),
        )
      : undefined;
    this.transit = new TransitQueue(this.clock, () => {
      this.deliverDue();
      this.work.scheduleCheck();
    });
    const { activities, orchestrations, entities } = options.functions;
    this.orchestrators = new OrchestratorRunner(orchestrations, this.log);
    this.activities = new ActivityRunner(
      activities,
      options.deps,
      options.maxConcurrentActivities ?? settings.maxConcurrentActivityFunctions,
    );
    this.entities = new EntityRunner(entities, {
      log: this.log,
      maxBatch: options.maxEntityBatchSize ?? settings.maxEntityOperationBatchSize,
      run: (work) => this.work.run(work),
      forward: (schedulerId, request) => this.sendToEntity(schedulerId, request),
      respond: (d) => {
        const inst = this.instances.get(d.parentInstanceId);
        if (inst)
          this.deliver(
            inst,
            d.parentExecutionId,
            historyEvent.eventRaised(this.stamp(), d.requestId, toJson(d.response)),
          );
      },
      report: (op) => {
        this.counters.entityOperations++;
        this.emit({
          type: 'entityOperation',
          instanceId: op.schedulerId,
          name: op.entityName,
          operation: op.operation,
          ok: op.ok,
          ...(op.callerInstanceId !== undefined ? { callerInstanceId: op.callerInstanceId } : {}),
        });
      },
    });
    this.timers = new TimerService(this.clock, () => {
      this.fireDueTimers();
      this.work.scheduleCheck();
    });
    const names = (map: ReadonlyMap<string, { name: string }>): string[] =>
      [...map.values()].map((d) => d.name);
    const known = {
      activity: names(activities),
      orchestrator: names(orchestrations),
      entity: names(entities),
    };
    this.catalog = {
      has: (kind, name) => known[kind].some((n) => n.toLowerCase() === name.toLowerCase()),
      names: (kind) => known[kind],
    };
    this.client = new SandboxDurableClient(this.backend(), {
      baseUrl: options.baseUrl ?? 'http://localhost:7071',
      taskHubName: options.taskHubName ?? 'DurableFunctionsHub',
      connectionName: 'Storage',
    });
  }

  // ---- public API ---------------------------------------------------------------------------

  /** Resolves once nothing can make progress: no episode, activity or entity work, no timer left to fire. */
  runUntilIdle(): Promise<void> {
    return this.work.whenIdle();
  }

  /**
   * Resolves with the final status once the instance is Completed, Failed or Terminated. Rejects if the
   * host goes idle first (the instance waits for an external event, or was crashed), so tests cannot hang.
   */
  async waitForCompletion(instanceId: string): Promise<InstanceStatus> {
    const final = (): InstanceStatus | undefined => {
      const inst = this.instances.get(instanceId);
      if (!inst) throw new Error(`no orchestration instance '${instanceId}'`);
      return TERMINAL.has(inst.status) ? statusOf(inst) : undefined;
    };
    const done = final();
    if (done) return done;
    await this.runUntilIdle();
    const after = final();
    if (after) return after;
    const inst = this.instances.get(instanceId) as Instance;
    throw new Error(
      `orchestration '${instanceId}' made no progress: it is ${inst.status}${inst.crashed ? ' (crashed)' : ''} and nothing more can happen: ${this.stuckReason(inst)}`,
    );
  }

  /**
   * Instances that cannot progress: Pending/Running while nothing is left to move them. Meaningful
   * once the host is idle (`runUntilIdle` resolved); on Azure they would stay Running forever.
   */
  stuckInstances(): { instanceId: string; name: string; runtimeStatus: string; reason: string }[] {
    if (this.work.busy() || this.timers.size > 0 || this.transit.size > 0) return [];
    return [...this.instances.values()]
      .filter((inst) => ACTIVE.has(inst.status))
      .map((inst) => ({
        instanceId: inst.instanceId,
        name: inst.name,
        runtimeStatus: inst.status,
        reason: this.stuckReason(inst),
      }));
  }

  private stuckReason(inst: Instance): string {
    if (inst.crashed) return 'it was crashed (test fault) and waits for a resume';
    const reasons = [...inst.notes];
    const settled = new Set<number>();
    for (const e of inst.history)
      if (
        e.EventType === HistoryEventType.SubOrchestrationInstanceCompleted ||
        e.EventType === HistoryEventType.SubOrchestrationInstanceFailed
      )
        settled.add(e.TaskScheduledId);
    for (const e of inst.history) {
      if (e.EventType !== HistoryEventType.SubOrchestrationInstanceCreated || settled.has(e.EventId))
        continue;
      const child = this.instances.get(e.InstanceId);
      if (child && child.parent?.instanceId === inst.instanceId && ACTIVE.has(child.status))
        reasons.push(`it waits for sub-orchestration '${e.InstanceId}', which made no progress either`);
    }
    if (reasons.length === 0)
      reasons.push('it waits for an external event, or for a message that was dropped and will never come');
    return [...new Set(reasons)].join('; ');
  }

  /** The instance's status, or undefined for an unknown id. */
  instanceStatus(instanceId: string): InstanceStatus | undefined {
    const inst = this.instances.get(instanceId);
    return inst ? statusOf(inst) : undefined;
  }

  /** Every instance that is not a sub-orchestration, in start order. */
  topLevelInstances(): InstanceStatus[] {
    return [...this.instances.values()].filter((i) => !i.parent).map((i) => statusOf(i));
  }

  /** Every instance, sub-orchestrations included. */
  allInstances(): InstanceStatus[] {
    return [...this.instances.values()].map((i) => statusOf(i));
  }

  /** The committed history of the instance's current execution, as the orchestrator will see it. */
  history(instanceId: string): WireEvent[] {
    const inst = this.instances.get(instanceId);
    if (!inst) throw new Error(`no orchestration instance '${instanceId}'`);
    return played(inst.history, true);
  }

  /** An entity's committed state (`{exists: false}` until its first operation). */
  readEntityState(entity: { readonly name: string; readonly key: string }): EntitySnapshot {
    return this.entities.snapshot(`@${entity.name.toLowerCase()}@${entity.key}`);
  }

  metrics(): DurableHostMetrics {
    return { ...this.counters, stuckInstances: this.stuckInstances().length };
  }

  /**
   * Crashes the instance right after its n-th activity (counted from now) has completed and its result
   * was queued: the instance stops, activities still running for it lose their results, an episode in
   * progress is not committed. `resume` picks it up again.
   */
  crashAfterActivities(instanceId: string, n: number): void {
    if (!(n >= 1)) throw new RangeError('crashAfterActivities: n must be >= 1');
    this.crashArms.set(instanceId, n);
  }

  /**
   * Installs (or with `undefined` removes) a crash plan: callbacks at the two points where a worker
   * can die that a test cannot reach from outside (test/crash/ derives them from histories).
   */
  setCrashPlan(plan: CrashPlan | undefined): void {
    this.crashPlan = plan;
  }

  /** Crashes the instance now (see crashAfterActivities). */
  crash(instanceId: string): void {
    const inst = this.instances.get(instanceId);
    if (!inst) throw new Error(`no orchestration instance '${instanceId}'`);
    inst.crashed = true;
    inst.incarnation++;
    this.log.info('orchestration crashed (test fault)', { instanceId });
    this.emit({ type: 'instanceCrashed', instanceId, name: inst.name });
  }

  /**
   * Brings a crashed instance back, as a new worker would: its history is replayed from storage;
   * activities scheduled in history whose result is neither in history nor queued ran on the dead
   * worker and are executed again (at-least-once), everything else is not.
   */
  resume(instanceId: string): void {
    const inst = this.instances.get(instanceId);
    if (!inst) throw new Error(`no orchestration instance '${instanceId}'`);
    if (!inst.crashed) return;
    inst.crashed = false;
    this.emit({ type: 'instanceResumed', instanceId, name: inst.name });
    const completed = new Set<number>();
    for (const e of [...inst.history, ...inst.inbox.map((m) => m.event)]) {
      if (e.EventType === HistoryEventType.TaskCompleted || e.EventType === HistoryEventType.TaskFailed)
        completed.add(e.TaskScheduledId);
    }
    if (ACTIVE.has(inst.status)) {
      for (const e of inst.history) {
        if (e.EventType === HistoryEventType.TaskScheduled && !completed.has(e.EventId))
          this.startActivity(inst, e.EventId, e.Name, e.Input);
      }
    }
    this.kick(inst);
  }

  /** Stops timers and waits for work in flight; the host accepts nothing afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    this.timers.close();
    this.transit.close();
    await this.work.close();
  }

  // ---- the client's view ----------------------------------------------------------------------

  private backend(): ClientBackend {
    return {
      start: (name, instanceId, input) => {
        if (this.closed) throw new ClientError(503, 'the durable host is closed');
        // ASSUMED: an unknown orchestrator is refused up front (400) rather than failing on its first episode.
        if (!this.orchestrators.has(name)) {
          throw new ClientError(
            400,
            `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`,
          );
        }
        const id = instanceId ?? randomUUID().replace(/-/g, '');
        if (id.startsWith('@'))
          throw new ClientError(400, 'Orchestration instance ids must not start with @');
        const problem = instanceIdProblem(id);
        if (problem) throw new ClientError(400, problem);
        // DurableClient.StartNewAsync throws ArgumentException; HandleStartOrchestratorRequestAsync does not
        // catch it, so HandleRequestAsync's catch-all answers 500 with the exception's message and type.
        if (id.length > MAX_INSTANCE_ID_LENGTH) {
          throw new ClientError(500, 'Something went wrong while processing your request', {
            message: `Instance ID lengths must not exceed ${MAX_INSTANCE_ID_LENGTH} characters.`,
            type: 'System.ArgumentException',
          });
        }
        const existing = this.instances.get(id);
        // DurableTaskOptions.OverridableExistingInstanceStates defaults to NonRunningStates; the dedupe
        // refusal is DTFx's OrchestrationAlreadyExistsException, which HandleStartOrchestratorRequestAsync
        // answers with 409 Conflict.
        if (existing && ACTIVE.has(existing.status)) {
          throw new ClientError(
            409,
            `An Orchestration instance with the status ${existing.status} already exists.`,
          );
        }
        this.createInstance(name, id, input, undefined, 'viaQueue');
        return id;
      },
      status: (instanceId) => this.instanceStatus(instanceId),
      raiseEvent: (instanceId, eventName, data) => {
        const inst = this.instances.get(instanceId);
        if (!inst) return 'missing';
        if (!ACTIVE.has(inst.status)) return 'gone';
        this.deliver(inst, undefined, historyEvent.eventRaised(this.stamp(), eventName, data));
        return 'delivered';
      },
      terminate: (instanceId, reason) => {
        const inst = this.instances.get(instanceId);
        if (!inst) return 'missing';
        if (!ACTIVE.has(inst.status)) return 'gone';
        this.deliver(inst, undefined, historyEvent.executionTerminated(this.stamp(), toJson(reason)));
        return 'terminated';
      },
      purge: (instanceId) => {
        const inst = this.instances.get(instanceId);
        // ASSUMED: only finished instances are purged.
        if (!inst || !TERMINAL.has(inst.status)) return 0;
        this.instances.delete(instanceId);
        return 1;
      },
    };
  }

  // ---- instances and episodes ----------------------------------------------------------------

  /**
   * Creates the instance record. A client start writes the record (Pending) and sends ExecutionStarted
   * through the instance's control queue ('viaQueue'); a sub-orchestration's ExecutionStarted has
   * already been dequeued when this runs ('dequeued').
   */
  private createInstance(
    name: string,
    instanceId: string,
    input: string | undefined,
    parent: ParentLink | undefined,
    start: 'viaQueue' | 'dequeued',
  ): void {
    const now = this.stamp();
    const executionId = randomUUID().replace(/-/g, '');
    const started = historyEvent.executionStarted(now, name, input, parent);
    const inst: Instance = {
      instanceId,
      name,
      parent,
      createdTime: now,
      executionId,
      input,
      status: 'Pending',
      output: undefined,
      customStatus: undefined,
      lastUpdatedTime: now,
      lastEpisodeAt: now,
      history: [],
      historyText: '',
      historyBytes: 2,
      notes: [],
      stuckReportedAt: undefined,
      inbox: start === 'dequeued' ? [{ executionId, event: started }] : [],
      episodeScheduled: false,
      episodeRunning: false,
      crashed: false,
      incarnation: 0,
    };
    this.instances.set(instanceId, inst);
    this.counters.orchestrations++;
    this.log.debug('orchestration scheduled', { instanceId, name });
    this.emit({
      type: 'instanceStarted',
      instanceId,
      name,
      ...(parent ? { parentInstanceId: parent.instanceId } : {}),
    });
    if (start === 'viaQueue') this.deliver(inst, executionId, started);
    else this.kick(inst);
  }

  /**
   * Sends a message through a queue: it is dequeued at the queue's next poll (./queues.ts), or at once
   * without a polling model. A timer's message is posted when it comes due (`wakes: false`).
   */
  private post(queue: string, deliver: () => void, options: { wakes?: boolean } = {}): void {
    if (this.closed) return;
    if (!this.polling) return deliver();
    const now = this.stamp();
    const at = this.polling.pickup(queue, now, now, options.wakes ?? true);
    this.transit.add({ at, queue, deliver });
    this.work.scheduleCheck();
  }

  /** Delivers every message whose poll is due at `reference` (default now); true if any. */
  private deliverDue(reference = -Infinity): boolean {
    const due = this.transit.takeDue(Math.max(this.clock.now(), reference));
    for (const item of due) {
      this.polling?.polled(item.queue, item.at);
      if (!this.closed) item.deliver();
    }
    return due.length > 0;
  }

  /** Sends a message to an instance through its control queue (see accept). */
  private deliver(
    inst: Instance,
    executionId: string | undefined,
    event: NewEvent,
    options: { wakes?: boolean } = {},
  ): void {
    this.post(
      this.polling?.controlQueue(inst.instanceId) ?? '',
      () => this.accept(inst, executionId, event),
      options,
    );
  }

  /** An entity request message, through the entity's control queue. */
  private sendToEntity(schedulerId: string, request: WireEntityRequest): void {
    this.post(this.polling?.controlQueue(schedulerId) ?? '', () =>
      this.entities.enqueue(schedulerId, request),
    );
  }

  /** A dequeued message for an instance; messages for another execution or a finished instance are dropped. */
  private accept(inst: Instance, executionId: string | undefined, event: NewEvent): void {
    if (this.closed || this.instances.get(inst.instanceId) !== inst) return;
    if (executionId !== undefined && executionId !== inst.executionId) return;
    if (!ACTIVE.has(inst.status)) return;
    inst.inbox.push({ executionId, event });
    this.kick(inst);
  }

  /**
   * Schedules an episode for the instance's pending messages (batched: messages arriving meanwhile join
   * it). At most maxConcurrentOrchestratorFunctions episodes run at once; the others wait for a slot.
   */
  private kick(inst: Instance): void {
    if (
      this.closed ||
      inst.crashed ||
      inst.episodeScheduled ||
      inst.episodeRunning ||
      inst.inbox.length === 0
    )
      return;
    if (this.episodeSlotsInUse >= this.maxEpisodes) {
      this.episodeSlotWaiters.add(inst);
      return;
    }
    this.episodeSlotsInUse++;
    inst.episodeScheduled = true;
    const release = this.work.hold();
    setImmediate(() => {
      inst.episodeScheduled = false;
      this.work.run(async () => {
        try {
          await this.runEpisode(inst);
        } finally {
          this.episodeSlotsInUse--;
          for (const waiter of [...this.episodeSlotWaiters]) {
            if (this.episodeSlotsInUse >= this.maxEpisodes) break;
            this.episodeSlotWaiters.delete(waiter);
            this.kick(waiter);
          }
        }
      });
      release();
    });
  }

  private async runEpisode(inst: Instance): Promise<void> {
    if (this.closed || inst.crashed || inst.episodeRunning) return;
    const messages = inst.inbox.filter(
      (m) => m.executionId === undefined || m.executionId === inst.executionId,
    );
    inst.inbox = [];
    if (messages.length === 0 || !ACTIVE.has(inst.status)) return;
    inst.episodeRunning = true;
    const incarnation = inst.incarnation;
    try {
      const terminate = messages.find((m) => m.event.EventType === HistoryEventType.ExecutionTerminated);
      if (terminate) return this.terminateNow(inst, terminate.event);

      const at = this.episodeTime(inst, messages);
      const newEvents = [historyEvent.orchestratorStarted(at), ...messages.map((m) => m.event)];
      const history = [...inst.history, ...newEvents];
      const newJson = newEvents.map((e) => eventJson(e, false)).join(',');
      const historyJson = `[${inst.historyText}${inst.historyText === '' ? '' : ','}${newJson}]`;
      this.counters.episodes++;
      const call = await this.orchestrators.invoke({
        name: inst.name,
        instanceId: inst.instanceId,
        parentInstanceId: inst.parent?.instanceId,
        historyJson,
        isReplaying: inst.history.length > 0,
        input: inst.input,
        schema: this.schema,
        maximumShortTimerMs: this.maximumShortTimerMs,
        longRunningTimerIntervalMs: this.longRunningTimerIntervalMs,
      });
      if (inst.incarnation !== incarnation || this.closed) {
        // The worker died mid-episode: nothing is committed, the messages stay queued.
        inst.inbox = [...messages, ...inst.inbox];
        return;
      }
      let replay: ReplayResult;
      let customStatus: unknown = inst.customStatus;
      if (call.kind === 'error') {
        // TaskOrchestrationShim: no state to replay, the instance fails with the function's error.
        replay = {
          outcome: {
            kind: 'failed',
            reason: `Orchestrator function '${inst.name}' failed: ${call.message}`,
            details: call.stack ?? call.message,
            nonDeterministic: false,
          },
          newActions: [],
        };
      } else {
        // A refused custom status is not stored (SetCustomStatus threw); replay fails the instance.
        if (customStatusProblem(call.state.customStatus) === undefined)
          customStatus = call.state.customStatus;
        replay = replayEpisode({
          instanceId: inst.instanceId,
          executionId: inst.executionId,
          name: inst.name,
          parentInstanceId: inst.parent?.instanceId,
          history,
          state: call.state,
          ...(call.errorStack !== undefined ? { errorStack: call.errorStack } : {}),
          maximumShortTimerMs: this.maximumShortTimerMs,
          longRunningTimerIntervalMs: this.longRunningTimerIntervalMs,
          catalog: this.catalog,
        });
      }
      this.commit(inst, at, newEvents, replay, customStatus);
    } finally {
      inst.episodeRunning = false;
      this.kick(inst);
    }
  }

  /** Episode time: now, never before the previous episode nor before a timer that fires in it. */
  private episodeTime(inst: Instance, messages: readonly InboxMessage[]): number {
    let at = Math.max(this.stamp(), inst.lastEpisodeAt);
    for (const m of messages)
      if (m.event.EventType === HistoryEventType.TimerFired) at = Math.max(at, Date.parse(m.event.FireAt));
    inst.lastEpisodeAt = at;
    return at;
  }

  private commit(
    inst: Instance,
    at: number,
    newEvents: readonly NewEvent[],
    replay: ReplayResult,
    customStatus: unknown,
  ): void {
    const { outcome, newActions } = replay;
    const scheduling = newActions.map((a) => this.schedulingEvent(at, a));
    this.appendHistory(inst, [...newEvents, ...scheduling, historyEvent.orchestratorCompleted(at)]);
    if (inst.status === 'Pending' || inst.status === 'ContinuedAsNew') inst.status = 'Running';
    inst.lastUpdatedTime = at;
    if (JSON.stringify(customStatus) !== JSON.stringify(inst.customStatus)) {
      inst.customStatus = customStatus;
      this.emit({ type: 'customStatus', instanceId: inst.instanceId, name: inst.name, customStatus });
    }
    for (const action of newActions) this.dispatch(inst, action);

    switch (outcome.kind) {
      case 'running':
        break;
      case 'completed':
        this.appendHistory(inst, [historyEvent.executionCompleted(at, 'Completed', outcome.output)]);
        this.finish(inst, at, 'Completed', fromJson(outcome.output), { result: outcome.output ?? 'null' });
        break;
      case 'failed':
        if (outcome.nonDeterministic) this.counters.nonDeterminismFailures++;
        this.appendHistory(inst, [historyEvent.executionCompleted(at, 'Failed', outcome.reason)]);
        this.log.warn('orchestration failed', {
          instanceId: inst.instanceId,
          name: inst.name,
          reason: outcome.reason,
        });
        this.finish(inst, at, 'Failed', outcome.reason, { reason: outcome.reason, details: outcome.details });
        break;
      case 'continuedAsNew': {
        this.appendHistory(inst, [historyEvent.continueAsNew(at, outcome.input)]);
        this.noteHistory(inst);
        this.timers.removeExecution(inst.instanceId, inst.executionId);
        inst.status = 'ContinuedAsNew';
        this.emit({ type: 'instanceContinuedAsNew', instanceId: inst.instanceId, name: inst.name });
        // A new execution: fresh history, the new input, events raised after continueAsNew carried over.
        const executionId = randomUUID().replace(/-/g, '');
        inst.executionId = executionId;
        inst.input = outcome.input;
        inst.history = [];
        inst.historyText = '';
        inst.historyBytes = 2;
        inst.notes = [];
        inst.inbox = [
          { executionId, event: historyEvent.executionStarted(at, inst.name, outcome.input, inst.parent) },
          ...outcome.carryover.map((event) => ({ executionId, event })),
          ...inst.inbox.filter((m) => m.executionId === undefined),
        ];
        this.counters.orchestrations++;
        return;
      }
    }
    this.noteHistory(inst);
    if (
      ACTIVE.has(inst.status) &&
      this.crashPlan?.afterEpisode?.(inst.instanceId, inst.name, played(newEvents, true))
    )
      this.crash(inst.instanceId);
  }

  private schedulingEvent(at: number, action: ScheduledAction): NewEvent {
    switch (action.kind) {
      case 'task':
        return historyEvent.taskScheduled(at, action.id, action.name, action.input);
      case 'timer':
        return historyEvent.timerCreated(at, action.id, action.fireAt);
      case 'subOrchestration':
        return historyEvent.subOrchestrationCreated(
          at,
          action.id,
          action.name,
          action.instanceId,
          action.input,
        );
      case 'event':
        return historyEvent.eventSent(at, action.id, action.targetInstanceId, action.eventName, action.data);
    }
  }

  private dispatch(inst: Instance, action: ScheduledAction): void {
    switch (action.kind) {
      case 'task':
        return this.startActivity(inst, action.id, action.name, action.input);
      case 'timer':
        this.timers.add({
          fireAt: action.fireAt,
          instanceId: inst.instanceId,
          executionId: inst.executionId,
          timerId: action.id,
        });
        this.emit({
          type: 'timerCreated',
          instanceId: inst.instanceId,
          name: inst.name,
          timerId: action.id,
          fireAt: new Date(action.fireAt).toISOString(),
        });
        return;
      case 'subOrchestration': {
        const parent = {
          instanceId: inst.instanceId,
          executionId: inst.executionId,
          taskScheduledId: action.id,
        };
        this.post(this.polling?.controlQueue(action.instanceId) ?? '', () => {
          const existing = this.instances.get(action.instanceId);
          if (existing && ACTIVE.has(existing.status)) return this.dropDuplicateStart(inst, action, existing);
          this.createInstance(action.name, action.instanceId, action.input, parent, 'dequeued');
        });
        return;
      }
      case 'event':
        if (action.targetInstanceId.startsWith('@')) {
          this.sendToEntity(action.targetInstanceId, JSON.parse(action.data ?? '{}') as WireEntityRequest);
        } else {
          const target = this.instances.get(action.targetInstanceId);
          if (target)
            this.deliver(
              target,
              undefined,
              historyEvent.eventRaised(this.stamp(), action.eventName, action.data),
            );
        }
        return;
    }
  }

  /** Sends the activity's message through the work-item queue; a worker runs it when it is dequeued. */
  /**
   * The child's ExecutionStarted reached an instance that is still Pending/Running. DurableTask.AzureStorage
   * does not de-duplicate sub-orchestration starts (OrchestrationSessionManager.DedupeExecutionStartedMessagesAsync
   * skips messages with a ParentInstance), so the message reaches the running instance's work item, where
   * TaskOrchestrationDispatcher.ReconcileMessagesWithState drops it ("Duplicate start event"). Nobody
   * answers the parent's task: the parent waits forever. The host records why, to report the hang.
   */
  private dropDuplicateStart(
    parent: Instance,
    action: Extract<ScheduledAction, { kind: 'subOrchestration' }>,
    existing: Instance,
  ): void {
    this.counters.droppedDuplicateStarts++;
    const note = `its sub-orchestration '${action.instanceId}' (${action.name}, task ${action.id}) never started: an instance with that id was already ${existing.status}, so DTFx dropped the start as a "Duplicate start event" and nothing will ever answer the parent`;
    if (this.instances.get(parent.instanceId) === parent) parent.notes.push(note);
    this.log.warn('duplicate start event dropped', {
      instanceId: action.instanceId,
      name: action.name,
      parentInstanceId: parent.instanceId,
      existingStatus: existing.status,
    });
  }

  private startActivity(inst: Instance, taskId: number, name: string, input: string | undefined): void {
    const { incarnation } = inst;
    this.post(this.polling?.workItemQueue ?? '', () => {
      // Dispatched before a crash: resume() sends it again (the orchestration's worker died).
      if (inst.incarnation !== incarnation) return;
      this.runActivity(inst, taskId, name, input);
    });
  }

  private runActivity(inst: Instance, taskId: number, name: string, input: string | undefined): void {
    const { executionId, incarnation, instanceId } = inst;
    this.counters.activities++;
    this.emit({ type: 'activityStarted', instanceId, name, taskId });
    const started = this.clock.now();
    this.work.run(async () => {
      const outcome = await this.activities.run({ name, input });
      if (inst.incarnation === incarnation && this.crashPlan?.afterActivityBody?.(instanceId, name, taskId))
        this.crash(instanceId);
      if (!outcome.ok) this.counters.activityFailures++;
      this.emit({
        type: 'activityCompleted',
        instanceId,
        name,
        taskId,
        ok: outcome.ok,
        durationMs: Math.max(0, this.clock.now() - started),
        ...(outcome.ok ? {} : { error: outcome.message }),
      });
      // The worker that ran it "crashed" meanwhile: the result is lost; resume() runs it again.
      if (inst.incarnation !== incarnation) return;
      const at = this.stamp();
      this.deliver(
        inst,
        executionId,
        outcome.ok
          ? historyEvent.taskCompleted(at, taskId, outcome.result)
          : historyEvent.taskFailed(at, taskId, outcome.reason, outcome.details),
      );
      const left = this.crashArms.get(instanceId);
      if (left !== undefined) {
        if (left <= 1) {
          this.crashArms.delete(instanceId);
          this.crash(instanceId);
        } else {
          this.crashArms.set(instanceId, left - 1);
        }
      }
    });
  }

  private terminateNow(inst: Instance, terminated: NewEvent): void {
    const at = this.episodeTime(inst, []);
    const reason =
      terminated.EventType === HistoryEventType.ExecutionTerminated ? fromJson(terminated.Input) : undefined;
    this.appendHistory(inst, [
      historyEvent.orchestratorStarted(at),
      terminated,
      historyEvent.executionCompleted(
        at,
        'Terminated',
        terminated.EventType === HistoryEventType.ExecutionTerminated ? terminated.Input : undefined,
      ),
      historyEvent.orchestratorCompleted(at),
    ]);
    this.noteHistory(inst);
    const text = typeof reason === 'string' ? reason : toJson(reason);
    this.finish(inst, at, 'Terminated', reason ?? null, { reason: text, details: text });
  }

  private finish(
    inst: Instance,
    at: number,
    status: 'Completed' | 'Failed' | 'Terminated',
    output: unknown,
    result: { readonly result: string } | { readonly reason: string; readonly details: string },
  ): void {
    inst.status = status;
    inst.output = output;
    inst.lastUpdatedTime = at;
    this.timers.removeExecution(inst.instanceId, inst.executionId);
    this.log.debug('orchestration finished', { instanceId: inst.instanceId, name: inst.name, status });
    this.emit({
      type: 'instanceCompleted',
      instanceId: inst.instanceId,
      name: inst.name,
      runtimeStatus: status,
      output,
    });
    const link = inst.parent;
    const parent = link ? this.instances.get(link.instanceId) : undefined;
    if (!link || !parent) return;
    // DTFx notifies the parent: SubOrchestrationInstanceCompleted, or ...Failed for Failed and Terminated (ASSUMED for Terminated).
    this.deliver(
      parent,
      link.executionId,
      'result' in result
        ? historyEvent.subOrchestrationCompleted(this.stamp(), link.taskScheduledId, result.result)
        : historyEvent.subOrchestrationFailed(
            this.stamp(),
            link.taskScheduledId,
            result.reason,
            result.details,
          ),
    );
  }

  /** Appends committed events, keeping their replay JSON and the serialized size beside them. */
  private appendHistory(inst: Instance, events: readonly NewEvent[]): void {
    for (const event of events) {
      const json = eventJson(event, true);
      const comma = inst.history.length > 0 ? ',' : '';
      inst.historyBytes += Buffer.byteLength(json, 'utf8') + comma.length;
      inst.history.push(event);
      inst.historyText += comma + json;
    }
  }

  private noteHistory(inst: Instance): void {
    this.counters.maxHistoryEvents = Math.max(this.counters.maxHistoryEvents, inst.history.length);
    this.counters.maxHistoryBytes = Math.max(this.counters.maxHistoryBytes, inst.historyBytes);
  }

  // ---- timers, idleness, bookkeeping ---------------------------------------------------------

  /** Delivers every timer due at `reference` (default now); true if any fired. */
  private fireDueTimers(reference = -Infinity): boolean {
    const now = Math.max(this.clock.now(), reference);
    const due = this.timers.takeDue(now);
    for (const timer of due) {
      const inst = this.instances.get(timer.instanceId);
      if (!inst || inst.executionId !== timer.executionId || !ACTIVE.has(inst.status)) continue;
      this.counters.timersFired++;
      const fireAt = new Date(timer.fireAt).toISOString();
      this.emit({
        type: 'timerFired',
        instanceId: inst.instanceId,
        name: inst.name,
        timerId: timer.timerId,
        fireAt,
      });
      this.deliver(
        inst,
        timer.executionId,
        historyEvent.timerFired(Math.max(Math.ceil(now), timer.fireAt), timer.timerId, timer.fireAt),
        { wakes: false },
      );
    }
    return due.length > 0;
  }

  /**
   * Nothing is running. Fire due timers; if only future timers remain, jump a virtual clock to the
   * earliest (a real clock waits for the alarm); if nothing remains, the host is idle.
   */
  private onQuiet(): 'idle' | 'busy' {
    const timersFired = this.fireDueTimers();
    if (this.deliverDue() || timersFired) {
      // What was delivered may start no work (e.g. a message for a crashed instance): look again.
      this.work.scheduleCheck();
      return 'busy';
    }
    const nextTimer = this.timers.earliest();
    const nextMessage = this.transit.earliest();
    const next =
      nextTimer === undefined
        ? nextMessage
        : nextMessage === undefined
          ? nextTimer
          : Math.min(nextTimer, nextMessage);
    if (next === undefined) {
      this.reportStuck();
      return 'idle';
    }
    if (this.autoAdvance && this.clock.advanceTo) {
      this.clock.advanceTo(next);
      this.fireDueTimers(next);
      this.deliverDue(next);
      this.work.scheduleCheck();
    }
    return 'busy';
  }

  /** Idle with instances still Pending/Running: each made no progress and never will. Reported once per state. */
  private reportStuck(): void {
    for (const inst of this.instances.values()) {
      if (!ACTIVE.has(inst.status) || inst.crashed) continue;
      if (inst.stuckReportedAt === inst.history.length) continue;
      inst.stuckReportedAt = inst.history.length;
      const reason = this.stuckReason(inst);
      this.log.warn('orchestration made no progress', {
        instanceId: inst.instanceId,
        name: inst.name,
        runtimeStatus: inst.status,
        reason,
      });
      this.emit({ type: 'instanceStuck', instanceId: inst.instanceId, name: inst.name, reason });
    }
  }

  private stamp(): number {
    return Math.ceil(this.clock.now());
  }

  private emit(event: DurableHostEvent): void {
    if (!this.observer) return;
    try {
      this.observer(event);
    } catch (error) {
      this.log.warn('durable host observer threw', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
