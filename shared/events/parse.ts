/**
 * Event Grid delivery → typed events, through @azure/eventgrid's `EventGridDeserializer` (docs/style.md 6):
 * it validates the envelope (required string fields, `metadataVersion` "1", `specversion` "1.0") and
 * turns `eventTime` / `time` into Dates. This file only decides, per event, which schema to ask it for.
 *
 * Accepted shapes (docs/azure-behaviour.md §3.3, §3.4, §3.6, §3.8):
 * - a JSON array of events (an Event Grid webhook delivery, even of one event), or a single object
 *   (a CloudEvents delivery, or what the Functions `app.eventGrid` trigger hands over: one event,
 *   already parsed, with CloudEvents passed under the EventGridEvent type);
 * - as a string or bytes (an HTTP body) or already parsed;
 * - Event Grid schema and CloudEvents 1.0 schema, mixed if need be: the schema is detected per event.
 *
 * A delivery that is not JSON, not an object or array, too large or too long throws
 * `EventPayloadError`; an event that is not valid in its schema becomes a `schema: 'invalid'` entry,
 * so one bad event never hides the others of its batch.
 */
import { EventGridDeserializer } from '@azure/eventgrid';
import { type DeliveredEvent } from './types';

/**
 * Event Grid caps one event at 1 MB and a batch at `preferredBatchSizeInKilobytes` ≤ 1024 KB, with
 * an oversized single event sent alone; twice that leaves room for JSON whitespace and still bounds
 * the work an oversized or hostile body can cause.
 */
export const MAX_PAYLOAD_BYTES = 2 * 1024 * 1024;
/** `maxEventsPerBatch` is at most 5000 (docs/azure-behaviour.md §3.6). */
export const MAX_EVENTS_PER_DELIVERY = 5000;

export class EventPayloadError extends Error {
  override readonly name = 'EventPayloadError';
}

const deserializer = new EventGridDeserializer();

function toText(body: Uint8Array): string {
  if (body.byteLength > MAX_PAYLOAD_BYTES)
    throw new EventPayloadError(`delivery of ${body.byteLength} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new EventPayloadError('delivery is not UTF-8 text');
  }
}

function parseText(text: string): unknown {
  if (Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD_BYTES)
    throw new EventPayloadError(`delivery exceeds ${MAX_PAYLOAD_BYTES} bytes`);
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new EventPayloadError(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function measure(value: unknown): void {
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  } catch (error) {
    throw new EventPayloadError(
      `not a JSON value: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (size > MAX_PAYLOAD_BYTES)
    throw new EventPayloadError(`delivery of ${size} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * CloudEvents carry `specversion` (real deliveries always do, §3.4) and `type` + `source`; Event Grid
 * events carry `eventType`. An event with `specversion` is read as a CloudEvent even if it also has
 * `eventType`: the deserializer then says exactly what is wrong with it.
 */
function schemaOf(event: Record<string, unknown>): 'EventGridSchema' | 'CloudEventSchemaV1_0' | undefined {
  if ('specversion' in event) return 'CloudEventSchemaV1_0';
  if ('eventType' in event) return 'EventGridSchema';
  if ('type' in event && 'source' in event) return 'CloudEventSchemaV1_0';
  return undefined;
}

async function readOne(value: unknown, index: number): Promise<DeliveredEvent> {
  if (!isRecord(value)) return { schema: 'invalid', index, reason: `event ${index} is not an object` };
  const schema = schemaOf(value);
  try {
    if (schema === 'EventGridSchema') {
      const [event] = await deserializer.deserializeEventGridEvents(value);
      if (event) return { schema, index, event };
    } else if (schema === 'CloudEventSchemaV1_0') {
      const [event] = await deserializer.deserializeCloudEvents(value);
      if (event) return { schema, index, event };
    } else {
      return {
        schema: 'invalid',
        index,
        reason: `event ${index} is in neither the Event Grid schema (no eventType) nor CloudEvents 1.0 (no specversion)`,
      };
    }
  } catch (error) {
    return {
      schema: 'invalid',
      index,
      reason: `event ${index}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return { schema: 'invalid', index, reason: `event ${index} could not be read` };
}

/** Turns an Event Grid delivery into typed events, one entry per delivered event, in order. */
export async function parseEventGridPayload(body: unknown): Promise<DeliveredEvent[]> {
  let value: unknown;
  if (typeof body === 'string') value = parseText(body);
  else if (body instanceof Uint8Array) value = parseText(toText(body));
  else {
    measure(body);
    value = body;
  }
  const events = Array.isArray(value) ? value : isRecord(value) ? [value] : undefined;
  if (events === undefined)
    throw new EventPayloadError(
      `expected an event object or an array of events, got ${value === null ? 'null' : typeof value}`,
    );
  if (events.length > MAX_EVENTS_PER_DELIVERY)
    throw new EventPayloadError(`delivery of ${events.length} events exceeds ${MAX_EVENTS_PER_DELIVERY}`);
  return Promise.all(events.map((event, index) => readOne(event, index)));
}
