/**
 * Durable entities: the registry's entity handler, wrapped by durable-functions' own
 * `createEntityFunction`, driven the way the extension drives an out-of-process entity
 * (azure-functions-durable-extension TaskEntityShim.ExecuteOutOfProcBatch):
 *
 * - Each entity (scheduler id `@<name>@<key>`, name lower-cased as EntityId.getSchedulerIdFromEntityId
 *   does) has one FIFO queue of request messages. Operations on one entity run one at a time, in
 *   arrival order; a batch of queued operations is handed to the function in one call, the next batch
 *   only after the previous one finished. That is the serialization the lead's lease lock relies on.
 * - The function returns the batch's final state (`entityExists`, `entityState`), one result per
 *   operation and the signals it sent. The state is committed after the batch, with no per-operation
 *   rollback: out-of-proc entities keep changes made before an operation threw, as in Azure.
 * - A call (not a signal) gets a ResponseMessage back as an EventRaised named by the request id:
 *   `{result, exceptionType: "Error"}` for a failed operation. durable-js then throws `Error(result)`
 *   in the orchestrator, so a thrown Error arrives as "[object Object]" (JSON.stringify of an Error is
 *   "{}"): real behaviour, reproduced. Expected outcomes should be returned as data (docs/style.md 8).
 * - Signals the entity sends are queued on their targets.
 *
 * Batches are capped at `maxBatch` operations (host.json `maxEntityOperationBatchSize`, 50 on Consumption:
 * ./hostJson.ts).
 */
import * as df from 'durable-functions';
import { randomUUID } from 'node:crypto';
import { type EntityDef } from '../../functions/registry';
import { type Logger } from '../../shared/core/log';
import { invocationLogHandler } from './invocationLog';
import { createEntityFunction } from './lib';
import {
  parseEntityResult,
  toJson,
  type WireEntityRequest,
  type WireEntityResponse,
  type WireEntityResult,
} from './wire';

export interface EntityResponseDelivery {
  readonly parentInstanceId: string;
  readonly parentExecutionId: string | undefined;
  readonly requestId: string;
  readonly response: WireEntityResponse;
}

export interface EntityOperationReport {
  readonly schedulerId: string;
  readonly entityName: string;
  readonly operation: string;
  readonly callerInstanceId: string | undefined;
  readonly ok: boolean;
}

export interface EntityRunnerOptions {
  readonly log: Logger;
  readonly maxBatch: number;
  /** Delivers a call's response to the calling orchestration. */
  readonly respond: (delivery: EntityResponseDelivery) => void;
  /** Runs background work under the host's in-flight accounting. */
  readonly run: (work: () => Promise<void>) => void;
  readonly report: (operation: EntityOperationReport) => void;
  /** Sends a signal an entity emitted to its target (through the target's queue). Default: enqueue now. */
  readonly forward?: (schedulerId: string, request: WireEntityRequest) => void;
}

export interface EntitySnapshot {
  readonly exists: boolean;
  readonly state: unknown;
}

interface EntityRecord {
  readonly schedulerId: string;
  readonly name: string;
  readonly key: string;
  exists: boolean;
  state: string | undefined;
  readonly queue: WireEntityRequest[];
  running: boolean;
}

function parseSchedulerId(schedulerId: string): { name: string; key: string } | undefined {
  const second = schedulerId.indexOf('@', 1);
  if (!schedulerId.startsWith('@') || second < 0) return undefined;
  return { name: schedulerId.slice(1, second), key: schedulerId.slice(second + 1) };
}

export class EntityRunner {
  private readonly handlers = new Map<string, ReturnType<typeof createEntityFunction>>();
  private readonly entities = new Map<string, EntityRecord>();

  constructor(
    entities: ReadonlyMap<string, EntityDef<unknown>>,
    private readonly options: EntityRunnerOptions,
  ) {
    for (const def of entities.values())
      this.handlers.set(def.name.toLowerCase(), createEntityFunction(def.handler));
  }

  has(name: string): boolean {
    return this.handlers.has(name.toLowerCase());
  }

  /** Queues a request message on an entity (an EventSent from an orchestration, or an entity's signal). */
  enqueue(schedulerId: string, request: WireEntityRequest): void {
    const id = parseSchedulerId(schedulerId);
    if (!id || !this.handlers.has(id.name)) {
      this.options.log.warn('message to an unknown entity dropped', {
        entity: schedulerId,
        operation: request.op,
      });
      return;
    }
    let record = this.entities.get(schedulerId);
    if (!record) {
      record = {
        schedulerId,
        name: id.name,
        key: id.key,
        exists: false,
        state: undefined,
        queue: [],
        running: false,
      };
      this.entities.set(schedulerId, record);
    }
    record.queue.push(request);
    this.pump(record);
  }

  /** The committed state of an entity (what `readEntityState` would return). */
  snapshot(schedulerId: string): EntitySnapshot {
    const record = this.entities.get(schedulerId);
    if (!record?.exists || record.state === undefined)
      return { exists: record?.exists ?? false, state: undefined };
    return { exists: true, state: JSON.parse(record.state) as unknown };
  }

  private pump(record: EntityRecord): void {
    if (record.running || record.queue.length === 0) return;
    record.running = true;
    this.options.run(async () => {
      try {
        while (record.queue.length > 0)
          await this.runBatch(record, record.queue.splice(0, this.options.maxBatch));
      } finally {
        record.running = false;
      }
    });
  }

  private async runBatch(record: EntityRecord, batch: readonly WireEntityRequest[]): Promise<void> {
    const handler = this.handlers.get(record.name);
    if (!handler) return;
    const trigger: unknown = JSON.parse(
      JSON.stringify({
        self: { name: record.name, key: record.key },
        exists: record.exists,
        state: record.state,
        batch: batch.map((r) => ({
          id: r.id,
          name: r.op,
          signal: r.signal === true,
          ...(r.input !== undefined ? { input: r.input } : {}),
        })),
      }),
    );
    const context = new df.DummyEntityContext<unknown>(
      record.name,
      randomUUID(),
      invocationLogHandler(this.options.log, { function: record.name, entity: record.schedulerId }),
    );
    let result: WireEntityResult;
    try {
      result = parseEntityResult(JSON.parse(JSON.stringify(await handler(trigger, context))), batch.length);
    } catch (error) {
      // The whole invocation failed (not one operation): every call in the batch gets an error, state unchanged.
      const message = error instanceof Error ? error.message : String(error);
      this.options.log.error('entity batch failed', { entity: record.schedulerId, error: message });
      result = {
        entityExists: record.exists,
        ...(record.state !== undefined ? { entityState: record.state } : {}),
        results: batch.map(() => ({ isError: true, result: toJson(message) })),
        signals: [],
      };
    }
    record.exists = result.entityExists;
    record.state = result.entityExists ? result.entityState : undefined;
    batch.forEach((request, i) => {
      const outcome = result.results[i] ?? { isError: false };
      this.options.report({
        schedulerId: record.schedulerId,
        entityName: record.name,
        operation: request.op,
        callerInstanceId: request.parent,
        ok: !outcome.isError,
      });
      if (request.signal === true || request.parent === undefined) return;
      this.options.respond({
        parentInstanceId: request.parent,
        parentExecutionId: request.parentExecution,
        requestId: request.id,
        response: {
          ...(outcome.result !== undefined ? { result: outcome.result } : {}),
          ...(outcome.isError ? { exceptionType: 'Error' } : {}),
        },
      });
    });
    for (const signal of result.signals) {
      const target = `@${signal.target.name.toLowerCase()}@${signal.target.key}`;
      (this.options.forward ?? ((id, r) => this.enqueue(id, r)))(target, {
        id: randomUUID(),
        op: signal.name,
        signal: true,
        ...(signal.input !== undefined ? { input: signal.input } : {}),
        parent: record.schedulerId,
      });
    }
  }
}
