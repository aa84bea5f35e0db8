/**
 * The throttling limits the emulator enforces (docs/targets.md, "The limits the emulator enforces") and the
 * enforcer that keeps one bucket per (limit, key). The numbers come from shared/azure/limits.ts, the
 * same table the app's client pacing (shared/azure/paced.ts) uses.
 *
 * - ARM token buckets per subscription (reads 250/25 per s, writes 200/10, deletes 200/10) and the same
 *   numbers per tenant for tenant-level requests such as GET /subscriptions and Resource Graph
 *   (docs/azure-behaviour.md §6.3). One principal (the sandbox credential), one region.
 * - Managed identity service (docs/azure-behaviour.md §1.5; docs/targets.md): create/update 10/s per tenant, 2/s per
 *   subscription, 1 per 4 s per identity; get 30/s per tenant; list 15/s per tenant; delete 10/2/0.25.
 *   ASSUMED to apply to FIC operations too, keyed by the parent identity (docs/targets.md says "assume the same
 *   for FICs"). docs/azure-behaviour.md also documents GET 10/s and 0.5/s and list 5/s and 0.25/s per subscription and
 *   per resource; those are not enforced by default (docs/targets.md' floor uses the tenant rates) but can be set.
 *   Each "n/s" rate is a bucket of max(1, n) tokens refilled at n per second (ASSUMED burst).
 * - Private DNS virtual network links: 60 writes/min and 100 reads/min per zone (docs/targets.md).
 * - Resource Graph: 15 queries per 5 s window per user (docs/azure-behaviour.md §6.4).
 */
import { AZURE_SERVICE_LIMITS } from '../../shared/azure/limits';
import { type RateLimit, TokenBucket, type WindowLimit, WindowQuota } from './tokenBucket';

export type { RateLimit, WindowLimit } from './tokenBucket';

export interface Limits {
  readonly subscriptionReads: RateLimit | null;
  readonly subscriptionWrites: RateLimit | null;
  readonly subscriptionDeletes: RateLimit | null;
  readonly tenantReads: RateLimit | null;
  readonly tenantWrites: RateLimit | null;
  readonly tenantDeletes: RateLimit | null;
  readonly msiWritesPerTenant: RateLimit | null;
  readonly msiWritesPerSubscription: RateLimit | null;
  readonly msiWritesPerIdentity: RateLimit | null;
  readonly msiDeletesPerTenant: RateLimit | null;
  readonly msiDeletesPerSubscription: RateLimit | null;
  readonly msiDeletesPerIdentity: RateLimit | null;
  readonly msiGetsPerTenant: RateLimit | null;
  readonly msiGetsPerSubscription: RateLimit | null;
  readonly msiGetsPerIdentity: RateLimit | null;
  readonly msiListsPerTenant: RateLimit | null;
  readonly msiListsPerSubscription: RateLimit | null;
  readonly msiListsPerIdentity: RateLimit | null;
  readonly privateDnsLinkWritesPerZone: RateLimit | null;
  readonly privateDnsLinkReadsPerZone: RateLimit | null;
  readonly resourceGraph: WindowLimit | null;
}

const { arm, msi, privateDns, resourceGraph } = AZURE_SERVICE_LIMITS;

/** Azure's limits, taken from the one table the app's client pacing also uses (shared/azure/limits.ts). */
export const AZURE_LIMITS: Limits = {
  subscriptionReads: arm.subscriptionReads,
  subscriptionWrites: arm.subscriptionWrites,
  subscriptionDeletes: arm.subscriptionDeletes,
  tenantReads: arm.tenantReads,
  tenantWrites: arm.tenantWrites,
  tenantDeletes: arm.tenantDeletes,
  msiWritesPerTenant: msi.writesPerTenant,
  msiWritesPerSubscription: msi.writesPerSubscription,
  msiWritesPerIdentity: msi.writesPerIdentity,
  msiDeletesPerTenant: msi.deletesPerTenant,
  msiDeletesPerSubscription: msi.deletesPerSubscription,
  msiDeletesPerIdentity: msi.deletesPerIdentity,
  msiGetsPerTenant: msi.getsPerTenant,
  msiGetsPerSubscription: null,
  msiGetsPerIdentity: null,
  msiListsPerTenant: msi.listsPerTenant,
  msiListsPerSubscription: null,
  msiListsPerIdentity: null,
  privateDnsLinkWritesPerZone: privateDns.linkWritesPerZone,
  privateDnsLinkReadsPerZone: privateDns.linkReadsPerZone,
  resourceGraph,
};

export const NO_LIMITS: Limits = Object.fromEntries(
  Object.keys(AZURE_LIMITS).map((k) => [k, null]),
) as unknown as Limits;

export type LimitsOption = 'azure' | 'off' | Partial<Limits>;

export function resolveLimits(option: LimitsOption | undefined): Limits {
  if (option === undefined || option === 'azure') return AZURE_LIMITS;
  if (option === 'off') return NO_LIMITS;
  return { ...AZURE_LIMITS, ...option };
}

export interface BucketClaim {
  /** Names the limit in 429 messages, e.g. "subscriptionWrites". */
  readonly limit: keyof Limits;
  /** What the bucket is per, e.g. a subscription id or an identity id (lower-cased). */
  readonly key: string;
}

export type ClaimResult =
  | { readonly ok: true; readonly remaining: readonly number[] }
  | { readonly ok: false; readonly waitMs: number; readonly exhausted: readonly BucketClaim[] };

export class LimitEnforcer {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly windows = new Map<string, WindowQuota>();

  constructor(readonly limits: Limits) {}

  /**
   * Takes one token from every claimed bucket, atomically: either all have a token (all are charged)
   * or none is charged and the answer says how long until all would have one.
   */
  claim(claims: readonly BucketClaim[], now: number): ClaimResult {
    const active: { claim: BucketClaim; bucket: TokenBucket }[] = [];
    for (const c of claims) {
      const limit = this.limits[c.limit];
      if (limit === null || 'queries' in limit) continue;
      const k = `${c.limit}|${c.key.toLowerCase()}`;
      let bucket = this.buckets.get(k);
      if (!bucket) {
        bucket = new TokenBucket(limit, now);
        this.buckets.set(k, bucket);
      }
      active.push({ claim: c, bucket });
    }
    const waits = active.map((a) => a.bucket.waitMs(now));
    const waitMs = Math.max(0, ...waits);
    if (waitMs > 0) {
      return { ok: false, waitMs, exhausted: active.filter((_, i) => waits[i]! > 0).map((a) => a.claim) };
    }
    for (const a of active) a.bucket.take(now);
    return { ok: true, remaining: active.map((a) => a.bucket.remaining(now)) };
  }

  /** Tokens left in one bucket (the full burst for a bucket not used yet); undefined when the limit is off. */
  remaining(claim: BucketClaim, now: number): number | undefined {
    const limit = this.limits[claim.limit];
    if (limit === null || 'queries' in limit) return undefined;
    return (
      this.buckets.get(`${claim.limit}|${claim.key.toLowerCase()}`)?.remaining(now) ?? Math.floor(limit.burst)
    );
  }

  /** The Resource Graph window of one user (the sandbox has one). */
  graphWindow(user: string): WindowQuota | undefined {
    const limit = this.limits.resourceGraph;
    if (limit === null) return undefined;
    let w = this.windows.get(user);
    if (!w) {
      w = new WindowQuota(limit);
      this.windows.set(user, w);
    }
    return w;
  }
}
