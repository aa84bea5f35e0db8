/**
 * Durable entities driven by the real durable-functions entity handler (createEntityFunction):
 * operations on one entity run one at a time in arrival order, whatever the number of concurrent
 * callers; the lead's per-identity lease lock depends on exactly that.
 */
import * as df from 'durable-functions';
import { defineActivity, defineEntity, defineOrchestration } from '../../functions/registry';
import { HistoryEventType } from '../../sandbox/durable';
import { ofType, realDelay, testHost } from './helpers';

// ---- a counter ----

const counterEntity = defineEntity<number>('entCounter', (context) => {
  const value = context.df.getState(() => 0) ?? 0;
  switch (context.df.operationName ?? '') {
    case 'add': {
      const next = value + (context.df.getInput<number>() ?? 0);
      context.df.setState(next);
      context.df.return(next);
      return;
    }
    case 'get':
      context.df.return(value);
      return;
    case 'explode':
      context.df.setState(value + 1000);
      throw new Error('explode');
    default:
      throw new Error(`unknown operation ${String(context.df.operationName)}`);
  }
});

const adder = defineOrchestration<{ key: string; times: number }, number[]>(
  'entAdder',
  function* (context, { key, times }) {
    const id = new df.EntityId(counterEntity.name, key);
    const seen: number[] = [];
    for (let i = 0; i < times; i++) seen.push((yield context.df.callEntity(id, 'add', 1)) as number);
    return seen;
  },
);

const signaller = defineOrchestration<string, null>('entSignaller', function* (context, key) {
  const id = new df.EntityId(counterEntity.name, key);
  for (let i = 0; i < 3; i++) context.df.signalEntity(id, 'add', 10);
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000));
  return null;
});

const exploder = defineOrchestration<string, string>('entExploder', function* (context, key) {
  try {
    yield context.df.callEntity(new df.EntityId(counterEntity.name, key), 'explode');
    return 'no error';
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
});

// ---- a lease lock, the shape of functions/entities/identityLock.ts ----

interface Lease {
  owner?: string;
  untilMs?: number;
}
type AcquireResult = { granted: true } | { granted: false; holder: string };

const lockEntity = defineEntity<Lease>('entLease', (context) => {
  const state = context.df.getState(() => ({})) ?? {};
  const input = context.df.getInput<{ owner: string; nowMs?: number; leaseMs?: number }>();
  if (!input) throw new Error('input required');
  if (context.df.operationName === 'acquire') {
    const free = state.owner === undefined || (state.untilMs ?? 0) <= (input.nowMs ?? 0);
    if (free || state.owner === input.owner) {
      context.df.setState({ owner: input.owner, untilMs: (input.nowMs ?? 0) + (input.leaseMs ?? 0) });
      context.df.return({ granted: true });
    } else {
      context.df.return({ granted: false, holder: state.owner ?? '' });
    }
  } else if (context.df.operationName === 'release') {
    if (state.owner === input.owner) context.df.setState({});
    context.df.return(true);
  }
});

let holders = 0;
let maxHolders = 0;
let criticalRuns = 0;
const critical = defineActivity<string, string>('entCritical', async (who) => {
  holders++;
  maxHolders = Math.max(maxHolders, holders);
  criticalRuns++;
  await realDelay(3);
  holders--;
  return who;
});

const lockedWork = defineOrchestration<null, { waits: number }>('entLockedWork', function* (context) {
  const id = new df.EntityId(lockEntity.name, 'identity-1');
  const owner = context.df.instanceId;
  let waits = 0;
  for (;;) {
    const nowMs = context.df.currentUtcDateTime.getTime();
    const result = (yield context.df.callEntity(id, 'acquire', {
      owner,
      nowMs,
      leaseMs: 15 * 60_000,
    })) as AcquireResult;
    if (result.granted) break;
    waits++;
    yield context.df.createTimer(new Date(nowMs + 500));
  }
  try {
    yield* critical.call(context, owner);
  } finally {
    context.df.signalEntity(id, 'release', { owner });
  }
  return { waits };
});

afterEach(() => {
  holders = 0;
  maxHolders = 0;
  criticalRuns = 0;
});

test('a counter under 20 concurrent orchestrations: every operation applied exactly once, one at a time', async () => {
  const { host, events } = testHost();
  const ids = Array.from({ length: 20 }, (_, i) => `adder-${i}`);
  await Promise.all(
    ids.map((instanceId) =>
      host.client.startNew(adder.name, { instanceId, input: { key: 'shared', times: 5 } }),
    ),
  );
  await host.runUntilIdle();
  const statuses = ids.map((id) => host.instanceStatus(id));
  expect(statuses.every((s) => s?.runtimeStatus === 'Completed')).toBe(true);
  expect(host.readEntityState({ name: counterEntity.name, key: 'shared' })).toEqual({
    exists: true,
    state: 100,
  });
  // Each add saw a distinct intermediate value: the operations were serialized.
  const seen = statuses.flatMap((s) => s?.output as number[]).sort((a, b) => a - b);
  expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  expect(host.metrics().entityOperations).toBe(100);
  expect(
    events.filter((e) => e.type === 'entityOperation' && e.instanceId === '@entcounter@shared'),
  ).toHaveLength(100);
  // A call is EventSent("op") to the entity, then an EventRaised named by the request id.
  const history = host.history('adder-0');
  const sent = ofType(history, HistoryEventType.EventSent);
  const raised = ofType(history, HistoryEventType.EventRaised);
  expect(sent).toHaveLength(5);
  expect(sent.every((e) => e.InstanceId === '@entcounter@shared' && e.Name === 'op')).toBe(true);
  expect(raised.map((e) => e.Name)).toEqual(
    sent.map((e) => (JSON.parse(e.Input ?? '{}') as { id: string }).id),
  );
  await host.close();
});

test('signalEntity is fire-and-forget and still applied in order', async () => {
  const { host } = testHost();
  await host.client.startNew(signaller.name, { instanceId: 'sig', input: 'signalled' });
  await host.waitForCompletion('sig');
  expect(host.readEntityState({ name: counterEntity.name, key: 'signalled' })).toEqual({
    exists: true,
    state: 30,
  });
  // Signals consume sequence numbers (EventSent 0..2) like calls do; the timer is #3.
  const history = host.history('sig');
  expect(ofType(history, HistoryEventType.EventSent).map((e) => e.EventId)).toEqual([0, 1, 2]);
  expect(ofType(history, HistoryEventType.TimerCreated).map((e) => e.EventId)).toEqual([3]);
  await host.close();
});

test('a failing operation: the caller gets an error, and out-of-proc entities keep the state set before the throw', async () => {
  const { host } = testHost();
  await host.client.startNew(exploder.name, { instanceId: 'boom', input: 'exploding' });
  const status = await host.waitForCompletion('boom');
  // durable-js rebuilds the error as Error(JSON.parse(result)); JSON.stringify(new Error()) is "{}".
  expect(status.output).toBe('error: [object Object]');
  expect(host.readEntityState({ name: counterEntity.name, key: 'exploding' })).toEqual({
    exists: true,
    state: 1000,
  });
  await host.close();
});

test('a lease-lock entity serializes 10 concurrent orchestrations through one critical section', async () => {
  const { host } = testHost();
  const ids = Array.from({ length: 10 }, (_, i) => `locked-${i}`);
  for (const instanceId of ids) await host.client.startNew(lockedWork.name, { instanceId });
  await host.runUntilIdle();
  const statuses = ids.map((id) => host.instanceStatus(id));
  expect(statuses.map((s) => s?.runtimeStatus)).toEqual(ids.map(() => 'Completed'));
  expect(criticalRuns).toBe(10);
  expect(maxHolders).toBe(1);
  expect(statuses.some((s) => (s?.output as { waits: number }).waits > 0)).toBe(true);
  expect(host.readEntityState({ name: lockEntity.name, key: 'identity-1' })).toEqual({
    exists: true,
    state: {},
  });
  await host.close();
});
