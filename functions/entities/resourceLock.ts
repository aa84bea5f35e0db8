/**
 * The per-resource write lock: a durable entity holding a lease, fenced by a per-acquisition token.
 *
 * Azure rejects concurrent writes to one resource's children (409
 * ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity for FICs, docs/azure-behaviour.md §1.5),
 * so every run that writes takes the lock of the resource it writes under first (invariant 3). Entity
 * operations run one at a time per entity, which makes each transition atomic.
 *
 * - A lease (not a plain flag), so a holder that crashed or was terminated cannot block the resource forever.
 * - Renewed while held (`renew`, between rounds and while waiting for other locks), so a run that holds
 *   the lock longer than one lease (5 rounds, retries, queue back-off) keeps it; the next run waits.
 * - Fenced: each acquisition carries a fresh token (the orchestration's deterministic `newGuid`). Renew
 *   and release are ignored unless the token matches, so neither an expired holder's late renew nor a
 *   late release from an earlier execution (a fire-and-forget signal delivered after its lease ended and
 *   another run took the lock) lets two writers in. A holder whose renew is refused stops writing.
 * Times come from the calling orchestration's deterministic clock (context.df.currentUtcDateTime).
 * Why an entity, and why tokens: docs/adr/0003-identity-write-lock.md.
 */
import { defineEntity } from '../registry';

export interface LockState {
  owner?: string;
  token?: string;
  untilMs?: number;
}

export interface AcquireInput {
  owner: string;
  /** Fresh per acquisition; the holder's proof in renew and release. */
  token: string;
  nowMs: number;
  leaseMs: number;
}

export type AcquireResult =
  { granted: true; token: string; untilMs: number } | { granted: false; holder: string; untilMs: number };

export interface RenewInput {
  token: string;
  nowMs: number;
  leaseMs: number;
}

export type RenewResult = { renewed: true; untilMs: number } | { renewed: false; holder: string | undefined };

export interface ReleaseInput {
  token: string;
}

function heldBy(state: LockState, nowMs: number): boolean {
  return state.token !== undefined && state.untilMs !== undefined && state.untilMs > nowMs;
}

/** Pure transition, exported for unit tests: free or expired → granted with the caller's token; the same token again → renewed. */
export function acquire(state: LockState, input: AcquireInput): { state: LockState; result: AcquireResult } {
  if (!heldBy(state, input.nowMs) || state.token === input.token) {
    const untilMs = input.nowMs + input.leaseMs;
    return {
      state: { owner: input.owner, token: input.token, untilMs },
      result: { granted: true, token: input.token, untilMs },
    };
  }
  return { state, result: { granted: false, holder: state.owner ?? '', untilMs: state.untilMs ?? 0 } };
}

/**
 * Pure transition: extends the lease of the holder with this token. A token that is no longer the
 * lock's (the lease ended and someone else acquired it) is refused, even if that holder has since
 * released: the refused holder's view of the resource is stale, and it must not write on it.
 */
export function renew(state: LockState, input: RenewInput): { state: LockState; result: RenewResult } {
  if (state.token !== input.token) return { state, result: { renewed: false, holder: state.owner } };
  const untilMs = Math.max(state.untilMs ?? 0, input.nowMs + input.leaseMs);
  return { state: { ...state, untilMs }, result: { renewed: true, untilMs } };
}

/** Pure transition: only the acquisition with this token can release. */
export function release(state: LockState, input: ReleaseInput): LockState {
  return state.token === input.token ? {} : state;
}

export const resourceLock = defineEntity<LockState>('resourceLock', (context) => {
  const state = context.df.getState(() => ({})) ?? {};
  switch (context.df.operationName) {
    case 'acquire': {
      const next = acquire(state, context.df.getInput<AcquireInput>() as AcquireInput);
      context.df.setState(next.state);
      context.df.return(next.result);
      return;
    }
    case 'renew': {
      const next = renew(state, context.df.getInput<RenewInput>() as RenewInput);
      context.df.setState(next.state);
      context.df.return(next.result);
      return;
    }
    case 'release':
      context.df.setState(release(state, context.df.getInput<ReleaseInput>() as ReleaseInput));
      context.df.return(true);
      return;
    case undefined:
    default:
      throw new Error(`resourceLock: unknown operation ${String(context.df.operationName)}`);
  }
});
