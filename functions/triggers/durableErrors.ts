/**
 * Telling the durable client's failures apart, so a trigger answers what happened instead of one
 * catch-all ("409 already running", "404", "tick skipped"). The client's errors carry no typed code
 * (durable-functions lib/src/durableClient/DurableClient.js throws plain Errors naming the HTTP status
 * the extension answered), so: an unknown instance is recognised by that 404, and "already running"
 * is decided by reading the instance's status, never guessed from a failed start.
 */
import { type DurableClientPort } from '../durableClientPort';

export const RUNNING_STATES: ReadonlySet<string> = new Set([
  'Pending',
  'Running',
  'ContinuedAsNew',
  'Suspended',
]);

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The client's "no such instance": HTTP 404 from the extension, or the raiseEvent/terminate wording. */
export function isUnknownInstance(error: unknown): boolean {
  return /\bHTTP 404\b|No instance with ID/i.test(messageOf(error));
}

export type StartFailure =
  | { readonly kind: 'running'; readonly runtimeStatus: string }
  | { readonly kind: 'error'; readonly message: string };

/** Why `startNew(instanceId)` failed: an instance with that id is still running, or something else went wrong. */
export async function whyStartFailed(
  client: DurableClientPort,
  instanceId: string,
  error: unknown,
): Promise<StartFailure> {
  try {
    const status = String((await client.getStatus(instanceId)).runtimeStatus);
    if (RUNNING_STATES.has(status)) return { kind: 'running', runtimeStatus: status };
  } catch {
    // The status could not be read either: report the start's own error.
  }
  return { kind: 'error', message: messageOf(error) };
}
