/**
 * The per-identity write lock: a durable entity holding a lease.
 *
 * Azure rejects concurrent FIC writes to one identity with 409
 * ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity (docs/azure-behaviour.md §1.5), so every
 * fedlink run that writes FICs takes this lock first (invariant 3). Entity operations run one at a
 * time per entity, which makes acquire/release atomic. A lease (not a plain flag) means a holder that
 * crashed or was terminated cannot block the identity forever. Times come from the calling
 * orchestration's deterministic clock (context.df.currentUtcDateTime), passed in the input.
 * Why an entity and not `context.df.lock` or a singleton orchestration: docs/adr/0003-identity-write-lock.md.
 */
import { defineEntity } from '../registry';

export interface LockState {
  owner?: string;
  untilMs?: number;
}

export interface AcquireInput {
  owner: string;
  nowMs: number;
  leaseMs: number;
}

export type AcquireResult = { granted: true } | { granted: false; holder: string; untilMs: number };

export interface ReleaseInput {
  owner: string;
}

/** Pure transition, exported for unit tests. */
export function acquire(state: LockState, input: AcquireInput): { state: LockState; result: AcquireResult } {
  const free = state.owner === undefined || state.untilMs === undefined || state.untilMs <= input.nowMs;
  if (free || state.owner === input.owner) {
    return { state: { owner: input.owner, untilMs: input.nowMs + input.leaseMs }, result: { granted: true } };
  }
  return { state, result: { granted: false, holder: state.owner ?? '', untilMs: state.untilMs ?? 0 } };
}

/** Pure transition: only the holder can release. */
export function release(state: LockState, input: ReleaseInput): LockState {
  return state.owner === input.owner ? {} : state;
}

export const identityLock = defineEntity<LockState>('identityLock', (context) => {
  const state = context.df.getState(() => ({})) ?? {};
  switch (context.df.operationName) {
    case 'acquire': {
      const next = acquire(state, context.df.getInput<AcquireInput>() as AcquireInput);
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
      throw new Error(`identityLock: unknown operation ${String(context.df.operationName)}`);
  }
});
