/**
 * Retry hygiene (docs/targets.md reliability 3), through the real SDK clients and fedlink's ARM ports
 * (createArmGateway) against one emulator, faults from the emulator only: the SDK's pipeline retries a
 * 429 with Retry-After after at least that long (checked on the emulator's request log, in virtual time);
 * 400, 403 and 404 are sent exactly once; 5xx is retried a bounded number of times. Then the combined
 * behaviour with fedlink's durable rounds (a sandbox run): a 429 without Retry-After, which the SDK does
 * not retry (docs/azure-behaviour.md §6.5), and the 409s of concurrency, are retried by the rounds with a
 * capped backoff, and the run ends with a finding naming the cause.
 */
import { type RunResult } from '../../functions/contracts';
import { driftCheck } from '../../functions/orchestrations/drift';
import { ArmError } from '../../shared/azure/errors';
import { createArmGateway } from '../../shared/azure/armGateway';
import { type AzureGateway } from '../../shared/azure/gateway';
import { MAX_ROUNDS } from '../../functions/orchestrations/applyWork';
import { ficName } from '../../shared/federation/names';
import {
  aksIssuer,
  type ArmResource,
  privateDnsZoneId,
  privateDnsZoneResource,
} from '../../sandbox/builders';
import { type OperationRecord } from '../../sandbox/emulator/recorder';
import { connection, endpoint, endpointId, plEstate, provider, SPOKE } from '../helpers/privateLink';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { cluster, event, identity, running, SUB, TENANT } from '../helpers/scenario';

const RETRY_AFTER_SECONDS = 2;
const SDK_MAX_RETRIES = 3;

const payments = identity('id-payments');
const aks = cluster('aks-retry', '5e5e5e5e-6666-4777-8888-999999999999');
const vault = provider('Microsoft.KeyVault/vaults', 'kv-shared', SUB);
const pending = connection(vault, 'kv-shared.spoke', endpointId('pe-spoke', SPOKE));
const zone = privateDnsZoneResource(SUB, 'rg-dns', 'privatelink.vaultcore.azure.net');
const resources: ArmResource[] = [
  payments,
  aks,
  vault,
  pending,
  endpoint('pe-spoke', SPOKE, [{ targetId: vault.id, groupId: 'vault' }]),
  zone,
];
const missing = (id: string) => id.replace(/[^/]+$/, 'does-not-exist');

/** One call per ARM port, and the request path it sends (what a fault rule matches). */
interface PortCall {
  readonly port: string;
  readonly path: string;
  readonly method: string;
  readonly call: (azure: AzureGateway) => Promise<unknown>;
  /** The same read of something that does not exist: undefined, after one request. */
  readonly missing: (azure: AzureGateway) => Promise<unknown>;
  /** What ARM answers that read (Key Vault answers a missing connection 204, its published example). */
  readonly missingStatus: number;
}

const PORTS: readonly PortCall[] = [
  {
    port: 'FIC',
    missingStatus: 404,
    path: `${payments.id}/federatedIdentityCredentials`,
    method: 'GET',
    call: (azure) => azure.listFics(payments.id),
    missing: (azure) => azure.getIdentity(missing(payments.id)),
  },
  {
    port: 'inventory',
    missingStatus: 404,
    path: aks.id,
    method: 'GET',
    call: (azure) => azure.getCluster(aks.id),
    missing: (azure) => azure.getCluster(missing(aks.id)),
  },
  {
    port: 'private link',
    missingStatus: 204,
    path: `${vault.id}/privateEndpointConnections/${pending.name}`,
    method: 'GET',
    call: (azure) => azure.getConnection(pending.id, vault.type),
    missing: (azure) => azure.getConnection(missing(pending.id), vault.type),
  },
  {
    port: 'private DNS',
    missingStatus: 404,
    path: zone.id,
    method: 'GET',
    call: (azure) => azure.getZone(zone.id),
    missing: (azure) => azure.getZone(privateDnsZoneId(SUB, 'rg-dns', 'privatelink.blob.core.windows.net')),
  },
  {
    port: 'Resource Graph',
    missingStatus: 200,
    path: '/providers/Microsoft.ResourceGraph/resources',
    method: 'POST',
    call: (azure) => azure.queryClusters([SUB]),
    // Resource Graph has no "missing": an unknown subscription is filtered out, answered once.
    missing: (azure) => azure.queryClusters(['0dd0dd00-0000-4000-8000-0000000000dd']),
  },
];

let env: TestEmulator;
let azure: AzureGateway;

beforeAll(async () => {
  env = await startTestEmulator({ estate: plEstate(resources), limits: 'off' });
  azure = createArmGateway(env.clients, { clock: env.emulator.clock });
});
afterAll(() => env.close());

/** Runs `call` under `faults` and returns the requests it made on `path` (and what it threw). */
async function under(
  faults: Parameters<TestEmulator['emulator']['setFaults']>[0],
  call: () => Promise<unknown>,
  path: string,
): Promise<{ requests: OperationRecord[]; error: unknown }> {
  const from = env.emulator.operations.length;
  env.emulator.setFaults(faults);
  let error: unknown;
  try {
    await call();
  } catch (e) {
    error = e;
  } finally {
    env.emulator.setFaults({});
  }
  const requests = env.emulator.operations
    .slice(from)
    .filter((o) => o.path.toLowerCase() === path.toLowerCase());
  return { requests, error };
}

const only = (path: string, rates: Record<string, number>) => ({
  rules: [{ path, ...rates }],
  retryAfterSeconds: RETRY_AFTER_SECONDS,
});

describe.each(PORTS.map((p) => [p.port, p] as const))('%s port', (_port, p) => {
  it('429 with Retry-After: the SDK retries, each retry at least Retry-After later (virtual time), bounded', async () => {
    const { requests, error } = await under(only(p.path, { throttle429: 1 }), () => p.call(azure), p.path);
    expect(requests.map((r) => r.status)).toEqual(Array(1 + SDK_MAX_RETRIES).fill(429));
    for (const [i, r] of requests.entries()) {
      if (i === 0) continue;
      expect(r.retry).toMatchObject({ ok: true, afterStatus: 429 });
      expect(r.retry!.requiredMs).toBe(RETRY_AFTER_SECONDS * 1000);
      // Timestamps on the virtual clock: arrival minus the previous answer.
      const prev = requests[i - 1]!;
      expect(r.at - (prev.at + prev.durationMs) + env.emulator.clock.scale).toBeGreaterThanOrEqual(
        RETRY_AFTER_SECONDS * 1000,
      );
    }
    expect(error).toBeInstanceOf(ArmError);
    expect(error).toMatchObject({
      status: 429,
      classification: 'throttled',
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
  });

  it('a read of something missing (404; Key Vault 204): sent once, never retried, undefined', async () => {
    const from = env.emulator.operations.length;
    const result = await p.missing(azure);
    const sent = env.emulator.operations.slice(from);
    expect(result).toEqual(p.port === 'Resource Graph' ? [] : undefined);
    expect(sent.map((o) => o.status)).toEqual([p.missingStatus]);
  });

  it("403 AuthorizationFailed: sent once, terminal, with ARM's message", async () => {
    const { requests, error } = await under(only(p.path, { forbidden403: 1 }), () => p.call(azure), p.path);
    expect(requests.map((r) => [r.method, r.status, r.code])).toEqual([
      [p.method, 403, 'AuthorizationFailed'],
    ]);
    expect(error).toMatchObject({ status: 403, classification: 'terminal' });
    expect((error as Error).message).toMatch(
      /does not have authorization to perform action '.+\/(read|write)' over scope/,
    );
  });

  it("429 without Retry-After: the SDK does not retry it (fedlink's rounds do, below)", async () => {
    const { requests, error } = await under(
      only(p.path, { throttle429NoRetryAfter: 1 }),
      () => p.call(azure),
      p.path,
    );
    expect(requests.map((r) => r.status)).toEqual([429]);
    expect(error).toMatchObject({ status: 429, classification: 'throttled' });
    expect((error as ArmError).retryAfterSeconds).toBeUndefined();
  });
});

describe('writes', () => {
  it('400 (a FIC the service refuses): sent once, never retried', async () => {
    const from = env.emulator.operations.length;
    const error = await azure
      .putFic(payments.id, 'fedlink-bad', {
        issuer: 'not a url',
        subject: 'system:serviceaccount:a:b',
        audiences: ['api://AzureADTokenExchange'],
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(env.emulator.operations.slice(from).map((o) => [o.method, o.status])).toEqual([['PUT', 400]]);
    expect(error).toMatchObject({ status: 400, classification: 'terminal' });
  });

  it('404 (a FIC on an identity that does not exist): sent once', async () => {
    const from = env.emulator.operations.length;
    await expect(
      azure.putFic(missing(payments.id), 'fedlink-x', {
        issuer: aksIssuer('eastus', TENANT, '5e5e5e5e-6666-4777-8888-999999999999'),
        subject: 'system:serviceaccount:a:b',
        audiences: ['api://AzureADTokenExchange'],
      }),
    ).rejects.toMatchObject({ status: 404, classification: 'terminal' });
    expect(env.emulator.operations.slice(from).map((o) => [o.method, o.status])).toEqual([['PUT', 404]]);
  });

  it('503 with Retry-After: retried by the SDK a bounded number of times, each after Retry-After', async () => {
    const path = `${payments.id}/federatedIdentityCredentials/fedlink-503`;
    const { requests, error } = await under(
      only(path, { serverError503: 1 }),
      () =>
        azure.putFic(payments.id, 'fedlink-503', {
          issuer: aksIssuer('eastus', TENANT, '5e5e5e5e-6666-4777-8888-999999999999'),
          subject: 'system:serviceaccount:a:b',
          audiences: ['api://AzureADTokenExchange'],
        }),
      path,
    );
    expect(requests.map((r) => r.status)).toEqual(Array(1 + SDK_MAX_RETRIES).fill(503));
    expect(requests.slice(1).every((r) => r.retry?.ok === true)).toBe(true);
    expect(error).toMatchObject({ status: 503, classification: 'retryable' });
  });

  it('409 AnotherOperationInProgress: the SDK sends it once; fedlink classifies it retryable', async () => {
    const path = pending.id;
    const { requests, error } = await under(
      { rules: [{ path, methods: ['PUT'], anotherOperation409: 1 }] },
      () => azure.setConnectionState(pending.id, vault.type, { status: 'Rejected', description: 'x' }),
      path,
    );
    expect(requests.filter((r) => r.method === 'PUT').map((r) => [r.status, r.code])).toEqual([
      [409, 'AnotherOperationInProgress'],
    ]);
    expect(error).toMatchObject({ status: 409, classification: 'retryable' });
  });
});

describe("with fedlink's durable rounds (a sandbox event run)", () => {
  const issuer = aksIssuer('eastus', TENANT, '5e5e5e5e-6666-4777-8888-999999999999');
  const name = ficName({
    clusterName: 'aks-retry',
    namespace: 'app',
    serviceAccount: 'web',
    issuer,
    subject: 'system:serviceaccount:app:web',
  });
  const ficPath = `${payments.id}/federatedIdentityCredentials/${name}`;

  async function runWith(faults: Parameters<TestEmulator['emulator']['setFaults']>[0]) {
    const sandbox = await running(
      [payments, aks],
      {
        scope: { subscriptions: [SUB], tenants: [TENANT] },
        federation: { bindings: [{ name: 'p', identity: payments.id, serviceAccounts: ['app/web'] }] },
      },
      { faults, limits: 'off' },
    );
    try {
      const [result] = await sandbox.deliver([event('Microsoft.Resources.ResourceWriteSuccess', aks.id)]);
      const puts = sandbox.emulator.operations.filter(
        (o) => o.method === 'PUT' && o.path.toLowerCase() === ficPath.toLowerCase(),
      );
      return { result: result as RunResult, puts };
    } finally {
      await sandbox.close();
    }
  }

  /** Virtual seconds between successive attempts. */
  const gaps = (puts: readonly OperationRecord[]) =>
    puts.slice(1).map((p, i) => Math.round((p.at - puts[i]!.at) / 1000));

  it('a 429 without Retry-After is retried by the rounds with a growing, capped backoff, then given up with the cause', async () => {
    const { result, puts } = await runWith({
      rules: [{ path: ficPath, methods: ['PUT'], throttle429NoRetryAfter: 1 }],
    });
    // One SDK attempt per round (the SDK does not retry it), MAX_ROUNDS attempts in all.
    expect(puts.map((p) => p.status)).toEqual(Array(MAX_ROUNDS).fill(429));
    // Without Retry-After the rounds wait 5 s doubling (capped at 60 s, functions/orchestrations/applyWork.ts),
    // plus the run's own reads and lock renewals between attempts.
    const waited = gaps(puts);
    const backoff = [5, 10, 20, 40];
    expect(waited.length).toBe(backoff.length);
    for (const [i, g] of waited.entries()) {
      expect(g).toBeGreaterThanOrEqual(backoff[i]!);
      expect(g).toBeLessThan(backoff[i]! + 45);
    }
    const failed = result.outcomes.find((o) => o.status === 'failed');
    expect(failed?.reason).toMatch(/429|throttl/i);
    expect(
      result.findings.some(
        (f) =>
          f.status === 'fail' &&
          /gave up after \d+ attempts: .*SubscriptionRequestsThrottled/.test(f.message),
      ),
    ).toBe(true);
  });

  it('a 409 from a concurrent FIC writer is retried by the rounds (never by the SDK), then given up with the cause', async () => {
    const { result, puts } = await runWith({ foreignFicWriter: 1 });
    expect(puts.map((p) => [p.status, p.code])).toEqual(
      Array(MAX_ROUNDS).fill([409, 'ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity']),
    );
    expect(gaps(puts).every((g) => g >= 5)).toBe(true);
    expect(
      result.findings.some(
        (f) =>
          f.status === 'fail' &&
          /gave up after \d+ attempts: .*ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity/.test(
            f.message,
          ),
      ),
    ).toBe(true);
  });

  it('a 409 AnotherOperationInProgress on an approval is retried by the rounds, then given up with the cause', async () => {
    const sandbox = await running(
      resources,
      {
        scope: { subscriptions: [SUB], tenants: [TENANT] },
        privateLink: {
          rules: [{ name: 'kv', action: 'approve', resourceTypes: ['Microsoft.KeyVault/vaults'] }],
        },
      },
      {
        estate: plEstate(resources),
        faults: { rules: [{ path: pending.id, methods: ['PUT'], anotherOperation409: 1 }] },
        limits: 'off',
      },
    );
    try {
      await sandbox.host.client.startNew(driftCheck.name, {
        instanceId: 'retry-409',
        input: { mode: 'apply', trigger: 'cli' },
      });
      await sandbox.host.runUntilIdle();
      const result = (await sandbox.host.client.getStatus('retry-409')).output as RunResult;
      const puts = sandbox.emulator.operations.filter((o) => o.method === 'PUT');
      expect(puts.map((p) => [p.path, p.status, p.code])).toEqual(
        Array(MAX_ROUNDS).fill([pending.id, 409, 'AnotherOperationInProgress']),
      );
      expect(gaps(puts).every((g) => g >= 5)).toBe(true);
      expect(
        result.findings.some(
          (f) =>
            f.status === 'fail' && /gave up after \d+ attempts: .*AnotherOperationInProgress/.test(f.message),
        ),
      ).toBe(true);
    } finally {
      await sandbox.close();
    }
  });

  it('a 403 on the write is not retried by the SDK or the rounds: one attempt, a failed finding naming it', async () => {
    const { result, puts } = await runWith({ rules: [{ path: ficPath, methods: ['PUT'], forbidden403: 1 }] });
    expect(puts.map((p) => [p.status, p.code])).toEqual([[403, 'AuthorizationFailed']]);
    expect(
      result.findings.some(
        (f) => f.status === 'fail' && /AuthorizationFailed|does not have authorization/.test(f.message),
      ),
    ).toBe(true);
  });
});
