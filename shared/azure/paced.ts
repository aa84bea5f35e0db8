/**
 * A gateway that paces itself below Azure's limits, so fedlink does not cause the 429s it would
 * otherwise spend Retry-After waits on (docs/targets.md performance 3). Every runtime builds its
 * gateway here (`createPacedArmGateway`): the Function App (functions/runtime.ts), the CLI and the
 * sandbox, so the deployed app paces exactly as the sandbox does.
 *
 * Pacing sits on the wire: a pipeline policy after the SDK's retry policy (so every attempt, retry,
 * page and LRO poll passes it) derives from each request's method and URL the buckets ARM and the
 * resource provider will charge (`pacingClaims`), and waits for a slot in all of them
 * (../core/rateLimiter.ts: the client mirror of each bucket and why it holds under arrival jitter,
 * docs/azure-behaviour.md §6.6). A 429 that still arrives slows the buckets it claimed; the SDK
 * retries it after Retry-After (§6.5).
 *
 * The limits come from ./limits.ts, the table the sandbox emulator enforces too:
 * - ARM: reads, writes and deletes per subscription, and per tenant for tenant-level requests
 *   (GET /subscriptions, Resource Graph) (§6.3);
 * - managed identity service (§1.5): FIC and identity create/update and delete per tenant, subscription
 *   and identity; gets and lists per tenant;
 * - private DNS virtual network links per zone (§5.4);
 * - Resource Graph: 15 queries per 5 s window, paced as a bucket of 5 refilled at 2 per second: arrivals
 *   that conform to it put at most 5 + 2 × 5 = 15 in any 5 s window. Page-level quota is also waited
 *   out by ./resourceGraph.ts from the quota headers.
 * Pacing is per process (per set of clients): several Function workers share the budget only
 * approximately, and the 429s that follow are answered as above.
 */
import { type PipelinePolicy, type PipelineResponse } from '@azure/core-rest-pipeline';
import { type Clock, systemClock } from '../core/clock';
import { type Logger } from '../core/log';
import { type Claim, type Rate, RateLimiter } from '../core/rateLimiter';
import { createArmGateway, type ArmGatewayOptions } from './armGateway';
import { type ArmClients } from './clients';
import { type AzureGateway } from './gateway';
import { AZURE_SERVICE_LIMITS } from './limits';

const { arm, msi, privateDns, resourceGraph } = AZURE_SERVICE_LIMITS;

/** The server buckets the pacing mirrors, each from ./limits.ts (a test checks them against the emulator's). */
export const PACING = {
  msiWritesPerTenant: msi.writesPerTenant,
  msiWritesPerSubscription: msi.writesPerSubscription,
  msiWritesPerIdentity: msi.writesPerIdentity,
  msiDeletesPerTenant: msi.deletesPerTenant,
  msiDeletesPerSubscription: msi.deletesPerSubscription,
  msiDeletesPerIdentity: msi.deletesPerIdentity,
  msiGetsPerTenant: msi.getsPerTenant,
  msiListsPerTenant: msi.listsPerTenant,
  subscriptionReads: arm.subscriptionReads,
  subscriptionWrites: arm.subscriptionWrites,
  subscriptionDeletes: arm.subscriptionDeletes,
  tenantReads: arm.tenantReads,
  tenantWrites: arm.tenantWrites,
  tenantDeletes: arm.tenantDeletes,
  privateDnsLinkReadsPerZone: privateDns.linkReadsPerZone,
  privateDnsLinkWritesPerZone: privateDns.linkWritesPerZone,
  /** At most `queries` in any window: burst + rate × window ≤ queries. */
  resourceGraphQueries: {
    burst: resourceGraph.queries / 3,
    perSecond: (resourceGraph.queries * 2) / 3 / resourceGraph.windowSeconds,
  },
} as const satisfies Record<string, Rate>;

type ArmClass = 'read' | 'write' | 'delete';

const ARM_RATES: Record<'subscription' | 'tenant', Record<ArmClass, Rate>> = {
  subscription: {
    read: PACING.subscriptionReads,
    write: PACING.subscriptionWrites,
    delete: PACING.subscriptionDeletes,
  },
  tenant: { read: PACING.tenantReads, write: PACING.tenantWrites, delete: PACING.tenantDeletes },
};

type MsiOperation = 'write' | 'delete' | 'get' | 'list';

/** The managed identity service's operation for a request on an identity or a FIC (emulator: providers/msiCommon.ts). */
function msiOperation(method: string, collection: boolean): MsiOperation | undefined {
  if (method === 'GET' || method === 'HEAD') return collection ? 'list' : 'get';
  if (collection) return undefined;
  if (method === 'PUT' || method === 'PATCH') return 'write';
  if (method === 'DELETE') return 'delete';
  return undefined;
}

function msiClaims(operation: MsiOperation, subscription: string, identityKey: string): Claim[] {
  switch (operation) {
    case 'get':
      return [{ key: 'msi-get:tenant', rate: PACING.msiGetsPerTenant }];
    case 'list':
      return [{ key: 'msi-list:tenant', rate: PACING.msiListsPerTenant }];
    case 'write':
      return [
        { key: 'msi-write:tenant', rate: PACING.msiWritesPerTenant },
        { key: `msi-write:sub:${subscription}`, rate: PACING.msiWritesPerSubscription },
        { key: `msi-write:id:${identityKey}`, rate: PACING.msiWritesPerIdentity },
      ];
    case 'delete':
      return [
        { key: 'msi-delete:tenant', rate: PACING.msiDeletesPerTenant },
        { key: `msi-delete:sub:${subscription}`, rate: PACING.msiDeletesPerSubscription },
        { key: `msi-delete:id:${identityKey}`, rate: PACING.msiDeletesPerIdentity },
      ];
  }
}

/**
 * The buckets one request is charged against, as ARM and the resource providers charge them (the
 * emulator's pipeline.ts `armClaim` and the providers' `chargeMsi` / `chargeLinks`). One tenant: fedlink's
 * credential works in one (sandbox/emulator/README.md), so "tenant" keys need no id.
 */
export function pacingClaims(method: string, url: string): Claim[] {
  const m = method.toUpperCase();
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return [];
  }
  const segments = pathname
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s).toLowerCase();
      } catch {
        return s.toLowerCase();
      }
    });
  const subscription = segments[0] === 'subscriptions' ? segments[1] : undefined;
  const provider = segments.indexOf('providers');
  const namespace = provider >= 0 ? segments[provider + 1] : undefined;
  const isGraph = subscription === undefined && namespace === 'microsoft.resourcegraph';
  const cls: ArmClass = m === 'GET' || m === 'HEAD' || isGraph ? 'read' : m === 'DELETE' ? 'delete' : 'write';
  const claims: Claim[] = [
    subscription !== undefined
      ? { key: `arm-${cls}:${subscription}`, rate: ARM_RATES.subscription[cls] }
      : { key: `arm-${cls}:tenant`, rate: ARM_RATES.tenant[cls] },
  ];
  if (isGraph && segments[provider + 2] === 'resources')
    claims.push({ key: 'arg', rate: PACING.resourceGraphQueries });
  if (subscription === undefined || provider < 0) return claims;

  // Managed identity: .../providers/Microsoft.ManagedIdentity/userAssignedIdentities[/{name}[/federatedIdentityCredentials[/{fic}]]]
  if (namespace === 'microsoft.managedidentity' && segments[provider + 2] === 'userassignedidentities') {
    const identity = segments[provider + 3];
    const fics = segments[provider + 4] === 'federatedidentitycredentials';
    const collection = identity === undefined || (fics && segments[provider + 5] === undefined);
    const op = msiOperation(m, collection);
    const identityKey = segments.slice(0, identity === undefined ? provider + 3 : provider + 4).join('/');
    if (op) claims.push(...msiClaims(op, subscription, identityKey));
  }
  // Private DNS links: .../providers/Microsoft.Network/privateDnsZones/{zone}/virtualNetworkLinks[/{link}]
  if (
    namespace === 'microsoft.network' &&
    segments[provider + 2] === 'privatednszones' &&
    segments[provider + 4] === 'virtualnetworklinks'
  ) {
    const zone = segments.slice(0, provider + 4).join('/');
    claims.push(
      m === 'GET' || m === 'HEAD'
        ? { key: `dns-link-read:${zone}`, rate: PACING.privateDnsLinkReadsPerZone }
        : { key: `dns-link-write:${zone}`, rate: PACING.privateDnsLinkWritesPerZone },
    );
  }
  return claims;
}

/** Retry-After in ms of the limiter's clock (seconds; ARM sends no date form, §6.3). */
function retryAfterMs(response: PipelineResponse): number {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

export const PACING_POLICY_NAME = 'fedlinkPacing';

/** Waits for a slot in every bucket a request claims; reports a 429 back to the limiter. */
export function pacingPolicy(limiter: RateLimiter): PipelinePolicy {
  return {
    name: PACING_POLICY_NAME,
    async sendRequest(request, next) {
      const claims = pacingClaims(request.method, request.url);
      const response = await limiter.send(claims, () => next(request));
      if (response.status === 429) limiter.throttled(claims, retryAfterMs(response));
      return response;
    },
  };
}

interface PipelineOwner {
  readonly pipeline: { addPolicy(policy: PipelinePolicy, options?: { afterPhase?: 'Retry' }): void };
}

/** One limiter per set of clients: gateways built over the same clients share one pace. */
const paced = new WeakMap<ArmClients, { clients: ArmClients; limiter: RateLimiter }>();

/**
 * The same clients with the pacing policy in every pipeline, after the retry policy so that each
 * attempt is paced. Subscription clients are created lazily; each gets the policy once.
 */
export function pacedClients(
  clients: ArmClients,
  clock: Clock,
): { clients: ArmClients; limiter: RateLimiter } {
  const known = paced.get(clients);
  if (known) return known;
  const limiter = new RateLimiter(clock);
  const policy = pacingPolicy(limiter);
  const done = new WeakSet<object>();
  const add = <T extends PipelineOwner>(client: T): T => {
    if (!done.has(client)) {
      client.pipeline.addPolicy(policy, { afterPhase: 'Retry' });
      done.add(client);
    }
    return client;
  };
  const result = {
    clients: {
      endpoint: clients.endpoint,
      resourceGraph: add(clients.resourceGraph),
      subscriptions: add(clients.subscriptions),
      forSubscription(subscriptionId: string) {
        const c = clients.forSubscription(subscriptionId);
        for (const client of Object.values(c) as PipelineOwner[]) add(client);
        return c;
      },
    },
    limiter,
  };
  paced.set(clients, result);
  return result;
}

/** The gateway every runtime uses: the real clients, paced (see above). */
export function createPacedArmGateway(
  clients: ArmClients,
  options: ArmGatewayOptions & { readonly clock?: Clock; readonly log?: Logger } = {},
): AzureGateway {
  const clock = options.clock ?? systemClock;
  return createArmGateway(pacedClients(clients, clock).clients, { ...options, clock });
}
