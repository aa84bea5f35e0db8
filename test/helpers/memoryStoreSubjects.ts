/**
 * The in-memory work or report store as contract-test subjects: its documents in a Map (the default) and
 * in files (sandbox/fileDocs.ts, as the benchmark and `sandbox run` keep them). The files' folders are removed
 * after the test file's tests.
 */
import { createFileDocs, type FileDocs } from '../../sandbox/fileDocs';
import { type TextDocs } from '../../shared/core/textDocs';

export function memoryStoreSubjects<S extends { names(): string[] }>(
  create: (docs?: TextDocs) => S,
): [string, () => Promise<{ store: S; names: () => Promise<string[]> }>][] {
  const made: FileDocs[] = [];
  afterAll(() => {
    for (const docs of made) docs.remove();
  });
  const subject = (docs?: TextDocs) => {
    const store = create(docs);
    return Promise.resolve({ store, names: () => Promise.resolve(store.names()) });
  };
  return [
    ['memory', () => subject()],
    [
      "memory, documents in files (the benchmark's)",
      () => {
        const docs = createFileDocs();
        made.push(docs);
        return subject(docs);
      },
    ],
  ];
}
