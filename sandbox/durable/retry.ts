/**
 * Retry policy for callActivityWithRetry / callSubOrchestratorWithRetry, exactly as the extension
 * applies it: the JS `RetryOptions` is converted by the extension's RetryOptionsConverter (absent
 * fields keep the .NET defaults: backoffCoefficient 1, maxRetryInterval and retryTimeout unbounded;
 * milliseconds read as integers), then DTFx's RetryInterceptor drives the attempts
 * (Azure/durabletask src/DurableTask.Core/RetryInterceptor.cs):
 *
 *   for (retryCount = 0; retryCount < MaxNumberOfAttempts; retryCount++) {
 *     try { return await call(); } catch (e) { last = e; }
 *     nextDelay = ComputeNextDelay(retryCount, firstAttempt, last);
 *     if (nextDelay == 0) break;
 *     await CreateTimer(CurrentUtcDateTime + nextDelay);
 *   }
 *   throw last;
 *
 * So every failed attempt, the last one included, is followed by a durable timer, and durable-js's
 * RetryableTask mirrors that by reserving a sequence number for the timer and one for the next attempt.
 * When `retryTimeout` has expired, ComputeNextDelay returns 0: no timer, the task fails, and the JS
 * side (which ignores retryTimeout) keeps waiting for a timer that never comes, so the orchestration
 * hangs. That is the real behaviour (Azure/azure-functions-durable-js#629), reproduced here on purpose.
 */
import { type WireRetryOptions } from './wire';

export interface DtfxRetryOptions {
  readonly firstRetryIntervalMs: number;
  readonly maxNumberOfAttempts: number;
  readonly backoffCoefficient: number;
  /** Infinity = TimeSpan.MaxValue. */
  readonly maxRetryIntervalMs: number;
  /** Infinity = TimeSpan.MaxValue. */
  readonly retryTimeoutMs: number;
}

/** RetryOptionsConverter.ReadJson: `Value<int>()` for the millisecond fields. */
export function fromWire(options: WireRetryOptions): DtfxRetryOptions {
  return {
    firstRetryIntervalMs: Math.trunc(options.firstRetryIntervalInMilliseconds),
    maxNumberOfAttempts: Math.trunc(options.maxNumberOfAttempts),
    backoffCoefficient: options.backoffCoefficient ?? 1,
    maxRetryIntervalMs:
      options.maxRetryIntervalInMilliseconds !== undefined
        ? Math.trunc(options.maxRetryIntervalInMilliseconds)
        : Infinity,
    retryTimeoutMs:
      options.retryTimeoutInMilliseconds !== undefined
        ? Math.trunc(options.retryTimeoutInMilliseconds)
        : Infinity,
  };
}

/**
 * RetryInterceptor.ComputeNextDelay: 0 means "stop retrying". `Handle` is the default (retry every
 * exception); the JS API cannot set a handler.
 */
export function computeNextDelayMs(
  options: DtfxRetryOptions,
  attempt: number,
  firstAttemptMs: number,
  nowMs: number,
): number {
  const retryExpiration =
    options.retryTimeoutMs === Infinity ? Infinity : firstAttemptMs + options.retryTimeoutMs;
  if (!(nowMs < retryExpiration)) return 0;
  const next = options.firstRetryIntervalMs * Math.pow(options.backoffCoefficient, attempt);
  return next < options.maxRetryIntervalMs ? next : options.maxRetryIntervalMs;
}
