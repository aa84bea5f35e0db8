/**
 * Invokes the real durable-functions orchestrator for one episode, the way the Functions host does.
 *
 * Each registry orchestration is wrapped once by durable-functions' own `createOrchestrator` (the
 * `Orchestrator` + `TaskOrchestrationExecutor` that `df.app.orchestration` uses), exactly as
 * functions/index.ts hands it to `df.app.orchestration`. The trigger payload is what the extension
 * sends (RemoteOrchestratorContext: instanceId, parentInstanceId, isReplaying, history, input,
 * upperSchemaVersion, timer durations) and crosses as JSON text; the result crosses back as JSON too.
 * A failing orchestrator throws OrchestrationFailureError whose message carries the state after
 * `$OutOfProcData$:`; the extension extracts it the same way (OutOfProcExceptionHelpers).
 */
import * as df from 'durable-functions';
import { randomUUID } from 'node:crypto';
import { type OrchestrationDef } from '../../functions/registry';
import { type Logger } from '../../shared/core/log';
import { invocationLogHandler } from './invocationLog';
import { createOrchestrator, type ReplaySchema } from './lib';
import { parseOrchestratorState, type WireOrchestratorState } from './wire';

export interface OrchestratorCall {
  readonly name: string;
  readonly instanceId: string;
  readonly parentInstanceId: string | undefined;
  /** The history as the extension sends it: the JSON text of the event array (IsPlayed set). */
  readonly historyJson: string;
  /** Whether earlier episodes exist (the payload's isReplaying). */
  readonly isReplaying: boolean;
  /** The serialized input (ExecutionStarted.Input). */
  readonly input: string | undefined;
  readonly schema: ReplaySchema;
  readonly maximumShortTimerMs: number;
  readonly longRunningTimerIntervalMs: number;
}

export type OrchestratorCallResult =
  | { readonly kind: 'state'; readonly state: WireOrchestratorState; readonly errorStack?: string }
  /** The function failed without a state (the extension then fails the instance with the message). */
  | { readonly kind: 'error'; readonly message: string; readonly stack?: string };

const OUT_OF_PROC_DATA = '$OutOfProcData$:';

/** A .NET TimeSpan string ("d.hh:mm:ss"), as the extension sends the timer durations; moment parses it. */
function timeSpan(ms: number): string {
  const totalSeconds = Math.floor(ms / 1000);
  const days = Math.floor(totalSeconds / 86_400);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${days}.${pad(Math.floor((totalSeconds % 86_400) / 3600))}:${pad(Math.floor((totalSeconds % 3600) / 60))}:${pad(totalSeconds % 60)}`;
}

export class OrchestratorRunner {
  private readonly handlers = new Map<string, ReturnType<typeof createOrchestrator>>();

  constructor(
    orchestrations: ReadonlyMap<string, OrchestrationDef<unknown, unknown>>,
    private readonly log: Logger,
  ) {
    for (const def of orchestrations.values()) {
      this.handlers.set(
        def.name.toLowerCase(),
        createOrchestrator(function* (context) {
          return yield* def.body(context, context.df.getInput());
        }),
      );
    }
  }

  has(name: string): boolean {
    return this.handlers.has(name.toLowerCase());
  }

  async invoke(call: OrchestratorCall): Promise<OrchestratorCallResult> {
    const handler = this.handlers.get(call.name.toLowerCase());
    if (!handler)
      return {
        kind: 'error',
        message: `The function '${call.name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      };
    // The payload's JSON text is assembled around the cached history text (re-serializing the whole
    // history on every episode was the host's largest CPU cost); the worker parses it, as in Azure.
    const rest = JSON.stringify({
      instanceId: call.instanceId,
      isReplaying: call.isReplaying,
      parentInstanceId: call.parentInstanceId,
      upperSchemaVersion: call.schema,
      upperSchemaVersionNew: call.schema,
      longRunningTimerIntervalDuration: timeSpan(call.longRunningTimerIntervalMs),
      maximumShortTimerDuration: timeSpan(call.maximumShortTimerMs),
      defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
    });
    const input = call.input === undefined ? '' : `"input":${call.input},`;
    const trigger: unknown = JSON.parse(`{"history":${call.historyJson},${input}${rest.slice(1)}`);
    const context = new df.DummyOrchestrationContext(
      call.name,
      randomUUID(),
      invocationLogHandler(this.log, { function: call.name, instanceId: call.instanceId }),
    );
    try {
      const state: unknown = await handler(trigger, context);
      return { kind: 'state', state: parseOrchestratorState(JSON.parse(JSON.stringify(state))) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const at = message.lastIndexOf(OUT_OF_PROC_DATA);
      if (at >= 0) {
        const state = parseOrchestratorState(JSON.parse(message.slice(at + OUT_OF_PROC_DATA.length)));
        return {
          kind: 'state',
          state,
          ...(error instanceof Error && error.stack ? { errorStack: error.stack } : {}),
        };
      }
      return {
        kind: 'error',
        message,
        ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
      };
    }
  }
}
