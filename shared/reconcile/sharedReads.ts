/**
 * Reads one fleet check shares between its activities (docs/targets.md performance 1: a read that every
 * batch would otherwise repeat is made once per check). The documents live in the check's own folder of
 * the work store (./workDocs.ts `shared`), so no read kept here is older than the check's scope phase, and
 * the check deletes them with the rest when it ends.
 *
 * `once(key, read)`: the first activity to ask claims the key with the store's atomic `create` and makes
 * the read; every other activity of the check finds the document, or, while the claimant is still reading,
 * waits for it (polling the store with growing pauses, at most `waitMs`). Concurrent batches therefore
 * never each make the read. A claimant whose read fails gives the claim back and throws (the caller turns
 * that into its usual outcome; a later caller claims again); a waiter that sees no document within
 * `waitMs` (its claimant crashed) makes the read itself, so a check never stalls on a lost claimant.
 * Failed reads are never kept.
 */
import { type Clock } from '../core/clock';
import { type Logger } from '../core/log';
import { type WorkStore, WorkStoreError } from '../workStore/store';

export interface SharedReads {
  /** `read()`'s answer, made by at most one activity of the check (normally), kept for the others. */
  once<T>(key: string, read: () => Promise<T>): Promise<T>;
  /** Keeps `value` under `key` for the check's later activities (the scope phase's own reads). */
  keep(key: string, value: unknown): Promise<void>;
}

/** How long a waiter waits for a claimant's document before reading itself (the clock's time). */
export const SHARED_WAIT_MS = 60_000;
const FIRST_PAUSE_MS = 250;
const MAX_PAUSE_MS = 5_000;

interface Kept<T> {
  readonly value: T;
}

/** Keys become one path segment of a work store name. */
function segment(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9._-]/g, '_');
}

/**
 * Shared reads under `dir` (a folder of the check's work store documents, ending in `/`), waiting on the
 * check's clock (virtual in the sandbox).
 */
export function storeSharedReads(
  store: WorkStore,
  dir: string,
  clock: Clock,
  log: Logger,
  waitMs = SHARED_WAIT_MS,
): SharedReads {
  const nameOf = (key: string) => `${dir}${segment(key)}`;

  async function found<T>(name: string): Promise<Kept<T> | undefined> {
    try {
      return await store.get<Kept<T>>(name);
    } catch (error) {
      if (error instanceof WorkStoreError && error.notFound) return undefined;
      throw error;
    }
  }

  async function readAndKeep<T>(name: string, read: () => Promise<T>): Promise<T> {
    const value = await read();
    await store.put(name, { value } satisfies Kept<T>);
    return value;
  }

  return {
    async keep(key, value) {
      await store.put(nameOf(key), { value });
    },

    async once<T>(key: string, read: () => Promise<T>): Promise<T> {
      const name = nameOf(key);
      const claim = `${name}.claim`;
      const deadline = clock.now() + waitMs;
      let pause = FIRST_PAUSE_MS;
      for (;;) {
        const kept = await found<T>(name);
        if (kept) return kept.value;
        if (await store.create(claim, { at: new Date(clock.now()).toISOString() })) {
          try {
            return await readAndKeep(name, read);
          } catch (error) {
            // Give the claim back, so that the next activity that needs the read makes it.
            await store.deletePrefix(claim).catch(() => 0);
            throw error;
          }
        }
        if (clock.now() >= deadline) {
          log.warn('shared read not kept in time; reading it here', { key, waitedMs: waitMs });
          return readAndKeep(name, read);
        }
        await clock.sleep(pause);
        pause = Math.min(MAX_PAUSE_MS, pause * 2);
      }
    },
  };
}
