/**
 * The work store (shared/workStore/store.ts) in an Azure Blob Storage container, through
 * `@azure/storage-blob`: one block blob per document, named as the document. In Azure the container is
 * `fedlink-work` in the app's own storage account (infra/modules/app.bicep) and the client authenticates
 * with the app's managed identity: no account key, no SAS (`blobWorkStoreFor(url, credential)`). Tests
 * hand in a ContainerClient of their own (Azurite with its development key: test/helpers/azurite.ts).
 *
 * - `put` uploads the JSON with the SDK's `uploadData` (one Put Blob up to its single-shot limit, staged
 *   blocks above it), unconditionally: a retried activity writes the same name again and replaces.
 * - `create` is one Put Blob (`upload`) with `If-None-Match: *`: the service writes it only when no blob
 *   has the name, atomically, and answers 409 BlobAlreadyExists otherwise (false), so of concurrent
 *   creates exactly one succeeds (docs/azure-behaviour.md §8.6).
 * - `get` is one Get Blob (`download`), read whole and parsed: one response, so never half of an old
 *   document and half of a new one. 404 BlobNotFound is `notFound`; a missing container is not (that is
 *   a deployment fault, and the error says how to fix it).
 * - `deletePrefix` lists the prefix flat, page by page (at most 5,000 names a page,
 *   docs/azure-behaviour.md §8.6), and deletes each page with Blob Batch requests of at most 256
 *   deletes. A delete that answers 404 (a blob gone already: a cleanup retried after a partial run, or
 *   the lifecycle rule) is not an error and is not counted, so a retried cleanup is idempotent.
 *
 * Names are checked (`checkName`) before any request. Retries of transient failures are the SDK
 * pipeline's (its default exponential StorageRetryPolicy); a batch's sub-requests are not retried by
 * it, so a failed sub-request fails the whole `deletePrefix`, which can be run again.
 */
import { type TokenCredential } from '@azure/core-auth';
import { type BlobClient, ContainerClient, RestError } from '@azure/storage-blob';
import { mapLimit } from '../core/concurrency';
import { checkName, type WorkStore, WorkStoreError } from '../workStore/store';

/** The most deletes one Blob Batch request may carry (docs/azure-behaviour.md §8.6). */
export const BATCH_DELETE_LIMIT = 256;
/** Batch requests of one listed page in flight at once. */
const BATCH_CONCURRENCY = 4;

/** The production store: the container at `containerUrl`, reached with `credential` (a managed identity). */
export function blobWorkStoreFor(containerUrl: string, credential: TokenCredential): WorkStore {
  return blobWorkStore(new ContainerClient(containerUrl, credential));
}

function codeOf(error: unknown): string | undefined {
  if (!(error instanceof RestError)) return undefined;
  return error.code ?? error.response?.headers.get('x-ms-error-code');
}

function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

export interface BlobWorkStoreOptions {
  /**
   * Names per listing page in `deletePrefix`; default the service's most, 5,000 (docs/azure-behaviour.md
   * §8.6). Tests ask for small pages to follow continuations without writing thousands of blobs.
   */
  readonly listPageSize?: number;
  /** Deletes per Blob Batch request, at most BATCH_DELETE_LIMIT (the default). */
  readonly batchSize?: number;
}

export function blobWorkStore(container: ContainerClient, options: BlobWorkStoreOptions = {}): WorkStore {
  const location = container.url;
  const batchSize = Math.min(BATCH_DELETE_LIMIT, options.batchSize ?? BATCH_DELETE_LIMIT);
  const paging = options.listPageSize === undefined ? {} : { maxPageSize: options.listPageSize };

  /** Every failure as a WorkStoreError naming the container, the action and the cause. */
  const explain = (action: string, error: unknown): WorkStoreError => {
    if (error instanceof WorkStoreError) return error;
    const code = codeOf(error);
    const status = statusOf(error);
    if (code === 'ContainerNotFound')
      return new WorkStoreError(
        `cannot ${action}: the work container ${location} does not exist (ContainerNotFound); ` +
          'create it (infra/modules/app.bicep deploys "fedlink-work") or correct FEDLINK_WORK_URL',
      );
    if (status === 403)
      return new WorkStoreError(
        `cannot ${action}: access to ${location} was refused (${code ?? '403'}); the app's identity needs ` +
          'Storage Blob Data Contributor (or Owner) on the container or its storage account',
      );
    const cause = [status, code].filter((x) => x !== undefined).join(' ');
    return new WorkStoreError(
      `cannot ${action} in ${location}: ${cause !== '' ? `${cause}: ` : ''}${messageOf(error)}`,
    );
  };

  /** Deletes `blobs` (at most BATCH_DELETE_LIMIT) in one batch; returns how many it deleted (404s are not counted). */
  async function deleteBatch(blobs: BlobClient[]): Promise<number> {
    const response = await container.getBlobBatchClient().deleteBlobs(blobs);
    let deleted = 0;
    const failed: string[] = [];
    for (const sub of response.subResponses) {
      if (sub.status >= 200 && sub.status < 300) deleted++;
      else if (sub.status !== 404 || sub.errorCode === 'ContainerNotFound')
        failed.push(`${sub.status} ${sub.errorCode ?? ''}`.trim());
    }
    if (failed.length > 0)
      throw new WorkStoreError(
        `cannot delete ${failed.length} of ${blobs.length} blobs in ${location}: ${[...new Set(failed)].join(', ')}`,
      );
    return deleted;
  }

  return {
    location,

    async put(name, value) {
      checkName(name);
      const text = JSON.stringify(value);
      if (text === undefined) throw new WorkStoreError(`${name}: not a JSON value`);
      const body = Buffer.from(text, 'utf8');
      try {
        await container.getBlockBlobClient(name).uploadData(body, {
          blobHTTPHeaders: { blobContentType: 'application/json' },
        });
      } catch (error) {
        throw explain(`write ${name}`, error);
      }
    },

    async create(name, value) {
      checkName(name);
      const text = JSON.stringify(value);
      if (text === undefined) throw new WorkStoreError(`${name}: not a JSON value`);
      try {
        await container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text), {
          blobHTTPHeaders: { blobContentType: 'application/json' },
          conditions: { ifNoneMatch: '*' },
        });
      } catch (error) {
        if (statusOf(error) === 409 && codeOf(error) === 'BlobAlreadyExists') return false;
        throw explain(`create ${name}`, error);
      }
      return true;
    },

    async get<T>(name: string): Promise<T> {
      checkName(name);
      let body: Buffer;
      try {
        const response = await container.getBlobClient(name).download();
        body = await readAll(response.readableStreamBody!);
      } catch (error) {
        if (statusOf(error) === 404 && codeOf(error) !== 'ContainerNotFound')
          throw new WorkStoreError(`${name}: no such work document in ${location}`, true);
        throw explain(`read ${name}`, error);
      }
      try {
        return JSON.parse(body.toString('utf8')) as T;
      } catch (error) {
        throw new WorkStoreError(`${name} in ${location} is not JSON: ${messageOf(error)}`);
      }
    },

    async deletePrefix(prefix) {
      checkName(prefix);
      let deleted = 0;
      try {
        // One page at a time: a page's names are deleted before the next page is listed, so memory
        // holds one page whatever the number of documents. The continuation marker is the next name,
        // so deleting the names already listed does not disturb it.
        for await (const page of container.listBlobsFlat({ prefix }).byPage(paging)) {
          const blobs = page.segment.blobItems.map((item) => container.getBlobClient(item.name));
          const batches: BlobClient[][] = [];
          for (let i = 0; i < blobs.length; i += batchSize) batches.push(blobs.slice(i, i + batchSize));
          const counts = await mapLimit(batches, BATCH_CONCURRENCY, deleteBatch);
          deleted += counts.reduce((a, b) => a + b, 0);
        }
      } catch (error) {
        throw explain(`delete ${prefix}*`, error);
      }
      return deleted;
    },
  };
}
