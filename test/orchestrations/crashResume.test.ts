/**
 * Crash and resume: an instance stopped after its k-th completed activity picks up from its stored
 * history; activities whose results are in history (or already queued) are not executed again.
 */
import { defineActivity, defineOrchestration } from '../../functions/registry';
import { HistoryEventType } from '../../sandbox/durable';
import { ofType, realDelay, testHost } from './helpers';

const executions = new Map<string, number>();
const record = (key: string): void => void executions.set(key, (executions.get(key) ?? 0) + 1);

const step = defineActivity<number, number>('crStep', (n) => {
  record(`step-${n}`);
  return Promise.resolve(n * 10);
});
const timed = defineActivity<{ n: number; ms: number }, number>('crTimed', async ({ n, ms }) => {
  record(`timed-${n}`);
  await realDelay(ms);
  return n;
});

const pipeline = defineOrchestration<number, number>('crPipeline', function* (context, steps) {
  let sum = 0;
  for (let i = 1; i <= steps; i++) {
    sum += yield* step.call(context, i);
    if (i === 3) yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
  }
  return sum;
});

const fanOut = defineOrchestration<null, number[]>('crFanOut', function* (context) {
  const tasks = [
    timed.task(context, { n: 1, ms: 0 }),
    timed.task(context, { n: 2, ms: 0 }),
    timed.task(context, { n: 3, ms: 80 }),
    timed.task(context, { n: 4, ms: 80 }),
  ];
  return (yield context.df.Task.all(tasks)) as number[];
});

afterEach(() => executions.clear());

test('crash after activity 2 of 5, then resume: completed activities are not re-executed', async () => {
  const { host, events } = testHost();
  await host.client.startNew(pipeline.name, { instanceId: 'pipe', input: 5 });
  host.crashAfterActivities('pipe', 2);
  await host.runUntilIdle();

  const crashed = await host.client.getStatus('pipe');
  expect(crashed.runtimeStatus).toBe('Running');
  expect(host.instanceStatus('pipe')?.crashed).toBe(true);
  expect(Object.fromEntries(executions)).toEqual({ 'step-1': 1, 'step-2': 1 });
  // Step 2's result was queued before the crash; history only has step 1's completion.
  expect(ofType(host.history('pipe'), HistoryEventType.TaskCompleted).map((e) => e.TaskScheduledId)).toEqual([
    0,
  ]);
  expect(events.some((e) => e.type === 'instanceCrashed')).toBe(true);

  host.resume('pipe');
  const status = await host.waitForCompletion('pipe');
  expect(status.runtimeStatus).toBe('Completed');
  expect(status.output).toBe(150);
  expect(Object.fromEntries(executions)).toEqual({
    'step-1': 1,
    'step-2': 1,
    'step-3': 1,
    'step-4': 1,
    'step-5': 1,
  });
  const history = host.history('pipe');
  expect(ofType(history, HistoryEventType.TaskScheduled).map((e) => e.Name)).toHaveLength(5);
  expect(ofType(history, HistoryEventType.TimerFired)).toHaveLength(1);
  expect(host.metrics().activities).toBe(5);
  await host.close();
});

test('activities in flight when the worker dies lose their results and run again on resume (at-least-once)', async () => {
  const { host } = testHost();
  await host.client.startNew(fanOut.name, { instanceId: 'fan' });
  host.crashAfterActivities('fan', 2);
  await host.runUntilIdle();
  expect(host.instanceStatus('fan')?.crashed).toBe(true);
  // All four started; 3 and 4 finished after the crash and their results were lost.
  expect(Object.fromEntries(executions)).toEqual({ 'timed-1': 1, 'timed-2': 1, 'timed-3': 1, 'timed-4': 1 });

  host.resume('fan');
  const status = await host.waitForCompletion('fan');
  expect(status.output).toEqual([1, 2, 3, 4]);
  expect(Object.fromEntries(executions)).toEqual({ 'timed-1': 1, 'timed-2': 1, 'timed-3': 2, 'timed-4': 2 });
  // History records each task once: scheduled once, completed once.
  const history = host.history('fan');
  expect(ofType(history, HistoryEventType.TaskScheduled).map((e) => e.EventId)).toEqual([0, 1, 2, 3]);
  expect(
    ofType(history, HistoryEventType.TaskCompleted)
      .map((e) => e.TaskScheduledId)
      .sort(),
  ).toEqual([0, 1, 2, 3]);
  await host.close();
});
