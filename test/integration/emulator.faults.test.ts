/**
 * Seeded fault injection (docs/targets.md reliability 1) as the real SDK experiences it: throttles with and
 * without Retry-After, 5xx, connection resets before and after a write, extra latency, scoping, and
 * the same faults for the same seed.
 */
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { ResourceManagementClient } from '@azure/arm-resources';
import { VirtualClock } from '../../sandbox/clock';
import {
  type Emulator,
  type FaultSpec,
  FaultSpecError,
  parseFaultSpec,
  startEmulator,
} from '../../sandbox/emulator';
import { pathPatternMatches } from '../../sandbox/emulator/faults';
import { cluster, estateOf, identity, ISSUER, restErrorOf, RG, sdkOptions, SUB } from '../helpers/emulator';

const FAST_RETRY = { retryOptions: { maxRetries: 5, retryDelayInMs: 5, maxRetryDelayInMs: 20 } };

describe('emulator: fault injection', () => {
  let emulator: Emulator;
  afterEach(() => emulator.close());

  async function start(faults: FaultSpec, seed = 7): Promise<ResourceManagementClient> {
    emulator = await startEmulator({
      estate: estateOf([cluster('aks-1'), identity('id-a')]),
      clock: new VirtualClock({ scale: 100 }),
      limits: 'off',
      faults,
      seed,
    });
    return new ResourceManagementClient(emulator.credential, SUB, sdkOptions(emulator, FAST_RETRY));
  }

  const get = (client: ResourceManagementClient): Promise<unknown> =>
    client.resources.getById(cluster('aks-1').id, '2026-06-01');

  it('429 with Retry-After: retried by the SDK after the (scaled) wait, recorded as hygienic', async () => {
    const client = await start({ throttle429: 0.3, retryAfterSeconds: 3 });
    for (let i = 0; i < 10; i++) await get(client);
    const throttled = emulator.operations.filter((o) => o.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every((o) => o.fault === 'throttle429')).toBe(true);
    const retries = emulator.operations.filter((o) => o.retry);
    expect(retries.length).toBe(throttled.length);
    expect(retries.every((o) => o.retry!.requiredMs === 3000 && o.retry!.ok)).toBe(true);
    expect(emulator.metrics()).toMatchObject({ injected429: throttled.length, retryHygieneViolations: 0 });
  });

  it('503 with Retry-After and 500 are retried; a connection reset is retried as ECONNRESET', async () => {
    const client = await start({ serverError500: 0.2, serverError503: 0.2, connectionReset: 0.2 }, 11);
    let failures = 0;
    for (let i = 0; i < 15; i++) await get(client).catch(() => failures++);
    const kinds = new Set(emulator.operations.map((o) => o.fault).filter(Boolean));
    expect(kinds).toEqual(new Set(['serverError500', 'serverError503', 'connectionReset']));
    expect(
      emulator.operations.filter((o) => o.fault === 'connectionReset').every((o) => o.status === 0),
    ).toBe(true);
    // 5 retries each: nearly every call gets through despite 60% of requests failing.
    expect(failures).toBeLessThanOrEqual(2);
    expect(emulator.metrics().connectionResets).toBe(
      emulator.operations.filter((o) => o.status === 0).length,
    );
  });

  it('a reset after a write: the change is made, the reply lost, the SDK retries and the PUT is answered 200', async () => {
    emulator = await startEmulator({
      estate: estateOf([identity('id-a')]),
      clock: new VirtualClock({ scale: 100 }),
      limits: 'off',
      faults: {
        rules: [{ methods: ['PUT'], path: '/federatedIdentityCredentials/', connectionResetAfterWrite: 1 }],
      },
    });
    const msi = new ManagedServiceIdentityClient(
      emulator.credential,
      SUB,
      sdkOptions(emulator, { retryOptions: { maxRetries: 1, retryDelayInMs: 5 } }),
    );
    const error = await restErrorOf(
      msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', 'fic-1', {
        issuer: ISSUER,
        subject: 'system:serviceaccount:a:b',
        audiences: ['api://AzureADTokenExchange'],
      }),
    );
    // Every PUT is reset after committing, so the SDK gives up, but the FIC exists (once).
    expect(error.code).toBe('ECONNRESET');
    expect(emulator.operations.map((o) => [o.method, o.status, o.fault])).toEqual([
      ['PUT', 0, 'connectionResetAfterWrite'],
      ['PUT', 0, 'connectionResetAfterWrite'],
    ]);
    expect(emulator.state().resources.filter((r) => r.name === 'fic-1')).toHaveLength(1);
    expect(emulator.metrics().committedWrites).toBe(2);
  });

  it('rules scope faults by method and path; extra latency costs virtual time', async () => {
    const client = await start({
      // A literal, case-insensitive, with a `*` wildcard.
      rules: [
        {
          path: '/RESOURCEGROUPS/*/managedclusters/AKS-',
          methods: ['GET'],
          extraLatency: 1,
          extraLatencyMs: 2500,
        },
      ],
      throttle429NoRetryAfter: 0,
    });
    await get(client);
    await client.resources.getById(identity('id-a').id, '2024-11-30');
    const [slow, fast] = emulator.operations;
    expect(slow!.durationMs).toBeGreaterThanOrEqual(2500);
    expect(fast!.durationMs).toBeLessThan(2500);
  });

  it('the same seed gives the same faults; setFaults changes them at run time', async () => {
    const outcomes: (string | undefined)[][] = [];
    for (const _ of [1, 2]) {
      const client = await start({ throttle429NoRetryAfter: 0.3, seed: 99 });
      for (let i = 0; i < 12; i++) await get(client).catch(() => undefined);
      outcomes.push(emulator.operations.map((o) => o.fault));
      await emulator.close();
    }
    expect(outcomes[0]).toEqual(outcomes[1]);
    expect(outcomes[0]).toContain('throttle429NoRetryAfter');
    const client = await start({ throttle429NoRetryAfter: 1 });
    emulator.setFaults({});
    await get(client);
    expect(emulator.operations.map((o) => o.status)).toEqual([200]);
  });

  it('parseFaultSpec reads the compact CLI form and JSON, and names what is wrong', () => {
    expect(
      parseFaultSpec('429=0.1,5xx=0.05,reset=0.01,latency=0.2:100-300,foreign=0.02,retry-after=2,seed=7'),
    ).toEqual({
      throttle429: 0.1,
      serverError500: 0.025,
      serverError503: 0.025,
      connectionReset: 0.01,
      extraLatency: 0.2,
      extraLatencyMs: [100, 300],
      foreignFicWriter: 0.02,
      retryAfterSeconds: 2,
      seed: 7,
    });
    expect(parseFaultSpec('{"throttle429": 0.5}')).toEqual({ throttle429: 0.5 });
    expect(parseFaultSpec({ rules: [{ path: 'x', serverError500: 1 }] })).toEqual({
      rules: [{ path: 'x', serverError500: 1 }],
    });
    expect(() => parseFaultSpec('429=2')).toThrow(FaultSpecError);
    expect(() => parseFaultSpec('boom=1')).toThrow(/unknown fault 'boom=1'/);
    expect(() => parseFaultSpec({ throttle429: 0.6, serverError500: 0.6 })).toThrow(/add up to 1\.2/);
    expect(() => parseFaultSpec({ retries: 1 })).toThrow(/Unrecognized key: "retries"/);
  });

  it.each([
    ['429=', "'429=' needs a number, e.g. 429=0.1"],
    ['seed=,429=0.1', "'seed=' needs a number, e.g. seed=7"],
    ['5xx=lots', "'5xx=' needs a number, e.g. 5xx=0.1"],
    ['latency=0.1', "'latency=' must look like rate:ms or rate:min-max, e.g. latency=0.1:200-800"],
    ['429', "unknown fault '429': a fault spec is JSON"],
    ['=0.1', "unknown fault '=0.1': a fault spec is JSON"],
    [' , ', 'empty fault spec; e.g. 429=0.1,seed=7'],
  ])('the compact form %j is an error, not a silent 0 or NaN', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });

  it('path is a literal with * wildcards: regular expressions are refused, so none can backtrack', () => {
    // Parentheses and dots are literal characters (resource group names may contain both).
    expect(parseFaultSpec({ path: '/resourceGroups/rg(1).x/' })).toEqual({
      path: '/resourceGroups/rg(1).x/',
    });
    for (const path of ['(a+)+$', '^/subscriptions/', '/managedClusters/[^/]+', 'a|b', '\\d', 'a{2}', 'x?']) {
      expect(() => parseFaultSpec({ rules: [{ path, throttle429: 1 }] })).toThrow(
        'invalid fault spec: rules.0.path: path is a literal substring of the request path with * wildcards, not a regular expression',
      );
    }
    expect(() => parseFaultSpec({ path: '/x'.repeat(129) })).toThrow(
      'invalid fault spec: path: path patterns are at most 256 characters',
    );
  });

  it('a wildcard pattern is matched without backtracking, however it is written', () => {
    const path = '/subscriptions/' + 'a'.repeat(2000);
    const started = process.hrtime.bigint();
    expect(pathPatternMatches('*a*a*a*a*a*a*a*a*a*a*a*a*b', path)).toBe(false);
    expect(pathPatternMatches('*a*a*a*a*a*a*a*a*a*a*a*a*', path)).toBe(true);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(50);
    expect(pathPatternMatches('/Subscriptions/*/resourceGroups/', '/subscriptions/s/resourcegroups/rg')).toBe(
      true,
    );
    expect(pathPatternMatches('groups/*/providers', '/subscriptions/s/resourceGroups/rg')).toBe(false);
    expect(pathPatternMatches('', '/anything')).toBe(true);
  });

  it('a spec read from a file never quotes the file in its errors', () => {
    const secret = 'AZURE_CLIENT_SECRET=s3cr3t-value';
    for (const [text, message] of [
      [secret, 'unknown fault item 1: a fault spec is JSON'],
      [
        '{"password": "s3cr3t-value"}',
        'invalid fault spec: (root): unknown key (a fault spec has throttle429,',
      ],
      [
        '{"throttle429": "s3cr3t-value"}',
        'invalid fault spec: throttle429: Invalid input: expected number, received string',
      ],
      ['{"s3cr3t-value', 'fault spec is not valid JSON (Unterminated string, at line 1, column 15)'],
    ] as const) {
      let error: unknown;
      try {
        parseFaultSpec(text, { fromFile: true });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FaultSpecError);
      expect((error as Error).message).toContain(message);
      expect((error as Error).message).not.toMatch(/s3cr3t|password|AZURE_CLIENT/);
    }
  });
});
