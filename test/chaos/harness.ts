/**
 * One chaos run and its verdicts (docs/targets.md "Reliability targets" 1), shared by test/chaos and
 * bench/chaos.ts: a generated estate (estate.ts), its events delivered through `fedlink sandbox run`'s
 * delivery knobs (duplicated, reordered, dropped: sandbox/run.ts `EventDelivery`) while the emulator
 * injects throttling, server errors, connection resets and a foreign FIC writer (sandbox/emulator/faults.ts),
 * then one drift cycle in apply mode. The verdicts read only the emulator (its state and its request log)
 * and the run's per-event records; each returns the violations it found, empty when the run is right.
 */
import { configSchema } from '../../shared/config/schema';
import { VirtualClock } from '../../sandbox/clock';
import { type FaultSpec, type OperationRecord } from '../../sandbox/emulator';
import { type ArmResource } from '../../sandbox/estate';
import { type EventDelivery, runLoadedSandbox, type SandboxRunOutput } from '../../sandbox/run';
import { type ChaosEstate, type ChaosSize, generateEstate, sizeOf } from './estate';

/**
 * The rates: 10% 429 with Retry-After, 5% 5xx, 1% resets, and a foreign writer's 409s on FICs,
 * connections, DNS links and zone groups.
 */
export function faultsFor(seed: number): FaultSpec {
  return {
    seed,
    throttle429: 0.1,
    serverError500: 0.025,
    serverError503: 0.025,
    connectionReset: 0.01,
    // No kinder than Azure: a reset can also come after a write committed (the client never sees its 2xx).
    connectionResetAfterWrite: 0.01,
    foreignFicWriter: 0.1,
    foreignWriter: 0.1,
    retryAfterSeconds: 1,
  };
}

/** 20% duplicated, reordered, 5% dropped, in three waves two virtual seconds apart. */
export function deliveryFor(seed: number): EventDelivery {
  return { seed, duplicate: 0.2, drop: 0.05, reorder: true, waves: 3, waveGapSeconds: 2 };
}

export interface ChaosRun {
  readonly estate: ChaosEstate;
  readonly output: SandboxRunOutput;
  /** The emulator's full request log (with body digests), in the order requests were answered. */
  readonly requests: readonly OperationRecord[];
  readonly resources: readonly ArmResource[];
  readonly realMs: number;
}

export interface ChaosOptions {
  readonly seed: number;
  /** Estate size: estate.ts `sizeOf(n)`'s n, or the counts themselves; default 1. */
  readonly size?: number | ChaosSize;
  readonly faults?: FaultSpec;
  readonly delivery?: EventDelivery;
  /**
   * Virtual clock scale. 5, as the exact-count tests (test/integration/federation.test.ts): at higher
   * scales a loaded machine's scheduling delays become virtual seconds and real-time throttling.
   */
  readonly scale?: number;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosRun> {
  const size = options.size ?? 1;
  const estate = generateEstate(options.seed, typeof size === 'number' ? sizeOf(size) : size);
  let requests: readonly OperationRecord[] = [];
  const started = Date.now();
  const output = await runLoadedSandbox(
    {
      estate: estate.estate,
      config: configSchema.parse(estate.config),
      events: estate.events,
      faults: options.faults ?? faultsFor(options.seed),
    },
    {
      mode: 'apply',
      clock: new VirtualClock({ scale: options.scale ?? 5 }),
      delivery: options.delivery ?? deliveryFor(options.seed),
      driftAfterEvents: true,
      settled: (sandbox) => {
        requests = [...sandbox.emulator.operations];
      },
    },
  );
  return { estate, output, requests, resources: output.state.resources, realMs: Date.now() - started };
}

const lower = (s: string) => s.toLowerCase();

/** Every object as the generator says it must be, read from the emulator's state. */
export function stateViolations(run: ChaosRun): string[] {
  const out: string[] = [];
  const byId = new Map(run.resources.map((r) => [lower(r.id), r]));
  const { expected } = run.estate;
  for (const [identityId, want] of expected.fics) {
    const prefix = `${lower(identityId)}/federatedidentitycredentials/`;
    const have = run.resources
      .filter((r) => lower(r.id).startsWith(prefix))
      .map((r) => {
        const p = r.properties as { issuer: string; subject: string; audiences: string[] };
        return JSON.stringify([r.name, p.issuer, p.subject, p.audiences]);
      })
      .sort();
    const wanted = want.map((f) => JSON.stringify([f.name, f.issuer, f.subject, f.audiences])).sort();
    for (const w of wanted) if (!have.includes(w)) out.push(`${identityId}: missing FIC ${w}`);
    for (const h of have) if (!wanted.includes(h)) out.push(`${identityId}: unexpected (stale) FIC ${h}`);
  }
  for (const c of expected.connections) {
    const r = byId.get(lower(c.id));
    const state = (
      r?.properties as { privateLinkServiceConnectionState?: { status?: string; description?: string } }
    )?.privateLinkServiceConnectionState;
    if (state?.status !== c.status || state.description !== c.description)
      out.push(
        `${c.id}: ${JSON.stringify(state ?? null)}, wanted ${JSON.stringify({ status: c.status, description: c.description })}`,
      );
  }
  for (const l of expected.links) {
    const r = byId.get(lower(`${l.zoneId}/virtualNetworkLinks/${l.name}`));
    const p = r?.properties as
      | { virtualNetwork?: { id?: string }; provisioningState?: string; registrationEnabled?: boolean }
      | undefined;
    if (
      !p ||
      lower(p.virtualNetwork?.id ?? '') !== lower(l.virtualNetworkId) ||
      p.provisioningState !== 'Succeeded'
    )
      out.push(`${l.zoneId}: link ${l.name} to ${l.virtualNetworkId} is ${JSON.stringify(p ?? null)}`);
  }
  for (const g of expected.zoneGroups) {
    const r = byId.get(lower(g.id));
    const configs =
      (
        r?.properties as
          | { privateDnsZoneConfigs?: { name?: string; properties?: { privateDnsZoneId?: string } }[] }
          | undefined
      )?.privateDnsZoneConfigs ?? [];
    if (
      !configs.some(
        (c) => c.name === g.zoneConfigName && lower(c.properties?.privateDnsZoneId ?? '') === lower(g.zoneId),
      )
    )
      out.push(`${g.endpointId}: zone group ${g.id} is ${JSON.stringify(r?.properties ?? null)}`);
  }
  return out;
}

const WRITE_METHODS = new Set(['PUT', 'PATCH', 'DELETE']);
const ok = (status: number) => status >= 200 && status < 300;

/**
 * "Written twice", precisely. Once the emulator answered a write to a path with a 2xx (so the client
 * saw it succeed, or a long-running write accepted), a later request that repeats it is a double write:
 *
 * 1. the same method to the same path (case-insensitively) with the same body (digest) — a FIC PUT, a
 *    link or zone group PUT, a DELETE repeated after its success;
 * 2. any further PUT to a private endpoint connection after a 2xx PUT to it — a second approval
 *    (or rejection) of a connection already decided;
 * 3. any further PUT to a path whose earlier PUT was answered 201/202 with a long-running operation
 *    (Web/Sql approvals, DNS links, zone groups): its poller must be resumed, never the PUT re-issued.
 *
 * Repeats after an answer the client never saw succeed (a 429, 5xx, reset or 409) are retries, not
 * double writes, and are allowed. Requests are taken in arrival order.
 */
export function doubleWrites(requests: readonly OperationRecord[]): string[] {
  const out: string[] = [];
  const sorted = [...requests].sort((a, b) => a.at - b.at);
  const done = new Map<string, OperationRecord>();
  const decided = new Map<string, OperationRecord>();
  const accepted = new Map<string, OperationRecord>();
  for (const r of sorted) {
    if (!WRITE_METHODS.has(r.method)) continue;
    const path = lower(r.path);
    const key = `${r.method} ${path} ${r.bodyDigest ?? ''}`;
    const earlier = done.get(key);
    const describe = (e: OperationRecord) =>
      `${r.method} ${r.path} at ${new Date(r.at).toISOString()} after ${e.status} at ${new Date(e.at).toISOString()}`;
    if (earlier && earlier.at + earlier.durationMs <= r.at)
      out.push(`same write again: ${describe(earlier)}`);
    else if (r.method === 'PUT' && /\/privateendpointconnections\/[^/]+$/.test(path) && decided.has(path))
      out.push(`connection decided again: ${describe(decided.get(path)!)}`);
    else if (r.method === 'PUT' && accepted.has(path))
      out.push(`long-running write re-issued: ${describe(accepted.get(path)!)}`);
    if (ok(r.status)) {
      done.set(key, r);
      if (r.method === 'PUT' && /\/privateendpointconnections\/[^/]+$/.test(path)) decided.set(path, r);
      if (r.method === 'PUT' && (r.status === 201 || r.status === 202)) accepted.set(path, r);
    }
  }
  return out;
}

/**
 * Every accepted event (started or coalesced into a run) ended converged (`converged`, `changed`) or
 * failed with its reason; a run that ended any other way, or failed without a reason, is a violation.
 * A run `skipped` counts as converged only with its reason (nothing of fedlink's to do).
 */
export function eventViolations(run: ChaosRun): string[] {
  const out: string[] = [];
  for (const e of run.output.events ?? []) {
    if (e.delivery !== 'delivered' || e.disposition === 'ignored') continue;
    if (e.ended === 'converged' || e.ended === 'changed') continue;
    if ((e.ended === 'failed' || e.ended === 'skipped') && (e.endedReason ?? '') !== '') continue;
    out.push(
      `event ${e.eventId} (copy ${e.copy}) → ${e.instanceId}: ended ${e.ended} ${e.endedReason ?? '(no reason)'}`,
    );
  }
  return out;
}
