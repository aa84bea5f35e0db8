/**
 * Where the in-memory stores (shared/workStore/memory.ts, shared/reportStore/memory.ts) keep their
 * serialised documents, by name: a Map by default. The benchmark passes one that keeps the text in files
 * (sandbox/fileDocs.ts), so that what Blob Storage holds in Azure is not counted in the measured worker's
 * heap.
 */
export interface TextDocs {
  get(name: string): string | undefined;
  set(name: string, text: string): unknown;
  has(name: string): boolean;
  delete(name: string): boolean;
  keys(): Iterable<string>;
}
