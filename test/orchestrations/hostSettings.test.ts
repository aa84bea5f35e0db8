/**
 * The host honours the app's host.json (extensions.durableTask) with the extension's Consumption
 * defaults, models the Azure Storage queues' polling back-off on the virtual clock (docs/azure-behaviour.md
 * §7.6, §9.4), and measures each execution's serialized history.
 */
import * as df from 'durable-functions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ActivityDeps } from '../../functions/deps';
import {
  defineActivity,
  defineEntity,
  defineOrchestration,
  registeredFunctions,
} from '../../functions/registry';
import { silentLogger } from '../../shared/core/log';
import { VirtualClock } from '../../sandbox/clock';
import { DurableHost, type DurableHostOptions, HistoryEventType } from '../../sandbox/durable';
import {
  defaultDurableTaskSettings,
  durableTaskSettingsFrom,
  parseTimeSpanMs,
} from '../../sandbox/durable/hostJson';
import { QueuePollingModel, fnv1a } from '../../sandbox/durable/queues';
import { ofType, realDelay, START, testHost } from './helpers';

// ---- functions used below -------------------------------------------------------------------

let running = 0;
let peak = 0;
const busy = defineActivity<number, number>('hsBusy', async (n) => {
  running++;
  peak = Math.max(peak, running);
  await realDelay(15);
  running--;
  return n;
});
const fanOut = defineOrchestration<number, number[]>('hsFanOut', function* (context, n) {
  return (yield context.df.Task.all(Array.from({ length: n }, (_, i) => busy.task(context, i)))) as number[];
});

/** Runs at the virtual time it is dequeued; returns that time. */
const stamp = defineActivity<null, number>('hsStamp', (_input, deps) => Promise.resolve(deps.clock.now()));
const timerThenActivity = defineOrchestration<null, { afterTimer: number; activityRanAt: number }>(
  'hsTimerThenActivity',
  function* (context) {
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
    const afterTimer = context.df.currentUtcDateTime.getTime();
    const activityRanAt = yield* stamp.call(context, null);
    return { afterTimer, activityRanAt };
  },
);

interface Lease {
  owner?: string;
  untilMs?: number;
}
const lease = defineEntity<Lease>('hsLease', (context) => {
  const state = context.df.getState(() => ({})) ?? {};
  const { owner, nowMs, leaseMs } = context.df.getInput<{
    owner: string;
    nowMs: number;
    leaseMs?: number;
  }>() ?? {
    owner: '',
    nowMs: 0,
  };
  const free = state.owner === undefined || (state.untilMs ?? 0) <= nowMs;
  const operation = context.df.operationName;
  if (operation === 'acquire') {
    if (free || state.owner === owner) context.df.setState({ owner, untilMs: nowMs + (leaseMs ?? 0) });
    context.df.return(free || state.owner === owner);
  } else if (operation === 'renew') {
    // A renewal after the lease ran out is refused: someone else may hold the lock by now.
    context.df.return(state.owner === owner && (state.untilMs ?? 0) > nowMs);
  } else {
    throw new Error(`hsLease: unknown operation ${String(operation)}`);
  }
});
/** Takes a 45 s lease, does 30 s of "work" (a durable timer), then renews: well inside the lease on paper. */
const holder = defineOrchestration<null, { renewed: boolean; renewAt: number; acquiredAt: number }>(
  'hsHolder',
  function* (context) {
    const id = new df.EntityId(lease.name, 'k');
    const acquiredAt = context.df.currentUtcDateTime.getTime();
    yield context.df.callEntity(id, 'acquire', { owner: 'holder', nowMs: acquiredAt, leaseMs: 45_000 });
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 30_000));
    const renewAt = context.df.currentUtcDateTime.getTime();
    const renewed = (yield context.df.callEntity(id, 'renew', {
      owner: 'holder',
      nowMs: renewAt,
    })) as boolean;
    return { renewed, renewAt, acquiredAt };
  },
);

const chatty = defineOrchestration<number, number>('hsChatty', function* (context, n) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* busy.call(context, i);
  return sum;
});

/** A host on a clock that runs at real speed (so CPU time hardly moves it) and jumps when idle. */
function exactHost(options: Partial<DurableHostOptions> = {}): DurableHost {
  const clock = new VirtualClock({ start: START, scale: 1 });
  const deps = { clock, log: silentLogger } as unknown as ActivityDeps;
  return new DurableHost({ functions: registeredFunctions(), deps: () => deps, clock, ...options });
}

beforeEach(() => {
  running = 0;
  peak = 0;
});

// ---- host.json ----------------------------------------------------------------------------------

describe('host.json settings', () => {
  const repoHostJson = readFileSync(join(__dirname, '..', '..', 'host.json'), 'utf8');

  test('the repo host.json sets both concurrency limits; the rest take the Consumption defaults', () => {
    expect(durableTaskSettingsFrom(repoHostJson)).toEqual({
      hubName: 'FedlinkHub',
      maxConcurrentActivityFunctions: 20,
      maxConcurrentOrchestratorFunctions: 10,
      maxEntityOperationBatchSize: 50,
      maxQueuePollingIntervalMs: 30_000,
    });
  });

  test('absent settings take the extension defaults: Consumption 5/10/50, per core elsewhere', () => {
    expect(durableTaskSettingsFrom('{"version":"2.0"}')).toEqual(defaultDurableTaskSettings());
    expect(defaultDurableTaskSettings()).toMatchObject({
      maxConcurrentOrchestratorFunctions: 5,
      maxConcurrentActivityFunctions: 10,
      maxEntityOperationBatchSize: 50,
      maxQueuePollingIntervalMs: 30_000,
    });
    expect(defaultDurableTaskSettings({ processorCount: 2 })).toMatchObject({
      maxConcurrentOrchestratorFunctions: 20,
      maxConcurrentActivityFunctions: 20,
      maxEntityOperationBatchSize: 5000,
    });
  });

  test('storageProvider.maxQueuePollingInterval is a TimeSpan; bad values are refused', () => {
    const text = (durableTask: unknown): string => JSON.stringify({ extensions: { durableTask } });
    expect(
      durableTaskSettingsFrom(text({ storageProvider: { maxQueuePollingInterval: '00:00:02' } }))
        .maxQueuePollingIntervalMs,
    ).toBe(2000);
    expect(parseTimeSpanMs('1.00:00:00.5')).toBe(86_400_500);
    expect(() =>
      durableTaskSettingsFrom(text({ storageProvider: { maxQueuePollingInterval: '2s' } })),
    ).toThrow('host.json storageProvider.maxQueuePollingInterval must be a positive TimeSpan ("hh:mm:ss").');
    expect(() => durableTaskSettingsFrom(text({ maxConcurrentActivityFunctions: 0 }))).toThrow(
      'host.json extensions.durableTask.maxConcurrentActivityFunctions must be a positive integer value.',
    );
  });

  test('a host without explicit settings runs under the repo host.json', () => {
    const { host } = testHost();
    expect(host.settings).toEqual(durableTaskSettingsFrom(repoHostJson));
  });

  test('no more activities run at once than maxConcurrentActivityFunctions (host.json: 20)', async () => {
    const { host } = testHost({ queuePolling: false });
    await host.client.startNew(fanOut.name, { instanceId: 'fan', input: 25 });
    expect((await host.waitForCompletion('fan')).runtimeStatus).toBe('Completed');
    expect(peak).toBe(20);
    await host.close();
  });

  test('a lower limit is honoured too', async () => {
    const { host } = testHost({
      queuePolling: false,
      settings: { ...defaultDurableTaskSettings(), maxConcurrentActivityFunctions: 3 },
    });
    await host.client.startNew(fanOut.name, { instanceId: 'fan3', input: 12 });
    expect((await host.waitForCompletion('fan3')).output).toHaveLength(12);
    expect(peak).toBe(3);
    await host.close();
  });

  test('orchestrator episodes are limited by maxConcurrentOrchestratorFunctions; all instances still finish', async () => {
    const { host } = testHost({ queuePolling: false, maxConcurrentOrchestrations: 1 });
    for (let i = 0; i < 6; i++) await host.client.startNew(chatty.name, { instanceId: `c${i}`, input: 3 });
    await host.runUntilIdle();
    expect(host.allInstances().map((s) => s.runtimeStatus)).toEqual(Array(6).fill('Completed'));
    await host.close();
  });
});

// ---- queue polling ------------------------------------------------------------------------------

describe('Azure Storage queue polling on the virtual clock', () => {
  test('the back-off intervals of BackoffPollingHelper: 50, 100, 150, 250 ms ... capped at 30 s', () => {
    const model = new QueuePollingModel({}, 0);
    // Idle since 0: polls at 50, 150, 300, 550, 1000, 1850, 3500, 6750, 13200, 26050, 51700, 81700, ...
    expect(model.pickup('q', 0)).toBe(50);
    model.polled('q', 50);
    // After a hit the back-off restarts there.
    expect(model.pickup('q', 60)).toBe(100);
    model.polled('q', 100);
    expect(model.pickup('q', 100 + 30_000)).toBe(100 + 51_700);
    // A message visible before the pending poll joins it.
    expect(model.pickup('q', 100 + 40_000)).toBe(100 + 51_700);
    model.polled('q', 100 + 51_700);
    expect(model.pickup('idle', 10 * 60_000)).toBe(51_700 + 19 * 30_000);
    // DTFx: partition = FNV-1a(UTF-8 id) mod 4.
    expect(fnv1a('')).toBe(2166136261);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(model.controlQueue('a')).toBe(`control-0${0xe40c292c % 4}`);
  });

  test('after an idle minute a timer is picked up late and the next activity waits for the work-item poll', async () => {
    const host = exactHost();
    await host.client.startNew(timerThenActivity.name, { instanceId: 'idle' });
    const status = await host.waitForCompletion('idle');
    const { afterTimer, activityRanAt } = status.output as { afterTimer: number; activityRanAt: number };
    const fired = ofType(host.history('idle'), HistoryEventType.TimerFired)[0];
    const fireAt = Date.parse(fired?.FireAt ?? '');
    // Control queue: started 50 ms after START, idle since: polls at +51.7 s, +81.7 s; the timer is due at +60.05 s.
    expect(fireAt - START).toBeGreaterThanOrEqual(60_050);
    expect(afterTimer - START).toBeGreaterThanOrEqual(81_750);
    expect(afterTimer - fireAt).toBeGreaterThan(20_000);
    // Work-item queue: idle since START, polls at +81.7 s, +111.7 s: the activity is dequeued ~30 s later.
    expect(activityRanAt - START).toBeGreaterThanOrEqual(111_700);
    expect(activityRanAt - afterTimer).toBeGreaterThan(25_000);
    expect(activityRanAt - afterTimer).toBeLessThanOrEqual(30_000);
    await host.close();
  });

  test('without the polling model (kinder than Azure) the same run has no such delays', async () => {
    const host = exactHost({ queuePolling: false });
    await host.client.startNew(timerThenActivity.name, { instanceId: 'instant' });
    const { afterTimer, activityRanAt } = (await host.waitForCompletion('instant')).output as {
      afterTimer: number;
      activityRanAt: number;
    };
    expect(afterTimer - START).toBeLessThan(61_000);
    expect(activityRanAt - afterTimer).toBeLessThan(1_000);
    await host.close();
  });

  test('a lease that is not renewed runs out while the run still holds it', async () => {
    const host = exactHost();
    await host.client.startNew(holder.name, { instanceId: 'holder' });
    const { renewed, renewAt, acquiredAt } = (await host.waitForCompletion('holder')).output as {
      renewed: boolean;
      renewAt: number;
      acquiredAt: number;
    };
    // 30 s of work inside a 45 s lease, but the timer's message waited for the idle queue's next poll.
    expect(renewAt - acquiredAt).toBeGreaterThan(45_000);
    expect(renewed).toBe(false);
    expect(host.readEntityState({ name: lease.name, key: 'k' }).state).toEqual({
      owner: 'holder',
      untilMs: acquiredAt + 45_000,
    });
    await host.close();
  });

  test('the same run without polling latency renews in time (the kinder model hides the expiry)', async () => {
    const host = exactHost({ queuePolling: false });
    await host.client.startNew(holder.name, { instanceId: 'holder' });
    const { renewed } = (await host.waitForCompletion('holder')).output as { renewed: boolean };
    expect(renewed).toBe(true);
    await host.close();
  });

  test('wakeOnSend (one worker owning every queue): sends are picked up at once, timers still late', async () => {
    const host = exactHost({ queuePolling: { wakeOnSend: true } });
    await host.client.startNew(timerThenActivity.name, { instanceId: 'single' });
    const { afterTimer, activityRanAt } = (await host.waitForCompletion('single')).output as {
      afterTimer: number;
      activityRanAt: number;
    };
    expect(afterTimer - START).toBeGreaterThan(80_000);
    expect(activityRanAt - afterTimer).toBeLessThan(1_000);
    await host.close();
  });
});

// ---- history size -------------------------------------------------------------------------------

test('maxHistoryBytes is the UTF-8 size of the largest history JSON an orchestrator received', async () => {
  const { host } = testHost({ queuePolling: false });
  await host.client.startNew(chatty.name, { instanceId: 'sized', input: 4 });
  const status = await host.waitForCompletion('sized');
  const json = JSON.stringify(host.history('sized'));
  expect(status.historyBytes).toBe(Buffer.byteLength(json, 'utf8'));
  expect(host.metrics().maxHistoryBytes).toBe(Buffer.byteLength(json, 'utf8'));
  expect(host.metrics().maxHistoryEvents).toBe(host.history('sized').length);
  await host.close();
});
