/**
 * Text documents kept in files of one folder (shared/core/textDocs.ts): the stand-in stores of a
 * benchmark keep their bytes out of the measured process, as Blob Storage keeps a worker's documents out
 * of the worker. Only the names stay in memory. A document's file is named by the SHA-256 of its name,
 * so any store name fits a file name.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TextDocs } from '../shared/core/textDocs';
import { createMemoryReportStore, type MemoryReportStore } from '../shared/reportStore/memory';
import { createMemoryWorkStore, type MemoryWorkStore } from '../shared/workStore/memory';

export interface FileDocs extends TextDocs {
  /** The folder the documents are in. */
  readonly dir: string;
  /** Deletes the folder and everything in it. */
  remove(): void;
}

/** Documents in a fresh temporary folder (`prefix` names it). */
export function createFileDocs(prefix = 'fedlink-docs-'): FileDocs {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const files = new Map<string, string>();
  const fileOf = (name: string) => join(dir, createHash('sha256').update(name).digest('hex'));
  return {
    dir,
    get: (name) => {
      const file = files.get(name);
      return file === undefined ? undefined : readFileSync(file, 'utf8');
    },
    set: (name, text) => {
      const file = files.get(name) ?? fileOf(name);
      writeFileSync(file, text, 'utf8');
      files.set(name, file);
    },
    has: (name) => files.has(name),
    delete: (name) => {
      const file = files.get(name);
      if (file === undefined) return false;
      unlinkSync(file);
      return files.delete(name);
    },
    keys: () => files.keys(),
    remove: () => {
      files.clear();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The work and report stores of a measured worker, their documents in two fresh folders (`prefix` names
 * them): only what an activity reads or writes passes through the worker's heap. `remove` deletes both.
 */
export function createFileStores(prefix: string): {
  readonly work: MemoryWorkStore;
  readonly reports: MemoryReportStore;
  remove(): void;
} {
  const workDocs = createFileDocs(`${prefix}work-`);
  const reportDocs = createFileDocs(`${prefix}reports-`);
  return {
    work: createMemoryWorkStore(workDocs),
    reports: createMemoryReportStore(reportDocs),
    remove: () => {
      workDocs.remove();
      reportDocs.remove();
    },
  };
}
