/**
 * The Durable extension's half of an episode: replays the actions a JS orchestrator returned against
 * the instance's history, the way the Durable Task Framework does in Azure, and decides what is new,
 * what is finished and what is non-deterministic.
 *
 * Sources reproduced (read them next to this file):
 * - azure-functions-durable-extension OutOfProcOrchestrationShim: the JS result's actions are invoked
 *   one top-level action at a time, each awaited before the next (ProcessAsyncActionsV2; failures of
 *   user tasks are swallowed there because the JS SDK owns error handling). Schema V1 ("Original")
 *   invokes each action set and awaits Task.WhenAny of it. After the replay, `error` fails the
 *   orchestration with "Orchestrator function '<name>' failed: <error>"; `isDone` sets the output;
 *   otherwise the shim awaits forever (Task.Delay(Infinite)).
 * - the extension's DurableOrchestrationContext: CallActivityAsync / CallSubOrchestratorAsync throw
 *   for unknown functions (ThrowIfFunctionDoesNotExist), entity calls are SendEvent("op", request) +
 *   WaitForExternalEvent(<request guid>), external events are delivered to the most recent waiter
 *   (a stack) or buffered in a FIFO queue, and long timers (> MaximumShortTimerDuration) are split
 *   into LongRunningTimerIntervalDuration pieces.
 * - DTFx TaskOrchestrationContext: every scheduling API takes the next sequence number
 *   (`int id = idCounter++`) and records the action in `orchestratorActionsMap`; a TaskScheduled /
 *   TimerCreated / SubOrchestrationInstanceCreated / EventSent history event must find an action of the
 *   same kind (and name) under its EventId or replay throws NonDeterministicOrchestrationException
 *   ("Non-Deterministic workflow detected: ..."); completions resolve `openTasks`; actions left in the
 *   map after the whole history is processed are the new ones to execute.
 * - DTFx TaskOrchestrationExecutor: continuations run synchronously as each event is processed, and the
 *   orchestration completes only when the orchestrator's task is done AND no open tasks (activities,
 *   timers, sub-orchestrations) remain, so an un-cancelled timer keeps an instance Running until it fires.
 * - DTFx RetryInterceptor (./retry.ts) for the *WithRetry actions.
 *
 * Everything here is synchronous, like DTFx's SynchronousTaskScheduler: a task's continuation runs
 * the moment the history event that completes it is processed.
 */
import { createHash } from 'node:crypto';
import { ActionType, HistoryEventType, ReplaySchema } from './lib';
import { computeNextDelayMs, type DtfxRetryOptions, fromWire } from './retry';
import { timestampOf } from './history';
import {
  type NewEvent,
  toJson,
  type WireAction,
  type WireEntityRequest,
  type WireOrchestratorState,
} from './wire';

/** The extension checks that called functions exist (Functions names are case-insensitive). */
export interface FunctionCatalog {
  has(kind: 'activity' | 'orchestrator' | 'entity', name: string): boolean;
  names(kind: 'activity' | 'orchestrator' | 'entity'): readonly string[];
}

/** An action DTFx will carry out after this episode (what is left in `orchestratorActionsMap`). */
export type ScheduledAction =
  | { readonly kind: 'task'; readonly id: number; readonly name: string; readonly input: string | undefined }
  | { readonly kind: 'timer'; readonly id: number; readonly fireAt: number }
  | {
      readonly kind: 'subOrchestration';
      readonly id: number;
      readonly name: string;
      readonly instanceId: string;
      readonly input: string | undefined;
    }
  | {
      readonly kind: 'event';
      readonly id: number;
      readonly targetInstanceId: string;
      readonly eventName: string;
      readonly data: string | undefined;
    };

export type ReplayOutcome =
  | { readonly kind: 'running' }
  | { readonly kind: 'completed'; readonly output: string | undefined }
  | {
      readonly kind: 'continuedAsNew';
      readonly input: string | undefined;
      readonly carryover: readonly NewEvent[];
    }
  | {
      readonly kind: 'failed';
      readonly reason: string;
      readonly details: string;
      readonly nonDeterministic: boolean;
    };

export interface ReplayResult {
  readonly outcome: ReplayOutcome;
  /** Actions to execute now, in sequence-number order. */
  readonly newActions: readonly ScheduledAction[];
}

export interface ReplayInput {
  readonly instanceId: string;
  readonly executionId: string;
  readonly name: string;
  readonly parentInstanceId: string | undefined;
  /** The full history handed to the orchestrator: earlier episodes plus this one's new events. */
  readonly history: readonly NewEvent[];
  /** What the JS orchestrator returned (or carried in its OrchestrationFailureError). */
  readonly state: WireOrchestratorState;
  /** The stack of the orchestrator's error, for the failure details. */
  readonly errorStack?: string;
  readonly maximumShortTimerMs: number;
  readonly longRunningTimerIntervalMs: number;
  readonly catalog: FunctionCatalog;
}

/** Thrown by DTFx replay; fails the instance immediately (TaskOrchestrationExecutor.ExecuteCore). */
export class NonDeterministicOrchestrationError extends Error {
  constructor(
    readonly eventId: number,
    eventDetails: string,
  ) {
    // DurableTask.Core/Exceptions/NonDeterministicOrchestrationException.cs
    super('Non-Deterministic workflow detected: ' + eventDetails);
    this.name = 'NonDeterministicOrchestrationException';
  }
}

/** An exception thrown while the extension invokes an action (ArgumentException & co). */
class ShimError extends Error {}

// ---- a minimal synchronous task, like a TaskCompletionSource under DTFx's synchronous scheduler ----

type Outcome =
  | { readonly kind: 'ok'; readonly value: string | undefined }
  | { readonly kind: 'failed' }
  | { readonly kind: 'canceled' };

const OK: Outcome = { kind: 'ok', value: undefined };

class DTask {
  private outcome: Outcome | undefined;
  private readonly continuations: ((outcome: Outcome) => void)[] = [];

  static done(outcome: Outcome = OK): DTask {
    const task = new DTask();
    task.settle(outcome);
    return task;
  }

  get settled(): boolean {
    return this.outcome !== undefined;
  }

  settle(outcome: Outcome): void {
    if (this.outcome) return; // TrySet*
    this.outcome = outcome;
    for (const continuation of this.continuations.splice(0)) continuation(outcome);
  }

  onSettled(continuation: (outcome: Outcome) => void): void {
    if (this.outcome) continuation(this.outcome);
    else this.continuations.push(continuation);
  }
}

/** .NET Task.WhenAll: settles once every child has; faulted if any child faulted. */
function whenAll(children: readonly DTask[]): DTask {
  const all = new DTask();
  let remaining = children.length;
  let failed = false;
  let canceled = false;
  if (remaining === 0) all.settle(OK);
  for (const child of children) {
    child.onSettled((o) => {
      if (o.kind === 'failed') failed = true;
      if (o.kind === 'canceled') canceled = true;
      if (--remaining === 0) all.settle(failed ? { kind: 'failed' } : canceled ? { kind: 'canceled' } : OK);
    });
  }
  return all;
}

/** .NET Task.WhenAny: completes (successfully) with the first child to settle, whatever its outcome. */
function whenAny(children: readonly DTask[]): DTask {
  if (children.length === 0) throw new ShimError('The tasks argument contains no tasks.');
  const any = new DTask();
  for (const child of children) child.onSettled(() => any.settle(OK));
  return any;
}

/** An action scheduled during replay and not yet matched to history: the same shape as ScheduledAction. */
type PendingAction = ScheduledAction;

/** The DTFx class name of each action, as NonDeterministicOrchestrationException messages print it. */
const DTFX_ACTION_TYPE: Record<PendingAction['kind'], string> = {
  task: 'ScheduleTaskOrchestratorAction',
  timer: 'CreateTimerOrchestratorAction',
  subOrchestration: 'CreateSubOrchestrationAction',
  event: 'SendEventOrchestratorAction',
};

const WAS_A_CHANGE_MADE =
  'Was a change made to the orchestrator code after this instance had already started running?';

/**
 * Azure Storage keeps instance ids (and entity keys) in table keys, which may not contain '/', '\\',
 * '#', '?' or control characters (U+0000-U+001F, U+007F-U+009F); see Azure/durabletask#518.
 */
function isForbiddenKeyChar(char: string): boolean {
  const code = char.charCodeAt(0);
  return (
    char === '/' ||
    char === '\\' ||
    char === '#' ||
    char === '?' ||
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f)
  );
}

export function instanceIdProblem(instanceId: string): string | undefined {
  if (instanceId.trim().length === 0) return 'instance ids must not be empty';
  if ([...instanceId].some(isForbiddenKeyChar)) {
    return `instance id '${instanceId}' contains a character Azure Storage does not allow in table keys ('/', '\\', '#', '?' or a control character)`;
  }
  return undefined;
}

/** DurableOrchestrationContext.SetCustomStatus: MaxCustomStatusPayloadSizeInKB. */
export const MAX_CUSTOM_STATUS_KB = 16;

/**
 * The extension's refusal of a custom status (MessagePayloadDataConverter.Serialize(value, 16)): the
 * compact JSON's UTF-16 byte count, divided by 1024 and truncated, must not exceed 16, so a payload
 * is refused from 17 KB (17 408 bytes, 8 704 UTF-16 code units) on. Newtonsoft's compact JSON of the
 * JToken equals JSON.stringify here (ASSUMED for exotic number formats).
 */
export function customStatusProblem(customStatus: unknown): string | undefined {
  if (customStatus === undefined || customStatus === null) return undefined;
  const json = JSON.stringify(customStatus);
  const kb = Math.floor((json.length * 2) / 1024);
  if (kb <= MAX_CUSTOM_STATUS_KB) return undefined;
  const n0 = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
  return `The UTF-16 size of the JSON-serialized payload must not exceed ${n0(MAX_CUSTOM_STATUS_KB)} KB. The current payload size is ${n0(kb)} KB.`;
}

/** The extension's deterministic NewGuid: a name-based UUID of instance id, replay time and a counter. */
function deterministicGuid(name: string): string {
  const hash = createHash('sha1').update(name).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** durable-js `Utils.processInput` JSON-encodes string inputs of activities and continueAsNew once more. */
function unwrapProcessedInput(input: unknown): unknown {
  return typeof input === 'string' ? JSON.parse(input) : input;
}

function serialize(input: unknown): string | undefined {
  return input === undefined ? undefined : toJson(input);
}

class ExtensionReplay {
  private nowMs = 0;
  private idCounter = 0;
  private guidCounter = 0;
  private readonly pending = new Map<number, PendingAction>();
  private readonly openTasks = new Map<number, DTask>();
  /** DurableOrchestrationContext.pendingExternalEvents: a stack per (case-insensitive) name. */
  private readonly waiters = new Map<string, DTask[]>();
  /** DurableOrchestrationContext.bufferedExternalEvents: a FIFO per name. */
  private readonly buffered = new Map<string, (string | undefined)[]>();
  private continueAsNewInput: { input: string | undefined } | undefined;
  private readonly carryover: NewEvent[] = [];
  /** The shim's task: undefined while running (or forever, when the JS result is not done). */
  private shimResult: ReplayOutcome | undefined;

  constructor(private readonly input: ReplayInput) {}

  run(): ReplayResult {
    try {
      for (const event of this.input.history) this.process(event);
    } catch (error) {
      if (!(error instanceof NonDeterministicOrchestrationError)) throw error;
      // TaskOrchestrationExecutor.ExecuteCore: catch (NonDeterministicOrchestrationException) => FailOrchestration.
      // ASSUMED: the actions a broken replay scheduled are not dispatched (DTFx's dispatcher handling of them is not reproduced).
      return {
        outcome: {
          kind: 'failed',
          reason: error.message,
          details: `${error.name}: ${error.message}`,
          nonDeterministic: true,
        },
        newActions: [],
      };
    }
    const newActions = [...this.pending.values()].sort((a, b) => a.id - b.id);
    if (this.shimResult && this.openTasks.size === 0) return { outcome: this.shimResult, newActions };
    return { outcome: { kind: 'running' }, newActions };
  }

  // ---- history events (TaskOrchestrationExecutor.ProcessEvent) ----

  private process(event: NewEvent): void {
    switch (event.EventType) {
      case HistoryEventType.OrchestratorStarted:
        this.nowMs = timestampOf(event);
        return;
      case HistoryEventType.ExecutionStarted:
        this.startShim();
        return;
      case HistoryEventType.TaskScheduled:
        return this.matchScheduled(event.EventId, 'task', event.Name, (action) => {
          if (action.kind !== 'task') {
            return `A previous execution of this orchestration scheduled an activity task with sequence number ${event.EventId} named '${event.Name}', but the current orchestration replay instead produced a ${DTFX_ACTION_TYPE[action.kind]} action with this sequence number. ${WAS_A_CHANGE_MADE}`;
          }
          if (action.name.toLowerCase() !== event.Name.toLowerCase()) {
            return `A previous execution of this orchestration scheduled an activity task with sequence number ${event.EventId} named '${event.Name}', but the current orchestration replay instead scheduled an activity task named '${action.name}' with this sequence number.  ${WAS_A_CHANGE_MADE}`;
          }
          return undefined;
        });
      case HistoryEventType.TimerCreated:
        return this.matchScheduled(event.EventId, 'timer', '', (action) =>
          action.kind !== 'timer'
            ? `A previous execution of this orchestration scheduled a timer task with sequence number ${event.EventId} named but the current orchestration replay instead produced a ${DTFX_ACTION_TYPE[action.kind]} action with this sequence number. ${WAS_A_CHANGE_MADE}`
            : undefined,
        );
      case HistoryEventType.SubOrchestrationInstanceCreated: {
        const head = `A previous execution of this orchestration scheduled a sub-orchestration task with sequence ID ${event.EventId} and name '${event.Name}' (version '', instance ID '${event.InstanceId}'), but the current orchestration replay instead`;
        return this.matchScheduled(event.EventId, 'subOrchestration', event.Name, (action) => {
          if (action.kind !== 'subOrchestration')
            return `${head} produced a ${DTFX_ACTION_TYPE[action.kind]} action at this sequence number. ${WAS_A_CHANGE_MADE}`;
          if (action.name.toLowerCase() !== event.Name.toLowerCase()) {
            return `${head} scheduled a sub-orchestration task with name ${action.name} at this sequence number. ${WAS_A_CHANGE_MADE}`;
          }
          return undefined;
        });
      }
      case HistoryEventType.EventSent: {
        const head = `A previous execution of this orchestration scheduled a send event task with sequence ID ${event.EventId}, type 'EventSent', name '${event.Name}', instance ID '${event.InstanceId}', but the current orchestration replay instead`;
        return this.matchScheduled(event.EventId, 'event', event.Name, (action) => {
          if (action.kind !== 'event')
            return `${head} scheduled a ${DTFX_ACTION_TYPE[action.kind]} task at this sequence number. ${WAS_A_CHANGE_MADE}`;
          if (action.eventName.toLowerCase() !== event.Name.toLowerCase()) {
            return `${head} scheduled a send event task with name ${action.eventName}at this sequence number. ${WAS_A_CHANGE_MADE}`;
          }
          return undefined;
        });
      }
      case HistoryEventType.TaskCompleted:
      case HistoryEventType.SubOrchestrationInstanceCompleted:
        return this.complete(event.TaskScheduledId, { kind: 'ok', value: event.Result });
      case HistoryEventType.TaskFailed:
      case HistoryEventType.SubOrchestrationInstanceFailed:
        return this.complete(event.TaskScheduledId, { kind: 'failed' });
      case HistoryEventType.TimerFired:
        return this.complete(event.TimerId, OK);
      case HistoryEventType.EventRaised:
        // TaskOrchestrationContext.HandleEventRaisedEvent: after ContinueAsNew, events carry over.
        if (this.continueAsNewInput) {
          this.carryover.push(event);
          return;
        }
        return this.raiseEvent(event.Name, event.Input);
      case HistoryEventType.OrchestratorCompleted:
      case HistoryEventType.ExecutionCompleted:
      case HistoryEventType.ExecutionTerminated:
      case HistoryEventType.ContinueAsNew:
        // The host finishes the instance itself (terminate never reaches a replay).
        return;
    }
  }

  private matchScheduled(
    id: number,
    kind: PendingAction['kind'],
    name: string,
    mismatch: (action: PendingAction) => string | undefined,
  ): void {
    const action = this.pending.get(id);
    if (!action) {
      const what =
        kind === 'task'
          ? `an activity task with sequence ID ${id} and name '${name}' (version '')`
          : kind === 'timer'
            ? `a timer task with sequence number ${id}`
            : kind === 'subOrchestration'
              ? `a sub-orchestration task with sequence ID ${id} and name '${name}'`
              : `a send event task with sequence ID ${id}, name '${name}'`;
      throw new NonDeterministicOrchestrationError(
        id,
        `A previous execution of this orchestration scheduled ${what}, but the current replay execution hasn't (yet?) scheduled this task. ${WAS_A_CHANGE_MADE}`,
      );
    }
    const problem = mismatch(action);
    if (problem !== undefined) throw new NonDeterministicOrchestrationError(id, problem);
    this.pending.delete(id);
  }

  private complete(id: number, outcome: Outcome): void {
    const task = this.openTasks.get(id);
    if (!task) return; // LogDuplicateEvent: a fired timer that was cancelled, a late duplicate
    this.openTasks.delete(id);
    task.settle(outcome);
  }

  // ---- the OOProc shim ----

  private startShim(): void {
    const { state } = this.input;
    const finish = (): void => {
      if (this.shimResult) return;
      if (state.error !== undefined) {
        const reason = `Orchestrator function '${this.input.name}' failed: ${state.error}`;
        this.shimResult = {
          kind: 'failed',
          reason,
          details: `Message: ${state.error}, StackTrace: ${this.input.errorStack ?? ''}`,
          nonDeterministic: false,
        };
      } else if (state.isDone) {
        this.shimResult = this.continueAsNewInput
          ? { kind: 'continuedAsNew', input: this.continueAsNewInput.input, carryover: this.carryover }
          : { kind: 'completed', output: serialize(state.output) };
      }
      // not done: HandleDurableTaskReplay awaits Task.Delay(Timeout.Infinite)
    };
    const fail = (error: unknown): void => {
      // TaskOrchestrationShim.InvokeUserCodeAndHandleResults wraps it in an OrchestrationFailureException.
      const message = error instanceof Error ? error.message : String(error);
      this.shimResult = {
        kind: 'failed',
        reason: `Orchestrator function '${this.input.name}' failed: ${message}`,
        details: error instanceof Error ? (error.stack ?? message) : message,
        nonDeterministic: false,
      };
    };
    // OutOfProcOrchestrationShim.ScheduleDurableTaskEvents sets the custom status before it replays any
    // action; SetCustomStatus refuses more than 16 KB (below). The shim's task faults at once, so the
    // scheduling events of earlier episodes then find no action (non-determinism), as in DTFx.
    const statusProblem = customStatusProblem(state.customStatus);
    if (statusProblem !== undefined) return fail(new ShimError(statusProblem));
    // The extension replays by the schema version the JS result declares (OutOfProcOrchestratorState.SchemaVersion).
    if (state.schemaVersion >= ReplaySchema.V2) {
      if (state.actions.length > 1) {
        return fail(
          new ShimError(
            `With OOProc schema ${ReplaySchema[state.schemaVersion] ?? state.schemaVersion}, expected actions array to be of length 1 in outer layer but got size: ${state.actions.length}`,
          ),
        );
      }
      const actions = state.actions[0] ?? [];
      let index = 0;
      // ProcessAsyncActionsV2: invoke, await (swallowing the task's exception), next.
      const step = (): void => {
        try {
          while (index < actions.length) {
            const action = actions[index++] as WireAction;
            const task = this.invoke(action);
            if (!task.settled) {
              task.onSettled(() => step());
              return;
            }
          }
        } catch (error) {
          if (error instanceof NonDeterministicOrchestrationError) throw error;
          return fail(error);
        }
        finish();
      };
      step();
    } else {
      let setIndex = 0;
      // ProcessAsyncActionsV1: invoke every action of a set, await Task.WhenAny of the real tasks.
      const step = (): void => {
        try {
          while (setIndex < state.actions.length) {
            const set = state.actions[setIndex++] ?? [];
            const tasks = set
              .map((action) => ({ action, task: this.invoke(action) }))
              .filter(({ action }) => !isFireAndForget(action));
            if (tasks.length > 0) {
              const any = whenAny(tasks.map((t) => t.task));
              if (!any.settled) {
                any.onSettled(() => step());
                return;
              }
            }
          }
        } catch (error) {
          if (error instanceof NonDeterministicOrchestrationError) throw error;
          return fail(error);
        }
        finish();
      };
      step();
    }
  }

  /** OutOfProcOrchestrationShim.InvokeAPIFromAction. */
  private invoke(action: WireAction): DTask {
    switch (action.actionType) {
      case ActionType.CallActivity:
        this.requireFunction('activity', action.functionName);
        return this.scheduleTask(action.functionName, serialize(unwrapProcessedInput(action.input)));
      case ActionType.CallActivityWithRetry: {
        this.requireFunction('activity', action.functionName);
        const input = serialize(unwrapProcessedInput(action.input));
        return this.withRetry(fromWire(action.retryOptions), () =>
          this.scheduleTask(action.functionName, input),
        );
      }
      case ActionType.CallSubOrchestrator:
        this.requireSubOrchestration(action.functionName, action.instanceId);
        return this.createSubOrchestration(action.functionName, action.instanceId, serialize(action.input));
      case ActionType.CallSubOrchestratorWithRetry: {
        this.requireSubOrchestration(action.functionName, action.instanceId);
        const input = serialize(action.input);
        return this.withRetry(fromWire(action.retryOptions), () =>
          this.createSubOrchestration(action.functionName, action.instanceId, input),
        );
      }
      case ActionType.ContinueAsNew:
        this.continueAsNewInput = { input: serialize(unwrapProcessedInput(action.input)) };
        return DTask.done();
      case ActionType.CreateTimer:
        return this.durableTimer(Date.parse(action.fireAt), action.isCanceled);
      case ActionType.WaitForExternalEvent:
        return this.waitForExternalEvent(action.externalEventName);
      case ActionType.CallEntity:
        return this.sendEntityRequest(action.instanceId, action.operation, action.input, false);
      case ActionType.SignalEntity:
        this.sendEntityRequest(action.instanceId, action.operation, action.input, true);
        return DTask.done();
      case ActionType.WhenAll:
        return whenAll(action.compoundActions.map((a) => this.invoke(a)));
      case ActionType.WhenAny:
        return whenAny(action.compoundActions.map((a) => this.invoke(a)));
      case ActionType.CallHttp:
        throw new ShimError(
          'callHttp is not supported by the sandbox durable host (fedlink calls ARM from activities).',
        );
      case ActionType.LockEntities:
      case ActionType.ReleaseEntities:
        throw new ShimError(
          'entity critical sections (context.df.lock) need replay schema V4, which the sandbox durable host does not offer.',
        );
    }
  }

  private requireFunction(kind: 'activity' | 'orchestrator' | 'entity', name: string): void {
    if (this.input.catalog.has(kind, name)) return;
    const known = this.input.catalog
      .names(kind)
      .map((n) => `'${n}'`)
      .join(', ');
    throw new ShimError(
      `The function '${name}' doesn't exist, is disabled, or is not an ${kind} function. Additional info: the following are the known ${kind} functions: ${known}.`,
    );
  }

  private requireSubOrchestration(name: string, instanceId: string | undefined): void {
    this.requireFunction('orchestrator', name);
    if (instanceId === undefined) return;
    const same = (other: string | undefined): boolean =>
      other !== undefined && other.toLowerCase() === instanceId.toLowerCase();
    if (same(this.input.instanceId) || same(this.input.parentInstanceId)) {
      throw new ShimError(
        'The instance ID of a sub-orchestration must be different than the instance ID of a parent orchestration.',
      );
    }
    if (instanceId.startsWith('@')) throw new ShimError('Orchestration instance ids must not start with @');
    const problem = instanceIdProblem(instanceId);
    if (problem) throw new ShimError(problem);
  }

  // ---- DTFx TaskOrchestrationContext scheduling APIs ----

  private scheduleTask(name: string, input: string | undefined): DTask {
    const id = this.idCounter++;
    this.pending.set(id, { kind: 'task', id, name, input });
    const task = new DTask();
    this.openTasks.set(id, task);
    return task;
  }

  private createTimer(fireAt: number, cancel: boolean): DTask {
    const id = this.idCounter++;
    this.pending.set(id, { kind: 'timer', id, fireAt });
    const task = new DTask();
    this.openTasks.set(id, task);
    if (cancel) {
      // cancelToken.Register: TrySetCanceled and forget the open task (the timer message is still sent).
      this.openTasks.delete(id);
      task.settle({ kind: 'canceled' });
    }
    return task;
  }

  private createSubOrchestration(
    name: string,
    instanceId: string | undefined,
    input: string | undefined,
  ): DTask {
    const id = this.idCounter++;
    const actualInstanceId = instanceId ?? `${this.input.executionId}:${id}`;
    this.pending.set(id, { kind: 'subOrchestration', id, name, instanceId: actualInstanceId, input });
    const task = new DTask();
    this.openTasks.set(id, task);
    return task;
  }

  private sendEvent(targetInstanceId: string, eventName: string, data: string | undefined): void {
    const id = this.idCounter++;
    this.pending.set(id, { kind: 'event', id, targetInstanceId, eventName, data });
  }

  // ---- the extension's DurableOrchestrationContext ----

  /** IDurableOrchestrationContext.CreateTimer, with the long-timer loop for durations > MaximumShortTimerDuration. */
  private durableTimer(fireAt: number, canceled: boolean): DTask {
    const { maximumShortTimerMs, longRunningTimerIntervalMs } = this.input;
    if (!(fireAt - this.nowMs > maximumShortTimerMs)) return this.createTimer(fireAt, canceled);
    let intervalFireAt = this.nowMs + longRunningTimerIntervalMs;
    // The cancel token is only cancelled after CreateTimer returned, so the first piece is still created.
    if (canceled) return this.createTimer(intervalFireAt, true);
    const result = new DTask();
    const loop = (): void => {
      if (!(this.nowMs < fireAt)) return result.settle(OK);
      this.createTimer(intervalFireAt, false).onSettled((o) => {
        if (o.kind !== 'ok') return result.settle(o);
        const remaining = fireAt - this.nowMs;
        if (remaining <= 0) return result.settle(OK);
        intervalFireAt = this.nowMs + Math.min(remaining, longRunningTimerIntervalMs);
        loop();
      });
    };
    loop();
    return result;
  }

  /** RetryInterceptor.Invoke (see ./retry.ts). */
  private withRetry(options: DtfxRetryOptions, call: () => DTask): DTask {
    const result = new DTask();
    const firstAttempt = this.nowMs;
    let retryCount = 0;
    let last: Outcome = { kind: 'failed' };
    const attempt = (): void => {
      if (retryCount >= options.maxNumberOfAttempts) return result.settle(last);
      call().onSettled((o) => {
        if (o.kind === 'ok') return result.settle(o);
        last = o;
        const delay = computeNextDelayMs(options, retryCount, firstAttempt, this.nowMs);
        if (delay === 0) return result.settle(last);
        this.createTimer(this.nowMs + delay, false).onSettled(() => {
          retryCount++;
          attempt();
        });
      });
    };
    attempt();
    return result;
  }

  private newGuid(): string {
    return deterministicGuid(
      `${this.input.instanceId}_${new Date(this.nowMs).toISOString()}_${this.guidCounter++}`,
    );
  }

  /** CallDurableTaskFunctionAsync for FunctionType.Entity: SendEvent("op", RequestMessage) and, for calls, wait for the response. */
  private sendEntityRequest(schedulerId: string, operation: string, input: unknown, signal: boolean): DTask {
    const second = schedulerId.indexOf('@', 1);
    if (!schedulerId.startsWith('@') || second < 0)
      throw new ShimError(`'${schedulerId}' is not an entity scheduler id (@name@key)`);
    this.requireFunction('entity', schedulerId.slice(1, second));
    const problem = instanceIdProblem(schedulerId.slice(second + 1));
    if (problem) throw new ShimError(`entity key: ${problem}`);
    const guid = this.newGuid();
    const request: WireEntityRequest = {
      id: guid,
      op: operation,
      ...(signal ? { signal: true } : {}),
      ...(input !== undefined ? { input: toJson(input) } : {}),
      parent: this.input.instanceId,
      parentExecution: this.input.executionId,
    };
    this.sendEvent(schedulerId, 'op', toJson(request));
    return signal ? DTask.done() : this.waitForExternalEvent(guid);
  }

  private waitForExternalEvent(name: string): DTask {
    const key = name.toLowerCase();
    const task = new DTask();
    const stack = this.waiters.get(key) ?? [];
    stack.push(task);
    this.waiters.set(key, stack);
    const queue = this.buffered.get(key);
    if (queue && queue.length > 0) {
      const input = queue.shift();
      if (queue.length === 0) this.buffered.delete(key);
      this.raiseEvent(name, input);
    }
    return task;
  }

  private raiseEvent(name: string, input: string | undefined): void {
    const key = name.toLowerCase();
    const stack = this.waiters.get(key);
    const waiter = stack?.pop();
    if (stack && stack.length === 0) this.waiters.delete(key);
    if (waiter) {
      waiter.settle({ kind: 'ok', value: input });
      return;
    }
    const queue = this.buffered.get(key) ?? [];
    queue.push(input);
    this.buffered.set(key, queue);
  }
}

function isFireAndForget(action: WireAction): boolean {
  return action.actionType === ActionType.SignalEntity || action.actionType === ActionType.ContinueAsNew;
}

/** Replays one episode on the extension side. Pure: same input, same result. */
export function replayEpisode(input: ReplayInput): ReplayResult {
  return new ExtensionReplay(input).run();
}
