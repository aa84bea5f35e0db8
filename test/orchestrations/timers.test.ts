/**
 * Durable timers on the virtual clock, currentUtcDateTime, continueAsNew, external events and custom
 * status, through the real durable-functions orchestrator.
 */
import type * as df from 'durable-functions';
import { defineActivity, defineOrchestration } from '../../functions/registry';
import { HistoryEventType } from '../../sandbox/durable';
import { ofType, START, testHost } from './helpers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const noop = defineActivity<number, number>('tmNoop', (n) => Promise.resolve(n));

const sleeper = defineOrchestration<number, { before: string; after: string }>(
  'tmSleeper',
  function* (context, ms) {
    const before = context.df.currentUtcDateTime.toISOString();
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + ms));
    return { before, after: context.df.currentUtcDateTime.toISOString() };
  },
);

const timeout = defineOrchestration<{ cancel: boolean }, string>(
  'tmTimeout',
  function* (context, { cancel }) {
    const timer = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + HOUR));
    const work = noop.task(context, 1);
    const winner = (yield context.df.Task.any([work, timer])) as df.Task;
    if (winner === work && cancel) timer.cancel();
    return winner === work ? 'work first' : 'timeout first';
  },
);

const counter = defineOrchestration<number, number>('tmCounter', function* (context, n) {
  yield* noop.call(context, n);
  if (n < 3) {
    context.df.continueAsNew(n + 1);
    return n;
  }
  return n;
});

const approval = defineOrchestration<null, unknown>('tmApproval', function* (context) {
  context.df.setCustomStatus({ phase: 'waiting for approval' });
  const decision: unknown = yield context.df.waitForExternalEvent('approve');
  context.df.setCustomStatus({ phase: 'approved' });
  return decision;
});

const twoEvents = defineOrchestration<null, unknown[]>('tmTwoEvents', function* (context) {
  yield* noop.call(context, 0);
  const first: unknown = yield context.df.waitForExternalEvent('step');
  const second: unknown = yield context.df.waitForExternalEvent('step');
  return [first, second];
});

describe('durable timers', () => {
  test('a one-hour timer completes at once: the host jumps the virtual clock when only timers are left', async () => {
    const { host, clock } = testHost();
    const realStart = Date.now();
    await host.client.startNew(sleeper.name, { instanceId: 'sleep', input: HOUR });
    const status = await host.waitForCompletion('sleep');
    expect(Date.now() - realStart).toBeLessThan(2000);
    const { before, after } = status.output as { before: string; after: string };
    expect(Date.parse(after) - Date.parse(before)).toBeGreaterThanOrEqual(HOUR);
    expect(clock.now()).toBeGreaterThanOrEqual(START + HOUR);
    const history = host.history('sleep');
    const [created] = ofType(history, HistoryEventType.TimerCreated);
    const [fired] = ofType(history, HistoryEventType.TimerFired);
    expect(created?.FireAt).toBe(new Date(Date.parse(before) + HOUR).toISOString());
    expect(fired?.FireAt).toBe(created?.FireAt);
    expect(fired?.TimerId).toBe(created?.EventId);
    // currentUtcDateTime is the OrchestratorStarted timestamp of the episode: deterministic on replay.
    const started = ofType(history, HistoryEventType.OrchestratorStarted);
    expect(started.map((e) => e.Timestamp)).toEqual([before, after]);
    expect(host.metrics().timersFired).toBe(1);
    await host.close();
  });

  test('a 10-day timer is split the way the extension splits long timers (schema V3: 3-day pieces above 6 days)', async () => {
    const { host } = testHost();
    await host.client.startNew(sleeper.name, { instanceId: 'long', input: 10 * DAY });
    const status = await host.waitForCompletion('long');
    const { before, after } = status.output as { before: string; after: string };
    expect(Date.parse(after) - Date.parse(before)).toBeGreaterThanOrEqual(10 * DAY);
    const created = ofType(host.history('long'), HistoryEventType.TimerCreated);
    const offsets = created.map((t) => Math.round((Date.parse(t.FireAt) - Date.parse(before)) / HOUR));
    expect(offsets).toEqual([72, 144, 216, 240]);
    await host.close();
  });

  test('an un-cancelled timer keeps the instance running until it fires (DTFx completes only without open tasks)', async () => {
    const { host, clock } = testHost();
    await host.client.startNew(timeout.name, { instanceId: 'keep', input: { cancel: false } });
    const status = await host.waitForCompletion('keep');
    expect(status.output).toBe('work first');
    expect(clock.now()).toBeGreaterThanOrEqual(START + HOUR);
    expect(ofType(host.history('keep'), HistoryEventType.TimerFired)).toHaveLength(1);
    await host.close();
  });

  test('a cancelled timer does not hold the instance', async () => {
    const { host, clock } = testHost();
    await host.client.startNew(timeout.name, { instanceId: 'cancel', input: { cancel: true } });
    const status = await host.waitForCompletion('cancel');
    expect(status.output).toBe('work first');
    expect(clock.now()).toBeLessThan(START + HOUR);
    // The timer was still created (the message is sent), it just no longer counts.
    expect(ofType(host.history('cancel'), HistoryEventType.TimerCreated)).toHaveLength(1);
    await host.close();
  });
});

describe('continueAsNew', () => {
  test('restarts with the new input and a fresh history', async () => {
    const { host, events } = testHost();
    await host.client.startNew(counter.name, { instanceId: 'can', input: 0 });
    const status = await host.waitForCompletion('can');
    expect(status.output).toBe(3);
    expect(status.input).toBe(3);
    expect(events.filter((e) => e.type === 'instanceContinuedAsNew')).toHaveLength(3);
    expect(host.metrics().orchestrations).toBe(4);
    const history = host.history('can');
    const [started] = ofType(history, HistoryEventType.ExecutionStarted);
    expect(started?.Input).toBe('3');
    expect(ofType(history, HistoryEventType.TaskScheduled)).toHaveLength(1);
    expect(host.metrics().maxHistoryEvents).toBe(history.length);
    await host.close();
  });
});

describe('external events', () => {
  test('waitForExternalEvent + raiseEvent, with custom status visible while waiting', async () => {
    const { host } = testHost();
    await host.client.startNew(approval.name, { instanceId: 'appr' });
    await host.runUntilIdle();
    const waiting = await host.client.getStatus('appr');
    expect(waiting.runtimeStatus).toBe('Running');
    expect(waiting.customStatus).toEqual({ phase: 'waiting for approval' });
    await expect(host.waitForCompletion('appr')).rejects.toThrow(/nothing more can happen/);

    await host.client.raiseEvent('appr', 'approve', { by: 'alice' });
    const done = await host.waitForCompletion('appr');
    expect(done.output).toEqual({ by: 'alice' });
    expect(done.customStatus).toEqual({ phase: 'approved' });
    const [raised] = ofType(host.history('appr'), HistoryEventType.EventRaised);
    expect(raised?.Name).toBe('approve');
    expect(raised?.Input).toBe('{"by":"alice"}');

    // The instance has finished: the extension answers 410 and the client resolves without effect.
    await expect(host.client.raiseEvent('appr', 'approve', {})).resolves.toBeUndefined();
    await expect(host.client.raiseEvent('nobody', 'approve', {})).rejects.toThrow(
      "No instance with ID 'nobody' found.",
    );
    await host.close();
  });

  test('events raised before the orchestrator waits are buffered and delivered in order', async () => {
    const { host } = testHost();
    await host.client.startNew(twoEvents.name, { instanceId: 'buf' });
    await host.client.raiseEvent('buf', 'step', 'one');
    await host.client.raiseEvent('buf', 'step', 'two');
    const status = await host.waitForCompletion('buf');
    expect(status.output).toEqual(['one', 'two']);
    await host.close();
  });
});
