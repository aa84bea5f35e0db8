/**
 * Retry-After in virtual time, and the sandbox's time-compression device.
 *
 * The emulator speaks ARM's `Retry-After` in (virtual) seconds. The real SDK, however, waits in REAL time:
 * core-rest-pipeline's throttling strategy waits exactly the first present of `retry-after-ms`,
 * `x-ms-retry-after-ms` (ms) or `Retry-After` (s) on a 429/503 (docs/azure-behaviour.md §6.5). When the virtual clock
 * runs faster than real time (`clock.scale !== 1`) the emulator therefore ALSO sends
 * `retry-after-ms = ceil(RetryAfterSeconds × 1000 / scale) + 1`, so the real client waits the scaled
 * equivalent of what it was told and arrives at least Retry-After later in virtual time. The +1 ms covers
 * timer granularity. This header is a sandbox device; Azure's own 429s carry only Retry-After.
 *
 * LRO polling (core-lro) reads only `Retry-After`, in whole seconds, so LRO responses carry the scaled
 * value rounded up to at least one second (see lro.ts).
 */

export function throttleHeaders(waitVirtualMs: number, scale: number): Record<string, string> {
  const seconds = Math.max(1, Math.ceil(waitVirtualMs / 1000));
  const headers: Record<string, string> = { 'Retry-After': String(seconds) };
  if (scale !== 1) headers['retry-after-ms'] = String(Math.ceil((seconds * 1000) / scale) + 1);
  return headers;
}

/** The virtual ms a client must wait after a response carrying these headers (the advertised seconds). */
export function advertisedRetryAfterMs(headers: Readonly<Record<string, string>>): number | undefined {
  const v = headers['Retry-After'];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n * 1000 : undefined;
}

/** Retry-After for an LRO poll response: real whole seconds that represent `remainingVirtualMs`. */
export function lroRetryAfterSeconds(remainingVirtualMs: number, scale: number): number {
  return Math.max(1, Math.ceil(remainingVirtualMs / 1000 / scale));
}
