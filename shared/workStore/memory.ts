/**
 * The work store in memory: the sandbox's default, and the reference the Blob store is tested against
 * (the same contract tests run on both). Documents are kept serialised, as a real store keeps them: a
 * caller that mutates a value after `put` does not change what was stored.
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
  const docs = new Map<string, string>();
  return {
    location: 'memory',
    put: (name, value) =>
      settle(() => {
        const text = JSON.stringify(value);
        if (text === undefined) throw new WorkStoreError(`${name}: not a JSON value`);
        docs.set(checkName(name), text);
      }),
    create: (name, value) =>
      settle(() => {
        const text = JSON.stringify(value);
        if (text === undefined) throw new WorkStoreError(`${name}: not a JSON value`);
        if (docs.has(checkName(name))) return false;
        docs.set(name, text);
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
        for (const name of [...docs.keys()])
          if (name.startsWith(prefix)) {
            docs.delete(name);
            deleted++;
          }
        return deleted;
      }),
    names: () => [...docs.keys()].sort(),
    bytes: () => [...docs.values()].reduce((n, text) => n + Buffer.byteLength(text), 0),
  };
}
