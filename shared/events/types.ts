/**
 * What the events edge produces: delivered events (narrowed by @azure/eventgrid's deserializer) and
 * the reconcile keys derived from them. Keys carry resource ids only (docs/design.md: events say *what*
 * to reconcile; the reconciler re-reads ARM).
 */
import { type CloudEvent, type EventGridEvent } from '@azure/eventgrid';

/** One event of a delivery, by schema (detected per event), or why it could not be read. */
export type DeliveredEvent =
  | { readonly schema: 'EventGridSchema'; readonly index: number; readonly event: EventGridEvent<unknown> }
  | { readonly schema: 'CloudEventSchemaV1_0'; readonly index: number; readonly event: CloudEvent<unknown> }
  | { readonly schema: 'invalid'; readonly index: number; readonly reason: string };

export type ReconcileTarget = 'cluster' | 'identity' | 'privateEndpoint';
export type ResourceChange = 'write' | 'delete';

export type EventKey =
  | {
      readonly kind: 'reconcile';
      readonly target: ReconcileTarget;
      /** The target's id as the event spelled it (for a FIC event: its parent identity's id). */
      readonly resourceId: string;
      /** `normalizeResourceId(resourceId)`: for comparison, map keys and instance ids (docs/style.md 12). */
      readonly resourceKey: string;
      /** What happened to the target: a FIC write or delete is a `write` of its identity. */
      readonly change: ResourceChange;
      readonly eventId: string;
      readonly eventType: string;
      /** Set when the event was about a child (a federated identity credential) of the target. */
      readonly child?: { readonly resourceId: string; readonly change: ResourceChange };
    }
  | {
      readonly kind: 'validation';
      /** `data.validationCode`, to echo as `{ "validationResponse": code }` (docs/azure-behaviour.md §3.7). */
      readonly code: string;
      readonly validationUrl?: string;
      readonly eventId: string;
    }
  | {
      readonly kind: 'ignore';
      readonly reason: string;
      /**
       * The event contradicts itself or cannot be read (malformed, subject/resourceUri/topic mismatch):
       * possibly spoofed, so it is logged as a warning and reported. Unset for events that are simply
       * not fedlink's business (other types, other resource types).
       */
      readonly suspect?: true;
      readonly eventId?: string;
      readonly eventType?: string;
    };
