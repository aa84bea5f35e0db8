/**
 * The report store: the Blob implementation (shared/azure/reportStore.ts) against Azurite, which this
 * file starts on loopback and stops (test/helpers/azurite.ts), and the in-memory one against the same
 * contract. Then the wiring: a drift check in the sandbox stores its report through the saveReport
 * activity, and GET /api/report serves the stored latest.json, also from a fresh host that never ran
 * the check.
 */
import { type AccessToken, type GetTokenOptions, type TokenCredential } from '@azure/core-auth';
import { createServer, connect, type Socket } from 'node:net';
import { ContainerClient, type StorageSharedKeyCredential } from '@azure/storage-blob';
import { type RunResult } from '../../functions/contracts';
import { DRIFT_INSTANCE_ID } from '../../shared/core/instanceIds';
import { startApiServer } from '../../sandbox/httpServer';
import { blobReportStore, blobReportStoreFor } from '../../shared/azure/reportStore';
import { silentLogger } from '../../shared/core/log';
import { createMemoryReportStore } from '../../shared/reportStore/memory';
import { memoryStoreSubjects } from '../helpers/memoryStoreSubjects';
import {
  findingsName,
  historyName,
  LATEST_NAME,
  type ReportStore,
  ReportStoreError,
  type StoredReport,
} from '../../shared/reportStore/store';
import { type Finding } from '../../shared/validation/findings';
import { buildReport } from '../../shared/validation/report';
import { AZURITE_ACCOUNT, azuriteForFile, blobNames } from '../helpers/azurite';
import { cluster, identity, running } from '../helpers/scenario';

jest.setTimeout(60_000);

const azurite = azuriteForFile('reports');
const { newContainer } = azurite;

function manyFindings(n: number, pad = 0): Finding[] {
  return Array.from({ length: n }, (_, i) => ({
    check: i % 7 === 0 ? 'federation.cluster-oidc' : 'federation.fic-present',
    resourceId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-${i}`,
    status: i % 7 === 0 ? ('warn' as const) : ('pass' as const),
    message: `identity id-${i} ü ✓ "quoted"\nsecond line${'.'.repeat(pad)}`,
    ...(i % 7 === 0 ? { remediation: 'az aks update --enable-workload-identity' } : {}),
  }));
}

async function collect<T>(items: AsyncIterable<T> | undefined): Promise<T[] | undefined> {
  if (items === undefined) return undefined;
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function entry(runId: string, generatedAt: string, extra: Record<string, unknown> = {}): StoredReport {
  return { runId, generatedAt, report: { summary: { pass: 1, warn: 0, fail: 0 }, findings: [], ...extra } };
}

/** A TCP proxy on loopback to `target` that counts the bytes coming back from it. */
async function countingProxy(
  target: URL,
): Promise<{ url: string; bytes: () => number; close: () => Promise<void> }> {
  let received = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    upstream.on('data', (chunk: Buffer) => (received += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    bytes: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Subject {
  store: ReportStore;
  /** Every stored name, sorted. */
  names: () => Promise<string[]>;
}

const subjects: [string, () => Promise<Subject>][] = [
  [
    'blob (Azurite)',
    async () => {
      const container = await newContainer();
      return { store: blobReportStore(container), names: () => blobNames(container) };
    },
  ],
  ...memoryStoreSubjects(createMemoryReportStore),
];

describe.each(subjects)('the %s report store', (_kind, make) => {
  it('saves history/<yyyy>/<mm>/<dd>/<timestamp>-<runId>.json and latest.json with the same document', async () => {
    const { store, names } = await make();
    const saved = entry('fedlink:drift', '2026-03-14T09:26:53.589Z', { note: 'ü ✓' });
    expect(await store.save(saved)).toEqual({
      historyName: 'history/2026/03/14/20260314T092653.589Z-fedlink_drift.json',
      latest: 'written',
    });
    expect(await names()).toEqual([
      'history/2026/03/14/20260314T092653.589Z-fedlink_drift.json',
      'latest.json',
    ]);
    expect(await store.latest()).toEqual(saved);
    expect(await store.read('history/2026/03/14/20260314T092653.589Z-fedlink_drift.json')).toEqual(saved);
    expect(await store.read('history/2026/03/14/nothing.json')).toBeUndefined();
  });

  it("streams a run's every finding into NDJSON beside its history document, and back line by line", async () => {
    const { store, names } = await make();
    const run = { runId: 'fedlink:drift', generatedAt: '2026-03-14T09:26:53.589Z' };
    const findings = manyFindings(2_500);
    async function* slowly(): AsyncGenerator<Finding> {
      for (const f of findings) {
        await Promise.resolve();
        yield f;
      }
    }
    expect(await store.saveFindings(run, slowly())).toEqual({
      name: 'history/2026/03/14/20260314T092653.589Z-fedlink_drift.findings.ndjson',
      outcome: 'written',
      count: 2_500,
    });
    // Not a report: never listed as a run, and the run has no report (nor latest) until it is saved.
    expect(await store.listRecent(5)).toEqual([]);
    expect(await store.readFindings(LATEST_NAME)).toBeUndefined();
    const history = historyName(run);
    expect(await collect(await store.readFindings(history))).toEqual(findings);
    await store.save({ ...run, report: buildReport(findings) });
    expect(await names()).toEqual([findingsName(run), history, LATEST_NAME]);
    expect((await store.listRecent(5)).map((r) => r.name)).toEqual([history]);
    expect(await collect(await store.readFindings(LATEST_NAME))).toEqual(findings);

    // A retried save keeps the first list and does not even read the new one.
    // eslint-disable-next-line require-yield -- it must fail if iterated
    async function* untouchable(): AsyncGenerator<Finding> {
      await Promise.reject(new Error('a kept findings list was read again'));
    }
    expect(await store.saveFindings(run, untouchable())).toEqual({
      name: findingsName(run),
      outcome: 'kept',
      count: 0,
    });
    // A run that stored no list, and a name that is no report.
    expect(await store.readFindings(historyName({ ...run, runId: 'other' }))).toBeUndefined();
    await expect(store.readFindings('history/x.findings.ndjson')).rejects.toThrow(ReportStoreError);
  });

  it('stores an empty list as an empty document, and a sync iterable too', async () => {
    const { store } = await make();
    const run = { runId: 'r', generatedAt: '2026-03-14T09:00:00Z' };
    expect((await store.saveFindings(run, [])).count).toBe(0);
    expect(await collect(await store.readFindings(historyName(run)))).toEqual([]);
  });

  it('has no latest before the first save', async () => {
    const { store } = await make();
    expect(await store.latest()).toBeUndefined();
    expect(await store.listRecent(5)).toEqual([]);
  });

  it('keeps a newer latest.json when an older run saves after it; both stay in the history', async () => {
    const { store, names } = await make();
    const newer = entry('fedlink:drift', '2026-03-14T10:00:00.000Z');
    const older = entry('fedlink:plan:fleet:1', '2026-03-14T09:00:00.000Z');
    expect((await store.save(newer)).latest).toBe('written');
    expect((await store.save(older)).latest).toBe('kept');
    expect(await store.latest()).toEqual(newer);
    expect(await names()).toEqual([historyName(older), historyName(newer), LATEST_NAME]);
  });

  it('lets the newest of concurrent saves win, whatever order they land in', async () => {
    const { store } = await make();
    // Two at once, the older one started first.
    const a = entry('run-a', '2026-03-14T10:00:00.001Z');
    const b = entry('run-b', '2026-03-14T10:00:00.000Z');
    await Promise.all([store.save(b), store.save(a)]);
    expect((await store.latest())?.runId).toBe('run-a');
    // Then eight at once in a shuffled order; the newest is in the middle.
    const times = [3, 7, 1, 8, 2, 6, 4, 5].map((s) => `2026-03-14T11:00:0${s}.000Z`);
    await Promise.all(times.map((t, i) => store.save(entry(`run-${i}`, t))));
    expect(await store.latest()).toEqual(entry('run-3', '2026-03-14T11:00:08.000Z'));
    expect((await store.listRecent(100)).map((r) => r.runId)).toEqual([
      'run-3',
      'run-1',
      'run-5',
      'run-7',
      'run-6',
      'run-0',
      'run-4',
      'run-2',
      'run-a',
      'run-b',
    ]);
  });

  it('breaks a tie of the same millisecond by run id, the same way for every writer', async () => {
    const { store } = await make();
    await Promise.all([
      store.save(entry('run-y', '2026-03-14T12:00:00.000Z')),
      store.save(entry('run-z', '2026-03-14T12:00:00.000Z')),
    ]);
    expect((await store.latest())?.runId).toBe('run-z');
  });

  it('writes nothing new when the same run is saved again (a retried activity)', async () => {
    const { store, names } = await make();
    const saved = entry('fedlink:drift', '2026-03-14T10:00:00.000Z');
    await store.save(saved);
    expect(await store.save({ ...saved, report: { changed: true } })).toEqual({
      historyName: historyName(saved),
      latest: 'kept',
    });
    expect(await names()).toEqual([historyName(saved), LATEST_NAME]);
    expect(await store.latest()).toEqual(saved);
  });

  it('lists recent runs newest first, across days, months and years', async () => {
    const { store } = await make();
    const times = [
      '2025-12-31T23:59:59.999Z',
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T06:00:00.000Z',
      '2026-02-10T08:30:00.000Z',
      '2026-02-09T08:30:00.000Z',
      '2024-06-01T00:00:00.000Z',
    ];
    for (const [i, t] of times.entries()) await store.save(entry(`run-${i}`, t));
    const recent = await store.listRecent(4);
    expect(recent.map((r) => r.name)).toEqual([
      'history/2026/02/10/20260210T083000.000Z-run-3.json',
      'history/2026/02/09/20260209T083000.000Z-run-4.json',
      'history/2026/01/01/20260101T060000.000Z-run-2.json',
      'history/2026/01/01/20260101T000000.000Z-run-1.json',
    ]);
    expect(recent[0]).toEqual({
      name: 'history/2026/02/10/20260210T083000.000Z-run-3.json',
      runId: 'run-3',
      generatedAt: '2026-02-10T08:30:00.000Z',
      bytes: Buffer.byteLength(
        JSON.stringify({
          runId: 'run-3',
          generatedAt: '2026-02-10T08:30:00.000Z',
          report: entry('', '').report,
        }),
      ),
    });
    expect((await store.listRecent(100)).map((r) => r.runId)).toEqual([
      'run-3',
      'run-4',
      'run-2',
      'run-1',
      'run-0',
      'run-5',
    ]);
    expect(await store.listRecent(0)).toEqual([]);
    await expect(store.listRecent(-1)).rejects.toThrow('count must be a non-negative integer, got -1');
  });

  it('refuses a timestamp it cannot file', async () => {
    const { store, names } = await make();
    await expect(store.save(entry('r', '14/03/2026 10:00'))).rejects.toThrow(
      'generatedAt must be an ISO 8601 UTC timestamp such as 2026-03-14T12:00:00.000Z, got "14/03/2026 10:00"',
    );
    await expect(store.save(entry('r', '2026-03-14T10:00:00+01:00'))).rejects.toThrow(ReportStoreError);
    await expect(store.save(entry('', '2026-03-14T10:00:00.000Z'))).rejects.toThrow(
      'runId must not be empty',
    );
    expect(await names()).toEqual([]);
  });
});

describe('the blob report store', () => {
  it('uploads JSON with the run in the blob metadata', async () => {
    const container = await newContainer();
    await blobReportStore(container).save(entry('fedlink:plan:fleet:7f3e', '2026-03-14T10:00:00.000Z'));
    const props = await container.getBlockBlobClient(LATEST_NAME).getProperties();
    expect(props.contentType).toBe('application/json');
    expect(props.metadata).toEqual({
      runid: 'fedlink%3Aplan%3Afleet%3A7f3e',
      generatedat: '2026-03-14T10:00:00.000Z',
    });
    const text = (await container.getBlockBlobClient(LATEST_NAME).downloadToBuffer()).toString('utf8');
    expect(text).toBe(
      '{"runId":"fedlink:plan:fleet:7f3e","generatedAt":"2026-03-14T10:00:00.000Z","report":{"summary":{"pass":1,"warn":0,"fail":0},"findings":[]}}',
    );
  });

  it('keeps a report of several MB whole', async () => {
    const store = blobReportStore(await newContainer());
    const findings = Array.from({ length: 20_000 }, (_, i) => ({
      check: 'federation.fic',
      resourceId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-${i}`,
      status: 'pass',
      message: `identity ${i} is federated with every cluster it should be, and with nothing else`.repeat(2),
    }));
    const big = entry('fedlink:drift', '2026-03-14T10:00:00.000Z', { findings });
    const started = performance.now();
    await store.save(big);
    const stored = await store.latest();
    const ms = performance.now() - started;
    const bytes = (await store.listRecent(1))[0]!.bytes;
    expect(bytes).toBeGreaterThan(5_000_000);
    expect(stored).toEqual(big);
    // For the report: how long a save and a read of this size take against Azurite here.
    process.stderr.write(
      `report store: ${(bytes / 1e6).toFixed(1)} MB saved and read back in ${ms.toFixed(0)} ms\n`,
    );
  });

  it('stages the findings in blocks while the writer is still producing them (never the whole list at once)', async () => {
    const container = await newContainer();
    const store = blobReportStore(container, { findingsBlockBytes: 256 * 1024 });
    const run = { runId: 'fedlink:drift', generatedAt: '2026-03-14T10:00:00.000Z' };
    const findings = manyFindings(12_000, 200); // about 4 MB
    let stagedMidway = -1;
    async function* writer(): AsyncGenerator<Finding> {
      for (const [i, f] of findings.entries()) {
        if (i === findings.length - 1) {
          // The last finding is not produced yet: a store that buffers the list would have sent nothing.
          const list = await container.getBlockBlobClient(findingsName(run)).getBlockList('uncommitted');
          stagedMidway = list.uncommittedBlocks?.length ?? 0;
        }
        yield f;
      }
    }
    expect((await store.saveFindings(run, writer())).count).toBe(12_000);
    expect(stagedMidway).toBeGreaterThanOrEqual(8);
    const props = await container.getBlockBlobClient(findingsName(run)).getProperties();
    expect(props.contentType).toBe('application/x-ndjson');
    expect(props.metadata).toEqual({ runid: 'fedlink%3Adrift', generatedat: '2026-03-14T10:00:00.000Z' });
    expect(await collect(await store.readFindings(historyName(run)))).toEqual(findings);
  });

  it('reads the findings as they are consumed: a reader that stops early has not downloaded the list', async () => {
    const container = await newContainer();
    const run = { runId: 'fedlink:drift', generatedAt: '2026-03-14T10:00:00.000Z' };
    const findings = manyFindings(60_000, 400); // about 34 MB
    await blobReportStore(container).saveFindings(run, findings);
    const size = (await container.getBlockBlobClient(findingsName(run)).getProperties()).contentLength!;
    expect(size).toBeGreaterThan(30_000_000);
    // The same container through a loopback proxy that counts the bytes Azurite sends.
    const proxy = await countingProxy(new URL(azurite.get().blobEndpoint));
    try {
      const credential = azurite.get().service.credential as StorageSharedKeyCredential;
      const through = new ContainerClient(
        `${proxy.url}/${AZURITE_ACCOUNT}/${container.containerName}`,
        credential,
      );
      const iterator = (await blobReportStore(through).readFindings(historyName(run)))![
        Symbol.asyncIterator
      ]();
      expect((await iterator.next()).value).toEqual(findings[0]);
      // Give the socket time to fill everything it would without backpressure.
      await new Promise((r) => setTimeout(r, 500));
      const afterFirst = proxy.bytes();
      expect(afterFirst).toBeLessThan(size / 2);
      let count = 1;
      while (!(await iterator.next()).done) count++;
      expect(count).toBe(findings.length);
      expect(proxy.bytes()).toBeGreaterThan(size);
      process.stderr.write(
        `report store: ${(size / 1e6).toFixed(1)} MB findings list; ${(afterFirst / 1e6).toFixed(1)} MB downloaded after the first finding was read\n`,
      );
    } finally {
      await proxy.close();
    }
  });

  it('names the document and line of a findings list that is not one', async () => {
    const container = await newContainer();
    const run = { runId: 'r', generatedAt: '2026-03-14T10:00:00.000Z' };
    const text = `${JSON.stringify(manyFindings(1)[0])}\n{"check":1}\n`;
    await container.getBlockBlobClient(findingsName(run)).upload(text, Buffer.byteLength(text));
    const findings = (await blobReportStore(container).readFindings(historyName(run)))!;
    await expect(collect(findings)).rejects.toThrow(`${findingsName(run)} line 2 is not a finding`);
  });

  it('replaces a latest.json that was put there by hand (no run metadata)', async () => {
    const container = await newContainer();
    await container.getBlockBlobClient(LATEST_NAME).upload('{}', 2);
    const saved = entry('fedlink:drift', '2026-03-14T10:00:00.000Z');
    expect((await blobReportStore(container).save(saved)).latest).toBe('written');
    expect(await blobReportStore(container).latest()).toEqual(saved);
  });

  it('says which container is missing and how to fix it, for every operation', async () => {
    const container = azurite.get().service.getContainerClient('no-such-container');
    const store = blobReportStore(container);
    const missing = (action: string) =>
      `cannot ${action}: the report container ${azurite.get().blobEndpoint}/no-such-container does not exist ` +
      '(ContainerNotFound); create it (infra/modules/app.bicep deploys "reports") or correct FEDLINK_REPORTS_URL';
    const save = store.save(entry('fedlink:drift', '2026-03-14T10:00:00.000Z'));
    await expect(save).rejects.toThrow(ReportStoreError);
    await expect(save).rejects.toThrow(
      missing('write history/2026/03/14/20260314T100000.000Z-fedlink_drift.json'),
    );
    await expect(store.latest()).rejects.toThrow(missing('read latest.json'));
    await expect(store.listRecent(3)).rejects.toThrow(missing('list the report history'));
  });

  it('tells a stored document that is not a report apart from a missing one', async () => {
    const container = await newContainer();
    await container.getBlockBlobClient(LATEST_NAME).upload('not json', 8);
    await expect(blobReportStore(container).latest()).rejects.toThrow('latest.json is not JSON');
  });

  it('signs the production way, with a bearer token from the TokenCredential, never a key', async () => {
    const asked: string[][] = [];
    const credential: TokenCredential = {
      getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
        asked.push([scopes].flat());
        return Promise.resolve({ token: 'not-a-real-token', expiresOnTimestamp: Date.now() + 3_600_000 });
      },
    };
    // Azurite over http: the SDK's bearer-token policy (added for a TokenCredential, and only then)
    // refuses to send a token over plain http before asking the credential, which is why
    // FEDLINK_REPORTS_URL must be https. The token path itself (https, --oauth basic) is not run here.
    const store = blobReportStoreFor(`${azurite.get().blobEndpoint}/reports-token`, credential);
    expect(store.location).toBe(`${azurite.get().blobEndpoint}/reports-token`);
    await expect(store.latest()).rejects.toThrow(
      'Bearer token authentication is not permitted for non-TLS protected (non-https) URLs.',
    );
    expect(asked).toEqual([]);
  });
});

describe('the report of a drift check, stored and served', () => {
  const payments = identity('id-payments');
  const aks = cluster('aks-reports', 'cdcdcdcd-0000-4000-8000-0000000000aa');
  const cfg = {
    federation: { bindings: [{ name: 'p', identity: payments.id, serviceAccounts: ['payments/api'] }] },
  };

  it('is written by the drift check and served by GET /api/report, also by a host that never ran it', async () => {
    const container = await newContainer();
    const reports = blobReportStore(container);
    const sandbox = await running([payments, aks], cfg, { reports });
    const api = await startApiServer({ client: sandbox.host.client, log: silentLogger, reports });
    const get = (server: { url: string; key: string }, accept: string) =>
      fetch(`${server.url}/api/report`, { headers: { 'x-functions-key': server.key, accept } });
    try {
      expect((await get(api, 'application/json')).status).toBe(404);
      await sandbox.host.client.startNew('driftCheck', {
        instanceId: DRIFT_INSTANCE_ID,
        input: { mode: 'apply', trigger: 'http' },
      });
      const status = await sandbox.host.waitForCompletion(DRIFT_INSTANCE_ID);
      expect(status.runtimeStatus).toBe('Completed');
      const result = status.output as RunResult;
      // Passes are counted, not listed (docs/design.md "Run result"): one binding, one cluster, one identity.
      expect(result.passCounts).toEqual({
        'federation.cluster-oidc': 1,
        'federation.fic-present': 1,
        'federation.identity-capacity': 1,
      });
      const expected = buildReport(result.findings, { passCounts: result.passCounts ?? {} });

      const [ref] = await reports.listRecent(10);
      expect(ref!.runId).toBe(DRIFT_INSTANCE_ID);
      expect(ref!.name).toBe(historyName({ runId: DRIFT_INSTANCE_ID, generatedAt: ref!.generatedAt }));
      // The run's every finding sits beside its report (saveReport streams them from the work store).
      const fullName = ref!.name.replace(/\.json$/, '.findings.ndjson');
      expect(await blobNames(container)).toEqual([fullName, ref!.name, LATEST_NAME]);
      expect((await reports.latest())?.report).toEqual(expected);

      const json = await get(api, 'application/json');
      expect(json.status).toBe(200);
      expect(json.headers.get('x-fedlink-run-id')).toBe(DRIFT_INSTANCE_ID);
      expect(json.headers.get('last-modified')).toBe(new Date(ref!.generatedAt).toUTCString());
      expect(await json.json()).toEqual(expected);
      expect(expected.summary.pass).toBeGreaterThan(0);
      expect(expected.findings.filter((f) => f.status === 'pass')).toEqual([]);

      // The full list, as the drift check stored it: its problems and every pass it counted.
      const getFull = (accept: string, query = 'full=true') =>
        fetch(`${api.url}/api/report?${query}`, { headers: { 'x-functions-key': api.key, accept } });
      const written: Finding[] = [];
      for await (const f of (await reports.readFindings(LATEST_NAME))!) written.push(f);
      expect(
        written
          .filter((f) => f.status === 'pass')
          .map((f) => f.check)
          .sort(),
      ).toEqual(['federation.cluster-oidc', 'federation.fic-present', 'federation.identity-capacity']);
      expect(written.filter((f) => f.status !== 'pass')).toEqual(
        expect.arrayContaining([...result.findings]),
      );

      const fullJson = await getFull('application/json');
      expect(fullJson.status).toBe(200);
      // Streamed: no length known in advance.
      expect(fullJson.headers.get('transfer-encoding')).toBe('chunked');
      expect(fullJson.headers.get('x-fedlink-run-id')).toBe(DRIFT_INSTANCE_ID);
      expect(await fullJson.json()).toEqual({
        summary: expected.summary,
        passesByCheck: expected.passesByCheck,
        listed: 'all',
        findings: written,
      });
      const ndjson = await getFull('application/x-ndjson');
      expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson');
      expect(
        (await ndjson.text())
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as unknown),
      ).toEqual(written);
      const page = await (await getFull('text/html')).text();
      expect(page.match(/<tr class="finding"/g)).toHaveLength(written.length);
      expect(page).toContain(`<table id="findings" data-count="${written.length}" data-listed="all">`);
      expect(page.trimEnd().endsWith('</html>')).toBe(true);
      expect((await getFull('application/json', 'full=maybe')).status).toBe(400);
    } finally {
      await api.close();
      await sandbox.close();
    }

    // A new worker: a fresh durable host with no drift instance, the same store.
    const fresh = await running([payments, aks], cfg, { reports });
    const api2 = await startApiServer({ client: fresh.host.client, log: silentLogger, reports });
    try {
      const html = await get(api2, 'text/html');
      expect(html.status).toBe(200);
      expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const page = await html.text();
      expect(page).toContain('<table');
      expect(page).toContain((await reports.latest())!.generatedAt);
      // Without a store the same host has nothing to serve.
      const bare = await startApiServer({ client: fresh.host.client, log: silentLogger });
      try {
        expect((await get(bare, 'application/json')).status).toBe(404);
      } finally {
        await bare.close();
      }
    } finally {
      await api2.close();
      await fresh.close();
    }
  });

  it('answers 503 with the reason when the store cannot be read', async () => {
    const reports = blobReportStore(azurite.get().service.getContainerClient('gone'));
    const sandbox = await running([payments, aks], cfg);
    const api = await startApiServer({ client: sandbox.host.client, log: silentLogger, reports });
    try {
      const res = await fetch(`${api.url}/api/report`, {
        headers: { 'x-functions-key': api.key, accept: 'application/json' },
      });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /^the report store cannot be read: cannot read latest\.json: the report container .*\/gone does not exist/,
      );
    } finally {
      await api.close();
      await sandbox.close();
    }
  });
});
