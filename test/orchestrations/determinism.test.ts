/**
 * Replay and non-determinism. Every episode re-runs the orchestrator from the start against its
 * history; an orchestrator whose replay schedules something else than history recorded fails the way
 * the Durable Task Framework fails it in Azure (DurableTask.Core TaskOrchestrationContext
 * HandleTaskScheduledEvent / HandleTimerCreatedEvent: NonDeterministicOrchestrationException).
 */
import { defineActivity, defineOrchestration } from '../../functions/registry';
import { type Logger } from '../../shared/core/log';
import { HistoryEventType } from '../../sandbox/durable';
import { ofType, testHost } from './helpers';

const stepA = defineActivity<number, number>('ndStepA', (n) => Promise.resolve(n));
const stepB = defineActivity<number, number>('ndStepB', (n) => Promise.resolve(n));

// Module-level state that changes between replays: exactly what orchestrator code must not read.
let flipRuns = 0;
const flips = defineOrchestration<null, string>('ndFlips', function* (context) {
  flipRuns++;
  if (flipRuns === 1) yield* stepA.call(context, 1);
  else yield* stepB.call(context, 1);
  yield* stepA.call(context, 2);
  return 'done';
});

let kindRuns = 0;
const changesKind = defineOrchestration<null, string>('ndChangesKind', function* (context) {
  kindRuns++;
  if (kindRuns === 1) yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000));
  else yield* stepA.call(context, 1);
  return 'done';
});

let dropRuns = 0;
const dropsCall = defineOrchestration<null, string>('ndDropsCall', function* (context) {
  dropRuns++;
  if (dropRuns === 1) yield* stepA.call(context, 1);
  return 'done';
});

const deterministic = defineOrchestration<number, { guids: string[]; times: string[] }>(
  'ndDeterministic',
  function* (context, n) {
    const guids: string[] = [];
    const times: string[] = [];
    for (let i = 0; i < n; i++) {
      guids.push(context.df.newGuid(context.df.instanceId));
      times.push(context.df.currentUtcDateTime.toISOString());
      if (!context.df.isReplaying) context.log(`step ${i}`);
      yield* stepA.call(context, i);
    }
    return { guids, times };
  },
);

beforeEach(() => {
  flipRuns = 0;
  kindRuns = 0;
  dropRuns = 0;
});

test('an orchestrator that schedules a different activity on replay fails with DTFx non-determinism', async () => {
  const { host } = testHost();
  await host.client.startNew(flips.name, { instanceId: 'nd-name' });
  const status = await host.waitForCompletion('nd-name');
  expect(status.runtimeStatus).toBe('Failed');
  expect(status.output).toBe(
    "Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task with sequence number 0 named 'ndStepA', but the current orchestration replay instead scheduled an activity task named 'ndStepB' with this sequence number.  Was a change made to the orchestrator code after this instance had already started running?",
  );
  expect(host.metrics().nonDeterminismFailures).toBe(1);
  const history = host.history('nd-name');
  const completed = history.at(-1);
  expect(completed?.EventType).toBe(HistoryEventType.ExecutionCompleted);
  expect(completed && 'OrchestrationStatus' in completed ? completed.OrchestrationStatus : undefined).toBe(
    'Failed',
  );
  // Only the first episode's activity was ever scheduled and run.
  expect(ofType(history, HistoryEventType.TaskScheduled).map((e) => e.Name)).toEqual(['ndStepA']);
  expect(host.metrics().activities).toBe(1);
  await host.close();
});

test('a timer replaced by an activity at the same sequence number fails too', async () => {
  const { host } = testHost();
  await host.client.startNew(changesKind.name, { instanceId: 'nd-kind' });
  const status = await host.waitForCompletion('nd-kind');
  expect(status.runtimeStatus).toBe('Failed');
  expect(status.output).toBe(
    'Non-Deterministic workflow detected: A previous execution of this orchestration scheduled a timer task with sequence number 0 named but the current orchestration replay instead produced a ScheduleTaskOrchestratorAction action with this sequence number. Was a change made to the orchestrator code after this instance had already started running?',
  );
  await host.close();
});

test('a replay that no longer schedules a recorded activity fails: "hasn\'t (yet?) scheduled this task"', async () => {
  const { host } = testHost();
  await host.client.startNew(dropsCall.name, { instanceId: 'nd-drop' });
  const status = await host.waitForCompletion('nd-drop');
  expect(status.runtimeStatus).toBe('Failed');
  expect(String(status.output)).toMatch(
    /^Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task with sequence ID 0 and name 'ndStepA' \(version ''\), but the current replay execution hasn't \(yet\?\) scheduled this task\./,
  );
  await host.close();
});

test('a deterministic orchestrator replays every episode identically: newGuid, currentUtcDateTime, isReplaying', async () => {
  const messages: string[] = [];
  const capture = (message: string): void => void messages.push(message);
  const log: Logger = { debug: () => {}, info: capture, warn: capture, error: capture };
  const { host } = testHost({ log });
  await host.client.startNew(deterministic.name, { instanceId: 'det', input: 4 });
  const status = await host.waitForCompletion('det');
  expect(status.runtimeStatus).toBe('Completed');
  const { guids, times } = status.output as { guids: string[]; times: string[] };
  expect(new Set(guids).size).toBe(4);
  // Each value was computed in the episode that scheduled the step and replayed unchanged afterwards.
  const started = ofType(host.history('det'), HistoryEventType.OrchestratorStarted).map((e) => e.Timestamp);
  expect(times).toEqual(started.slice(0, 4));
  // 5 episodes replayed the loop 15 times in all, yet each message was logged once.
  expect(host.metrics().episodes).toBe(5);
  expect(messages.filter((m) => m.startsWith('step '))).toEqual(['step 0', 'step 1', 'step 2', 'step 3']);
  await host.close();
});
