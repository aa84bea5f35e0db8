/**
 * Builds history events in the shape the Durable extension sends (./wire.ts). Timestamps come from the
 * host's clock, so `context.df.currentUtcDateTime` (the latest OrchestratorStarted timestamp, see
 * durable-js TaskOrchestrationExecutor.processEvent) is virtual time and deterministic on replay.
 *
 * DTFx gives scheduling events the action's sequence number as EventId and every other event -1
 * (DurableTask.Core History/*.cs constructors).
 */
import { HistoryEventType } from './lib';
import { type NewEvent, type WireEvent } from './wire';

const iso = (ms: number): string => new Date(ms).toISOString();

export const historyEvent = {
  orchestratorStarted: (at: number): NewEvent => ({
    EventType: HistoryEventType.OrchestratorStarted,
    EventId: -1,
    Timestamp: iso(at),
  }),
  orchestratorCompleted: (at: number): NewEvent => ({
    EventType: HistoryEventType.OrchestratorCompleted,
    EventId: -1,
    Timestamp: iso(at),
  }),
  executionStarted: (
    at: number,
    name: string,
    input: string | undefined,
    parent?: { instanceId: string; taskScheduledId: number },
  ): NewEvent => ({
    EventType: HistoryEventType.ExecutionStarted,
    EventId: -1,
    Timestamp: iso(at),
    Name: name,
    Version: '',
    ...(input !== undefined ? { Input: input } : {}),
    ...(parent
      ? { ParentInstance: { InstanceId: parent.instanceId, TaskScheduleId: parent.taskScheduledId } }
      : {}),
  }),
  executionCompleted: (at: number, status: string, result: string | undefined): NewEvent => ({
    EventType: HistoryEventType.ExecutionCompleted,
    EventId: -1,
    Timestamp: iso(at),
    OrchestrationStatus: status,
    ...(result !== undefined ? { Result: result } : {}),
  }),
  executionTerminated: (at: number, reason: string | undefined): NewEvent => ({
    EventType: HistoryEventType.ExecutionTerminated,
    EventId: -1,
    Timestamp: iso(at),
    ...(reason !== undefined ? { Input: reason } : {}),
  }),
  continueAsNew: (at: number, input: string | undefined): NewEvent => ({
    EventType: HistoryEventType.ContinueAsNew,
    EventId: -1,
    Timestamp: iso(at),
    ...(input !== undefined ? { Result: input } : {}),
  }),
  taskScheduled: (at: number, id: number, name: string, input: string | undefined): NewEvent => ({
    EventType: HistoryEventType.TaskScheduled,
    EventId: id,
    Timestamp: iso(at),
    Name: name,
    ...(input !== undefined ? { Input: input } : {}),
  }),
  taskCompleted: (at: number, taskScheduledId: number, result: string): NewEvent => ({
    EventType: HistoryEventType.TaskCompleted,
    EventId: -1,
    Timestamp: iso(at),
    TaskScheduledId: taskScheduledId,
    Result: result,
  }),
  taskFailed: (at: number, taskScheduledId: number, reason: string, details: string): NewEvent => ({
    EventType: HistoryEventType.TaskFailed,
    EventId: -1,
    Timestamp: iso(at),
    TaskScheduledId: taskScheduledId,
    Reason: reason,
    Details: details,
  }),
  subOrchestrationCreated: (
    at: number,
    id: number,
    name: string,
    instanceId: string,
    input: string | undefined,
  ): NewEvent => ({
    EventType: HistoryEventType.SubOrchestrationInstanceCreated,
    EventId: id,
    Timestamp: iso(at),
    Name: name,
    InstanceId: instanceId,
    ...(input !== undefined ? { Input: input } : {}),
  }),
  subOrchestrationCompleted: (at: number, taskScheduledId: number, result: string): NewEvent => ({
    EventType: HistoryEventType.SubOrchestrationInstanceCompleted,
    EventId: -1,
    Timestamp: iso(at),
    TaskScheduledId: taskScheduledId,
    Result: result,
  }),
  subOrchestrationFailed: (
    at: number,
    taskScheduledId: number,
    reason: string,
    details: string,
  ): NewEvent => ({
    EventType: HistoryEventType.SubOrchestrationInstanceFailed,
    EventId: -1,
    Timestamp: iso(at),
    TaskScheduledId: taskScheduledId,
    Reason: reason,
    Details: details,
  }),
  timerCreated: (at: number, id: number, fireAt: number): NewEvent => ({
    EventType: HistoryEventType.TimerCreated,
    EventId: id,
    Timestamp: iso(at),
    FireAt: iso(fireAt),
  }),
  timerFired: (at: number, timerId: number, fireAt: number): NewEvent => ({
    EventType: HistoryEventType.TimerFired,
    EventId: -1,
    Timestamp: iso(at),
    TimerId: timerId,
    FireAt: iso(fireAt),
  }),
  eventSent: (
    at: number,
    id: number,
    targetInstanceId: string,
    name: string,
    input: string | undefined,
  ): NewEvent => ({
    EventType: HistoryEventType.EventSent,
    EventId: id,
    Timestamp: iso(at),
    InstanceId: targetInstanceId,
    Name: name,
    ...(input !== undefined ? { Input: input } : {}),
  }),
  eventRaised: (at: number, name: string, input: string | undefined): NewEvent => ({
    EventType: HistoryEventType.EventRaised,
    EventId: -1,
    Timestamp: iso(at),
    Name: name,
    ...(input !== undefined ? { Input: input } : {}),
  }),
};

/** Stamps events with IsPlayed: true for events of earlier episodes, false for this episode's. */
export function played(events: readonly NewEvent[], isPlayed: boolean): WireEvent[] {
  return events.map((e): WireEvent => ({ ...e, IsPlayed: isPlayed }));
}

/** Milliseconds of an event's timestamp. */
export function timestampOf(event: { readonly Timestamp: string }): number {
  return Date.parse(event.Timestamp);
}
