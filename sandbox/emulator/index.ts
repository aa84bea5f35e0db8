/**
 * The sandbox ARM emulator: a loopback HTTPS server that the real @azure/arm-* clients talk to
 * unchanged (point createArmClients at `endpoint`, trust `caPem`, authenticate with `credential`).
 * It serves the REST surface fedlink uses with the documented Azure behaviour (docs/azure-behaviour.md), enforces
 * the limits of docs/targets.md in virtual time, injects seeded faults, and records every request.
 * See README.md in this folder for what is served and what is assumed.
 */
import { randomBytes } from 'node:crypto';
import { type TokenCredential } from '@azure/core-auth';
import { normalizeResourceId, parseResourceId } from '../../shared/core/resourceId';
import { VirtualClock } from '../clock';
import { type ArmResource, type Estate, parseEstate, parseResource } from '../estate';
import { LOOPBACK_CA_PEM } from '../tls/loopbackCert';
import { DEFAULT_LATENCY, type EmulatorCore, type LatencyOptions } from './context';
import { sandboxCredential } from './credential';
import { FaultInjector, type FaultSpec, validateFaultSpec } from './faults';
import { FicWriteGate } from './ficGate';
import { IDENTITY_PATH } from './identityEndpoint';
import { cloneJson, type ResourceJson } from './json';
import { LimitEnforcer, type LimitsOption, resolveLimits } from './limits';
import { LroRegistry } from './lro';
import { KeyedRandom } from './prng';
import { type EmulatorMetrics, type OperationRecord, Recorder } from './recorder';
import { listen } from './server';
import { ResourceGraphLag, type ResourceGraphLagOptions } from './providers/resourceGraphLag';
import { parentIdOf, ResourceStore } from './store';
import { refreshDerived } from './views';

export type { DurationRange, LatencyOptions } from './context';
export type { FaultRule, FaultSpec, FaultRates } from './faults';
export { FaultSpecError, parseFaultSpec } from './faults';
export type { Limits, LimitsOption, RateLimit, WindowLimit } from './limits';
export { AZURE_LIMITS, NO_LIMITS } from './limits';
export type { EmulatorMetrics, OperationRecord, RetryObservation } from './recorder';
export { MAX_FICS_PER_IDENTITY } from './providers/federatedCredentials';
export type { RecentChange, ResourceGraphLagOptions } from './providers/resourceGraphLag';

export interface EmulatorOptions {
  /** What exists when the emulator starts (validated with parseEstate). */
  readonly estate: Estate;
  /** Virtual time; default: a VirtualClock at scale 1 (wall-clock speed). */
  readonly clock?: VirtualClock;
  /** Seeded fault injection; default none. */
  readonly faults?: FaultSpec;
  /** 'azure' (default): docs/targets.md limits; 'off': no throttling; or overrides of individual limits. */
  readonly limits?: LimitsOption;
  /** Virtual latencies (ms); defaults in context.ts (FIC writes 30-100, LROs 2000-6000, others 0). */
  readonly latency?: LatencyOptions;
  /** Seed for faults, latencies, generated ids and etags (default 1). */
  readonly seed?: number;
  /** Page size of ARM list answers (default 100; ASSUMED, RPs choose their own). */
  readonly pageSize?: number;
  /**
   * Resource Graph lag: changes show there only `lagSeconds` virtual seconds after ARM has them
   * (providers/resourceGraphLag.ts). Default: the estate's `resourceGraph` section, else no lag.
   */
  readonly resourceGraph?: ResourceGraphLagOptions;
  /** TCP port on 127.0.0.1 (default: an ephemeral port). */
  readonly port?: number;
  /** Also serve the App Service style managed identity token endpoint (identityEndpoint.ts); default false. */
  readonly identityEndpoint?: boolean;
}

/** Where and how to get tokens: the values of IDENTITY_ENDPOINT and IDENTITY_HEADER. */
export interface IdentityEndpoint {
  readonly url: string;
  readonly header: string;
}

export interface Emulator {
  /** https://127.0.0.1:<port> */
  readonly endpoint: string;
  /** The loopback CA to trust: createArmClients({ caPem }). */
  readonly caPem: string;
  /**
   * Mints JWT-shaped tokens for the estate's first tenant that the emulator accepts (credential.ts); the
   * emulator refuses a request without one, or with a token for another audience, tenant or time, with
   * ARM's 401 (tokens.ts).
   */
  readonly credential: TokenCredential;
  /** Set when started with `identityEndpoint: true`. */
  readonly identityEndpoint?: IdentityEndpoint;
  readonly clock: VirtualClock;
  /** The resources as they stand now, same shape as the input estate (settles due LROs first). */
  state(): Estate;
  /** Every request answered, in arrival order of completion. */
  readonly operations: readonly OperationRecord[];
  metrics(): EmulatorMetrics;
  /** Operations that retried a 429/503 sooner than its Retry-After (should be none). */
  retryViolations(): readonly OperationRecord[];
  setFaults(spec: FaultSpec): void;
  /** Out-of-band change (as if someone else changed Azure): not an ARM call, not recorded. */
  putResource(resource: ArmResource): void;
  /** Out-of-band removal (with nested resources); false if absent. */
  deleteResource(id: string): boolean;
  /** Out-of-band read of the stored resource (a copy), without a view or a recorded request. */
  getResource(id: string): ArmResource | undefined;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const estate = parseEstate(options.estate, 'EmulatorOptions.estate');
  const clock = options.clock ?? new VirtualClock();
  const random = new KeyedRandom(options.seed ?? 1);
  const store = new ResourceStore(estate);
  const faults = new FaultInjector(validateFaultSpec(options.faults ?? {}), random);
  let endpoint = '';
  const core: EmulatorCore = {
    store,
    clock,
    random,
    limits: new LimitEnforcer(resolveLimits(options.limits)),
    faults,
    lro: new LroRegistry(() => core),
    ficGate: new FicWriteGate(),
    resourceGraph: new ResourceGraphLag(
      store,
      clock,
      options.resourceGraph ?? estate.resourceGraph ?? { lagSeconds: 0 },
    ),
    latency: { ...DEFAULT_LATENCY, ...(options.latency ?? {}) },
    pageSize: options.pageSize ?? 100,
    endpoint: () => endpoint,
  };
  // One real millisecond of timer granularity, in virtual ms (recorder.ts).
  const recorder = new Recorder(clock.scale);
  const secret = options.identityEndpoint ? randomBytes(24).toString('base64url') : undefined;
  const server = await listen(
    () => ({ core, recorder }),
    options.port ?? 0,
    secret !== undefined ? { secret, store } : undefined,
  );
  endpoint = server.endpoint;
  return {
    endpoint,
    caPem: LOOPBACK_CA_PEM,
    credential: sandboxCredential(estate.tenants.map((t) => t.tenantId)),
    ...(secret !== undefined
      ? { identityEndpoint: { url: `${server.endpoint}${IDENTITY_PATH}`, header: secret } }
      : {}),
    clock,
    state: () => {
      core.lro.settleDue(clock.now());
      return store.dump();
    },
    get operations() {
      return recorder.operations;
    },
    metrics: () => recorder.metrics(),
    retryViolations: () => recorder.operations.filter((o) => o.retry !== undefined && !o.retry.ok),
    setFaults: (spec) => faults.set(spec),
    putResource: (input) => {
      const resource = parseResource(input, 'Emulator.putResource');
      const parsed = parseResourceId(resource.id);
      if (!store.subscription(parsed.subscriptionId))
        throw new Error(`putResource: subscription '${parsed.subscriptionId}' is not in the estate`);
      const parent = parentIdOf(resource.id);
      if (parent !== undefined && !store.get(parent))
        throw new Error(`putResource: parent '${parent}' of '${resource.id}' does not exist`);
      store.put(cloneJson(resource as unknown as ResourceJson));
      // As the RP would: a parent's connection list and a zone's counters follow their children.
      refreshDerived(store, resource.id);
    },
    deleteResource: (id) => {
      const removed = store.delete(id);
      if (removed) refreshDerived(store, id);
      return removed;
    },
    getResource: (id) => {
      core.lro.settleDue(clock.now());
      const s = store.get(normalizeResourceId(id));
      return s ? (cloneJson(s.resource) as unknown as ArmResource) : undefined;
    },
    close: () => server.close(),
  };
}
