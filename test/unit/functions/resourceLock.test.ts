import { acquire, release, renew } from '../../../functions/entities/resourceLock';

describe('resource lock transitions', () => {
  const lease = 60_000;
  it('grants a free lock, refuses another owner until the lease ends, and lets only the holder release', () => {
    const a = acquire({}, { owner: 'run-a', token: 'ta', nowMs: 1_000, leaseMs: lease });
    expect(a.result).toEqual({ granted: true, token: 'ta', untilMs: 61_000 });
    const b = acquire(a.state, { owner: 'run-b', token: 'tb', nowMs: 2_000, leaseMs: lease });
    expect(b.result).toEqual({ granted: false, holder: 'run-a', untilMs: 61_000 });
    expect(release(b.state, { token: 'tb' })).toEqual(a.state);
    expect(release(b.state, { token: 'ta' })).toEqual({});
  });

  it("is re-entrant for the same acquisition (token) and expires a crashed holder's lease", () => {
    const a = acquire({}, { owner: 'run-a', token: 'ta', nowMs: 0, leaseMs: lease });
    expect(acquire(a.state, { owner: 'run-a', token: 'ta', nowMs: 10, leaseMs: lease }).result).toMatchObject(
      {
        granted: true,
      },
    );
    expect(
      acquire(a.state, { owner: 'run-b', token: 'tb', nowMs: lease, leaseMs: lease }).result,
    ).toMatchObject({
      granted: true,
      token: 'tb',
    });
  });

  it('refuses a second acquisition by the same owner with another token (a new execution of the same instance id)', () => {
    const a = acquire({}, { owner: 'fedlink:cluster:x', token: 't1', nowMs: 0, leaseMs: lease });
    expect(
      acquire(a.state, { owner: 'fedlink:cluster:x', token: 't2', nowMs: 10, leaseMs: lease }).result,
    ).toEqual({ granted: false, holder: 'fedlink:cluster:x', untilMs: lease });
  });

  it('renewal keeps a holder past its first lease, so nobody else gets in', () => {
    let state = acquire({}, { owner: 'run-a', token: 'ta', nowMs: 0, leaseMs: lease }).state;
    for (let t = lease / 2; t <= 5 * lease; t += lease / 2) {
      const r = renew(state, { token: 'ta', nowMs: t, leaseMs: lease });
      expect(r.result).toEqual({ renewed: true, untilMs: t + lease });
      state = r.state;
      expect(
        acquire(state, { owner: 'run-b', token: 'tb', nowMs: t + 1, leaseMs: lease }).result,
      ).toMatchObject({
        granted: false,
        holder: 'run-a',
      });
    }
  });

  it('fences an expired holder: once another run took the lock, its renew and its late release are refused', () => {
    const a = acquire({}, { owner: 'run-a', token: 'ta', nowMs: 0, leaseMs: lease });
    const b = acquire(a.state, { owner: 'run-b', token: 'tb', nowMs: lease + 1, leaseMs: lease });
    expect(b.result).toMatchObject({ granted: true, token: 'tb' });
    expect(renew(b.state, { token: 'ta', nowMs: lease + 2, leaseMs: lease }).result).toEqual({
      renewed: false,
      holder: 'run-b',
    });
    // The late release from run-a's execution leaves run-b holding the lock.
    const afterLateRelease = release(b.state, { token: 'ta' });
    expect(afterLateRelease).toEqual(b.state);
    expect(
      acquire(afterLateRelease, { owner: 'run-c', token: 'tc', nowMs: lease + 3, leaseMs: lease }).result,
    ).toMatchObject({ granted: false, holder: 'run-b' });
  });

  it('lets an expired holder renew when nobody else took the lock meanwhile (nobody wrote in between)', () => {
    const a = acquire({}, { owner: 'run-a', token: 'ta', nowMs: 0, leaseMs: lease });
    expect(renew(a.state, { token: 'ta', nowMs: 2 * lease, leaseMs: lease }).result).toEqual({
      renewed: true,
      untilMs: 3 * lease,
    });
  });
});
