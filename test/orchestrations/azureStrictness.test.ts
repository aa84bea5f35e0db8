/**
 * Where Durable Functions on Azure Storage is strict, the host is too (docs/azure-behaviour.md §9.4):
 * a duplicate sub-orchestration start hangs the parent (reported as a hang, never as success),
 * instance ids over 256 characters and custom statuses over 16 KB are refused with the extension's
 * messages, and `Task.all([])` / `Task.any([])` fail the orchestration as durable-functions does.
 */
import { defineActivity, defineOrchestration } from '../../functions/registry';
import { type DurableHostEvent, HistoryEventType } from '../../sandbox/durable';
import { ofType, testHost } from './helpers';

const echo = defineActivity<string, string>('asEcho', (s) => Promise.resolve(s));

const waitsForGo = defineOrchestration<null, unknown>('asWaitsForGo', function* (context) {
  return yield context.df.waitForExternalEvent('go');
});

/** Starts a child under a fixed id: the second parent reuses the id while the first child still runs. */
const startsFixedChild = defineOrchestration<string, unknown>(
  'asStartsFixedChild',
  function* (context, childId) {
    return yield* waitsForGo.call(context, null, childId);
  },
);

const emptyAll = defineOrchestration<'all' | 'any', string>('asEmptyAll', function* (context, which) {
  yield* echo.call(context, 'before');
  const result: unknown = which === 'all' ? yield context.df.Task.all([]) : yield context.df.Task.any([]);
  return `finished with ${JSON.stringify(result)}`;
});

const bigStatus = defineOrchestration<{ chars: number; afterActivity: boolean }, string>(
  'asBigStatus',
  function* (context, { chars, afterActivity }) {
    context.df.setCustomStatus({ phase: 'small' });
    if (afterActivity) yield* echo.call(context, 'x');
    // {"pad":"..."} is chars + 10 UTF-16 code units of JSON.
    context.df.setCustomStatus({ pad: 'p'.repeat(chars - 10) });
    yield* echo.call(context, 'y');
    return 'done';
  },
);

describe('a sub-orchestration start for an id that is still running', () => {
  test('is dropped as a duplicate: the parent hangs Running and the host reports it as stuck', async () => {
    const { host, events } = testHost();
    await host.client.startNew(startsFixedChild.name, { instanceId: 'parent-1', input: 'shared-child' });
    await host.runUntilIdle();
    expect((await host.client.getStatus('shared-child')).runtimeStatus).toBe('Running');

    await host.client.startNew(startsFixedChild.name, { instanceId: 'parent-2', input: 'shared-child' });
    await host.runUntilIdle();

    // parent-2 scheduled the child (SubOrchestrationInstanceCreated) and never heard back: no failure.
    const history = host.history('parent-2');
    expect(
      ofType(history, HistoryEventType.SubOrchestrationInstanceCreated).map((e) => e.InstanceId),
    ).toEqual(['shared-child']);
    expect(ofType(history, HistoryEventType.SubOrchestrationInstanceFailed)).toHaveLength(0);
    expect((await host.client.getStatus('parent-2')).runtimeStatus).toBe('Running');
    // The running child still belongs to parent-1 and was not restarted.
    expect(host.instanceStatus('shared-child')?.parentInstanceId).toBe('parent-1');
    expect(host.metrics().droppedDuplicateStarts).toBe(1);

    const stuck = host.stuckInstances().find((s) => s.instanceId === 'parent-2');
    expect(stuck?.reason).toContain(
      `its sub-orchestration 'shared-child' (asWaitsForGo, task 0) never started: an instance with that id was already Running, so DTFx dropped the start as a "Duplicate start event"`,
    );
    expect(
      events
        .filter((e): e is Extract<DurableHostEvent, { type: 'instanceStuck' }> => e.type === 'instanceStuck')
        .map((e) => e.instanceId)
        .sort(),
    ).toEqual(['parent-1', 'parent-2', 'shared-child']);
    await expect(host.waitForCompletion('parent-2')).rejects.toThrow(
      /orchestration 'parent-2' made no progress: it is Running and nothing more can happen: its sub-orchestration 'shared-child'/,
    );

    // When the running child finishes, only its own parent hears of it; parent-2 stays stuck.
    await host.client.raiseEvent('shared-child', 'go', 7);
    await host.runUntilIdle();
    expect((await host.client.getStatus('parent-1')).output).toBe(7);
    expect((await host.client.getStatus('parent-2')).runtimeStatus).toBe('Running');
    expect(host.metrics().stuckInstances).toBe(1);
    await host.close();
  });

  test('a finished child id is reused: the new child runs and answers the new parent', async () => {
    const { host } = testHost();
    await host.client.startNew(startsFixedChild.name, { instanceId: 'p-a', input: 'reused-child' });
    await host.runUntilIdle();
    await host.client.raiseEvent('reused-child', 'go', 'first');
    expect((await host.waitForCompletion('p-a')).output).toBe('first');

    await host.client.startNew(startsFixedChild.name, { instanceId: 'p-b', input: 'reused-child' });
    await host.runUntilIdle();
    expect(host.instanceStatus('reused-child')?.parentInstanceId).toBe('p-b');
    await host.client.raiseEvent('reused-child', 'go', 'second');
    expect((await host.waitForCompletion('p-b')).output).toBe('second');
    expect(host.metrics().droppedDuplicateStarts).toBe(0);
    await host.close();
  });
});

describe('instance ids', () => {
  test('startNew refuses an id over 256 characters the way the extension answers (500, ArgumentException)', async () => {
    const { host } = testHost();
    await expect(host.client.startNew(waitsForGo.name, { instanceId: 'i'.repeat(257) })).rejects.toThrow(
      'The operation failed with an unexpected status code: 500. Details: {"Message":"Something went wrong while processing your request","ExceptionMessage":"Instance ID lengths must not exceed 256 characters.","ExceptionType":"System.ArgumentException","StackTrace":null}',
    );
    expect(host.allInstances()).toHaveLength(0);
    // Exactly 256 is accepted.
    await expect(host.client.startNew(waitsForGo.name, { instanceId: 'i'.repeat(256) })).resolves.toBe(
      'i'.repeat(256),
    );
    await host.close();
  });
});

describe('custom status over 16 KB', () => {
  // MessagePayloadDataConverter: floor(UTF-16 bytes / 1024) must not exceed 16, so 8 703 code units
  // (17 406 bytes, "16 KB") pass and 8 704 (17 408 bytes, "17 KB") fail.
  test('the largest status the extension accepts is stored', async () => {
    const { host } = testHost();
    await host.client.startNew(bigStatus.name, {
      instanceId: 'ok',
      input: { chars: 8703, afterActivity: false },
    });
    const status = await host.waitForCompletion('ok');
    expect(status.runtimeStatus).toBe('Completed');
    expect(JSON.stringify(status.customStatus)).toHaveLength(8703);
    await host.close();
  });

  test('in the first episode: the orchestration fails with the extension message and schedules nothing', async () => {
    const { host } = testHost();
    await host.client.startNew(bigStatus.name, {
      instanceId: 'big',
      input: { chars: 8704, afterActivity: false },
    });
    const status = await host.waitForCompletion('big');
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toBe(
      "Orchestrator function 'asBigStatus' failed: The UTF-16 size of the JSON-serialized payload must not exceed 16 KB. The current payload size is 17 KB.",
    );
    // SetCustomStatus threw: the status is not stored, and the activity after it was never scheduled.
    expect(status.customStatus).toBeNull();
    expect(ofType(host.history('big'), HistoryEventType.TaskScheduled)).toHaveLength(0);
    expect(host.metrics().activities).toBe(0);
    await host.close();
  });

  test('after earlier episodes: the shim faults before replaying, so DTFx reports non-determinism', async () => {
    const { host } = testHost();
    await host.client.startNew(bigStatus.name, {
      instanceId: 'big2',
      input: { chars: 20_000, afterActivity: true },
    });
    const status = await host.waitForCompletion('big2');
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toBe(
      "Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task with sequence ID 0 and name 'asEcho' (version ''), but the current replay execution hasn't (yet?) scheduled this task. Was a change made to the orchestrator code after this instance had already started running?",
    );
    expect(status.customStatus).toEqual({ phase: 'small' });
    await host.close();
  });
});

describe('Task.all([]) and Task.any([])', () => {
  // durable-functions' CompoundTask constructor throws for an empty list (Azure/azure-functions-durable-js#424).
  test.each(['all', 'any'] as const)('Task.%s([]) fails the orchestration', async (which) => {
    const { host } = testHost();
    await host.client.startNew(emptyAll.name, { instanceId: `empty-${which}`, input: which });
    const status = await host.waitForCompletion(`empty-${which}`);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toMatch(
      /^Orchestrator function 'asEmptyAll' failed: When constructing a CompoundTask \(such as Task\.all\(\) or Task\.any\(\)\), you must specify at least one Task\./,
    );
    await host.close();
  });
});
