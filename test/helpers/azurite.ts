/**
 * Azurite (npm `azurite`, a devDependency), the Azure Storage emulator, started by the tests that need it
 * and stopped after them: its Blob service alone, on 127.0.0.1 with a port the OS picks (`--blobPort 0`;
 * the port is read back from Azurite's "successfully listens on" line, so there is no free-port race),
 * data in memory (`--inMemoryPersistence`, run in a temp folder removed afterwards).
 *
 * Flags and why:
 * - `--skipApiVersionCheck`: @azure/storage-blob 12.34 sends `x-ms-version: 2026-10-06`, Azurite 3.37
 *   knows versions up to 2026-06-06 and would refuse every request with InvalidHeaderValue.
 * - `--disableTelemetry`: Azurite reports usage to Application Insights by default; no network here.
 * - `--silent`: no access log on stdout.
 * - not `--loose`: nothing the store sends needs it, and loose mode would hide headers Azurite ignores.
 *
 * Authentication: Azurite's well-known development account `devstoreaccount1` and its published key,
 * through StorageSharedKeyCredential. TEST ONLY: production code never sees an account key; it takes a
 * TokenCredential (shared/azure/reportStore.ts `blobReportStoreFor`), and the deployed storage account
 * has shared keys turned off (infra/modules/app.bicep).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BlobServiceClient, type ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';

/** Azurite's development account (docs: "Use the Azurite emulator", well-known storage account and key). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  /** `http://127.0.0.1:<port>/devstoreaccount1` (path-style, as Azurite serves accounts). */
  readonly blobEndpoint: string;
  /** A client of the dev account, signed with its shared key. */
  readonly service: BlobServiceClient;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;

/** The azurite-blob entry point of the installed package (its `bin`), run with this Node. */
function azuriteBlobScript(): string {
  const pkg = require.resolve('azurite/package.json');
  const { bin } = JSON.parse(readFileSync(pkg, 'utf8')) as { bin: Record<string, string> };
  return join(dirname(pkg), bin['azurite-blob']!);
}

export async function startAzurite(): Promise<Azurite> {
  const workspace = mkdtempSync(join(tmpdir(), 'fedlink-azurite-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      azuriteBlobScript(),
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--inMemoryPersistence',
      '--extentMemoryLimit',
      '256',
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--silent',
    ],
    // In memory, Azurite refuses --location; its working directory is a temp folder instead, so anything
    // it might still write lands there and goes with it.
    { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`azurite-blob did not start within ${STARTUP_TIMEOUT_MS} ms:\n${output}`)),
      STARTUP_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const m = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`azurite-blob exited with ${code} before listening:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await exited;
    rmSync(workspace, { recursive: true, force: true });
    throw error;
  });
  const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  return {
    blobEndpoint,
    service: new BlobServiceClient(
      blobEndpoint,
      new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
    ),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/**
 * One Azurite for the test file: started before its tests, stopped after them. `get()` is the running
 * instance; `newContainer()` makes a fresh container per test (`<prefix>-1`, `<prefix>-2`, …), so tests
 * never see each other's blobs.
 */
export function azuriteForFile(prefix: string): {
  get: () => Azurite;
  newContainer: () => Promise<ContainerClient>;
} {
  let azurite: Azurite | undefined;
  let containers = 0;
  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(async () => {
    await azurite?.stop();
  });
  const get = (): Azurite => {
    if (!azurite) throw new Error('Azurite is not running (azuriteForFile is used outside a test)');
    return azurite;
  };
  return {
    get,
    newContainer: async () => {
      const container = get().service.getContainerClient(`${prefix}-${++containers}`);
      await container.create();
      return container;
    },
  };
}

/** Every blob name in `container`, sorted. */
export async function blobNames(container: ContainerClient): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of container.listBlobsFlat()) names.push(blob.name);
  return names.sort();
}
