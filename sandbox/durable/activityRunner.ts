/**
 * Runs activities in-process: the registry's own handler with the host's ActivityDeps, input and
 * result through JSON, as the extension and the Node worker pass them. Activities of one episode are
 * started together and run concurrently (real async I/O), so concurrent orchestrations really race
 * against the ARM emulator.
 *
 * A thrown error becomes a TaskFailed event the way the extension's TaskActivityShim builds it:
 * Reason `Activity function '<name>' failed: <message>` and the serialized cause as Details. The JS
 * orchestrator then sees `new Error(`${Reason} \n ${Details}`)` (durable-js
 * TaskOrchestrationExecutor.setTaskValue): the message and stack survive, the error's class does not
 * (docs/style.md 8). ASSUMED: Details is `{"Message", "StackTrace", "ClassName"}` JSON; the extension's
 * exact serialization of a worker RpcException differs in fields, not in what the orchestrator can use.
 */
import { type ActivityDeps } from '../../functions/deps';
import { type ActivityDef } from '../../functions/registry';
import { toJson } from './wire';

export type ActivityOutcome =
  | { readonly ok: true; readonly result: string }
  | { readonly ok: false; readonly reason: string; readonly details: string; readonly message: string };

export interface ActivityCall {
  readonly name: string;
  /** TaskScheduled.Input: the JSON of the orchestrator's input value. */
  readonly input: string | undefined;
}

/** A counting semaphore (host.json `maxConcurrentActivityFunctions`). */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export class ActivityRunner {
  private readonly byName = new Map<string, ActivityDef<unknown, unknown>>();
  private readonly slots: Semaphore;

  constructor(
    activities: ReadonlyMap<string, ActivityDef<unknown, unknown>>,
    private readonly deps: () => ActivityDeps,
    maxConcurrent: number,
  ) {
    for (const def of activities.values()) this.byName.set(def.name.toLowerCase(), def);
    this.slots = new Semaphore(maxConcurrent);
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  run(call: ActivityCall): Promise<ActivityOutcome> {
    return this.slots.run(async () => {
      const def = this.byName.get(call.name.toLowerCase());
      try {
        // TaskNonexistentActivityShim would fail it the same way; the orchestrator side checks first.
        if (!def) throw new Error(`The activity function '${call.name}' doesn't exist.`);
        const input: unknown = call.input === undefined ? undefined : JSON.parse(call.input);
        const result = await def.handler(input, this.deps());
        return { ok: true, result: toJson(result) };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const details = toJson({
          ClassName: error instanceof Error ? error.name : typeof error,
          Message: message,
          StackTrace: error instanceof Error ? (error.stack ?? null) : null,
        });
        return { ok: false, reason: `Activity function '${call.name}' failed: ${message}`, details, message };
      }
    });
  }
}
