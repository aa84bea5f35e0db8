/**
 * A work store for tests of fleet checks (the claim check, shared/reconcile/workDocs.ts): the in-memory
 * store, plus a copy of every document ever written, so a test can read a finished check's full outcomes
 * and findings (every pass included) after the check deleted its documents, and see what was read,
 * written and deleted.
 */
import { type Outcome } from '../../shared/reconcile/types';
import { type OutcomesDoc, runFindings } from '../../shared/reconcile/workDocs';
import { type Finding } from '../../shared/validation/findings';
import { createMemoryWorkStore, type MemoryWorkStore } from '../../shared/workStore/memory';
import { runPrefix } from '../../shared/workStore/store';

export interface KeptWorkStore extends MemoryWorkStore {
  /** Every name ever written (in the order of their first write). */
  written(): string[];
  /** Every `put`, in order (a name written twice appears twice). */
  puts(): string[];
  /** Every `get`, in order. */
  gets(): string[];
  /** The full findings (scope and final outcomes, passes included) of the run with this instance id. */
  findings(instanceId: string): Promise<Finding[]>;
  /** The final outcomes, in full (actions and every finding), of the run with this instance id. */
  outcomes(instanceId: string): Outcome[];
}

const FINDING_DOC = /\/(scope|out-\d+)$/;

export function keptWorkStore(): KeptWorkStore {
  const store = createMemoryWorkStore();
  const archive = createMemoryWorkStore();
  const copies = new Map<string, unknown>();
  const puts: string[] = [];
  const gets: string[] = [];
  const names = (instanceId: string) =>
    [...copies.keys()].filter((n) => n.startsWith(runPrefix(instanceId)) && FINDING_DOC.test(n));
  return {
    ...store,
    async put(name, value) {
      await store.put(name, value);
      await archive.put(name, value);
      copies.set(name, JSON.parse(JSON.stringify(value)) as unknown);
      puts.push(name);
    },
    get<T>(name: string): Promise<T> {
      gets.push(name);
      return store.get<T>(name);
    },
    written: () => [...copies.keys()],
    puts: () => [...puts],
    gets: () => [...gets],
    async findings(instanceId) {
      const out: Finding[] = [];
      for await (const f of runFindings(archive, names(instanceId))) out.push(f);
      return out;
    },
    outcomes: (instanceId) =>
      names(instanceId).flatMap((n) => (n.endsWith('/scope') ? [] : (copies.get(n) as OutcomesDoc).outcomes)),
  };
}
