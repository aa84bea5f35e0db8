/**
 * What the limits allow (docs/targets.md "The limits the emulator enforces"), computed from
 * shared/azure/limits.ts and nothing else: the floor of fedlink's drift check, the reads bound, and the
 * two peers modelled on the same fleet (docs/targets.md "What peers do (the bar to clear)").
 *
 * The floor formula. A limit is a token bucket that starts full with `burst` tokens and refills at
 * `perSecond`; n requests through it need at least max(0, n − burst) / perSecond seconds. Resource Graph
 * allows `queries` per `windowSeconds` window: q queries need (ceil(q / queries) − 1) × windowSeconds.
 * Buckets drain in parallel, so the floor of a piece of work is the largest of its buckets' times (every
 * tenant, subscription and identity bucket it touches): a lower bound no client can beat. It leaves out
 * latency and long-running operations' completion time, which the limits do not set.
 *
 * Worked example (docs/targets.md): the reference fleet's 5,000 FIC lists through the managed identity
 * service's 15 lists/s per tenant (burst 15) need (5,000 − 15) / 15 = 332.3 s.
 *
 * The peers are MODELLED, not run: they count the calls the peer's documented behaviour makes on this
 * fleet and put them through the same buckets.
 * - Azure Service Operator: one PUT per managed FIC per sync (its default sync period is an hour), converged
 *   or not. Identities, clusters and DNS objects it would also re-PUT are left out (that only flatters it).
 * - Terraform: one GET per managed resource on every plan (refresh), then apply writes what differs (the
 *   same writes fedlink makes). Its default parallelism of 10 and ARM latency are left out (ditto).
 */
import { AZURE_SERVICE_LIMITS, type Rate, type Window } from '../shared/azure/limits';
import { type FleetFigures } from './fleet';

const { arm, msi, privateDns, resourceGraph } = AZURE_SERVICE_LIMITS;

/** Seconds n requests need through one token bucket that starts full. */
export function bucketSeconds(n: number, rate: Rate): number {
  return Math.max(0, n - rate.burst) / rate.perSecond;
}

/** Seconds q queries need under a fixed-window quota. */
export function windowSeconds(q: number, window: Window): number {
  return q <= 0 ? 0 : (Math.ceil(q / window.queries) - 1) * window.windowSeconds;
}

/** The largest count in a per-key map (0 when empty). */
function most(map: ReadonlyMap<string, number>): number {
  let m = 0;
  for (const v of map.values()) m = Math.max(m, v);
  return m;
}

/** One term of a floor: which limit, and the seconds it alone forces. */
export interface FloorTerm {
  readonly limit: string;
  readonly requests: number;
  readonly seconds: number;
}

export interface Floor {
  readonly seconds: number;
  /** The term that sets the floor. */
  readonly boundBy: string;
  readonly terms: readonly FloorTerm[];
}

function floorOf(terms: FloorTerm[]): Floor {
  const top = terms.reduce((a, b) => (b.seconds > a.seconds ? b : a), {
    limit: 'none',
    requests: 0,
    seconds: 0,
  });
  return {
    seconds: round(top.seconds),
    boundBy: top.limit,
    terms: terms.map((t) => ({ ...t, seconds: round(t.seconds) })),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Resource Graph pages of the fleet scan: clusters and identities, 1,000 rows a page. */
export function graphPages(fleet: FleetFigures): number {
  return Math.ceil(fleet.counts.clusters / 1000) + Math.ceil(fleet.counts.identities / 1000);
}

/**
 * docs/targets.md performance 1: ceil(N/1000) + ceil(M/1000) + M + Z + P reads per full drift check
 * (Resource Graph pages, one FIC list per identity, one read per zone and per private-link target).
 */
export function readsBound(fleet: FleetFigures): number {
  const { identities, zones, privateLinkTargets } = fleet.counts;
  return graphPages(fleet) + identities + zones + privateLinkTargets;
}

/**
 * The least virtual time a drift check in apply mode can take on this fleet: the reads of the bound and the
 * writes `expected` says are needed, each through every bucket it is charged to.
 */
export function fedlinkFloor(fleet: FleetFigures): Floor {
  const { identities: M, subscriptions: S, zones } = fleet.counts;
  const e = fleet.expected;
  const listsPerSubscription = Math.ceil(M / S);
  const terms: FloorTerm[] = [
    {
      limit: 'resourceGraph (15 per 5 s)',
      requests: graphPages(fleet),
      seconds: windowSeconds(graphPages(fleet), resourceGraph),
    },
    { limit: 'msi.listsPerTenant (FIC lists)', requests: M, seconds: bucketSeconds(M, msi.listsPerTenant) },
    {
      limit: 'arm.subscriptionReads (busiest subscription)',
      requests: listsPerSubscription,
      seconds: bucketSeconds(listsPerSubscription, arm.subscriptionReads),
    },
    {
      limit: 'arm.tenantReads',
      requests: graphPages(fleet),
      seconds: bucketSeconds(graphPages(fleet), arm.tenantReads),
    },
    {
      limit: 'msi.writesPerTenant (FIC PUTs)',
      requests: e.ficWrites,
      seconds: bucketSeconds(e.ficWrites, msi.writesPerTenant),
    },
    {
      limit: 'msi.writesPerSubscription (busiest)',
      requests: most(e.ficWritesPerSubscription),
      seconds: bucketSeconds(most(e.ficWritesPerSubscription), msi.writesPerSubscription),
    },
    {
      limit: 'msi.writesPerIdentity (busiest)',
      requests: most(e.ficWritesPerIdentity),
      seconds: bucketSeconds(most(e.ficWritesPerIdentity), msi.writesPerIdentity),
    },
    {
      limit: 'msi.deletesPerTenant (prunes)',
      requests: e.ficDeletes,
      seconds: bucketSeconds(e.ficDeletes, msi.deletesPerTenant),
    },
    {
      limit: 'msi.deletesPerSubscription (busiest)',
      requests: most(e.ficDeletesPerSubscription),
      seconds: bucketSeconds(most(e.ficDeletesPerSubscription), msi.deletesPerSubscription),
    },
    {
      limit: 'msi.deletesPerIdentity (busiest)',
      requests: most(e.ficDeletesPerIdentity),
      seconds: bucketSeconds(most(e.ficDeletesPerIdentity), msi.deletesPerIdentity),
    },
    {
      limit: 'arm.subscriptionWrites (busiest)',
      requests: most(e.writesPerSubscription),
      seconds: bucketSeconds(most(e.writesPerSubscription), arm.subscriptionWrites),
    },
    // One link per zone: the per-zone bucket (burst 60) never binds here, listed for completeness.
    {
      limit: 'privateDns.linkWritesPerZone',
      requests: e.linkWrites > 0 ? 1 : 0,
      seconds: bucketSeconds(1, privateDns.linkWritesPerZone),
    },
    { limit: 'privateDns.linkReadsPerZone', requests: zones > 0 ? 1 : 0, seconds: 0 },
  ];
  return floorOf(terms);
}

export interface PeerModel {
  readonly peer: string;
  readonly modelled: true;
  readonly what: string;
  readonly armReads: number;
  readonly armWrites: number;
  readonly armDeletes: number;
  readonly floorSeconds: number;
  readonly boundBy: string;
}

/** Azure Service Operator: one PUT per managed FIC per sync, whatever the state. */
export function asoModel(fleet: FleetFigures): PeerModel {
  const F = fleet.counts.desiredFics;
  const perIdentity = fleet.expected.desiredFicsPerIdentity;
  const perSubscription = fleet.expected.desiredFicsPerSubscription;
  const floor = floorOf([
    { limit: 'msi.writesPerTenant', requests: F, seconds: bucketSeconds(F, msi.writesPerTenant) },
    {
      limit: 'msi.writesPerSubscription (busiest)',
      requests: most(perSubscription),
      seconds: bucketSeconds(most(perSubscription), msi.writesPerSubscription),
    },
    {
      limit: 'msi.writesPerIdentity (busiest)',
      requests: most(perIdentity),
      seconds: bucketSeconds(most(perIdentity), msi.writesPerIdentity),
    },
    {
      limit: 'arm.subscriptionWrites (busiest)',
      requests: most(perSubscription),
      seconds: bucketSeconds(most(perSubscription), arm.subscriptionWrites),
    },
  ]);
  return {
    peer: 'Azure Service Operator',
    modelled: true,
    what: 'one PUT per managed FIC per sync (default sync period 1 h), converged or not',
    armReads: 0,
    armWrites: F,
    armDeletes: 0,
    floorSeconds: floor.seconds,
    boundBy: floor.boundBy,
  };
}

/**
 * Terraform: one GET per managed resource (clusters, identities, desired FICs, private DNS zones, their
 * hub links, private endpoints and their zone groups, the hub network), then the writes that differ.
 */
export function terraformModel(fleet: FleetFigures): PeerModel {
  const c = fleet.counts;
  const e = fleet.expected;
  const msiGets = c.identities + c.desiredFics;
  const resources =
    c.clusters + msiGets + c.zones + c.privateClusters * c.hubs + c.privateEndpoints * 2 + c.hubs;
  // ARM reads per subscription: resources are spread evenly over subscriptions by the generator.
  const perSubscription = Math.ceil(resources / c.subscriptions);
  const floor = floorOf([
    {
      limit: 'msi.getsPerTenant (identities and FICs)',
      requests: msiGets,
      seconds: bucketSeconds(msiGets, msi.getsPerTenant),
    },
    {
      limit: 'arm.subscriptionReads (busiest)',
      requests: perSubscription,
      seconds: bucketSeconds(perSubscription, arm.subscriptionReads),
    },
    ...fedlinkFloor(fleet).terms.filter((t) => /writes|deletes/i.test(t.limit)),
  ]);
  return {
    peer: 'Terraform',
    modelled: true,
    what: 'one GET per managed resource on every plan (refresh), then apply writes what differs',
    armReads: resources,
    armWrites: e.ficWrites + e.linkWrites + e.zoneGroupWrites,
    armDeletes: e.ficDeletes,
    floorSeconds: floor.seconds,
    boundBy: floor.boundBy,
  };
}
