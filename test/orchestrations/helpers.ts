/**
 * Shared set-up for the orchestration replay tests: a DurableHost over this test file's own registry
 * definitions (jest gives every test file a fresh module registry, so names only need to be unique
 * per file), on a fast virtual clock, recording observer events.
 */
import { type ActivityDeps } from '../../functions/deps';
import { registeredFunctions } from '../../functions/registry';
import { silentLogger } from '../../shared/core/log';
import { VirtualClock } from '../../sandbox/clock';
import {
  DurableHost,
  type DurableHostEvent,
  type DurableHostOptions,
  HistoryEventType,
  type WireEvent,
} from '../../sandbox/durable';

export const START = Date.parse('2026-01-01T00:00:00Z');

export interface TestHost {
  readonly host: DurableHost;
  readonly clock: VirtualClock;
  readonly events: DurableHostEvent[];
}

export function testHost(options: Partial<DurableHostOptions> = {}): TestHost {
  // Scale 1000: a one-second durable timer costs a millisecond of real time when it is not jumped over.
  const clock = new VirtualClock({ start: START, scale: 1000 });
  const events: DurableHostEvent[] = [];
  // The test activities use only the clock; the Azure gateway and config are not part of these tests.
  const deps = { clock, log: silentLogger } as unknown as ActivityDeps;
  const host = new DurableHost({
    functions: registeredFunctions(),
    deps: () => deps,
    clock,
    observer: (e) => events.push(e),
    ...options,
  });
  return { host, clock, events };
}

/** The history event type names, in order (readable assertions). */
export function eventTypes(history: readonly WireEvent[]): string[] {
  return history.map((e) => HistoryEventType[e.EventType] ?? String(e.EventType));
}

export function ofType<T extends HistoryEventType>(
  history: readonly WireEvent[],
  type: T,
): Extract<WireEvent, { EventType: T }>[] {
  return history.filter((e): e is Extract<WireEvent, { EventType: T }> => e.EventType === type);
}

/** Resolves after `ms` of real time. */
export function realDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
