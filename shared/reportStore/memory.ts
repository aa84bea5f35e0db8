/**
 * The report store in memory: the sandbox's default, and the reference the Blob store is tested
 * against (the same contract tests run on both). Same names, same ordering, same "newest wins" rule;
 * nothing survives the process.
 */
import {
  checkCount,
  compareRuns,
  deserialise,
  HISTORY_PREFIX,
  historyName,
  LATEST_NAME,
  normaliseGeneratedAt,
  type ReportStore,
  type SaveResult,
  serialise,
  type StoredReport,
  type StoredReportRef,
} from './store';

export interface MemoryReportStore extends ReportStore {
  /** Every stored name, sorted (tests look at the layout). */
  names(): string[];
}

/** Runs `f` as a promise: a throw becomes a rejection, as with the other stores. */
function settle<T>(f: () => T): Promise<T> {
  return new Promise((resolve) => resolve(f()));
}

export function createMemoryReportStore(): MemoryReportStore {
  // Documents are kept serialised, as a real store keeps them: a caller that mutates its report after
  // saving it does not change what was stored.
  const docs = new Map<string, string>();
  const read = (name: string): StoredReport | undefined => {
    const text = docs.get(name);
    return text === undefined ? undefined : deserialise(name, text);
  };
  return {
    location: 'memory',
    save: (entry) =>
      settle((): SaveResult => {
        const stored: StoredReport = { ...entry, generatedAt: normaliseGeneratedAt(entry.generatedAt) };
        const name = historyName(stored);
        const text = serialise(stored);
        if (!docs.has(name)) docs.set(name, text);
        const current = read(LATEST_NAME);
        if (current && compareRuns(stored, current) <= 0) return { historyName: name, latest: 'kept' };
        docs.set(LATEST_NAME, text);
        return { historyName: name, latest: 'written' };
      }),
    latest: () => settle(() => read(LATEST_NAME)),
    read: (name) => settle(() => read(name)),
    listRecent: (count) =>
      settle((): StoredReportRef[] => {
        checkCount(count);
        const refs = [...docs.keys()]
          .filter((name) => name.startsWith(HISTORY_PREFIX))
          .sort()
          .reverse()
          .slice(0, count)
          .map((name) => {
            const { runId, generatedAt } = read(name)!;
            return { name, runId, generatedAt, bytes: Buffer.byteLength(docs.get(name)!) };
          });
        return refs;
      }),
    names: () => [...docs.keys()].sort(),
  };
}
