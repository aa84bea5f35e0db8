/**
 * The emulator in a process of its own, for measurements of the worker's memory and CPU (bench/, docs/adr/
 * 0002-sandbox-virtual-time.md). In Azure the estate and the work of serving every request are not in the
 * Function App's worker; in one process they were half of its heap and most of its CPU.
 *
 * The parent forks a script that calls `serveEmulatorProcess(provide)`; `provide` makes the estate from the
 * `args` the parent passed (so a generated fleet is never built in the parent) and may return figures the
 * parent needs (`extra`). Both processes keep the same virtual time: the child's clock follows the parent's
 * (VirtualClock.following: the same wall-clock origin and scale) and every jump of the parent's clock is
 * sent to it. A jump reaches the child within a message's latency; until then the child's clock is behind,
 * which refills its buckets later than the parent's model expects: stricter than Azure, never kinder.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { type ClockOrigin, VirtualClock } from '../clock';
import { type Estate } from '../estate';
import { sandboxCredential } from './credential';
import { type FaultSpec } from './faults';
import { type LimitsOption } from './limits';
import { type EmulatorMetrics, type OperationRecord } from './recorder';
import { type Emulator, startEmulator } from './index';
import { peakRssMb } from '../workerInstance';

/** Options of the emulator that the child starts (a subset of EmulatorOptions that crosses processes). */
export interface EmulatorProcessSettings {
  readonly limits?: LimitsOption;
  readonly faults?: FaultSpec;
  readonly seed?: number;
}

export interface EmulatorProcessOptions extends EmulatorProcessSettings {
  /** A compiled script that calls `serveEmulatorProcess`. */
  readonly script: string;
  /** Passed to the script's `provide` (structured-clone serialisable). */
  readonly args: unknown;
  /**
   * The parent's clock, which the child's follows; given what `provide` returned besides the estate (the
   * bench chooses its clock's scale from the generated fleet).
   */
  readonly clock: VirtualClock | ((extra: unknown) => VirtualClock);
}

export interface EmulatorProcess<Extra> {
  readonly clock: VirtualClock;
  readonly endpoint: string;
  readonly caPem: string;
  readonly credential: Emulator['credential'];
  /** What the script's `provide` returned besides the estate. */
  readonly extra: Extra;
  metrics(): Promise<EmulatorMetrics>;
  /** The requests answered from index `from` on (bodies left out). */
  operations(from?: number): Promise<OperationRecord[]>;
  /** The child's peak resident set so far, in MB. */
  peakRssMb(): Promise<number>;
  close(): Promise<void>;
}

type Query =
  | { readonly kind: 'metrics' }
  | { readonly kind: 'operations'; readonly from: number }
  | { readonly kind: 'peakRss' };

type ToChild =
  | { readonly type: 'provide'; readonly args: unknown }
  | { readonly type: 'start'; readonly origin: ClockOrigin; readonly settings: EmulatorProcessSettings }
  | { readonly type: 'jump'; readonly jumped: number }
  | { readonly type: 'query'; readonly id: number; readonly query: Query }
  | { readonly type: 'close' };

type FromChild =
  | { readonly type: 'provided'; readonly extra: unknown }
  | {
      readonly type: 'ready';
      readonly endpoint: string;
      readonly caPem: string;
      readonly tenantIds: readonly string[];
    }
  | { readonly type: 'answer'; readonly id: number; readonly value?: unknown; readonly error?: string }
  | { readonly type: 'failed'; readonly message: string };

export async function startEmulatorProcess<Extra>(
  options: EmulatorProcessOptions,
): Promise<EmulatorProcess<Extra>> {
  const child: ChildProcess = fork(options.script, [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const pending = new Map<number, (answer: { value?: unknown; error?: string }) => void>();
  let exited: Error | undefined;
  let onProvided: (extra: unknown) => void = () => undefined;
  const provided = new Promise<unknown>((resolve) => (onProvided = resolve));
  const ready = new Promise<Extract<FromChild, { type: 'ready' }>>((resolve, reject) => {
    child.on('message', (message: FromChild) => {
      if (message.type === 'provided') onProvided(message.extra);
      else if (message.type === 'ready') resolve(message);
      else if (message.type === 'failed') reject(new Error(`emulator process: ${message.message}`));
      else pending.get(message.id)?.(message);
    });
    child.on('exit', (code, signal) => {
      exited = new Error(`emulator process exited (${signal ?? `code ${String(code)}`})`);
      reject(exited);
      for (const answer of pending.values()) answer({ error: exited.message });
      pending.clear();
    });
  });
  // Unhandled until awaited below; a failure before then is reported there.
  ready.catch(() => undefined);
  const send = (message: ToChild) => {
    if (exited === undefined && child.connected) child.send(message);
  };
  send({ type: 'provide', args: options.args });
  const extra = await Promise.race([provided, ready.then(() => undefined)]);
  const clock = typeof options.clock === 'function' ? options.clock(extra) : options.clock;
  send({
    type: 'start',
    origin: clock.origin(),
    settings: {
      ...(options.limits !== undefined ? { limits: options.limits } : {}),
      ...(options.faults !== undefined ? { faults: options.faults } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    },
  });
  let started: Extract<FromChild, { type: 'ready' }>;
  try {
    started = await ready;
  } catch (error) {
    child.kill();
    throw error;
  }
  clock.onJump((jumped) => send({ type: 'jump', jumped }));
  let nextId = 0;
  const ask = async <T>(query: Query): Promise<T> => {
    if (exited) throw exited;
    const id = nextId++;
    const answered = new Promise<{ value?: unknown; error?: string }>((resolve) => pending.set(id, resolve));
    send({ type: 'query', id, query });
    const { value, error } = await answered;
    pending.delete(id);
    if (error !== undefined) throw new Error(error);
    return value as T;
  };
  return {
    clock,
    endpoint: started.endpoint,
    caPem: started.caPem,
    credential: sandboxCredential(started.tenantIds),
    extra: extra as Extra,
    metrics: () => ask<EmulatorMetrics>({ kind: 'metrics' }),
    operations: (from = 0) => ask<OperationRecord[]>({ kind: 'operations', from }),
    peakRssMb: () => ask<number>({ kind: 'peakRss' }),
    close: async () => {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      send({ type: 'close' });
      await gone;
    },
  };
}

/**
 * The child's side: waits for the parent's start message, makes the estate with `provide(args)`, starts
 * the emulator on a clock that follows the parent's, answers queries, and exits when told to or when the
 * parent goes away.
 */
export function serveEmulatorProcess(
  provide: (args: unknown) => { readonly estate: Estate; readonly extra?: unknown },
): void {
  let emulator: Emulator | undefined;
  let clock: VirtualClock | undefined;
  let provided: Estate | undefined;
  const failed = (error: unknown) => {
    reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
    process.disconnect();
  };
  const reply = (message: FromChild) => process.send?.(message);
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: ToChild) => {
    switch (message.type) {
      case 'provide':
        try {
          const { estate, extra } = provide(message.args);
          provided = estate;
          reply({ type: 'provided', extra });
        } catch (error) {
          failed(error);
        }
        return;
      case 'start':
        void start(message).catch(failed);
        return;
      case 'jump':
        clock?.jumpTo(message.jumped);
        return;
      case 'query':
        try {
          reply({ type: 'answer', id: message.id, value: answer(message.query) });
        } catch (error) {
          reply({
            type: 'answer',
            id: message.id,
            error: error instanceof Error ? error.message : String(error),
          });
        }
        return;
      case 'close':
        void (emulator?.close() ?? Promise.resolve()).finally(() => process.disconnect());
        return;
    }
  });

  async function start(message: Extract<ToChild, { type: 'start' }>): Promise<void> {
    clock = VirtualClock.following(message.origin);
    // The emulator's store keeps its own copy; the estate as provided is not kept past this.
    const estate = provided;
    provided = undefined;
    if (!estate) throw new Error('start before provide');
    const tenantIds = estate.tenants.map((t) => t.tenantId);
    emulator = await startEmulator({ estate, clock, ...message.settings });
    reply({ type: 'ready', endpoint: emulator.endpoint, caPem: emulator.caPem, tenantIds });
  }

  function answer(query: Query): unknown {
    if (!emulator) throw new Error('the emulator has not started');
    switch (query.kind) {
      case 'metrics':
        return emulator.metrics();
      case 'operations':
        return emulator.operations.slice(query.from).map(({ body: _body, ...rest }) => rest);
      case 'peakRss':
        return peakRssMb();
    }
  }
}
