/**
 * Activities through the real durable-functions orchestrator: JSON round trips, failures, retries with
 * durable timers (DTFx RetryInterceptor), Task.all / Task.any fan-out, under each replay schema.
 */
import * as df from 'durable-functions';
import { defineActivity, defineOrchestration } from '../../functions/registry';
import { HistoryEventType } from '../../sandbox/durable';
import { eventTypes, ofType, realDelay, testHost } from './helpers';

// ---- test functions (names unique in this file) ----

const echo = defineActivity<unknown, unknown>('actEcho', (input) => Promise.resolve(input));
const describeValue = defineActivity<unknown, { type: string; value: unknown }>('actDescribe', (input) =>
  Promise.resolve({ type: typeof input, value: input }),
);
const nothing = defineActivity<null, undefined>('actNothing', () => Promise.resolve(undefined));
const withDate = defineActivity<null, { at: Date }>('actWithDate', () =>
  Promise.resolve({ at: new Date('2026-02-03T04:05:06.000Z') }),
);

class QuotaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuotaError';
  }
}
const boom = defineActivity<string, never>('actBoom', (message) => Promise.reject(new QuotaError(message)));

const attempts = new Map<string, number>();
/** Fails the first `failures` calls for a key, then returns the attempt number. */
const flaky = defineActivity<{ key: string; failures: number }, number>('actFlaky', ({ key, failures }) => {
  const n = (attempts.get(key) ?? 0) + 1;
  attempts.set(key, n);
  return n <= failures ? Promise.reject(new Error(`transient failure ${n}`)) : Promise.resolve(n);
});

let active = 0;
let maxActive = 0;
const slowSquare = defineActivity<number, number>('actSlowSquare', async (n) => {
  active++;
  maxActive = Math.max(maxActive, active);
  await realDelay(15);
  active--;
  return n * n;
});
const settled: number[] = [];
const delayed = defineActivity<{ n: number; ms: number; fail?: boolean }, number>(
  'actDelayed',
  async ({ n, ms, fail }) => {
    await realDelay(ms);
    settled.push(n);
    if (fail) throw new Error(`item ${n} failed`);
    return n;
  },
);

const roundTrip = defineOrchestration<null, unknown[]>('orchRoundTrip', function* (context) {
  return [
    yield* describeValue.call(context, 'he said "hi"'),
    yield* describeValue.call(context, '42'),
    yield* describeValue.call(context, 42),
    yield* echo.call(context, { nested: { list: [1, 'two', null] }, dropped: undefined }),
    yield* nothing.call(context, null),
    yield* withDate.call(context, null),
  ];
});

const catches = defineOrchestration<string, { message: string; name: string; isQuotaError: boolean }>(
  'orchCatches',
  function* (context, message) {
    try {
      yield* boom.call(context, message);
      return { message: 'no error', name: '', isQuotaError: false };
    } catch (error) {
      const e = error as Error;
      return { message: e.message, name: e.name, isQuotaError: error instanceof QuotaError };
    }
  },
);

const uncaught = defineOrchestration<string, never>('orchUncaught', function* (context, message) {
  return yield* boom.call(context, message);
});

function retryOptions(
  first: number,
  max: number,
  coefficient: number,
  maxInterval?: number,
): df.RetryOptions {
  const r = new df.RetryOptions(first, max);
  r.backoffCoefficient = coefficient;
  if (maxInterval !== undefined) r.maxRetryIntervalInMilliseconds = maxInterval;
  return r;
}

const retrying = defineOrchestration<{ key: string; failures: number; max: number }, string>(
  'orchRetrying',
  function* (context, input) {
    try {
      const attempt = yield* flaky.call(
        context,
        { key: input.key, failures: input.failures },
        retryOptions(1000, input.max, 2, 1500),
      );
      return `succeeded on attempt ${attempt}`;
    } catch (error) {
      return `gave up: ${(error as Error).message.split('\n')[0] ?? ''}`;
    }
  },
);

const retryTimeout = defineOrchestration<null, string>('orchRetryTimeout', function* (context) {
  const retry = retryOptions(1000, 5, 1);
  retry.retryTimeoutInMilliseconds = 1;
  try {
    yield* flaky.call(context, { key: 'timeout', failures: 99 }, retry);
    return 'succeeded';
  } catch {
    return 'caught';
  }
});

const fanOut = defineOrchestration<number, number[]>('orchFanOut', function* (context, n) {
  const tasks = Array.from({ length: n }, (_, i) => slowSquare.task(context, i + 1));
  return (yield context.df.Task.all(tasks)) as number[];
});

const fanOutFailing = defineOrchestration<null, string>('orchFanOutFailing', function* (context) {
  const tasks = [1, 2, 3].map((n) => delayed.task(context, { n, ms: n === 1 ? 0 : 40, fail: n === 1 }));
  try {
    yield context.df.Task.all(tasks);
    return 'all succeeded';
  } catch (error) {
    return (error as Error).message.split('\n')[0] ?? '';
  }
});

const race = defineOrchestration<null, number>('orchRace', function* (context) {
  const slow = delayed.task(context, { n: 100, ms: 60 });
  const fast = delayed.task(context, { n: 7, ms: 0 });
  const winner = (yield context.df.Task.any([slow, fast])) as df.Task;
  return winner.result as number;
});

afterEach(() => {
  attempts.clear();
  settled.length = 0;
  active = 0;
  maxActive = 0;
});

describe('activity calls', () => {
  test('inputs and outputs cross as JSON, as between the extension and the worker', async () => {
    const { host, events } = testHost();
    await host.client.startNew(roundTrip.name, { instanceId: 'rt' });
    const status = await host.waitForCompletion('rt');
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual([
      { type: 'string', value: 'he said "hi"' },
      { type: 'string', value: '42' },
      { type: 'number', value: 42 },
      { nested: { list: [1, 'two', null] } },
      null,
      { at: '2026-02-03T04:05:06.000Z' },
    ]);
    const scheduled = ofType(host.history('rt'), HistoryEventType.TaskScheduled);
    expect(scheduled.map((e) => [e.EventId, e.Name])).toEqual([
      [0, 'actDescribe'],
      [1, 'actDescribe'],
      [2, 'actDescribe'],
      [3, 'actEcho'],
      [4, 'actNothing'],
      [5, 'actWithDate'],
    ]);
    expect(scheduled[0]?.Input).toBe(JSON.stringify('he said "hi"'));
    // The observer saw the run live, in order, with instance ids and names.
    expect(events.map((e) => `${e.type} ${e.name}`)).toEqual([
      'instanceStarted orchRoundTrip',
      ...scheduled.flatMap((e) => [`activityStarted ${e.Name}`, `activityCompleted ${e.Name}`]),
      'instanceCompleted orchRoundTrip',
    ]);
    expect(events.every((e) => e.instanceId === 'rt')).toBe(true);
    expect(host.metrics()).toMatchObject({
      orchestrations: 1,
      activities: 6,
      episodes: 7,
      maxHistoryEvents: host.history('rt').length,
    });
    await host.close();
  });

  test('an activity error reaches the orchestrator as TaskFailed: message and stack survive, the class does not', async () => {
    const { host } = testHost();
    await host.client.startNew(catches.name, { instanceId: 'err', input: 'quota exceeded' });
    const status = await host.waitForCompletion('err');
    const output = status.output as { message: string; name: string; isQuotaError: boolean };
    expect(output.message.startsWith("Activity function 'actBoom' failed: quota exceeded \n ")).toBe(true);
    expect(output.message).toContain('QuotaError');
    expect(output.message).toContain('activities.test.ts');
    expect(output.isQuotaError).toBe(false);
    expect(output.name).toBe('Error');
    const failed = ofType(host.history('err'), HistoryEventType.TaskFailed);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.Reason).toBe("Activity function 'actBoom' failed: quota exceeded");
    await host.close();
  });

  test('an uncaught activity error fails the instance the way the extension words it', async () => {
    const { host } = testHost();
    await host.client.startNew(uncaught.name, { instanceId: 'unc', input: 'no capacity' });
    const status = await host.waitForCompletion('unc');
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toMatch(
      /^Orchestrator function 'orchUncaught' failed: Activity function 'actBoom' failed: no capacity/,
    );
    expect(eventTypes(host.history('unc')).at(-1)).toBe('ExecutionCompleted');
    await host.close();
  });
});

describe('callActivityWithRetry', () => {
  test('fails twice then succeeds: attempts and backoff timers are in history, as DTFx RetryInterceptor writes them', async () => {
    const { host, clock } = testHost();
    const startedAt = clock.now();
    await host.client.startNew(retrying.name, {
      instanceId: 'retry',
      input: { key: 'r1', failures: 2, max: 5 },
    });
    const status = await host.waitForCompletion('retry');
    expect(status.output).toBe('succeeded on attempt 3');
    expect(attempts.get('r1')).toBe(3);

    const history = host.history('retry');
    const relevant = history.filter((e) =>
      [
        HistoryEventType.TaskScheduled,
        HistoryEventType.TaskFailed,
        HistoryEventType.TaskCompleted,
        HistoryEventType.TimerCreated,
        HistoryEventType.TimerFired,
      ].includes(e.EventType),
    );
    expect(
      relevant.map((e) => [
        HistoryEventType[e.EventType],
        'TaskScheduledId' in e ? e.TaskScheduledId : 'TimerId' in e ? e.TimerId : e.EventId,
      ]),
    ).toEqual([
      ['TaskScheduled', 0],
      ['TaskFailed', 0],
      ['TimerCreated', 1],
      ['TimerFired', 1],
      ['TaskScheduled', 2],
      ['TaskFailed', 2],
      ['TimerCreated', 3],
      ['TimerFired', 3],
      ['TaskScheduled', 4],
      ['TaskCompleted', 4],
    ]);
    // firstRetryInterval 1000 ms, then 1000 × 2¹ = 2000 capped by maxRetryInterval 1500, from the episode that saw the failure.
    const timers = ofType(history, HistoryEventType.TimerCreated);
    const delays = timers.map((t) => Date.parse(t.FireAt) - Date.parse(t.Timestamp));
    expect(delays).toEqual([1000, 1500]);
    expect(host.metrics().timersFired).toBe(2);
    expect(clock.now() - startedAt).toBeGreaterThanOrEqual(2500);
    await host.close();
  });

  test('exhausted: every attempt fails, each followed by a timer (the last one too), then the error surfaces', async () => {
    const { host } = testHost();
    await host.client.startNew(retrying.name, {
      instanceId: 'retry-x',
      input: { key: 'r2', failures: 99, max: 3 },
    });
    const status = await host.waitForCompletion('retry-x');
    expect(status.output).toBe("gave up: Activity function 'actFlaky' failed: transient failure 3 ");
    expect(attempts.get('r2')).toBe(3);
    const history = host.history('retry-x');
    expect(ofType(history, HistoryEventType.TaskFailed)).toHaveLength(3);
    expect(ofType(history, HistoryEventType.TimerCreated)).toHaveLength(3);
    expect(ofType(history, HistoryEventType.TimerFired)).toHaveLength(3);
    await host.close();
  });

  test('an expired retryTimeout leaves the JS orchestrator waiting forever (durable-js RetryableTask ignores it; Azure/azure-functions-durable-js#629)', async () => {
    const { host } = testHost();
    await host.client.startNew(retryTimeout.name, { instanceId: 'retry-timeout' });
    await expect(host.waitForCompletion('retry-timeout')).rejects.toThrow(
      /is Running and nothing more can happen/,
    );
    expect(attempts.get('timeout')).toBe(1);
    // DTFx's RetryInterceptor stopped (ComputeNextDelay returned 0): no retry timer was created.
    expect(ofType(host.history('retry-timeout'), HistoryEventType.TimerCreated)).toHaveLength(0);
    await host.close();
  });
});

describe('fan-out', () => {
  test.each(['V1', 'V2', 'V3'] as const)(
    'Task.all runs the activities of one episode concurrently (schema %s)',
    async (schema) => {
      const { host } = testHost({ schema });
      await host.client.startNew(fanOut.name, { instanceId: `fan-${schema}`, input: 8 });
      const status = await host.waitForCompletion(`fan-${schema}`);
      expect(status.output).toEqual([1, 4, 9, 16, 25, 36, 49, 64]);
      expect(maxActive).toBe(8);
      const history = host.history(`fan-${schema}`);
      expect(ofType(history, HistoryEventType.TaskScheduled).map((e) => e.EventId)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7,
      ]);
      // All eight were scheduled by the first episode (before its OrchestratorCompleted).
      const firstCompleted = eventTypes(history).indexOf('OrchestratorCompleted');
      expect(
        eventTypes(history)
          .slice(0, firstCompleted)
          .filter((t) => t === 'TaskScheduled'),
      ).toHaveLength(8);
      await host.close();
    },
  );

  test('Task.all fails fast in the orchestrator, but the instance completes only after every child finished (the extension awaits Task.WhenAll)', async () => {
    const { host, events } = testHost();
    await host.client.startNew(fanOutFailing.name, { instanceId: 'fan-fail' });
    const status = await host.waitForCompletion('fan-fail');
    expect(status.output).toBe("Activity function 'actDelayed' failed: item 1 failed ");
    expect(settled.sort()).toEqual([1, 2, 3]);
    const completedAt = events.findIndex((e) => e.type === 'instanceCompleted');
    const lastActivity = events.map((e) => e.type).lastIndexOf('activityCompleted');
    expect(lastActivity).toBeLessThan(completedAt);
    await host.close();
  });

  test('Task.any resolves with the first task to finish', async () => {
    const { host } = testHost();
    await host.client.startNew(race.name, { instanceId: 'race' });
    const status = await host.waitForCompletion('race');
    expect(status.output).toBe(7);
    // The loser still completes and is recorded (an activity cannot be cancelled).
    expect(ofType(host.history('race'), HistoryEventType.TaskCompleted)).toHaveLength(2);
    await host.close();
  });
});
