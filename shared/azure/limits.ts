/**
 * Azure's throttling limits, defined once (docs/azure-behaviour.md §1.5, §6.3, §6.4; docs/targets.md
 * "The limits the emulator enforces"). Two consumers derive from this table and nothing else:
 * - the client pacing every runtime uses (./paced.ts: the Function App's functions/runtime.ts, the CLI
 *   and the sandbox all build their gateway with `createPacedArmGateway`), and
 * - the sandbox emulator's enforcement (sandbox/emulator/limits.ts `AZURE_LIMITS`).
 * So the app paces exactly below what the emulator enforces, and a change here moves both.
 *
 * Each "n per second" rate is a token bucket of max(1, n) tokens refilled at n per second (ASSUMED
 * burst where Azure documents only a rate). Whether the managed identity limits apply to FIC
 * operations is UNVERIFIED; fedlink assumes they do, keyed by the parent identity.
 */

export interface Rate {
  /** Bucket size: requests allowed in a burst. */
  readonly burst: number;
  /** Refill rate, tokens per second. */
  readonly perSecond: number;
}

export interface Window {
  readonly queries: number;
  readonly windowSeconds: number;
}

const perSecond = (n: number): Rate => ({ burst: Math.max(1, n), perSecond: n });

export const AZURE_SERVICE_LIMITS = {
  /** ARM request throttling, per subscription and per tenant (§6.3: token buckets per principal). */
  arm: {
    subscriptionReads: { burst: 250, perSecond: 25 },
    subscriptionWrites: { burst: 200, perSecond: 10 },
    subscriptionDeletes: { burst: 200, perSecond: 10 },
    tenantReads: { burst: 250, perSecond: 25 },
    tenantWrites: { burst: 200, perSecond: 10 },
    tenantDeletes: { burst: 200, perSecond: 10 },
  },
  /** Managed identity service (§1.5): writes, deletes, gets, lists. */
  msi: {
    writesPerTenant: perSecond(10),
    writesPerSubscription: perSecond(2),
    writesPerIdentity: perSecond(0.25),
    deletesPerTenant: perSecond(10),
    deletesPerSubscription: perSecond(2),
    deletesPerIdentity: perSecond(0.25),
    getsPerTenant: perSecond(30),
    listsPerTenant: perSecond(15),
  },
  /** Private DNS virtual network links, per zone (docs/targets.md). */
  privateDns: {
    linkWritesPerZone: { burst: 60, perSecond: 1 },
    linkReadsPerZone: { burst: 100, perSecond: 100 / 60 },
  },
  /** Resource Graph: queries per window per user (§6.4); paced by its quota headers (./resourceGraph.ts). */
  resourceGraph: { queries: 15, windowSeconds: 5 },
} as const satisfies {
  arm: Record<string, Rate>;
  msi: Record<string, Rate>;
  privateDns: Record<string, Rate>;
  resourceGraph: Window;
};
