/**
 * Sub-orchestrations through the real durable-functions orchestrator: with and without instance ids,
 * failures, retries, fan-out.
 */
import * as df from 'durable-functions';
import { defineActivity, defineOrchestration } from '../../functions/registry';
import { HistoryEventType } from '../../sandbox/durable';
import { ofType, testHost } from './helpers';

const double = defineActivity<number, number>('subDouble', (n) => Promise.resolve(n * 2));

const childRuns = new Map<string, number>();
const child = defineOrchestration<{ n: number; failTimes?: number }, number>(
  'subChild',
  function* (context, input) {
    const value = yield* double.call(context, input.n);
    if (!context.df.isReplaying)
      childRuns.set(context.df.instanceId, (childRuns.get(context.df.instanceId) ?? 0) + 1);
    // Fails its first `failTimes` executions; deterministic because the count lives in the child's input.
    if (input.failTimes !== undefined && (childRuns.get(context.df.instanceId) ?? 0) <= input.failTimes) {
      throw new Error(`child ${context.df.instanceId} refused`);
    }
    return value;
  },
);

const parent = defineOrchestration<null, { named: number; unnamed: number }>(
  'subParent',
  function* (context) {
    const named = yield* child.call(context, { n: 5 }, `${context.df.instanceId}:child`);
    const unnamed = yield* child.call(context, { n: 7 });
    return { named, unnamed };
  },
);

const catchesChild = defineOrchestration<null, string>('subCatches', function* (context) {
  try {
    yield* child.call(context, { n: 1, failTimes: 99 }, 'sub-failing-child');
    return 'no error';
  } catch (error) {
    return (error as Error).message.split('\n')[0] ?? '';
  }
});

const retryingParent = defineOrchestration<null, number>('subRetrying', function* (context) {
  const retry = new df.RetryOptions(500, 3);
  return yield* child.call(context, { n: 21, failTimes: 1 }, 'sub-retried-child', retry);
});

const fanOutParent = defineOrchestration<number, number[]>('subFanOut', function* (context, n) {
  const tasks = Array.from({ length: n }, (_, i) =>
    child.task(context, { n: i }, `${context.df.instanceId}:batch:${i}`),
  );
  return (yield context.df.Task.all(tasks)) as number[];
});

afterEach(() => childRuns.clear());

test('a sub-orchestration with and without an instance id', async () => {
  const { host } = testHost();
  await host.client.startNew(parent.name, { instanceId: 'p1' });
  const status = await host.waitForCompletion('p1');
  expect(status.output).toEqual({ named: 10, unnamed: 14 });
  const created = ofType(host.history('p1'), HistoryEventType.SubOrchestrationInstanceCreated);
  expect(created.map((e) => [e.EventId, e.Name])).toEqual([
    [0, 'subChild'],
    [1, 'subChild'],
  ]);
  expect(created[0]?.InstanceId).toBe('p1:child');
  // DTFx names an unnamed child `<parent execution id>:<sequence number>`.
  expect(created[1]?.InstanceId).toBe(`${status.executionId}:1`);
  const children = host.allInstances().filter((s) => s.parentInstanceId === 'p1');
  expect(children.map((c) => [c.instanceId, c.runtimeStatus, c.output])).toEqual([
    ['p1:child', 'Completed', 10],
    [`${status.executionId}:1`, 'Completed', 14],
  ]);
  expect(host.topLevelInstances().map((s) => s.instanceId)).toEqual(['p1']);
  await host.close();
});

test('a failing sub-orchestration surfaces in the parent as SubOrchestrationInstanceFailed', async () => {
  const { host } = testHost();
  await host.client.startNew(catchesChild.name, { instanceId: 'p2' });
  const status = await host.waitForCompletion('p2');
  expect(status.output).toBe("Orchestrator function 'subChild' failed: child sub-failing-child refused ");
  expect((await host.client.getStatus('sub-failing-child')).runtimeStatus).toBe('Failed');
  expect(ofType(host.history('p2'), HistoryEventType.SubOrchestrationInstanceFailed)).toHaveLength(1);
  await host.close();
});

test('callSubOrchestratorWithRetry re-creates the child after a durable timer', async () => {
  const { host } = testHost();
  await host.client.startNew(retryingParent.name, { instanceId: 'p3' });
  const status = await host.waitForCompletion('p3');
  expect(status.output).toBe(42);
  expect(childRuns.get('sub-retried-child')).toBe(2);
  const history = host.history('p3');
  expect(ofType(history, HistoryEventType.SubOrchestrationInstanceCreated).map((e) => e.EventId)).toEqual([
    0, 2,
  ]);
  expect(ofType(history, HistoryEventType.SubOrchestrationInstanceFailed)).toHaveLength(1);
  expect(ofType(history, HistoryEventType.TimerCreated).map((e) => e.EventId)).toEqual([1]);
  await host.close();
});

test('fan-out over sub-orchestrations keeps the parent history small', async () => {
  const { host } = testHost();
  await host.client.startNew(fanOutParent.name, { instanceId: 'p4', input: 12 });
  const status = await host.waitForCompletion('p4');
  expect(status.output).toEqual(Array.from({ length: 12 }, (_, i) => i * 2));
  expect(host.allInstances()).toHaveLength(13);
  // Parent: start (2) + 12 created + completed, 12 completions in later episodes: no activity events.
  expect(ofType(host.history('p4'), HistoryEventType.TaskScheduled)).toHaveLength(0);
  expect(ofType(host.history('p4'), HistoryEventType.SubOrchestrationInstanceCompleted)).toHaveLength(12);
  await host.close();
});
