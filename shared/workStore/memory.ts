/**
 * The work store in memory: the sandbox's default, and the reference the Blob store is tested against
 * (the same contract tests run on both). Documents are kept serialised, as a real store keeps them: a
 * caller that mutates a value after `put` does not change what was stored. `bytes()` is a running total
 * (the bench asks after every put).
 */
import { type TextDocs } from '../core/textDocs';
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

/** `docs`: where the serialised documents are kept (default: a Map; the benchmark keeps them in files). */
export function createMemoryWorkStore(docs: TextDocs = new Map<string, string>()): MemoryWorkStore {
  /** Per name: the UTF-8 size of the stored document. */
  const sizes = new Map<string, number>();
  /** The sum of `sizes`, kept as documents come and go. */
  let total = 0;
  return {
    location: 'memory',
    put: (name, value) =>
      settle(() => {
        const text = JSON.stringify(value);
        if (text === undefined) throw new WorkStoreError(`${name}: not a JSON value`);
        const key = checkName(name);
        const bytes = Buffer.byteLength(text, 'utf8');
        total += bytes - (sizes.get(key) ?? 0);
        docs.set(key, text);
        sizes.set(key, bytes);
      }),
    create: (name, value) =>
      settle(() => {
        const text = JSON.stringify(value);
        if (text === undefined) throw new WorkStoreError(`${name}: not a JSON value`);
        const key = checkName(name);
        if (sizes.has(key)) return false;
        const bytes = Buffer.byteLength(text, 'utf8');
        total += bytes;
        docs.set(key, text);
        sizes.set(key, bytes);
        return true;
      }),
    get: <T>(name: string) =>
      settle((): T => {
        const text = docs.get(checkName(name));
        if (text === undefined) throw new WorkStoreError(`${name}: no such work document`, true);
        return JSON.parse(text) as T;
      }),
    deletePrefix: (prefix) =>
      settle(() => {
        checkName(prefix);
        let deleted = 0;
        for (const [name, bytes] of [...sizes])
          if (name.startsWith(prefix)) {
            docs.delete(name);
            sizes.delete(name);
            total -= bytes;
            deleted++;
          }
        return deleted;
      }),
    names: () => [...sizes.keys()].sort(),
    bytes: () => total,
  };
}
