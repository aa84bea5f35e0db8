/**
 * The report store in memory: the sandbox's default, and the reference the Blob store is tested
 * against (the same contract tests run on both). Same names, same ordering, same "newest wins" rule;
 * nothing survives the process.
 */
import { type TextDocs } from '../core/textDocs';
import { type Finding } from '../validation/findings';
import {
  checkCount,
  compareRuns,
  deserialise,
  findingLine,
  findingsName,
  findingsNameOf,
  historyName,
  isHistoryDocument,
  LATEST_NAME,
  normaliseGeneratedAt,
  parseFindingLine,
  type ReportStore,
  type SavedFindings,
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

/** `docs`: where the serialised documents are kept (default: a Map; the benchmark keeps them in files). */
export function createMemoryReportStore(docs: TextDocs = new Map<string, string>()): MemoryReportStore {
  // Documents are kept serialised, as a real store keeps them: a caller that mutates its report after
  // saving it does not change what was stored.
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
    async saveFindings(run, findings): Promise<SavedFindings> {
      const name = findingsName({ ...run, generatedAt: normaliseGeneratedAt(run.generatedAt) });
      if (docs.has(name)) return { name, outcome: 'kept', count: 0 };
      // Kept as text, as the document is; the lines are joined once at the end.
      const lines: string[] = [];
      for await (const finding of findings) lines.push(findingLine(finding));
      if (docs.has(name)) return { name, outcome: 'kept', count: 0 };
      docs.set(name, lines.join(''));
      return { name, outcome: 'written', count: lines.length };
    },
    readFindings: (name) =>
      settle(() => {
        const run = name === LATEST_NAME ? read(LATEST_NAME) : undefined;
        if (name === LATEST_NAME && run === undefined) return undefined;
        const target = run !== undefined ? findingsName(run) : findingsNameOf(name);
        const text = docs.get(target);
        return text === undefined ? undefined : linesOf(target, text);
      }),
    listRecent: (count) =>
      settle((): StoredReportRef[] => {
        checkCount(count);
        const refs = [...docs.keys()]
          .filter(isHistoryDocument)
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

/** The findings of a stored NDJSON text, one line at a time (no split of the whole text into an array). */
async function* linesOf(name: string, text: string): AsyncGenerator<Finding> {
  let start = 0;
  let lineNumber = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end === -1 ? text.length : end);
    start = end === -1 ? text.length : end + 1;
    lineNumber++;
    if (line.trim() === '') continue;
    yield parseFindingLine(name, lineNumber, line);
    // Let other work run between findings, as a network stream would.
    if (lineNumber % 1000 === 0) await Promise.resolve();
  }
}
