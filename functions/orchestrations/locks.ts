/**
 * Taking, renewing and releasing the per-resource write locks from an orchestration (see
 * functions/entities/resourceLock.ts and docs/adr/0003-identity-write-lock.md).
 *
 * Locks are taken one at a time in sorted key order, as durable-functions' own critical sections do
 * ("the lock set is sorted and deduplicated ... then acquired in order to prevent deadlock"), so two
 * runs can never each hold a lock the other waits for. A busy lock is polled with a durable timer,
 * never spun on; locks already held are renewed while waiting. Each acquisition carries a fresh
 * token from `context.df.newGuid` (deterministic on replay), which renew and release must present.
 */
import * as df from 'durable-functions';
import { type AcquireResult, type RenewResult, resourceLock } from '../entities/resourceLock';
import { type DfTask, type OrchestrationContext } from '../registry';

/** Longer than any one sync activity may run (Functions' 10-minute ceiling on Consumption). */
export const LOCK_LEASE_MS = 15 * 60_000;
/** A held lock is renewed when less than this is left, so every activity starts with most of a lease ahead. */
export const RENEW_BELOW_MS = 10 * 60_000;
const MAX_POLL_MS = 30_000;

/**
 * How long to wait before trying a busy lock again: 0.5 s doubling to 30 s, never past the end of the
 * holder's lease (a holder that crashed frees it then).
 */
export function lockWaitMs(attempt: number, leaseLeftMs: number): number {
  return Math.min(MAX_POLL_MS, 500 * 2 ** Math.min(attempt, 6), Math.max(100, leaseLeftMs));
}

export interface HeldLock {
  readonly key: string;
  readonly token: string;
  readonly untilMs: number;
}

function entity(key: string): df.EntityId {
  return new df.EntityId(resourceLock.name, key);
}

function logLine(context: OrchestrationContext, message: string): void {
  if (!context.df.isReplaying) context.log(message);
}

/** Renews the held locks that are close to expiry; `lost` are the keys whose token is no longer the lock's. */
export function* renewLocks(
  context: OrchestrationContext,
  held: readonly HeldLock[],
  force = false,
): Generator<DfTask, { held: HeldLock[]; lost: string[] }, unknown> {
  const nowMs = context.df.currentUtcDateTime.getTime();
  const due = held.filter((h) => force || h.untilMs - nowMs < RENEW_BELOW_MS);
  if (due.length === 0) return { held: [...held], lost: [] };
  // Task.all of an empty list is never scheduled: `due` is non-empty here.
  const results = (yield context.df.Task.all(
    due.map((h) =>
      context.df.callEntity(entity(h.key), 'renew', { token: h.token, nowMs, leaseMs: LOCK_LEASE_MS }),
    ),
  )) as RenewResult[];
  const renewed = new Map<string, number>();
  const lost: string[] = [];
  due.forEach((h, i) => {
    const r = results[i];
    if (r?.renewed) renewed.set(h.key, r.untilMs);
    else {
      lost.push(h.key);
      logLine(context, `write lock ${h.key} lost: its lease ended and ${r?.holder ?? 'another run'} took it`);
    }
  });
  return {
    held: held
      .filter((h) => !lost.includes(h.key))
      .map((h) => ({ ...h, untilMs: renewed.get(h.key) ?? h.untilMs })),
    lost,
  };
}

export function* acquireLocks(
  context: OrchestrationContext,
  keys: readonly string[],
): Generator<DfTask, HeldLock[], unknown> {
  const owner = context.df.instanceId;
  let held: HeldLock[] = [];
  for (const key of [...new Set(keys)].sort()) {
    const token = context.df.newGuid(`${owner}|lock|${key}`);
    for (let attempt = 0; ; attempt++) {
      const nowMs = context.df.currentUtcDateTime.getTime();
      const result = (yield context.df.callEntity(entity(key), 'acquire', {
        owner,
        token,
        nowMs,
        leaseMs: LOCK_LEASE_MS,
      })) as AcquireResult;
      if (result.granted) {
        held.push({ key, token, untilMs: result.untilMs });
        break;
      }
      logLine(context, `waiting for write lock ${key} held by ${result.holder}`);
      const waitMs = lockWaitMs(attempt, result.untilMs - nowMs);
      yield context.df.createTimer(new Date(nowMs + waitMs));
      // Waiting must not cost the locks already held. A lock lost here was never written under.
      const renewal = yield* renewLocks(context, held);
      held = renewal.held;
      if (renewal.lost.length > 0) {
        releaseLocks(context, held);
        return yield* acquireLocks(context, keys);
      }
    }
  }
  return held;
}

/** A lock another run holds, with the end of its lease. */
export interface BusyLock {
  readonly key: string;
  readonly holder: string;
  readonly untilMs: number;
}

/**
 * Tries every lock of `keys` at once (one `Task.all` of `acquire` calls: one round trip for the lot) and
 * waits for none of them: a busy lock is handed back, not polled. Each attempt carries a fresh token.
 * A caller that holds some locks while others are busy must never wait on a busy one for work under a
 * held one: see functions/orchestrations/batch.ts and docs/adr/0003-identity-write-lock.md "Revision 2".
 */
export function* tryLocks(
  context: OrchestrationContext,
  keys: readonly string[],
): Generator<DfTask, { granted: HeldLock[]; busy: BusyLock[] }, unknown> {
  const unique = [...new Set(keys)];
  if (unique.length === 0) return { granted: [], busy: [] };
  const owner = context.df.instanceId;
  const nowMs = context.df.currentUtcDateTime.getTime();
  const tokens = unique.map((key) => context.df.newGuid(`${owner}|lock|${key}`));
  const results = (yield context.df.Task.all(
    unique.map((key, i) =>
      context.df.callEntity(entity(key), 'acquire', {
        owner,
        token: tokens[i],
        nowMs,
        leaseMs: LOCK_LEASE_MS,
      }),
    ),
  )) as AcquireResult[];
  const granted: HeldLock[] = [];
  const busy: BusyLock[] = [];
  unique.forEach((key, i) => {
    const r = results[i];
    if (r?.granted) granted.push({ key, token: tokens[i] ?? r.token, untilMs: r.untilMs });
    else {
      busy.push({ key, holder: r?.holder ?? '', untilMs: r?.untilMs ?? nowMs });
      logLine(context, `write lock ${key} busy (held by ${r?.holder ?? 'another run'}); trying again later`);
    }
  });
  return { granted, busy };
}

/** Fire-and-forget release, fenced by each lock's token; a lost release only delays others until the lease ends. */
export function releaseLocks(context: OrchestrationContext, held: readonly HeldLock[]): void {
  for (const h of held) context.df.signalEntity(entity(h.key), 'release', { token: h.token });
}
