/**
 * One orchestration instance as the host stores it (the task hub's instance row, history table and
 * control-queue messages, in memory), and its status as the client reports it.
 */
import { type RuntimeStatus } from '../../functions/durableClientPort';
import { type InstanceStatus } from './events';
import { fromJson, type NewEvent } from './wire';

/** Statuses in which `startNew` refuses the id and messages are still accepted. */
export const ACTIVE: ReadonlySet<RuntimeStatus> = new Set([
  'Pending',
  'Running',
  'ContinuedAsNew',
  'Suspended',
]);
export const TERMINAL: ReadonlySet<RuntimeStatus> = new Set([
  'Completed',
  'Failed',
  'Terminated',
  'Canceled',
]);

export interface ParentLink {
  readonly instanceId: string;
  readonly executionId: string;
  readonly taskScheduledId: number;
}

export interface InboxMessage {
  /** The execution the message belongs to; undefined = whichever is current (client events, terminate). */
  readonly executionId: string | undefined;
  readonly event: NewEvent;
}

export interface Instance {
  readonly instanceId: string;
  readonly name: string;
  readonly parent: ParentLink | undefined;
  readonly createdTime: number;
  executionId: string;
  /** The current execution's serialized input. */
  input: string | undefined;
  status: RuntimeStatus;
  output: unknown;
  customStatus: unknown;
  lastUpdatedTime: number;
  lastEpisodeAt: number;
  /** Committed events of the current execution. */
  history: NewEvent[];
  /**
   * The committed events' JSON as the extension sends them on replay (`IsPlayed: true`), comma-joined
   * and grown as events are committed, so an episode does not re-serialize the whole history.
   */
  historyText: string;
  /** UTF-8 bytes of the JSON array of `historyJson` (the serialized history an episode receives). */
  historyBytes: number;
  /** Why the instance cannot progress, when the host knows (e.g. a dropped duplicate child start). */
  notes: string[];
  /** History length at which the host last reported the instance as stuck (reported once per state). */
  stuckReportedAt: number | undefined;
  /** Durable messages not yet in history (the control queue). */
  inbox: InboxMessage[];
  episodeScheduled: boolean;
  episodeRunning: boolean;
  crashed: boolean;
  /** Bumped by a crash: work dispatched before it reports into the void. */
  incarnation: number;
}

/** The status as durable-functions' DurableOrchestrationStatus carries it (absent values are JSON null). */
export function statusOf(inst: Instance): InstanceStatus {
  return {
    name: inst.name,
    instanceId: inst.instanceId,
    createdTime: new Date(inst.createdTime),
    lastUpdatedTime: new Date(inst.lastUpdatedTime),
    input: fromJson(inst.input) ?? null,
    output: inst.output ?? null,
    runtimeStatus: inst.status,
    customStatus: inst.customStatus ?? null,
    executionId: inst.executionId,
    ...(inst.parent ? { parentInstanceId: inst.parent.instanceId } : {}),
    historyLength: inst.history.length,
    historyBytes: inst.historyBytes,
    crashed: inst.crashed,
  };
}
