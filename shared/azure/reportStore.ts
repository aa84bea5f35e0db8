/**
 * The report store (shared/reportStore/store.ts) in an Azure Blob Storage container, through
 * `@azure/storage-blob`. In Azure the container is `reports` in the app's own storage account
 * (infra/modules/app.bicep) and the client authenticates with the app's managed identity: no account
 * key, no SAS (`blobReportStoreFor(url, credential)`). Tests hand in a ContainerClient of their own
 * (Azurite with its development key: test/helpers/azurite.ts).
 *
 * Writes (docs/azure-behaviour.md §8.5):
 * - the history entry first, with `If-None-Match: *`, so it is written once and never replaced; a
 *   retried save of the same run finds it there and carries on;
 * - then latest.json, compare-and-swap on its ETag: read its properties (the run id and time are
 *   blob metadata, so the report itself is not downloaded), give up if it already holds this run or a
 *   newer one, else upload with `If-Match: <etag>` (or `If-None-Match: *` when there is none yet).
 *   A concurrent writer turns the upload into 412 ConditionNotMet (409 BlobAlreadyExists for
 *   `If-None-Match: *`), and the save reads again and decides again. So an older run never replaces
 *   a newer latest.json, whatever the order in which the writes land.
 *
 * Uploads go through the SDK's `uploadData` (one Put Blob up to its single-shot limit, staged blocks
 * above it): no chunking here. Retries of transient failures are the SDK pipeline's.
 *
 * A run's full list of findings (`saveFindings`) goes up with the SDK's `uploadStream`: the NDJSON is
 * staged in blocks of `findingsBlockBytes` as the findings arrive, at most two in flight, and committed
 * once with `If-None-Match: *` (the Put Block List carries the conditions, docs/azure-behaviour.md §8.5), so
 * a half-written list is never visible and a retried save keeps the first. `readFindings` reads the
 * download's body stream line by line: the SDK pauses the socket while the consumer is busy.
 */
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { type TokenCredential } from '@azure/core-auth';
import { type BlockBlobClient, ContainerClient, RestError } from '@azure/storage-blob';
import {
  checkCount,
  compareRuns,
  deserialise,
  HISTORY_PREFIX,
  historyName,
  LATEST_NAME,
  normaliseGeneratedAt,
  type ReportStore,
  ReportStoreError,
  type SaveResult,
  serialise,
  type StoredReport,
  type StoredReportRef,
  findingLine,
  findingsName,
  findingsNameOf,
  isHistoryDocument,
  parseFindingLine,
  type SavedFindings,
} from '../reportStore/store';
import { type Finding } from '../validation/findings';

/** How often a save re-reads latest.json after losing a race before it gives up. */
export const LATEST_WRITE_ATTEMPTS = 8;

/** The block size of a streamed findings upload: memory held is about twice this (two blocks in flight). */
export const FINDINGS_BLOCK_BYTES = 4 * 1024 * 1024;

/** Findings are handed to the upload in pieces of about this many bytes, not one line at a time. */
const FINDINGS_PIECE_BYTES = 64 * 1024;

export interface BlobReportStoreOptions {
  /** Block size of the findings upload (tests make it small to see blocks staged mid-stream). */
  readonly findingsBlockBytes?: number;
}

/** Blob metadata names (C# identifiers; Azure returns them lower-cased). */
const META_RUN_ID = 'runid';
const META_GENERATED_AT = 'generatedat';

/** The production store: the container at `containerUrl`, reached with `credential` (a managed identity). */
export function blobReportStoreFor(containerUrl: string, credential: TokenCredential): ReportStore {
  return blobReportStore(new ContainerClient(containerUrl, credential));
}

function codeOf(error: unknown): string | undefined {
  if (!(error instanceof RestError)) return undefined;
  return error.code ?? error.response?.headers.get('x-ms-error-code');
}

function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

export function blobReportStore(
  container: ContainerClient,
  options: BlobReportStoreOptions = {},
): ReportStore {
  const location = container.url;
  const blockBytes = options.findingsBlockBytes ?? FINDINGS_BLOCK_BYTES;

  /** A ReportStoreError that says what to do, for the failures an operator can fix; others unchanged. */
  const explain = (action: string, error: unknown): unknown => {
    const code = codeOf(error);
    if (code === 'ContainerNotFound')
      return new ReportStoreError(
        `cannot ${action}: the report container ${location} does not exist (ContainerNotFound); ` +
          'create it (infra/modules/app.bicep deploys "reports") or correct FEDLINK_REPORTS_URL',
        code,
      );
    if (statusOf(error) === 403)
      return new ReportStoreError(
        `cannot ${action}: access to ${location} was refused (${code ?? '403'}); the app's identity needs ` +
          'Storage Blob Data Contributor (or Owner) on the storage account',
        code,
      );
    return error;
  };

  const metadataOf = (entry: Pick<StoredReport, 'runId' | 'generatedAt'>): Record<string, string> => ({
    [META_RUN_ID]: encodeURIComponent(entry.runId),
    [META_GENERATED_AT]: entry.generatedAt,
  });

  const upload = (blob: BlockBlobClient, body: Buffer, entry: StoredReport, etag: string | undefined) =>
    blob.uploadData(body, {
      blobHTTPHeaders: { blobContentType: 'application/json' },
      metadata: metadataOf(entry),
      conditions: etag === undefined ? { ifNoneMatch: '*' } : { ifMatch: etag },
    });

  /** Lost a race on a conditional write: someone else wrote (or created) the blob first. */
  const lostRace = (error: unknown): boolean =>
    statusOf(error) === 412 || (statusOf(error) === 409 && codeOf(error) === 'BlobAlreadyExists');

  async function writeHistory(name: string, body: Buffer, entry: StoredReport): Promise<void> {
    try {
      await upload(container.getBlockBlobClient(name), body, entry, undefined);
    } catch (error) {
      // Already there: the same run saved before (an activity retried after this write). Append-only.
      if (lostRace(error)) return;
      throw explain(`write ${name}`, error);
    }
  }

  async function writeLatest(body: Buffer, entry: StoredReport): Promise<'written' | 'kept'> {
    const blob = container.getBlockBlobClient(LATEST_NAME);
    for (let attempt = 1; attempt <= LATEST_WRITE_ATTEMPTS; attempt++) {
      let etag: string | undefined;
      try {
        const props = await blob.getProperties();
        etag = props.etag;
        const runId = props.metadata?.[META_RUN_ID];
        const generatedAt = props.metadata?.[META_GENERATED_AT];
        // A latest.json without our metadata (put there by hand) counts as older than any run.
        if (
          runId !== undefined &&
          generatedAt !== undefined &&
          compareRuns(entry, { runId: decodeURIComponent(runId), generatedAt }) <= 0
        )
          return 'kept';
      } catch (error) {
        if (statusOf(error) !== 404 || codeOf(error) === 'ContainerNotFound')
          throw explain(`read ${LATEST_NAME}`, error);
        etag = undefined;
      }
      try {
        await upload(blob, body, entry, etag);
        return 'written';
      } catch (error) {
        if (!lostRace(error)) throw explain(`write ${LATEST_NAME}`, error);
      }
    }
    throw new ReportStoreError(
      `cannot write ${LATEST_NAME} in ${location}: it changed under every one of ${LATEST_WRITE_ATTEMPTS} attempts`,
    );
  }

  async function read(name: string): Promise<StoredReport | undefined> {
    let buffer: Buffer;
    try {
      buffer = await container.getBlockBlobClient(name).downloadToBuffer();
    } catch (error) {
      if (statusOf(error) === 404 && codeOf(error) !== 'ContainerNotFound') return undefined;
      throw explain(`read ${name}`, error);
    }
    return deserialise(name, buffer.toString('utf8'));
  }

  async function saveFindings(
    run: Pick<StoredReport, 'runId' | 'generatedAt'>,
    findings: AsyncIterable<Finding> | Iterable<Finding>,
  ): Promise<SavedFindings> {
    const entry = { runId: run.runId, generatedAt: normaliseGeneratedAt(run.generatedAt) };
    const name = findingsName(entry);
    const blob = container.getBlockBlobClient(name);
    try {
      await blob.getProperties();
      return { name, outcome: 'kept', count: 0 }; // a retried save: the first list stands, nothing is read
    } catch (error) {
      if (statusOf(error) !== 404 || codeOf(error) === 'ContainerNotFound')
        throw explain(`read ${name}`, error);
    }
    let count = 0;
    async function* pieces(): AsyncGenerator<Buffer> {
      let piece = '';
      for await (const finding of findings) {
        piece += findingLine(finding);
        count++;
        if (piece.length >= FINDINGS_PIECE_BYTES) {
          yield Buffer.from(piece, 'utf8');
          piece = '';
        }
      }
      if (piece !== '') yield Buffer.from(piece, 'utf8');
    }
    try {
      await blob.uploadStream(Readable.from(pieces(), { objectMode: false }), blockBytes, 2, {
        blobHTTPHeaders: { blobContentType: 'application/x-ndjson' },
        metadata: metadataOf(entry),
        conditions: { ifNoneMatch: '*' },
      });
    } catch (error) {
      if (lostRace(error)) return { name, outcome: 'kept', count: 0 };
      throw explain(`write ${name}`, error);
    }
    return { name, outcome: 'written', count };
  }

  /** The findings document of the run `name` (latest.json or a history name) is the report of. */
  async function findingsTarget(name: string): Promise<string | undefined> {
    if (name !== LATEST_NAME) return findingsNameOf(name);
    try {
      const props = await container.getBlockBlobClient(LATEST_NAME).getProperties();
      const runId = props.metadata?.[META_RUN_ID];
      const generatedAt = props.metadata?.[META_GENERATED_AT];
      if (runId !== undefined && generatedAt !== undefined)
        return findingsName({ runId: decodeURIComponent(runId), generatedAt });
    } catch (error) {
      if (statusOf(error) === 404 && codeOf(error) !== 'ContainerNotFound') return undefined;
      throw explain(`read ${LATEST_NAME}`, error);
    }
    // A latest.json put there by hand has no run metadata: its document says which run it is.
    const latest = await read(LATEST_NAME);
    return latest === undefined ? undefined : findingsName(latest);
  }

  async function readFindings(name: string): Promise<AsyncIterable<Finding> | undefined> {
    const target = await findingsTarget(name);
    if (target === undefined) return undefined;
    let body: NodeJS.ReadableStream | undefined;
    try {
      body = (await container.getBlockBlobClient(target).download()).readableStreamBody;
    } catch (error) {
      if (statusOf(error) === 404 && codeOf(error) !== 'ContainerNotFound') return undefined;
      throw explain(`read ${target}`, error);
    }
    if (body === undefined)
      throw new ReportStoreError(`cannot read ${target}: the download has no body stream`);
    return linesOf(target, body);
  }

  /** The virtual folders directly under `prefix`, newest (highest) first. */
  async function foldersUnder(prefix: string): Promise<string[]> {
    const folders: string[] = [];
    for await (const item of container.listBlobsByHierarchy('/', { prefix }))
      if (item.kind === 'prefix') folders.push(item.name);
    return folders.sort().reverse();
  }

  async function listRecent(count: number): Promise<StoredReportRef[]> {
    checkCount(count);
    const refs: StoredReportRef[] = [];
    // Walk years, months, days newest first, so only the days that hold the newest `count` runs are
    // listed, however long the history is.
    for (const year of await foldersUnder(HISTORY_PREFIX))
      for (const month of await foldersUnder(year))
        for (const day of await foldersUnder(month)) {
          if (refs.length >= count) return refs;
          const blobs: StoredReportRef[] = [];
          for await (const blob of container.listBlobsFlat({ prefix: day, includeMetadata: true })) {
            const runId = blob.metadata?.[META_RUN_ID];
            const generatedAt = blob.metadata?.[META_GENERATED_AT];
            // Not written by a store, or a run's findings list (not a report).
            if (runId === undefined || generatedAt === undefined || !isHistoryDocument(blob.name)) continue;
            blobs.push({
              name: blob.name,
              runId: decodeURIComponent(runId),
              generatedAt,
              bytes: blob.properties.contentLength ?? 0,
            });
          }
          blobs.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
          refs.push(...blobs.slice(0, count - refs.length));
        }
    return refs;
  }

  return {
    location,
    async save(entry): Promise<SaveResult> {
      const stored: StoredReport = { ...entry, generatedAt: normaliseGeneratedAt(entry.generatedAt) };
      const name = historyName(stored);
      const body = Buffer.from(serialise(stored), 'utf8');
      await writeHistory(name, body, stored);
      return { historyName: name, latest: await writeLatest(body, stored) };
    },
    latest: () => read(LATEST_NAME),
    read,
    saveFindings,
    readFindings,
    async listRecent(count) {
      try {
        return await listRecent(count);
      } catch (error) {
        throw explain('list the report history', error);
      }
    },
  };
}

/** The findings of an NDJSON body stream, line by line as the consumer asks for them. */
async function* linesOf(name: string, body: NodeJS.ReadableStream): AsyncGenerator<Finding> {
  const lines = createInterface({ input: body, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() !== '') yield parseFindingLine(name, lineNumber, line);
    }
  } finally {
    // A consumer that stops early (a client that went away) must not leave the download open.
    lines.close();
    if ('destroy' in body && typeof body.destroy === 'function') (body as Readable).destroy();
  }
}
