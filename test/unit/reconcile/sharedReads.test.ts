/**
 * A fleet check's shared reads (shared/reconcile/sharedReads.ts): made once for every concurrent caller,
 * kept in the check's work store folder, never kept when they fail, and never waited for without end.
 */
import { type Clock } from '../../../shared/core/clock';
import { silentLogger } from '../../../shared/core/log';
import { storeSharedReads } from '../../../shared/reconcile/sharedReads';
import { createMemoryWorkStore } from '../../../shared/workStore/memory';

/** A clock whose sleeps pass at once (the time still moves, so deadlines are reached). */
function fastClock(): Clock {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}

const DIR = 'runs/check/e1/federation/shared/';

describe('shared reads of a fleet check', () => {
  it('makes the read once for many concurrent callers, and keeps it for later ones', async () => {
    const store = createMemoryWorkStore();
    const clock = fastClock();
    const shared = storeSharedReads(store, DIR, clock, silentLogger);
    let reads = 0;
    const read = async () => {
      reads++;
      await clock.sleep(2_000); // the list takes a while: the other callers wait for it

      return { clusters: ['a', 'b'] };
    };
    const answers = await Promise.all(Array.from({ length: 8 }, () => shared.once('arm-clusters', read)));
    expect(reads).toBe(1);
    for (const a of answers) expect(a).toEqual({ clusters: ['a', 'b'] });
    // A later activity of the same check (its own instance over the same store) reads nothing.
    const later = storeSharedReads(store, DIR, fastClock(), silentLogger);
    expect(await later.once('arm-clusters', read)).toEqual({ clusters: ['a', 'b'] });
    expect(reads).toBe(1);
    expect(store.names()).toEqual([`${DIR}arm-clusters`, `${DIR}arm-clusters.claim`]);
  });

  it('returns what the scope phase kept without reading', async () => {
    const store = createMemoryWorkStore();
    await storeSharedReads(store, DIR, fastClock(), silentLogger).keep('cluster-view', { n: 3 });
    const read = jest.fn(() => Promise.resolve({ n: 0 }));
    expect(await storeSharedReads(store, DIR, fastClock(), silentLogger).once('cluster-view', read)).toEqual({
      n: 3,
    });
    expect(read).not.toHaveBeenCalled();
  });

  it('keeps no failed read: the claim is given back and the next caller reads again', async () => {
    const store = createMemoryWorkStore();
    const shared = storeSharedReads(store, DIR, fastClock(), silentLogger);
    await expect(
      shared.once('arm-clusters', () => Promise.reject(new Error('429 throttled'))),
    ).rejects.toThrow('429 throttled');
    expect(store.names()).toEqual([]);
    expect(await shared.once('arm-clusters', () => Promise.resolve([1]))).toEqual([1]);
  });

  it('reads itself when the claimant never keeps its read (it crashed), after waiting at most waitMs', async () => {
    const store = createMemoryWorkStore();
    const clock = fastClock();
    await store.create(`${DIR}arm-clusters.claim`, { at: 'a crashed activity' });
    const shared = storeSharedReads(store, DIR, clock, silentLogger, 10_000);
    expect(await shared.once('arm-clusters', () => Promise.resolve(['own']))).toEqual(['own']);
    expect(clock.now()).toBeGreaterThanOrEqual(10_000);
    expect(clock.now()).toBeLessThan(20_000);
    expect(await store.get(`${DIR}arm-clusters`)).toEqual({ value: ['own'] });
  });
});
