/**
 * Long-running ARM writes through the SDK's own pollers, carried across durable timers (docs/style.md 24).
 *
 * The @azure/arm-* packages fedlink uses (arm-privatedns 4.x, arm-network 39.x) are the modular
 * generation: `client.<group>.createOrUpdate(...)` returns a core-lro v3 `PollerLike`; the deprecated
 * `begin…` methods wrap it in a `SimplePollerLike` whose `toString()` is the same serialized state.
 * Neither takes a `restoreFrom` option: a poller is rebuilt with the package's exported
 * `restorePoller(client, serializedState, client.<group>.createOrUpdate)`. So a write:
 *
 *   start:  poller = client.x.createOrUpdate(...)  → await poller.submitted()  (the initial request)
 *           done already? → done; else → { pending, state: await poller.serialize(), Retry-After }
 *   resume: poller = restorePoller(client, state, client.x.createOrUpdate) → await poller.poll()  (one GET)
 *           done? → done; failed? → poll() throws the operation's error; else → pending again
 *
 * The activity never waits for the operation: the orchestration waits with a durable timer.
 * A failed operation: core-lro raises a plain `Error("The long-running operation has failed. <code>.
 * <message>")` (poller/operation.js); it is rethrown as an `ArmError` with that code, classified by the
 * one table (./errors.ts), so a refusal (BadRequest, Conflict, PreconditionFailed) is terminal and an
 * `AnotherOperationInProgress` is retried.
 * Retry-After: the initial answer's header (read through the operation's `onResponse`); a restored
 * poller's status GETs are sent by the package without an `onResponse` hook, so later waits reuse it.
 */

import { ArmError, classify } from './errors';

const OPERATION_FAILED = /^The long-running operation has failed(?:\. ([^.\s]+)\. ([\s\S]*))?$/;

/** core-lro's error for a Failed operation status, as a classified ArmError; anything else unchanged. */
export function operationError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof ArmError) return error;
  const m = OPERATION_FAILED.exec(error.message);
  if (!m) return error;
  const code = m[1];
  const { classification, rule } = classify(undefined, code);
  return new ArmError({
    code,
    message: m[2] ?? error.message,
    classification,
    rule: `operation failed: ${rule}`,
  });
}

async function guarded<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw operationError(error);
  }
}

/** The part of a core-lro v3 `PollerLike` this seam uses (typed structurally: core-lro is not a direct dependency). */
export interface LroPoller {
  readonly isDone: boolean;
  submitted(): Promise<void>;
  serialize(): Promise<string>;
  poll(options?: object): Promise<unknown>;
}

/** Where a long-running write stands after this activity's share of it. */
export type LroStep =
  | { readonly kind: 'done' }
  | { readonly kind: 'pending'; readonly state: string; readonly retryAfterSeconds: number };

/** Retry-After when the service sends none (core-lro's own default poll interval is 2 s; ARM asks for more). */
export const DEFAULT_LRO_RETRY_AFTER_SECONDS = 10;

/** Reads Retry-After (seconds, or an HTTP date) from a raw response's headers. */
export function retryAfterOf(
  headers: { get(name: string): string | undefined } | undefined,
  nowMs: number,
): number | undefined {
  const value = headers?.get('retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - nowMs) / 1000));
}

/**
 * Sends a new poller's initial request. A failed initial answer throws (the SDK's RestError); an
 * operation already finished (200/201 without a pending status) is `done`; otherwise `pending`.
 * An operation that already failed throws its error here, as `pollUntilDone` would.
 */
export async function startLro(
  poller: LroPoller,
  retryAfterSeconds: () => number | undefined,
): Promise<LroStep> {
  await poller.submitted();
  if (poller.isDone) {
    await poller.poll();
    return { kind: 'done' };
  }
  return {
    kind: 'pending',
    state: await poller.serialize(),
    retryAfterSeconds: retryAfterSeconds() ?? DEFAULT_LRO_RETRY_AFTER_SECONDS,
  };
}

/** Polls a restored poller once: `done`, `pending` with its new state, or the operation's error thrown. */
export async function pollLro(poller: LroPoller, retryAfterSeconds: number): Promise<LroStep> {
  await guarded(() => poller.poll());
  if (poller.isDone) {
    // poll() resolved on a finished operation: it succeeded (a failed or canceled one throws).
    return { kind: 'done' };
  }
  return { kind: 'pending', state: await poller.serialize(), retryAfterSeconds };
}
