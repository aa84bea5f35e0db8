/**
 * The Function App worker's side of a sandbox run in a process of its own, sized as the worker is in Azure
 * (`fedlink sandbox run`; the benchmark does the same the other way round, bench/measure.ts).
 *
 * The parent holds the emulator and the estate, as Azure holds them; the child is the worker: the real
 * gateway and SDK clients pointed at the parent's emulator, the durable host, the work and report stores
 * (their documents in files, as Blob Storage keeps them out of a worker). Its V8 heap is the one Node gives a
 * worker in the Flex Consumption instance `infra/` deploys: a quarter of the instance's memory
 * (src/api/environment.cc SetIsolateCreateParamsForNode; docs/adr/0002-sandbox-virtual-time.md).
 *
 * Time: the child's clock follows the parent's (VirtualClock.following), and the jumps come from the
 * child's durable host, so the child sends each one to the parent's clock, which the emulator reads. Until
 * a jump arrives the emulator's clock is behind, which refills its buckets later than the worker expects:
 * stricter than Azure, never kinder.
 */
import { fork } from 'node:child_process';
import { type FedlinkConfig } from '../shared/config/schema';
import { type RunMode } from '../functions/contracts';
import { type Logger } from '../shared/core/log';
import { type ClockOrigin, VirtualClock } from './clock';
import { sandboxCredential } from './emulator/credential';
import { createFileStores } from './fileDocs';
import { DEFAULT_INSTANCE_MEMORY_MB, heapLimitMbFor, peakRssMb } from './workerInstance';
import { startEmulator } from './emulator';
import {
  composeOutput,
  loadSandboxInputs,
  runOnWorker,
  type SandboxRunOptions,
  type SandboxRunOutput,
  type WorkerRunResult,
} from './run';
import { createSandboxWorker, DEFAULT_SANDBOX_SCALE, type SandboxWorkerOptions } from './runtime';

/** What the worker is told to run. */
export interface WorkerRunRequest {
  readonly arm: { readonly endpoint: string; readonly caPem: string; readonly tenantIds: readonly string[] };
  readonly config: FedlinkConfig;
  readonly events?: readonly unknown[] | undefined;
  readonly mode: RunMode;
  readonly full: boolean;
}

type ToWorker = { readonly type: 'run'; readonly origin: ClockOrigin } & WorkerRunRequest;

type FromWorker =
  | { readonly type: 'jump'; readonly jumped: number }
  | { readonly type: 'result'; readonly result: WorkerRunResult; readonly peakRssMb: number }
  | { readonly type: 'failed'; readonly message: string };

export interface WorkerProcessOptions {
  /** A compiled script that calls `serveWorkerProcess`. */
  readonly script: string;
  /** The parent's clock, which the emulator reads: the worker's follows it and sends it its jumps. */
  readonly clock: VirtualClock;
  /** The instance the worker is sized as (default DEFAULT_INSTANCE_MEMORY_MB). */
  readonly instanceMemoryMb?: number;
}

/** Runs `request` on a worker process and returns its result and the worker's peak RSS (MB). */
export function runOnWorkerProcess(
  request: WorkerRunRequest,
  options: WorkerProcessOptions,
): Promise<WorkerRunResult & { readonly peakRssMb: number }> {
  const heap = heapLimitMbFor(options.instanceMemoryMb ?? DEFAULT_INSTANCE_MEMORY_MB);
  const child = fork(options.script, [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
    execArgv: [`--max-old-space-size=${heap}`],
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    child.on('message', (message: FromWorker) => {
      if (message.type === 'jump') options.clock.jumpTo(message.jumped);
      else if (message.type === 'result') {
        settled = true;
        resolve({ ...message.result, peakRssMb: message.peakRssMb });
      } else {
        settled = true;
        reject(new Error(`sandbox worker: ${message.message}`));
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!settled)
        reject(
          new Error(
            `sandbox worker exited (${signal ?? `code ${String(code)}`}) before it answered; if its stderr ` +
              `above says the JavaScript heap ran out of memory, the estate needs a larger instance ` +
              `(--instance-memory; this one: ${options.instanceMemoryMb ?? DEFAULT_INSTANCE_MEMORY_MB} MB)`,
          ),
        );
    });
    const start: ToWorker = { type: 'run', origin: options.clock.origin(), ...request };
    child.send(start);
  });
}

/**
 * The worker's side: waits for the run request, runs it on a worker whose clock follows the parent's, sends
 * the result and its own peak RSS, and exits. `setup` gives the logger and the durable host's observer
 * (the CLI's progress line) of this process.
 */
export function serveWorkerProcess(
  setup: () => {
    readonly log: Logger;
    readonly observer?: SandboxWorkerOptions['observer'];
    readonly done?: () => void;
  },
): void {
  const send = (message: FromWorker) =>
    new Promise<void>((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));
  // The one message: the run. Jumps only go the other way (this worker's durable host makes them).
  process.once('message', (request: ToWorker) => void run(request));

  async function run(request: ToWorker): Promise<void> {
    const { log, observer, done } = setup();
    const stores = createFileStores('fedlink-sandbox-');
    try {
      const following = VirtualClock.following(request.origin);
      following.onJump((jumped) => void send({ type: 'jump', jumped }));
      const worker = createSandboxWorker(
        {
          endpoint: request.arm.endpoint,
          caPem: request.arm.caPem,
          credential: sandboxCredential(request.arm.tenantIds),
        },
        {
          config: request.config,
          clock: following,
          log,
          ...(observer ? { observer } : {}),
          work: stores.work,
          reports: stores.reports,
        },
      );
      let result: WorkerRunResult;
      try {
        result = await runOnWorker(worker, request.events, log, { mode: request.mode, full: request.full });
      } finally {
        await worker.close();
        done?.();
      }
      await send({
        type: 'result',
        result,
        peakRssMb: peakRssMb(),
      });
    } catch (error) {
      await send({
        type: 'failed',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    } finally {
      stores.remove();
      process.disconnect();
    }
  }
}

/**
 * `fedlink sandbox run`: the inputs loaded and checked here (bad input never starts anything), the emulator
 * with the estate in this process, the worker in its own (`script`), then one output as `runSandbox` gives
 * it, whose metrics add the worker's peak RSS.
 */
export async function runSandboxOnWorkerProcess(
  options: SandboxRunOptions & Pick<WorkerProcessOptions, 'script' | 'instanceMemoryMb'>,
): Promise<SandboxRunOutput & { readonly metrics: { readonly workerPeakRssMb: number } }> {
  const { estate, config, events, faults } = loadSandboxInputs(options);
  const clock = new VirtualClock({ scale: DEFAULT_SANDBOX_SCALE });
  const emulator = await startEmulator({ estate, clock, ...(faults ? { faults } : {}) });
  try {
    const result = await runOnWorkerProcess(
      {
        arm: {
          endpoint: emulator.endpoint,
          caPem: emulator.caPem,
          tenantIds: estate.tenants.map((t) => t.tenantId),
        },
        config,
        events,
        mode: options.mode ?? 'apply',
        full: options.full ?? false,
      },
      {
        script: options.script,
        clock,
        ...(options.instanceMemoryMb !== undefined ? { instanceMemoryMb: options.instanceMemoryMb } : {}),
      },
    );
    const output = composeOutput(
      { operations: emulator.operations, resources: emulator.state().resources, metrics: emulator.metrics() },
      result,
    );
    return { ...output, metrics: { ...output.metrics, workerPeakRssMb: result.peakRssMb } };
  } finally {
    await emulator.close();
  }
}
