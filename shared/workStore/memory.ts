/**
 * The work store in memory: the sandbox's default, and the reference the Blob store is tested against
 * (the same contract tests run on both). Documents are kept serialised, as a real store keeps them: a
 * caller that mutates a value after `put` does not change what was stored. `bytes()` is a running total
 * (the bench asks after every put).
 */
import { checkName, type WorkStore, WorkStoreError } from './store';

export interface MemoryWorkStore extends WorkStore {
  /** Every stored name, sorted (tests look at the layout). */
  names(): string[];
  /** Serialised bytes of everything stored now (the bench reports it). */
  bytes(): number;
}

/** Runs `f` as a promise: a throw becomes a rejection, as with the other stores. */
function settle<T>(f: () => T): Promise<T> {
  return new Promise((resolve) => resolve(f()));
}

export function createMemoryWorkStore(): MemoryWorkStore {
  /** Per name: the serialised document and its UTF-8 size. */
  const docs = new Map<string, { text: string; bytes: number }>();
  /** The sum of `bytes` over `docs`, kept as documents come and go. */
  let total = 0;
  return {
    location: 'memory',
    put: (name, value) =>
      settle(() => {
        const text = JSON.stringify(value);
        if (text === undefined) throw new WorkStoreError(`${name}: not a JSON value`);
        const key = checkName(name);
        const bytes = Buffer.byteLength(text, 'utf8');
        total += bytes - (docs.get(key)?.bytes ?? 0);
        docs.set(key, { text, bytes });
      }),
    create: (name, value) =>
      settle(() => {
        const text = JSON.stringify(value);
        if (text === undefined) throw new WorkStoreError(`${name}: not a JSON value`);
        const key = checkName(name);
        if (docs.has(key)) return false;
        const bytes = Buffer.byteLength(text, 'utf8');
        total += bytes;
        docs.set(key, { text, bytes });
        return true;
      }),
    get: <T>(name: string) =>
      settle((): T => {
        const doc = docs.get(checkName(name));
        if (doc === undefined) throw new WorkStoreError(`${name}: no such work document`, true);
        return JSON.parse(doc.text) as T;
      }),
    deletePrefix: (prefix) =>
      settle(() => {
        checkName(prefix);
        let deleted = 0;
        for (const [name, doc] of [...docs])
          if (name.startsWith(prefix)) {
            docs.delete(name);
            total -= doc.bytes;
            deleted++;
          }
        return deleted;
      }),
    names: () => [...docs.keys()].sort(),
    bytes: () => total,
  };
}
