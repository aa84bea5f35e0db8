/**
 * `npm run bench:pacing -- [--identities 5000] [--subscriptions 50] [--writes 2500] [--concurrency 200] [--scale 20] [--seed 1]`
 *
 * The pacing alone, without the orchestrations around it (docs/azure-behaviour.md §6.6): the paced gateway
 * every runtime uses (shared/azure/paced.ts) lists the FICs of every identity of a generated fleet, all
 * with `concurrency` requests in flight (a drift check's batches), then writes one FIC to each of the first
 * `writes` identities the same way, against the sandbox
 * emulator with Azure's limits on its virtual clock. Prints one JSON object: per phase the requests, the
 * 429s the emulator answered, the virtual seconds and the floor the limits allow (bench/README.md), and
 * the measured lag between a request leaving the limiter and arriving at the emulator (the jitter the
 * pacing must absorb, `DEFAULT_PACING.jitterMs`), and `stalledSeconds`: virtual time this process's event
 * loop was blocked (a 5 ms ticker more than 5 ms of real time late, times the scale). Nothing can be sent in a
 * stall, so on a loaded machine the time above the floor is mostly that (docs/azure-behaviour.md §6.6).
 */
import { type PipelinePolicy } from '@azure/core-rest-pipeline';
import { createArmClients } from '../shared/azure/clients';
import { AZURE_SERVICE_LIMITS } from '../shared/azure/limits';
import { createPacedArmGateway, PACING_POLICY_NAME, pacedClients } from '../shared/azure/paced';
import { DEFAULT_PACING } from '../shared/core/rateLimiter';
import { VirtualClock } from '../sandbox/clock';
import { startEmulator } from '../sandbox/emulator';
import { DEFAULT_SANDBOX_SCALE } from '../sandbox/runtime';
import { generateFleet } from './fleet';

interface Options {
  identities: number;
  subscriptions: number;
  writes: number;
  concurrency: number;
  scale: number;
  seed: number;
}

function parse(argv: readonly string[]): Options {
  const o: Options = {
    identities: 5000,
    subscriptions: 50,
    writes: 2500,
    concurrency: 200,
    scale: DEFAULT_SANDBOX_SCALE,
    seed: 1,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!.replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!(key in o) || !Number.isFinite(value) || value < 0) {
      throw new Error(
        `usage: npm run bench:pacing -- [--identities N] [--subscriptions S] [--writes W] [--scale k] [--seed n] (bad ${argv[i]!})`,
      );
    }
    (o as unknown as Record<string, number>)[key] = value;
  }
  return o;
}

/** Seconds a bucket needs for n requests: max(0, n − burst) / perSecond (bench/README.md, the floor). */
function bucketSeconds(n: number, rate: { burst: number; perSecond: number }): number {
  return Math.max(0, n - rate.burst) / rate.perSecond;
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

/** Measures how long the event loop is blocked: a 5 ms real-time ticker, summing its lateness beyond 5 ms. */
function stallMeter(): { stop(): number } {
  let stalledRealMs = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    stalledRealMs += Math.max(0, now - last - 10);
    last = now;
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      return stalledRealMs;
    },
  };
}

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const fleet = generateFleet({
    clusters: 1,
    identities: options.identities,
    subscriptions: options.subscriptions,
    drift: 0,
    seed: options.seed,
  });
  const clock = new VirtualClock({ scale: options.scale });
  const emulator = await startEmulator({ estate: fleet.estate, clock, seed: options.seed });
  try {
    const clients = createArmClients({
      credential: emulator.credential,
      endpoint: emulator.endpoint,
      caPem: emulator.caPem,
    });
    const azure = createPacedArmGateway(clients, { clock });
    const { limiter } = pacedClients(clients, clock);
    // When each request left the limiter (virtual ms), by client request id: the emulator records arrivals.
    const released = new Map<string, number>();
    const record: PipelinePolicy = {
      name: 'benchReleased',
      sendRequest: (request, next) => {
        released.set(request.requestId, clock.now());
        return next(request);
      },
    };
    const paced = pacedClients(clients, clock).clients;
    type PipelineOwner = { pipeline: { addPolicy(p: PipelinePolicy, o: object): void } };
    const addRecorder = (c: PipelineOwner): void =>
      c.pipeline.addPolicy(record, { afterPolicies: [PACING_POLICY_NAME] });
    const subscriptions = fleet.estate.tenants.flatMap((t) =>
      t.subscriptions.map((s) => (typeof s === 'string' ? s : s.subscriptionId)),
    );
    for (const s of subscriptions)
      for (const c of Object.values(paced.forSubscription(s)) as PipelineOwner[]) addRecorder(c);

    const identities = fleet.estate.resources
      .filter((r) => r.type.toLowerCase() === 'microsoft.managedidentity/userassignedidentities')
      .map((r) => r.id);
    const phase = async (
      name: string,
      run: () => Promise<unknown>,
      floorSeconds: number,
    ): Promise<Record<string, unknown>> => {
      const before = emulator.metrics();
      const ops = emulator.operations.length;
      const started = clock.now();
      const meter = stallMeter();
      await run();
      const stalledRealMs = meter.stop();
      const seconds = (clock.now() - started) / 1000;
      const after = emulator.metrics();
      const lags = emulator.operations
        .slice(ops)
        .flatMap((o) => {
          const sent = o.clientRequestId !== undefined ? released.get(o.clientRequestId) : undefined;
          return sent !== undefined ? [o.at - sent] : [];
        })
        .sort((a, b) => a - b);
      return {
        phase: name,
        requests: emulator.operations.length - ops,
        throttled429: after.throttled429 - before.throttled429,
        virtualSeconds: round(seconds),
        floorSeconds: round(floorSeconds),
        ratio: floorSeconds > 0 ? round(seconds / floorSeconds, 3) : null,
        stalledSeconds: round((stalledRealMs * options.scale) / 1000),
        lagMs: {
          min: round(quantile(lags, 0)),
          p50: round(quantile(lags, 0.5)),
          p99: round(quantile(lags, 0.99)),
          max: round(lags[lags.length - 1] ?? 0),
          spread: round((lags[lags.length - 1] ?? 0) - (lags[0] ?? 0)),
        },
      };
    };

    const { msi } = AZURE_SERVICE_LIMITS;
    const lists = await phase(
      'ficLists',
      () => pool(identities, options.concurrency, (id) => azure.listFics(id)),
      bucketSeconds(identities.length, msi.listsPerTenant),
    );
    const writers = identities.slice(0, Math.min(options.writes, identities.length));
    const perSubscription = new Map<string, number>();
    for (const id of writers) {
      const s = id.split('/')[2]!.toLowerCase();
      perSubscription.set(s, (perSubscription.get(s) ?? 0) + 1);
    }
    const writeFloor = Math.max(
      bucketSeconds(writers.length, msi.writesPerTenant),
      ...[...perSubscription.values()].map((n) => bucketSeconds(n, msi.writesPerSubscription)),
    );
    const writes = await phase(
      'ficWrites',
      () =>
        pool(writers, options.concurrency, (id) =>
          azure.putFic(id, 'fedlink-bench-pacing', {
            issuer: 'https://eastus.oic.prod-aks.azure.com/5e7d0000-0000-4000-8000-00000000be0c/bench/',
            subject: 'system:serviceaccount:bench:pacing',
            audiences: ['api://AzureADTokenExchange'],
          }),
        ),
      writeFloor,
    );
    process.stdout.write(
      `${JSON.stringify(
        {
          options,
          pacing: DEFAULT_PACING,
          phases: [lists, writes],
          throttled429: emulator.metrics().throttled429,
          limiter: limiter.stats(),
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:pacing: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
