import { acquire, release } from '../../../functions/entities/identityLock';

describe('identity lock transitions', () => {
  const lease = 60_000;
  it('grants a free lock, refuses another owner until the lease ends, and lets only the holder release', () => {
    const a = acquire({}, { owner: 'run-a', nowMs: 1_000, leaseMs: lease });
    expect(a.result).toEqual({ granted: true });
    const b = acquire(a.state, { owner: 'run-b', nowMs: 2_000, leaseMs: lease });
    expect(b.result).toEqual({ granted: false, holder: 'run-a', untilMs: 61_000 });
    expect(release(b.state, { owner: 'run-b' })).toEqual(a.state);
    expect(release(b.state, { owner: 'run-a' })).toEqual({});
  });

  it("is re-entrant for the holder and expires a crashed holder's lease", () => {
    const a = acquire({}, { owner: 'run-a', nowMs: 0, leaseMs: lease });
    expect(acquire(a.state, { owner: 'run-a', nowMs: 10, leaseMs: lease }).result).toEqual({ granted: true });
    expect(acquire(a.state, { owner: 'run-b', nowMs: lease, leaseMs: lease }).result).toEqual({
      granted: true,
    });
  });
});
