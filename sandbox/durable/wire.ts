/**
 * The JSON the Durable extension and the out-of-process worker exchange, typed.
 *
 * - History events: DTFx `HistoryEvent`s as the extension serializes them into the orchestration
 *   trigger (PascalCase, `EventType` numbers, ISO `Timestamp` strings; durable-js turns the timestamps
 *   into Dates in `Utils.parseTimestampsAsDates`). Scheduling events (TaskScheduled, TimerCreated,
 *   SubOrchestrationInstanceCreated, EventSent) carry the action's sequence number as `EventId`;
 *   completions point back at it with `TaskScheduledId` / `TimerId`; everything else has `EventId -1`.
 * - Orchestrator results: durable-js `OrchestratorState` after JSON (`actions` is `IAction[][]`).
 * - Entity batches: the extension's OOProc entity request and `OutOfProcResult`
 *   (azure-functions-durable-extension TaskEntityShim.ExecuteOutOfProcBatch).
 *
 * Everything crosses these boundaries as JSON text, as in Azure, so inputs, outputs and errors
 * round-trip exactly as they would there.
 */
import { ActionType, type HistoryEventType, ReplaySchema } from './lib';

interface EventBase {
  readonly EventId: number;
  readonly IsPlayed: boolean;
  readonly Timestamp: string;
}

export type WireEvent =
  | (EventBase & { readonly EventType: HistoryEventType.OrchestratorStarted })
  | (EventBase & { readonly EventType: HistoryEventType.OrchestratorCompleted })
  | (EventBase & {
      readonly EventType: HistoryEventType.ExecutionStarted;
      readonly Name: string;
      readonly Input?: string;
      readonly Version: string;
      readonly ParentInstance?: { readonly InstanceId: string; readonly TaskScheduleId: number };
    })
  | (EventBase & {
      readonly EventType: HistoryEventType.ExecutionCompleted;
      readonly OrchestrationStatus: string;
      readonly Result?: string;
    })
  | (EventBase & { readonly EventType: HistoryEventType.ExecutionTerminated; readonly Input?: string })
  | (EventBase & { readonly EventType: HistoryEventType.ContinueAsNew; readonly Result?: string })
  | (EventBase & {
      readonly EventType: HistoryEventType.TaskScheduled;
      readonly Name: string;
      readonly Input?: string;
    })
  | (EventBase & {
      readonly EventType: HistoryEventType.TaskCompleted;
      readonly TaskScheduledId: number;
      readonly Result: string;
    })
  | (EventBase & {
      readonly EventType: HistoryEventType.TaskFailed;
      readonly TaskScheduledId: number;
      readonly Reason: string;
      readonly Details: string;
    })
  | (EventBase & {
      readonly EventType: HistoryEventType.SubOrchestrationInstanceCreated;
      readonly Name: string;
      readonly InstanceId: string;
      readonly Input?: string;
    })
  | (EventBase & {
      readonly EventType: HistoryEventType.SubOrchestrationInstanceCompleted;
      readonly TaskScheduledId: number;
      readonly Result: string;
    })
  | (EventBase & {
      readonly EventType: HistoryEventType.SubOrchestrationInstanceFailed;
      readonly TaskScheduledId: number;
      readonly Reason: string;
      readonly Details: string;
    })
  | (EventBase & { readonly EventType: HistoryEventType.TimerCreated; readonly FireAt: string })
  | (EventBase & {
      readonly EventType: HistoryEventType.TimerFired;
      readonly TimerId: number;
      readonly FireAt: string;
    })
  | (EventBase & {
      readonly EventType: HistoryEventType.EventSent;
      readonly Name: string;
      readonly InstanceId: string;
      readonly Input?: string;
    })
  | (EventBase & {
      readonly EventType: HistoryEventType.EventRaised;
      readonly Name: string;
      readonly Input?: string;
    });

/** A history event before the host has stamped it with IsPlayed (set when it is handed to a replay). */
export type NewEvent = WireEvent extends infer E
  ? E extends WireEvent
    ? Omit<E, 'IsPlayed'>
    : never
  : never;

/** durable-js `RetryOptions` after JSON (`CallActivityWithRetryAction.retryOptions`). */
export interface WireRetryOptions {
  readonly firstRetryIntervalInMilliseconds: number;
  readonly maxNumberOfAttempts: number;
  readonly backoffCoefficient?: number;
  readonly maxRetryIntervalInMilliseconds?: number;
  readonly retryTimeoutInMilliseconds?: number;
}

/** One durable-js action (lib/src/actions/*) after JSON. */
export type WireAction =
  | { readonly actionType: ActionType.CallActivity; readonly functionName: string; readonly input?: unknown }
  | {
      readonly actionType: ActionType.CallActivityWithRetry;
      readonly functionName: string;
      readonly retryOptions: WireRetryOptions;
      readonly input?: unknown;
    }
  | {
      readonly actionType: ActionType.CallSubOrchestrator;
      readonly functionName: string;
      readonly instanceId?: string;
      readonly input?: unknown;
    }
  | {
      readonly actionType: ActionType.CallSubOrchestratorWithRetry;
      readonly functionName: string;
      readonly retryOptions: WireRetryOptions;
      readonly instanceId?: string;
      readonly input?: unknown;
    }
  | { readonly actionType: ActionType.ContinueAsNew; readonly input?: unknown }
  | { readonly actionType: ActionType.CreateTimer; readonly fireAt: string; readonly isCanceled: boolean }
  | { readonly actionType: ActionType.WaitForExternalEvent; readonly externalEventName: string }
  | {
      readonly actionType: ActionType.CallEntity;
      readonly instanceId: string;
      readonly operation: string;
      readonly input?: unknown;
    }
  | {
      readonly actionType: ActionType.SignalEntity;
      readonly instanceId: string;
      readonly operation: string;
      readonly input?: unknown;
    }
  | {
      readonly actionType: ActionType.WhenAll | ActionType.WhenAny;
      readonly compoundActions: readonly WireAction[];
    }
  | { readonly actionType: ActionType.CallHttp | ActionType.LockEntities | ActionType.ReleaseEntities };

/** durable-js `OrchestratorState` after JSON. */
export interface WireOrchestratorState {
  readonly isDone: boolean;
  readonly actions: readonly (readonly WireAction[])[];
  readonly output?: unknown;
  readonly error?: string;
  readonly customStatus?: unknown;
  /** The replay protocol the JS side used (its upperSchemaVersion); absent means V1 ("Original"). */
  readonly schemaVersion: ReplaySchema;
}

/** One operation in an entity batch, as the extension hands it to an out-of-proc entity function. */
export interface WireEntityOperation {
  readonly id: string;
  readonly name: string;
  readonly signal: boolean;
  readonly input?: string;
}

/** durable-js `EntityState` after JSON (the extension's `OutOfProcResult`). */
export interface WireEntityResult {
  readonly entityExists: boolean;
  readonly entityState?: string;
  readonly results: readonly {
    readonly isError: boolean;
    readonly duration?: number;
    readonly result?: string;
  }[];
  readonly signals: readonly {
    readonly target: { readonly name: string; readonly key: string };
    readonly name: string;
    readonly input?: string;
  }[];
}

/** The RequestMessage an orchestration sends to an entity (DTFx Entities/EventFormat/RequestMessage.cs). */
export interface WireEntityRequest {
  readonly id: string;
  readonly op: string;
  readonly signal?: boolean;
  readonly input?: string;
  readonly parent?: string;
  readonly parentExecution?: string;
}

/** The ResponseMessage an entity sends back (DTFx Entities/EventFormat/ResponseMessage.cs). */
export interface WireEntityResponse {
  readonly result?: string;
  readonly exceptionType?: string;
}

// ---- parsing what the JS side returned -------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(raw: Record<string, unknown>, key: string): string {
  const value = raw[key];
  if (typeof value !== 'string') throw new Error(`malformed action: ${key} is not a string`);
  return value;
}

function optStr(raw: Record<string, unknown>, key: string): string | undefined {
  const value = raw[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function retryOptions(raw: Record<string, unknown>): WireRetryOptions {
  const r = raw.retryOptions;
  if (
    !isRecord(r) ||
    typeof r.firstRetryIntervalInMilliseconds !== 'number' ||
    typeof r.maxNumberOfAttempts !== 'number'
  ) {
    throw new Error('malformed action: retryOptions');
  }
  const num = (key: string): number | undefined => (typeof r[key] === 'number' ? r[key] : undefined);
  return {
    firstRetryIntervalInMilliseconds: r.firstRetryIntervalInMilliseconds,
    maxNumberOfAttempts: r.maxNumberOfAttempts,
    ...(num('backoffCoefficient') !== undefined ? { backoffCoefficient: num('backoffCoefficient') } : {}),
    ...(num('maxRetryIntervalInMilliseconds') !== undefined
      ? { maxRetryIntervalInMilliseconds: num('maxRetryIntervalInMilliseconds') }
      : {}),
    ...(num('retryTimeoutInMilliseconds') !== undefined
      ? { retryTimeoutInMilliseconds: num('retryTimeoutInMilliseconds') }
      : {}),
  };
}

/** Validates one action object from the orchestrator's JSON result. */
export function parseAction(raw: unknown): WireAction {
  if (!isRecord(raw) || typeof raw.actionType !== 'number')
    throw new Error('malformed action: no actionType');
  const type = raw.actionType as ActionType;
  switch (type) {
    case ActionType.CallActivity:
      return { actionType: type, functionName: str(raw, 'functionName'), input: raw.input };
    case ActionType.CallActivityWithRetry:
      return {
        actionType: type,
        functionName: str(raw, 'functionName'),
        retryOptions: retryOptions(raw),
        input: raw.input,
      };
    case ActionType.CallSubOrchestrator: {
      const instanceId = optStr(raw, 'instanceId');
      return {
        actionType: type,
        functionName: str(raw, 'functionName'),
        input: raw.input,
        ...(instanceId ? { instanceId } : {}),
      };
    }
    case ActionType.CallSubOrchestratorWithRetry: {
      const instanceId = optStr(raw, 'instanceId');
      return {
        actionType: type,
        functionName: str(raw, 'functionName'),
        retryOptions: retryOptions(raw),
        input: raw.input,
        ...(instanceId ? { instanceId } : {}),
      };
    }
    case ActionType.ContinueAsNew:
      return { actionType: type, input: raw.input };
    case ActionType.CreateTimer:
      return { actionType: type, fireAt: str(raw, 'fireAt'), isCanceled: raw.isCanceled === true };
    case ActionType.WaitForExternalEvent:
      return { actionType: type, externalEventName: str(raw, 'externalEventName') };
    case ActionType.CallEntity:
    case ActionType.SignalEntity:
      return {
        actionType: type,
        instanceId: str(raw, 'instanceId'),
        operation: str(raw, 'operation'),
        input: raw.input,
      };
    case ActionType.WhenAll:
    case ActionType.WhenAny: {
      if (!Array.isArray(raw.compoundActions)) throw new Error('malformed action: compoundActions');
      return { actionType: type, compoundActions: raw.compoundActions.map(parseAction) };
    }
    case ActionType.CallHttp:
    case ActionType.LockEntities:
    case ActionType.ReleaseEntities:
      return { actionType: type };
    default:
      throw new Error(`malformed action: unknown actionType ${String(raw.actionType)}`);
  }
}

/** Validates the orchestrator's JSON result (an `OrchestratorState`). */
export function parseOrchestratorState(raw: unknown): WireOrchestratorState {
  if (!isRecord(raw) || typeof raw.isDone !== 'boolean' || !Array.isArray(raw.actions)) {
    throw new Error('the orchestrator did not return an OrchestratorState');
  }
  const actions = raw.actions.map((set) => {
    if (!Array.isArray(set))
      throw new Error('malformed OrchestratorState: actions must be an array of arrays');
    return set.map(parseAction);
  });
  return {
    isDone: raw.isDone,
    actions,
    output: raw.output,
    ...(typeof raw.error === 'string' ? { error: raw.error } : {}),
    ...(raw.customStatus !== undefined ? { customStatus: raw.customStatus } : {}),
    schemaVersion:
      typeof raw.schemaVersion === 'number' && raw.schemaVersion in ReplaySchema
        ? raw.schemaVersion
        : ReplaySchema.V1,
  };
}

/** Validates an entity function's JSON result (an `EntityState`). */
export function parseEntityResult(raw: unknown, batchSize: number): WireEntityResult {
  if (!isRecord(raw) || !Array.isArray(raw.results) || !Array.isArray(raw.signals)) {
    throw new Error('the entity function did not return an EntityState');
  }
  const results = raw.results.slice(0, batchSize).map((r: unknown) => {
    const rec = isRecord(r) ? r : {};
    return {
      isError: rec.isError === true,
      ...(typeof rec.result === 'string' ? { result: rec.result } : {}),
    };
  });
  const signals = raw.signals.flatMap((s: unknown) => {
    if (!isRecord(s) || !isRecord(s.target) || typeof s.name !== 'string') return [];
    const target = { name: String(s.target.name), key: String(s.target.key) };
    return [
      { target, name: s.name, ...(typeof s.input === 'string' && s.input !== '' ? { input: s.input } : {}) },
    ];
  });
  return {
    entityExists: raw.entityExists === true,
    ...(typeof raw.entityState === 'string' ? { entityState: raw.entityState } : {}),
    results,
    signals,
  };
}

/** JSON text for a value, `'null'` for undefined (what a .NET serializer writes for a null result). */
export function toJson(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/** The value back from JSON text; undefined stays undefined. */
export function fromJson(text: string | undefined): unknown {
  return text === undefined ? undefined : JSON.parse(text);
}
