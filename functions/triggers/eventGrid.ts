/**
 * Event Grid trigger logic: ARM events name a resource; this starts (or re-runs) the reconcile
 * orchestration for it. Nothing from the payload but the validated resource id is used (docs/design.md).
 * An event that is dropped says why: a suspect one (malformed, contradicting itself, from another
 * subscription's topic) as a warning, one that is simply not fedlink's business at debug level.
 */
import { type Logger } from '../../shared/core/log';
import { instanceIdFor } from '../../shared/core/instanceIds';
import { keysForEvent, parseEventGridPayload } from '../../shared/events';
import { targetFor } from '../../shared/reconcile/target';
import { type ReconcileInput, type RunMode } from '../contracts';
import { type DurableClientPort } from '../durableClientPort';
import { reconcile, RERUN_EVENT } from '../orchestrations/reconcile';
import { startOrRerun } from './startRun';

/** The Event Grid trigger's function name: infra/ points the event subscription at `<site>/functions/<this>`. */
export const EVENT_GRID_FUNCTION_NAME = 'fedlinkEvents';

export type EventDisposition =
  | { readonly kind: 'started' | 'coalesced'; readonly instanceId: string; readonly resourceId: string }
  | {
      readonly kind: 'ignored';
      readonly reason: string;
      /** Possibly spoofed or malformed (reported), rather than an event fedlink does not handle. */
      readonly suspect: boolean;
      readonly eventId?: string;
    };

export interface EventHandlerOptions {
  readonly client: DurableClientPort;
  readonly mode: RunMode;
  readonly log: Logger;
}

/** Handles one delivery (an event, or an array of them, in Event Grid or CloudEvents schema). */
export async function handleEventGridDelivery(
  payload: unknown,
  options: EventHandlerOptions,
): Promise<EventDisposition[]> {
  const { client, mode, log } = options;
  let events;
  try {
    events = await parseEventGridPayload(payload);
  } catch (error) {
    const reason = `not an Event Grid or CloudEvents payload: ${error instanceof Error ? error.message : String(error)}`;
    log.warn('event dropped', { reason });
    return [{ kind: 'ignored', reason, suspect: true }];
  }
  const dispositions: EventDisposition[] = [];
  for (const event of events) {
    const key = keysForEvent(event);
    if (key.kind !== 'reconcile') {
      const suspect = key.kind === 'ignore' && key.suspect === true;
      const reason =
        key.kind === 'ignore' ? key.reason : 'subscription validation is answered by the Functions host';
      const fields = { reason, ...(key.eventId !== undefined ? { eventId: key.eventId } : {}) };
      if (suspect) log.warn('event dropped', fields);
      else log.debug('event ignored', fields);
      dispositions.push({
        kind: 'ignored',
        reason,
        suspect,
        ...(key.eventId !== undefined ? { eventId: key.eventId } : {}),
      });
      continue;
    }
    const target = targetFor(key.target, key.resourceId);
    const instanceId = instanceIdFor(key.target, key.resourceId);
    const input: ReconcileInput = { target, change: key.change, mode, trigger: 'event' };
    const outcome = await startOrRerun(client, reconcile.name, instanceId, input, RERUN_EVENT, log);
    log.info('event accepted', { resourceId: key.resourceId, instanceId, outcome, eventId: key.eventId });
    dispositions.push({ kind: outcome, instanceId, resourceId: key.resourceId });
  }
  return dispositions;
}
