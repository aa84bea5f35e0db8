/**
 * The work store contract (shared/workStore/store.ts), run against BOTH implementations: the Blob store
 * (shared/azure/workStore.ts) on Azurite, which this file starts on loopback and stops
 * (test/helpers/azurite.ts), and the in-memory store. Then what only the Blob store has: its blobs, a
 * missing container, a document that is not JSON, concurrent cleanups, the production credential.
 */
import { type AccessToken, type GetTokenOptions, type TokenCredential } from '@azure/core-auth';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { blobWorkStore, blobWorkStoreFor } from '../../shared/azure/workStore';
import { mapLimit } from '../../shared/core/concurrency';
import { createMemoryWorkStore } from '../../shared/workStore/memory';
import { memoryStoreSubjects } from '../helpers/memoryStoreSubjects';
import { MAX_NAME_LENGTH, runPrefix, type WorkStore, WorkStoreError } from '../../shared/workStore/store';
import { AZURITE_ACCOUNT, azuriteForFile, blobNames } from '../helpers/azurite';

/** Names per listing page of the Blob store under test (the service's most is 5,000). */
const LIST_PAGE = 60;

jest.setTimeout(120_000);

const azurite = azuriteForFile('work');
const { newContainer } = azurite;

interface Subject {
  store: WorkStore;
  /** Every stored name, sorted. */
  names: () => Promise<string[]>;
  /** How many names each page of a listing of `prefix` holds, for a store that lists in pages. */
  pageSizes?: (prefix: string) => Promise<number[]>;
}

/** The sizes of the pages the SDK's flat listing of `prefix` returns (what deletePrefix walks). */
async function pageSizes(container: ContainerClient, prefix: string): Promise<number[]> {
  const sizes: number[] = [];
  for await (const page of container.listBlobsFlat({ prefix }).byPage({ maxPageSize: LIST_PAGE }))
    sizes.push(page.segment.blobItems.length);
  return sizes;
}

const subjects: [string, () => Promise<Subject>][] = [
  [
    'blob (Azurite)',
    async () => {
      const container = await newContainer();
      return {
        // Small pages and batches, so that following continuations and splitting batches is exercised
        // without thousands of blobs (Azurite deletes about 20 a second on a loaded two-core machine).
        store: blobWorkStore(container, { listPageSize: LIST_PAGE, batchSize: 16 }),
        names: () => blobNames(container),
        pageSizes: (prefix) => pageSizes(container, prefix),
      };
    },
  ],
  ...memoryStoreSubjects(createMemoryWorkStore),
];

/** The rejection of `promise`, which must reject. */
async function rejection(promise: Promise<unknown>): Promise<WorkStoreError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WorkStoreError);
    return error as WorkStoreError;
  }
  throw new Error('expected a rejection');
}

const BAD_NAMES = [
  '',
  'Runs/upper-case',
  '/runs/leading-slash',
  '-runs/leading-hyphen',
  'runs/../escape',
  'runs/./dot',
  '..',
  'runs/with space',
  'runs/ü',
  'runs/back\\slash',
  'runs/query?x=1',
  'runs/hash#x',
  `runs/${'a'.repeat(MAX_NAME_LENGTH - 4)}`, // one character over the limit
];

describe.each(subjects)('the %s work store', (_kind, make) => {
  it('stores a document under its name and reads it back', async () => {
    const { store, names } = await make();
    const prefix = runPrefix('fedlink:drift:7F3E');
    expect(prefix).toBe('runs/fedlink:drift:7f3e/');
    await store.put(`${prefix}scope/00000.json`, { items: [{ id: 1 }, { id: 2 }] });
    await store.put(`${prefix}outcomes/batch-0001.json`, [{ status: 'pass' }]);
    expect(await names()).toEqual([
      'runs/fedlink:drift:7f3e/outcomes/batch-0001.json',
      'runs/fedlink:drift:7f3e/scope/00000.json',
    ]);
    expect(await store.get(`${prefix}scope/00000.json`)).toEqual({ items: [{ id: 1 }, { id: 2 }] });
    expect(await store.get(`${prefix}outcomes/batch-0001.json`)).toEqual([{ status: 'pass' }]);
  });

  it('replaces a document written again under the same name (a retried activity)', async () => {
    const { store, names } = await make();
    await store.put('runs/r/chunk', { version: 1, padding: 'x'.repeat(1000) });
    await store.put('runs/r/chunk', { version: 2 });
    expect(await store.get('runs/r/chunk')).toEqual({ version: 2 });
    expect(await names()).toEqual(['runs/r/chunk']);
  });

  it('creates a name only once: of concurrent creates exactly one wins, and the first value stays', async () => {
    const { store, names } = await make();
    const won = await Promise.all(
      Array.from({ length: 6 }, (_, i) => store.create('runs/r/shared/list.claim', { by: i })),
    );
    expect(won.filter((w) => w)).toHaveLength(1);
    const winner = won.indexOf(true);
    expect(await store.get('runs/r/shared/list.claim')).toEqual({ by: winner });
    expect(await store.create('runs/r/shared/list.claim', { by: 99 })).toBe(false);
    expect(await store.get('runs/r/shared/list.claim')).toEqual({ by: winner });
    // Deleted, the name can be created again (a claim given up after a failed read).
    expect(await store.deletePrefix('runs/r/shared/list.claim')).toBe(1);
    expect(await store.create('runs/r/shared/list.claim', { by: 7 })).toBe(true);
    expect(await names()).toEqual(['runs/r/shared/list.claim']);
  });

  it('keeps what was put, not what the caller changes afterwards', async () => {
    const { store } = await make();
    const value = { list: [1, 2, 3] };
    await store.put('runs/r/mutable', value);
    value.list.push(4);
    expect(await store.get('runs/r/mutable')).toEqual({ list: [1, 2, 3] });
  });

  it('says "not found" (notFound: true) for a name never written or deleted', async () => {
    const { store } = await make();
    const missing = await rejection(store.get('runs/r/never'));
    expect(missing.notFound).toBe(true);
    expect(missing.message).toMatch(/^runs\/r\/never: no such work document/);
    await store.put('runs/r/gone', 1);
    expect(await store.deletePrefix('runs/r/')).toBe(1);
    expect((await rejection(store.get('runs/r/gone'))).notFound).toBe(true);
  });

  it('deletes exactly the documents under a prefix, and nothing the second time', async () => {
    const { store, names } = await make();
    for (const name of ['runs/a/1', 'runs/a/x/2', 'runs/ab/3', 'runs/b/4', 'runs/a'])
      await store.put(name, name);
    expect(await store.deletePrefix('runs/a/')).toBe(2);
    expect(await names()).toEqual(['runs/a', 'runs/ab/3', 'runs/b/4']);
    expect(await store.deletePrefix('runs/a/')).toBe(0);
    expect(await store.deletePrefix('runs/none/')).toBe(0);
    expect(await store.get('runs/ab/3')).toBe('runs/ab/3');
  });

  it('deletes more documents than one listing page holds, and only those', async () => {
    const { store, names, pageSizes: listedPages } = await make();
    const count = 2 * LIST_PAGE + 1;
    const name = (i: number) => `runs/big/${String(i).padStart(5, '0')}`;
    await mapLimit(
      Array.from({ length: count }, (_, i) => i),
      32,
      (i) => store.put(name(i), { i }),
    );
    await store.put('runs/big-neighbour/0', 'kept');
    await store.put('runs/bi/0', 'kept');
    // Listed in pages (in Azure at most 5,000 names, docs/azure-behaviour.md §8.6; here LIST_PAGE): the
    // cleanup has to follow the continuations to find the last one.
    if (listedPages) expect(await listedPages('runs/big/')).toEqual([LIST_PAGE, LIST_PAGE, 1]);
    const started = performance.now();
    expect(await store.deletePrefix('runs/big/')).toBe(count);
    const ms = performance.now() - started;
    expect(await names()).toEqual(['runs/bi/0', 'runs/big-neighbour/0']);
    process.stderr.write(
      `work store (${_kind}): ${count} documents deleted by prefix in ${ms.toFixed(0)} ms\n`,
    );
  }, 120_000);

  it('refuses a bad name before anything is read or written', async () => {
    const { store, names } = await make();
    for (const bad of BAD_NAMES) {
      const expected = `not a work store name: ${JSON.stringify(bad.slice(0, 80))}`;
      for (const call of [store.put(bad, 1), store.get(bad), store.deletePrefix(bad)]) {
        const error = await rejection(call);
        expect([bad, error.message, error.notFound]).toEqual([bad, expected, false]);
      }
    }
    // The longest name there is, is fine.
    const longest = `runs/${'a'.repeat(MAX_NAME_LENGTH - 5)}`;
    expect(longest).toHaveLength(MAX_NAME_LENGTH);
    await store.put(longest, 'long');
    expect(await store.get(longest)).toBe('long');
    expect(await names()).toEqual([longest]);
  });

  it('refuses a value that is not JSON and writes nothing', async () => {
    const { store, names } = await make();
    expect((await rejection(store.put('runs/r/undefined', undefined))).message).toBe(
      'runs/r/undefined: not a JSON value',
    );
    expect((await rejection(store.put('runs/r/function', () => 1))).message).toBe(
      'runs/r/function: not a JSON value',
    );
    expect(await names()).toEqual([]);
  });

  it('round-trips unicode and the JSON edge values exactly', async () => {
    const { store } = await make();
    const value = {
      ascii: 'plain',
      accents: 'Zürich, São Paulo, Kraków, Ærøskøbing',
      cjk: '東京 서울 北京',
      emoji: '🔐🚀👩🏽‍💻🇪🇺',
      combining: 'e\u0301 a\u030a',
      rtl: 'שלום مرحبا',
      separators: 'line\u2028para\u2029tab\tnl\nnul\u0000',
      loneSurrogate: '\ud800',
      bom: '\ufeffstart',
      quotes: '"\'\\/</script>',
      numbers: [0, -1, 1.5, 1e21, Number.MAX_SAFE_INTEGER, -0],
      nothing: null,
      nested: { a: [[], {}, [{ b: [true, false] }]] },
      keys: { ключ: 1, '🔑': 2, '': 3 },
    };
    await store.put('runs/unicode/doc.json', value);
    const back = await store.get<typeof value>('runs/unicode/doc.json');
    expect(back).toEqual(JSON.parse(JSON.stringify(value)));
    expect(back.emoji).toBe('🔐🚀👩🏽‍💻🇪🇺');
    expect(back.loneSurrogate).toBe('\ud800');
    expect(back.separators).toBe('line\u2028para\u2029tab\tnl\nnul\u0000');
    expect(Object.is(back.numbers[5], 0)).toBe(true); // -0 is 0 in JSON
    expect(await store.get('runs/unicode/scalar-string').catch((e: WorkStoreError) => e.notFound)).toBe(true);
    await store.put('runs/unicode/scalar-string', 'ü');
    expect(await store.get('runs/unicode/scalar-string')).toBe('ü');
  });

  it('keeps a document of several MB whole', async () => {
    const { store } = await make();
    const outcomes = Array.from({ length: 30_000 }, (_, i) => ({
      capability: 'federation',
      resourceId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-${i}`,
      status: 'pass',
      message: `identity ${i} is federated with every cluster it should be — and nothing else ✓`,
    }));
    const bytes = Buffer.byteLength(JSON.stringify(outcomes));
    expect(bytes).toBeGreaterThan(6_000_000);
    const started = performance.now();
    await store.put('runs/mb/outcomes.json', outcomes);
    const back = await store.get<typeof outcomes>('runs/mb/outcomes.json');
    const ms = performance.now() - started;
    expect(back).toHaveLength(outcomes.length);
    expect(back).toEqual(outcomes);
    process.stderr.write(
      `work store (${_kind}): ${(bytes / 1e6).toFixed(1)} MB written and read back in ${ms.toFixed(0)} ms\n`,
    );
  });
});

describe('the memory work store', () => {
  it('counts the serialised UTF-8 bytes of what it holds (the bench reports them), as documents come and go', async () => {
    const store = createMemoryWorkStore();
    expect(store.bytes()).toBe(0);
    const ascii = {
      items: Array.from({ length: 500 }, (_, i) => ({ id: `item-${i}`, note: 'same text '.repeat(20) })),
    };
    const wide = { subject: 'système:ünïcödé ✓ 🚀' };
    await store.put('run-1/a', ascii);
    await store.put('run-1/b', wide);
    const expected =
      Buffer.byteLength(JSON.stringify(ascii), 'utf8') + Buffer.byteLength(JSON.stringify(wide), 'utf8');
    expect(store.bytes()).toBe(expected);
    // Written again under the same name: replaced, not added.
    await store.put('run-1/b', { subject: 'x' });
    expect(store.bytes()).toBe(
      Buffer.byteLength(JSON.stringify(ascii), 'utf8') + Buffer.byteLength('{"subject":"x"}'),
    );
    // `create` adds only what it stores: nothing when the name is taken.
    const afterPut = store.bytes();
    expect(await store.create('run-1/c', { n: 1 })).toBe(true);
    expect(await store.create('run-1/c', { n: 22222 })).toBe(false);
    expect(store.bytes()).toBe(afterPut + Buffer.byteLength('{"n":1}'));
    await expect(store.get('run-1/a')).resolves.toEqual(ascii);
    expect(await store.deletePrefix('run-1/')).toBe(3);
    expect(store.bytes()).toBe(0);
  });
});

describe('the blob work store', () => {
  it('writes each document as one JSON block blob named as the document', async () => {
    const container = await newContainer();
    await blobWorkStore(container).put('runs/r/doc.json', { a: 'ü', b: [1] });
    const blob = container.getBlockBlobClient('runs/r/doc.json');
    const props = await blob.getProperties();
    expect(props.contentType).toBe('application/json');
    expect(props.blobType).toBe('BlockBlob');
    expect((await blob.downloadToBuffer()).toString('utf8')).toBe('{"a":"ü","b":[1]}');
  });

  it('lets concurrent cleanups of the same prefix each delete some, together all, neither fail', async () => {
    const container = await newContainer();
    const store = blobWorkStore(container);
    const count = 300; // two batches (256 + 44)
    await mapLimit(
      Array.from({ length: count }, (_, i) => i),
      32,
      (i) => store.put(`runs/twice/${String(i).padStart(4, '0')}`, i),
    );
    // Both list the same names; whichever deletes a blob second gets 404 for it, which is not an error
    // and not counted (a retried cleanup, or the lifecycle rule getting there first).
    const counts = await Promise.all([store.deletePrefix('runs/twice/'), store.deletePrefix('runs/twice/')]);
    expect(counts[0] + counts[1]).toBe(count);
    expect(await blobNames(container)).toEqual([]);
    expect(await store.deletePrefix('runs/twice/')).toBe(0);
  });

  it('fails a cleanup that could not delete everything, naming why; run again, it finishes the rest', async () => {
    const container = await newContainer();
    const store = blobWorkStore(container);
    for (let i = 0; i < 5; i++) await store.put(`runs/leased/${i}`, i);
    // A leased blob refuses a delete without the lease id: 412 LeaseIdMissing, in its sub-response.
    const lease = container.getBlobClient('runs/leased/3').getBlobLeaseClient();
    await lease.acquireLease(-1);
    expect((await rejection(store.deletePrefix('runs/leased/'))).message).toBe(
      `cannot delete 1 of 5 blobs in ${container.url}: 412 LeaseIdMissing`,
    );
    // The other four are gone; the batch is not atomic (docs/azure-behaviour.md §8.6).
    expect(await blobNames(container)).toEqual(['runs/leased/3']);
    await lease.releaseLease();
    expect(await store.deletePrefix('runs/leased/')).toBe(1);
    expect(await blobNames(container)).toEqual([]);
  });

  it('says which container is missing and how to fix it; a missing container is not "not found"', async () => {
    const store = blobWorkStore(azurite.get().service.getContainerClient('no-such-container'));
    const missing = (action: string) =>
      `cannot ${action}: the work container ${azurite.get().blobEndpoint}/no-such-container does not exist ` +
      '(ContainerNotFound); create it (infra/modules/app.bicep deploys "fedlink-work") or correct FEDLINK_WORK_URL';
    expect((await rejection(store.put('runs/r/a', 1))).message).toBe(missing('write runs/r/a'));
    const read = await rejection(store.get('runs/r/a'));
    expect([read.message, read.notFound]).toEqual([missing('read runs/r/a'), false]);
    expect((await rejection(store.deletePrefix('runs/r/'))).message).toBe(missing('delete runs/r/*'));
  });

  it('names the container and the cause of any other failure', async () => {
    // The right account, the wrong key: every request is refused with 403.
    const wrongKey = new StorageSharedKeyCredential(
      AZURITE_ACCOUNT,
      Buffer.from('not the key').toString('base64'),
    );
    const container = await newContainer();
    const store = blobWorkStore(new ContainerClient(container.url, wrongKey));
    const refused =
      `access to ${container.url} was refused (AuthorizationFailure); the app's identity needs ` +
      'Storage Blob Data Contributor (or Owner) on the container or its storage account';
    expect((await rejection(store.put('runs/r/a', 1))).message).toBe(`cannot write runs/r/a: ${refused}`);
    expect((await rejection(store.get('runs/r/a'))).message).toBe(`cannot read runs/r/a: ${refused}`);
    expect((await rejection(store.deletePrefix('runs/r/'))).message).toBe(
      `cannot delete runs/r/*: ${refused}`,
    );
  });

  it('tells a stored blob that is not JSON apart from a missing one', async () => {
    const container = await newContainer();
    await container.getBlockBlobClient('runs/r/broken').upload('{"half": ', 9);
    const error = await rejection(blobWorkStore(container).get('runs/r/broken'));
    expect(error.notFound).toBe(false);
    expect(error.message).toMatch(
      new RegExp(`^runs/r/broken in ${container.url.replace(/[.]/g, '\\.')} is not JSON: `),
    );
  });

  it('refuses bad names without sending a request (a store on an address where nothing listens)', async () => {
    const store = blobWorkStore(
      new ContainerClient(
        'http://127.0.0.1:9/devstoreaccount1/nowhere',
        new StorageSharedKeyCredential(AZURITE_ACCOUNT, 'a2V5'),
      ),
    );
    expect((await rejection(store.put('runs/../x', 1))).message).toBe('not a work store name: "runs/../x"');
    expect((await rejection(store.get('Runs/x'))).message).toBe('not a work store name: "Runs/x"');
    expect((await rejection(store.deletePrefix(''))).message).toBe('not a work store name: ""');
  });

  it('signs the production way, with a bearer token from the TokenCredential, never a key', async () => {
    const asked: string[][] = [];
    const credential: TokenCredential = {
      getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
        asked.push([scopes].flat());
        return Promise.resolve({ token: 'not-a-real-token', expiresOnTimestamp: Date.now() + 3_600_000 });
      },
    };
    // As for the report store: the SDK's bearer-token policy refuses plain http before asking the
    // credential, which is why FEDLINK_WORK_URL must be https (shared/config/env.ts).
    const store = blobWorkStoreFor(`${azurite.get().blobEndpoint}/work-token`, credential);
    expect(store.location).toBe(`${azurite.get().blobEndpoint}/work-token`);
    expect((await rejection(store.get('runs/r/a'))).message).toContain(
      'Bearer token authentication is not permitted for non-TLS protected (non-https) URLs.',
    );
    expect(asked).toEqual([]);
  });
});
