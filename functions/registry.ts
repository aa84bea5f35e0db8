/**
 * The one registry of durable functions. Every orchestration, activity and entity is defined here
 * once, with `defineOrchestration` / `defineActivity` / `defineEntity`; `functions/index.ts` hands the
 * registry to the Azure Functions host (df.app.*), and the sandbox durable host runs the very same
 * definitions. Nothing is registered twice by hand, and no activity name is a loose string at a call
 * site (docs/style.md 13).
 */
import type * as df from 'durable-functions';
import { type ActivityDeps } from './deps';

export type OrchestrationContext = df.OrchestrationContext;
export type DfTask = df.Task;

/** What an orchestration's generator looks like: it receives its input; `yield*` the typed helpers below inside it. */
export type OrchestrationBody<I, O> = (
  context: OrchestrationContext,
  input: I,
) => Generator<DfTask, O, unknown>;

export interface ActivityDef<I, O> {
  readonly kind: 'activity';
  readonly name: string;
  readonly handler: (input: I, deps: ActivityDeps) => Promise<O>;
  /** The durable task for this call (for Task.all / Task.any fan-out). */
  task(context: OrchestrationContext, input: I, retry?: df.RetryOptions): DfTask;
  /** `const out = yield* activity.call(ctx, input)`: schedules the activity and returns its typed result. */
  call(context: OrchestrationContext, input: I, retry?: df.RetryOptions): Generator<DfTask, O, unknown>;
}

export interface OrchestrationDef<I, O> {
  readonly kind: 'orchestration';
  readonly name: string;
  readonly body: OrchestrationBody<I, O>;
  task(context: OrchestrationContext, input: I, instanceId?: string, retry?: df.RetryOptions): DfTask;
  call(
    context: OrchestrationContext,
    input: I,
    instanceId?: string,
    retry?: df.RetryOptions,
  ): Generator<DfTask, O, unknown>;
}

export interface EntityDef<S> {
  readonly kind: 'entity';
  readonly name: string;
  readonly handler: df.EntityHandler<S>;
}

// The registries are keyed by name; each definition records the concrete generic types via its handle.
/* eslint-disable @typescript-eslint/no-explicit-any -- heterogeneous registries; the typed handles are what callers use */
const activities = new Map<string, ActivityDef<any, any>>();
const orchestrations = new Map<string, OrchestrationDef<any, any>>();
const entities = new Map<string, EntityDef<any>>();
/* eslint-enable @typescript-eslint/no-explicit-any */

function claim(name: string): void {
  if (activities.has(name) || orchestrations.has(name) || entities.has(name)) {
    throw new Error(`durable function "${name}" is defined twice`);
  }
}

export function defineActivity<I, O>(
  name: string,
  handler: (input: I, deps: ActivityDeps) => Promise<O>,
): ActivityDef<I, O> {
  claim(name);
  const def: ActivityDef<I, O> = {
    kind: 'activity',
    name,
    handler,
    task: (context, input, retry) =>
      retry ? context.df.callActivityWithRetry(name, retry, input) : context.df.callActivity(name, input),
    call: function* (context, input, retry) {
      return (yield def.task(context, input, retry)) as O;
    },
  };
  activities.set(name, def);
  return def;
}

export function defineOrchestration<I, O>(
  name: string,
  body: OrchestrationBody<I, O>,
): OrchestrationDef<I, O> {
  claim(name);
  const def: OrchestrationDef<I, O> = {
    kind: 'orchestration',
    name,
    body,
    task: (context, input, instanceId, retry) =>
      retry
        ? context.df.callSubOrchestratorWithRetry(name, retry, input, instanceId)
        : context.df.callSubOrchestrator(name, input, instanceId),
    call: function* (context, input, instanceId, retry) {
      return (yield def.task(context, input, instanceId, retry)) as O;
    },
  };
  orchestrations.set(name, def);
  return def;
}

export function defineEntity<S>(name: string, handler: df.EntityHandler<S>): EntityDef<S> {
  claim(name);
  const def: EntityDef<S> = { kind: 'entity', name, handler };
  entities.set(name, def);
  return def;
}

/** Every definition, for the Azure registration and for the sandbox host. */
export function registeredFunctions(): {
  activities: ReadonlyMap<string, ActivityDef<unknown, unknown>>;
  orchestrations: ReadonlyMap<string, OrchestrationDef<unknown, unknown>>;
  entities: ReadonlyMap<string, EntityDef<unknown>>;
} {
  return { activities, orchestrations, entities };
}
