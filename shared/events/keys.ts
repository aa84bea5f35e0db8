/**
 * keysForEvent: a delivered event → what to reconcile (docs/style.md 2, controller-runtime's `Request`).
 * Pure: no I/O, no clock, never throws; anything it cannot use is `ignore`, with the reason.
 *
 * Reconciled: `Microsoft.Resources.ResourceWriteSuccess` / `ResourceDeleteSuccess` (docs/azure-behaviour.md §3.1)
 * whose subject is a managed cluster, a user-assigned identity, a federated identity credential
 * (→ its identity) or a private endpoint. Failure, cancel and action events change nothing fedlink reads: ignored.
 *
 * Trust: nothing from the payload but the resource id is used, and the reconciler re-reads ARM, so a
 * forged event can at most cause one extra, converging reconcile. Still, an event that contradicts
 * itself is dropped rather than guessed at:
 * - the subject must be a well-formed ARM id of a handled type (ids compared case-insensitively:
 *   events mix `resourcegroups` / `resourceGroups`, §3.1);
 * - `data.resourceUri`, when present, must name the same resource as the subject;
 * - the topic / source, when it is a subscription or resource group scope, must be the subject's
 *   subscription (ARM system topics only carry events of their own subscription, §3.1).
 * `data.authorization`, `claims` and `httpRequest` are objects or strings depending on the producer
 * (§3.2); they are never read.
 */
import {
  type CloudEvent,
  type EventGridEvent,
  isSystemEvent,
  type KnownSystemEventTypes,
} from '@azure/eventgrid';
import {
  normalizeResourceId,
  parentResourceId,
  parseResourceId,
  ResourceIdError,
  sameResource,
  sameType,
  TYPES,
} from '../core/resourceId';
import { type DeliveredEvent, type EventKey, type ReconcileTarget, type ResourceChange } from './types';

export const RESOURCE_WRITE_SUCCESS = 'Microsoft.Resources.ResourceWriteSuccess' as const;
export const RESOURCE_DELETE_SUCCESS = 'Microsoft.Resources.ResourceDeleteSuccess' as const;
export const SUBSCRIPTION_VALIDATION = 'Microsoft.EventGrid.SubscriptionValidationEvent' as const;

/**
 * What this file reconciles, as data: the ARM event types (and the change each means) and the resource
 * types of subjects, with the target each one re-checks. `keysForEvent` decides from these tables, and
 * the Event Grid subscription in infra/ filters on exactly them (scripts/gen-infra-json.ts writes them
 * into infra/generated/event-filter.json; test/infra checks both), so Event Grid does not deliver
 * what would only be ignored here, and nothing reconciled here is filtered out there.
 */
export const HANDLED_EVENT_TYPES = [
  { eventType: RESOURCE_WRITE_SUCCESS, change: 'write' },
  { eventType: RESOURCE_DELETE_SUCCESS, change: 'delete' },
] as const satisfies readonly { eventType: KnownSystemEventTypes; change: ResourceChange }[];

/** `child`: the subject is a child of the target (a FIC → its identity, re-checked as a write). */
export const HANDLED_RESOURCE_TYPES = [
  { resourceType: TYPES.managedCluster, target: 'cluster', child: false },
  { resourceType: TYPES.userAssignedIdentity, target: 'identity', child: false },
  { resourceType: TYPES.federatedIdentityCredential, target: 'identity', child: true },
  // Private DNS (shared/dns): a private endpoint written anywhere may need its DNS zone group.
  { resourceType: TYPES.privateEndpoint, target: 'privateEndpoint', child: false },
] as const satisfies readonly { resourceType: string; target: ReconcileTarget; child: boolean }[];

/**
 * `data.operationName` of every event that `keysForEvent` reconciles: `<resource type>/write` or
 * `/delete` (docs/azure-behaviour.md §3.2, e.g. `Microsoft.ContainerService/managedClusters/write`).
 * ASSUMED for the FIC child type: ARM names it `<parent type>/federatedIdentityCredentials/<verb>`
 * like every other child operation; no recorded FIC event shows it.
 */
export const HANDLED_OPERATION_NAMES: readonly string[] = HANDLED_RESOURCE_TYPES.flatMap((r) =>
  HANDLED_EVENT_TYPES.map((e) => `${r.resourceType}/${e.change}`),
);

/** Event Grid validation codes are GUIDs; anything far longer is not one. */
const MAX_VALIDATION_CODE_LENGTH = 256;

interface Envelope {
  readonly id: string;
  readonly type: string;
  readonly subject: string | undefined;
  readonly topic: string | undefined;
  readonly data: unknown;
}

function envelope(delivered: ValidEvent): Envelope {
  if (delivered.schema === 'EventGridSchema') {
    const e: EventGridEvent<unknown> = delivered.event;
    return { id: e.id, type: e.eventType, subject: e.subject, topic: e.topic, data: e.data };
  }
  const e: CloudEvent<unknown> = delivered.event;
  return { id: e.id, type: e.type, subject: e.subject, topic: e.source, data: e.data };
}

function record(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

type ValidEvent = Exclude<DeliveredEvent, { schema: 'invalid' }>;

/** isSystemEvent compares the type string only (docs/azure-behaviour.md §3.9); `data` is always narrowed by hand here. */
function isType(delivered: ValidEvent, type: KnownSystemEventTypes): boolean {
  return delivered.schema === 'EventGridSchema'
    ? isSystemEvent(type, delivered.event)
    : isSystemEvent(type, delivered.event);
}

function changeOf(delivered: ValidEvent): ResourceChange | undefined {
  return HANDLED_EVENT_TYPES.find((handled) => isType(delivered, handled.eventType))?.change;
}

function clip(value: string): string {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
}

function subscriptionOfScope(scope: string): string | undefined {
  return /^\/subscriptions\/([^/]+)(\/|$)/i.exec(scope)?.[1];
}

/** The reconcile key for one delivered event, or why it is ignored (or the validation code). */
export function keysForEvent(delivered: DeliveredEvent): EventKey {
  if (delivered.schema === 'invalid') return { kind: 'ignore', reason: delivered.reason, suspect: true };
  const env = envelope(delivered);
  const ids = { eventId: env.id, eventType: env.type };

  if (isType(delivered, SUBSCRIPTION_VALIDATION)) {
    const data = record(env.data);
    const code = data?.['validationCode'];
    if (typeof code !== 'string' || code === '' || code.length > MAX_VALIDATION_CODE_LENGTH) {
      return {
        kind: 'ignore',
        reason: 'subscription validation event without a usable data.validationCode',
        suspect: true,
        ...ids,
      };
    }
    const url = data?.['validationUrl'];
    return {
      kind: 'validation',
      code,
      eventId: env.id,
      ...(typeof url === 'string' && url !== '' ? { validationUrl: url } : {}),
    };
  }

  const change = changeOf(delivered);
  if (change === undefined)
    return { kind: 'ignore', reason: `event type ${clip(env.type)} is not handled`, ...ids };

  const subject = env.subject;
  if (subject === undefined || subject === '')
    return { kind: 'ignore', reason: 'event has no subject', suspect: true, ...ids };
  let parsed;
  try {
    parsed = parseResourceId(subject);
  } catch (error) {
    const reason = error instanceof ResourceIdError ? error.message : String(error);
    return { kind: 'ignore', reason: `subject is ${reason}`, suspect: true, ...ids };
  }

  const handled = HANDLED_RESOURCE_TYPES.find((h) => sameType(parsed.type, h.resourceType));
  if (handled === undefined) {
    return {
      kind: 'ignore',
      reason: `subject is a ${parsed.type ?? 'subscription or resource group'}, not a managed cluster, user-assigned identity or private endpoint`,
      ...ids,
    };
  }
  const target: ReconcileTarget = handled.target;
  let resourceId = subject;
  let child: { resourceId: string; change: ResourceChange } | undefined;
  if (handled.child) {
    // A FIC written or deleted by anyone (fedlink included): re-check its identity. The identity
    // itself still exists, so for it this is a write.
    resourceId = parentResourceId(subject) ?? subject;
    child = { resourceId: subject, change };
  }

  const data = record(env.data);
  if (data && 'resourceUri' in data) {
    const resourceUri = data['resourceUri'];
    if (typeof resourceUri !== 'string' || !sameResource(resourceUri, subject)) {
      return {
        kind: 'ignore',
        reason: `data.resourceUri ${typeof resourceUri === 'string' ? clip(resourceUri) : `(${typeof resourceUri})`} does not match subject ${clip(subject)}`,
        suspect: true,
        ...ids,
      };
    }
  }

  const topicSubscription = env.topic !== undefined ? subscriptionOfScope(env.topic) : undefined;
  if (
    topicSubscription !== undefined &&
    topicSubscription.toLowerCase() !== parsed.subscriptionId.toLowerCase()
  ) {
    return {
      kind: 'ignore',
      reason: `subject is in subscription ${parsed.subscriptionId} but the event came from ${clip(env.topic ?? '')}`,
      suspect: true,
      ...ids,
    };
  }

  return {
    kind: 'reconcile',
    target,
    resourceId,
    resourceKey: normalizeResourceId(resourceId),
    change: child ? 'write' : change,
    ...ids,
    ...(child ? { child } : {}),
  };
}
