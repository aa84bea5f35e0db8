/**
 * The events edge: Event Grid deliveries in, reconcile keys out. See ./README.md.
 */
export {
  parseEventGridPayload,
  EventPayloadError,
  MAX_PAYLOAD_BYTES,
  MAX_EVENTS_PER_DELIVERY,
} from './parse';
export {
  keysForEvent,
  RESOURCE_WRITE_SUCCESS,
  RESOURCE_DELETE_SUCCESS,
  HANDLED_EVENT_TYPES,
  HANDLED_RESOURCE_TYPES,
  HANDLED_OPERATION_NAMES,
  SUBSCRIPTION_VALIDATION,
} from './keys';
export type { DeliveredEvent, EventKey, ReconcileTarget, ResourceChange } from './types';
