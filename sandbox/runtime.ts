/**
 * One sandbox: the ARM emulator with an estate, the real gateway (real SDK clients) pointed at it,
 * and the in-process durable host running the registry's orchestrations with those deps.
 * Used by `fedlink sandbox run`, `fedlink plan/apply --sandbox`, the demo and the integration tests.
 */
import { type TokenCredential } from '@azure/core-auth';
import '../functions/catalog';
import { type ActivityDeps } from '../functions/deps';
import { registeredFunctions } from '../functions/registry';
import { createArmClients } from '../shared/azure/clients';
import { createPacedArmGateway } from '../shared/azure/paced';
import { type FedlinkConfig } from '../shared/config/schema';
import { type Logger, silentLogger } from '../shared/core/log';
import { createMemoryReportStore } from '../shared/reportStore/memory';
import { type ReportStore } from '../shared/reportStore/store';
import { type Telemetry } from '../shared/core/telemetry';
import { createMemoryWorkStore } from '../shared/workStore/memory';
import { type WorkStore } from '../shared/workStore/store';
import { VirtualClock } from './clock';
import { DurableHost, type DurableHostOptions } from './durable';
import { type Emulator, type EmulatorOptions, startEmulator } from './emulator';
import { type Estate } from './estate';

export interface SandboxOptions {
  readonly estate: Estate;
  readonly config: FedlinkConfig;
  readonly clock?: VirtualClock;
  readonly faults?: EmulatorOptions['faults'];
  readonly limits?: EmulatorOptions['limits'];
  readonly log?: Logger;
  readonly observer?: DurableHostOptions['observer'];
  /**
   * The durable host's queue polling model (sandbox/durable/queues.ts); default: a scaled-out app,
   * whose sends do not wake the receiving queue's poller. `{ wakeOnSend: true }` is one worker.
   */
  readonly queuePolling?: DurableHostOptions['queuePolling'];
  /** Where the drift check's saveReport activity keeps reports; default: a fresh in-memory store. */
  readonly reports?: ReportStore;
  /** Where fleet checks keep work items and outcomes (the claim check); default: a fresh in-memory store. */
  readonly work?: WorkStore;
  /** Counters the activities add to (as in Azure, functions/telemetry.ts); default: none recorded. */
  readonly telemetry?: Telemetry;
}

/** Where the worker's ARM clients go: an emulator in this process (startEmulator) or in another one. */
export interface ArmTarget {
  readonly endpoint: string;
  readonly caPem: string;
  readonly credential: TokenCredential;
}

export type SandboxWorkerOptions = Omit<SandboxOptions, 'estate' | 'faults' | 'limits' | 'clock'> & {
  readonly clock: VirtualClock;
};

/**
 * The Function App worker's side of a sandbox: the real gateway (paced SDK clients) pointed at `arm`, and
 * the durable host running the registry's orchestrations with those deps.
 */
export interface SandboxWorker {
  readonly host: DurableHost;
  readonly deps: ActivityDeps;
  readonly clock: VirtualClock;
  close(): Promise<void>;
}

export interface Sandbox extends SandboxWorker {
  readonly emulator: Emulator;
}

/** Sandbox time runs 20× faster than the wall clock unless told otherwise (see sandbox/clock.ts). */
export const DEFAULT_SANDBOX_SCALE = 20;

export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const clock = options.clock ?? new VirtualClock({ scale: DEFAULT_SANDBOX_SCALE });
  const emulator = await startEmulator({
    estate: options.estate,
    clock,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const worker = createSandboxWorker(emulator, { ...options, clock });
  return {
    ...worker,
    emulator,
    async close() {
      await worker.close();
      await emulator.close();
    },
  };
}

export function createSandboxWorker(arm: ArmTarget, options: SandboxWorkerOptions): SandboxWorker {
  const { clock } = options;
  const log = options.log ?? silentLogger;
  const clients = createArmClients({ credential: arm.credential, endpoint: arm.endpoint, caPem: arm.caPem });
  const azure = createPacedArmGateway(clients, { clock });
  const deps: ActivityDeps = {
    azure,
    config: options.config,
    clock,
    log,
    reports: options.reports ?? createMemoryReportStore(),
    work: options.work ?? createMemoryWorkStore(),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
  };
  const host = new DurableHost({
    functions: registeredFunctions(),
    deps: () => deps,
    clock,
    log,
    ...(options.observer ? { observer: options.observer } : {}),
    ...(options.queuePolling !== undefined ? { queuePolling: options.queuePolling } : {}),
  });
  return { host, deps, clock, close: () => host.close() };
}
