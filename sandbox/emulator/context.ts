/**
 * What every handler gets: the store, virtual time, seeded randomness, limits, faults, the LRO registry
 * and the FIC write gate. Built once per emulator in index.ts.
 */
import { type VirtualClock } from '../clock';
import { type FaultInjector } from './faults';
import { type FicWriteGate } from './ficGate';
import { ArmError } from './http';
import { type BucketClaim, type LimitEnforcer } from './limits';
import { type LroRegistry } from './lro';
import { type KeyedRandom } from './prng';
import { throttleHeaders } from './retryAfter';
import { type ResourceGraphLag } from './providers/resourceGraphLag';
import { type ResourceStore } from './store';

/** A virtual duration: fixed, or uniformly drawn from [min, max]. */
export type DurationRange = number | readonly [number, number];

export interface LatencyOptions {
  /** Every GET and Resource Graph query (default 0). */
  readonly readMs?: DurationRange;
  /** Every PUT/PATCH/DELETE before it is applied (default 0). */
  readonly writeMs?: DurationRange;
  /** How long a FIC write or delete holds its identity before it commits (default 30-100). */
  readonly ficWriteMs?: DurationRange;
  /** How long a long-running operation runs (default 2000-6000). */
  readonly lroMs?: DurationRange;
  /**
   * How long a private endpoint connection approve/reject/delete takes to finish where the type's
   * recorded traffic shows it (providers/privateLinkTypes.ts `recordedMs`): 'recorded' (default) uses
   * those durations; a range overrides them all. Types without a recording use `lroMs`.
   */
  readonly privateLinkMs?: 'recorded' | DurationRange;
}

export const DEFAULT_LATENCY: Required<LatencyOptions> = {
  readMs: 0,
  writeMs: 0,
  ficWriteMs: [30, 100],
  lroMs: [2000, 6000],
  privateLinkMs: 'recorded',
};

export interface EmulatorCore {
  readonly store: ResourceStore;
  readonly clock: VirtualClock;
  readonly random: KeyedRandom;
  readonly limits: LimitEnforcer;
  readonly faults: FaultInjector;
  readonly lro: LroRegistry;
  readonly ficGate: FicWriteGate;
  /** What Resource Graph shows: the store as it stood `lagSeconds` ago (providers/resourceGraphLag.ts). */
  readonly resourceGraph: ResourceGraphLag;
  readonly latency: Required<LatencyOptions>;
  /** Default list page size (ASSUMED: ARM RPs page at provider-chosen sizes; 100 here). */
  readonly pageSize: number;
  /** https://127.0.0.1:<port>, known once the server listens. */
  endpoint(): string;
}

/** Draws a duration for `key` (seeded). */
export function drawDuration(core: EmulatorCore, range: DurationRange, key: string): number {
  if (typeof range === 'number') return range;
  return core.random.between(`duration|${key}`, Math.round(range[0]), Math.round(range[1]));
}

/** A fresh etag (seeded GUID, the form Private DNS and Network use). */
export function newEtag(core: EmulatorCore, key: string): string {
  return core.random.uuid(`etag|${key.toLowerCase()}`);
}

/**
 * Charges RP-level buckets (managed identity service, private DNS); throws 429 with Retry-After when any
 * is empty. Code ASSUMED: the services' exact 429 codes are not documented; `TooManyRequests` is the
 * generic HTTP name.
 */
export function chargeService(core: EmulatorCore, claims: readonly BucketClaim[], service: string): void {
  const result = core.limits.claim(claims, core.clock.now());
  if (result.ok) return;
  const headers = throttleHeaders(result.waitMs, core.clock.scale);
  const which = result.exhausted.map((c) => `${c.limit} (${c.key})`).join(', ');
  throw new ArmError(
    429,
    'TooManyRequests',
    `${service} throttled the request: ${which} exhausted. Please try again after '${headers['Retry-After']}' seconds.`,
    headers,
  );
}
