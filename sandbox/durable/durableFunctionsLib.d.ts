/**
 * Types for the few durable-functions 3.5.0 internals the sandbox durable host drives. They live in
 * `durable-functions/lib/src/...`, have no .d.ts, and are not exported from the package root
 * (docs/azure-behaviour.md §7.4); the package has no `exports` map, so the deep paths resolve. Only what the
 * host uses is declared, with the shapes read from the installed JS (lib/src/util/testingUtils.js,
 * lib/src/history/HistoryEventType.js, lib/src/actions/ActionType.js,
 * lib/src/orchestrations/ReplaySchema.js). Import them through ./lib.ts, never directly.
 */

declare module 'durable-functions/lib/src/util/testingUtils' {
  import { type InvocationContext } from '@azure/functions';
  import { type EntityHandler, type OrchestrationContext } from 'durable-functions';

  /** The orchestrator generator function, as `df.app.orchestration` receives it. */
  export type OrchestratorFunction = (context: OrchestrationContext) => Generator<unknown, unknown, unknown>;

  /**
   * Wraps a generator in the library's `Orchestrator` (TaskOrchestrationExecutor underneath).
   * Resolves with the OrchestratorState, or rejects with an OrchestrationFailureError whose message
   * carries the state after `$OutOfProcData$:`.
   */
  export function createOrchestrator(
    fn: OrchestratorFunction,
  ): (trigger: unknown, context: InvocationContext) => Promise<unknown>;

  /** Wraps an entity handler in the library's `Entity`; resolves with the batch's EntityState. */
  export function createEntityFunction<T>(
    fn: EntityHandler<T>,
  ): (trigger: unknown, context: InvocationContext) => Promise<unknown>;
}

declare module 'durable-functions/lib/src/history/HistoryEventType' {
  /** DTFx `EventType` numbering, as the extension serializes it into the orchestration trigger. */
  export enum HistoryEventType {
    ExecutionStarted = 0,
    ExecutionCompleted = 1,
    ExecutionFailed = 2,
    ExecutionTerminated = 3,
    TaskScheduled = 4,
    TaskCompleted = 5,
    TaskFailed = 6,
    SubOrchestrationInstanceCreated = 7,
    SubOrchestrationInstanceCompleted = 8,
    SubOrchestrationInstanceFailed = 9,
    TimerCreated = 10,
    TimerFired = 11,
    OrchestratorStarted = 12,
    OrchestratorCompleted = 13,
    EventSent = 14,
    EventRaised = 15,
    ContinueAsNew = 16,
    GenericEvent = 17,
    HistoryState = 18,
    ExecutionSuspended = 19,
    ExecutionResumed = 20,
  }
}

declare module 'durable-functions/lib/src/actions/ActionType' {
  /** The out-of-proc action types (the extension's `AsyncActionType`). */
  export enum ActionType {
    CallActivity = 0,
    CallActivityWithRetry = 1,
    CallSubOrchestrator = 2,
    CallSubOrchestratorWithRetry = 3,
    ContinueAsNew = 4,
    CreateTimer = 5,
    WaitForExternalEvent = 6,
    CallEntity = 7,
    CallHttp = 8,
    SignalEntity = 9,
    WhenAny = 11,
    WhenAll = 12,
    LockEntities = 13,
    ReleaseEntities = 14,
  }
}

declare module 'durable-functions/lib/src/orchestrations/ReplaySchema' {
  /** The out-of-proc replay protocol version (the extension's `SchemaVersion`). */
  export enum ReplaySchema {
    V1 = 0,
    V2 = 1,
    V3 = 2,
    V4 = 3,
  }
}

declare module 'durable-functions/lib/src/durableClient/DurableClient' {
  import { type DurableClient as PublicDurableClient } from 'durable-functions';

  /**
   * The real client class (not exported as a value from the package root). Constructed from the
   * extension's client binding data: { taskHubName, creationUrls, managementUrls, baseUrl?, rpcBaseUrl? }.
   * Used by the tests to compare the host client with the real one and to check DurableClientPort.
   */
  export const DurableClient: new (clientData: unknown) => PublicDurableClient;
}
