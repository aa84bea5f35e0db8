/**
 * `fedlink sandbox serve` through the compiled CLI, as a user runs it: the printed settings are enough
 * for a real client (a child process with @azure/identity's ManagedIdentityCredential and @azure/arm-msi,
 * configured by nothing but the printed env and endpoint), the emulator refuses bearer tokens as ARM does
 * (docs/azure-behaviour.md §6.2, sandbox/emulator/errors.ts for the sources of codes and messages), it
 * listens on 127.0.0.1 only, and it stops cleanly on SIGTERM (exit 0, CA bundle removed).
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mintToken } from '../../sandbox/emulator/tokens';
import { type Estate } from '../../sandbox/estate';
import { ARM_SCOPE } from '../../shared/azure/clients';
import { rawRequest, startTestEmulator } from '../helpers/emulator';
import { identity, SUB, TENANT } from '../helpers/scenario';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'fedlink-serve-test-'));
const TENANT2 = '72f988bf-0000-4000-8000-00000000bbbb';
const SUB2 = '0b1c2d3e-4f50-4617-8293-00000000bbbb';
const FOREIGN_TENANT = '72f988bf-0000-4000-8000-00000000ffff';

const payments = identity('id-payments');
const orders = identity('id-orders-api');
const ids = (r: typeof payments) => r.properties as { clientId: string; principalId: string };
const ESTATE: Estate = {
  tenants: [
    { tenantId: TENANT, subscriptions: [SUB] },
    { tenantId: TENANT2, subscriptions: [SUB2] },
  ],
  resources: [payments, orders],
};

interface Settings {
  armEndpoint: string;
  caBundle: string;
  tenants: string[];
  subscriptions: string[];
  tokenEndpoint: { url: string; apiVersion: string; secretHeader: string; secret: string };
  env: Record<string, string>;
  sdk: { endpoint: string; credentialScopes: string[] };
  azureCli: { commands: string[] };
}

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

interface Served {
  readonly child: ChildProcess;
  readonly settings: Settings;
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `fedlink sandbox serve --json` and resolves once it says it is serving. */
function serve(...args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'sandbox', 'serve', ...args, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  return new Promise((done, fail) => {
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      if (stderr.includes('serving the sandbox on'))
        done({ child, settings: JSON.parse(stdout) as Settings, stderr: () => stderr, exited });
    });
    void exited.then(({ code }) => fail(new Error(`serve exited early (${code}): ${stderr}`)));
  });
}

interface Raw {
  status: number;
  body: { error?: { code: string; message: string } } & Record<string, unknown>;
}

const caOf = new Map<string, string>();

function get(s: Settings, url: string, headers: Record<string, string> = {}): Promise<Raw> {
  // Read once: the file is removed when serve stops.
  if (!caOf.has(s.caBundle)) caOf.set(s.caBundle, readFileSync(s.caBundle, 'utf8'));
  return new Promise((done, fail) => {
    const req = request(url, { ca: caOf.get(s.caBundle), headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: JSON.parse(text) as Raw['body'] }));
    });
    req.on('error', fail);
    req.end();
  });
}

const arm = (s: Settings, path: string, token?: string): Promise<Raw> =>
  get(s, `${s.armEndpoint}${path}`, token !== undefined ? { authorization: `Bearer ${token}` } : {});

function tokenFromEndpoint(s: Settings, query: string): Promise<Raw> {
  return get(s, `${s.tokenEndpoint.url}?${query}&api-version=${s.tokenEndpoint.apiVersion}`, {
    [s.tokenEndpoint.secretHeader]: s.tokenEndpoint.secret,
  });
}

const USER_CLIENT = `
const { ManagedIdentityCredential } = require(${JSON.stringify(require.resolve('@azure/identity', { paths: [ROOT] }))});
const { ManagedServiceIdentityClient } = require(${JSON.stringify(require.resolve('@azure/arm-msi', { paths: [ROOT] }))});
const [endpoint, scopes, subscriptionId, clientId] = process.argv.slice(2);
const claims = (t) => JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString('utf8'));
async function names(client) {
  const out = [];
  for await (const i of client.userAssignedIdentities.listBySubscription()) out.push(i.name);
  return out.sort();
}
(async () => {
  const credential = new ManagedIdentityCredential();
  const out = {};
  out.names = await names(new ManagedServiceIdentityClient(credential, subscriptionId, { endpoint, credentialScopes: [scopes] }));
  out.system = claims((await credential.getToken(scopes)).token);
  out.user = claims((await new ManagedIdentityCredential({ clientId }).getToken(scopes)).token);
  try {
    await names(new ManagedServiceIdentityClient(credential, subscriptionId, { endpoint }));
    out.withoutScopes = 'accepted';
  } catch (e) {
    out.withoutScopes = [e.statusCode, e.code];
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

describe('fedlink sandbox serve', () => {
  let served: Served;
  let s: Settings;

  beforeAll(async () => {
    served = await serve('--estate', file('estate.json', ESTATE));
    s = served.settings;
  }, 30_000);

  afterAll(() => {
    if (served.child.exitCode === null && served.child.signalCode === null) served.child.kill('SIGKILL');
  });

  it('prints where it listens (127.0.0.1), the CA bundle it wrote, the token endpoint and the client settings', () => {
    const url = new URL(s.armEndpoint);
    expect([url.protocol, url.hostname]).toEqual(['https:', '127.0.0.1']);
    expect(Number(url.port)).toBeGreaterThan(0);
    expect(readFileSync(s.caBundle, 'utf8')).toMatch(
      /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/,
    );
    expect(s.tokenEndpoint.url).toBe(`${s.armEndpoint}/msi/token`);
    expect(s.tenants).toEqual([TENANT, TENANT2]);
    expect(s.subscriptions).toEqual([SUB, SUB2]);
    expect(s.env).toEqual({
      IDENTITY_ENDPOINT: s.tokenEndpoint.url,
      IDENTITY_HEADER: s.tokenEndpoint.secret,
      NODE_EXTRA_CA_CERTS: s.caBundle,
      REQUESTS_CA_BUNDLE: s.caBundle,
    });
    expect(s.sdk).toEqual({
      endpoint: s.armEndpoint,
      credentialScopes: ['https://management.azure.com/.default'],
    });
    expect(s.azureCli.commands[0]).toBe(
      `az cloud register --name fedlink-sandbox --endpoint-resource-manager ${s.armEndpoint}/ --endpoint-active-directory https://login.microsoftonline.com --endpoint-active-directory-resource-id https://management.core.windows.net/ --skip-endpoint-discovery`,
    );
  });

  it('listens on 127.0.0.1 only: other addresses of this machine are refused', async () => {
    const port = Number(new URL(s.armEndpoint).port);
    const attempt = (host: string): Promise<string> =>
      new Promise((done) => {
        const socket = connect({ host, port }, () => {
          socket.destroy();
          done('connected');
        });
        socket.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'error'));
      });
    expect(await attempt('127.0.0.1')).toBe('connected');
    expect(await attempt('127.0.0.2')).toBe('ECONNREFUSED');
  });

  it('a real @azure/arm-msi client with ManagedIdentityCredential, configured only by the printed settings, lists the estate identities', async () => {
    const script = file('user-client.js', USER_CLIENT);
    const { stdout } = await new Promise<{ stdout: string }>((done, fail) =>
      execFile(
        process.execPath,
        [script, s.sdk.endpoint, s.sdk.credentialScopes[0]!, SUB, ids(orders).clientId],
        { env: { PATH: process.env['PATH'] ?? '', ...s.env }, timeout: 30_000 },
        (error, out, err) => (error ? fail(new Error(`${error.message}\n${err}`)) : done({ stdout: out })),
      ),
    );
    const out = JSON.parse(stdout) as {
      names: string[];
      system: Record<string, unknown>;
      user: Record<string, unknown>;
      withoutScopes: unknown;
    };
    expect(out.names).toEqual(['id-orders-api', 'id-payments']);
    // MSAL sends the scope without '/.default' as the resource: https://management.azure.com (accepted by ARM).
    expect(out.system).toMatchObject({ aud: 'https://management.azure.com', tid: TENANT });
    expect(out.user).toMatchObject({
      aud: 'https://management.azure.com',
      tid: TENANT,
      oid: ids(orders).principalId,
      appid: ids(orders).clientId,
    });
    // Without credentialScopes the older AutoRest client asks for <endpoint>/.default: refused, as by ARM.
    expect(out.withoutScopes).toEqual([401, 'InvalidAuthenticationTokenAudience']);
  }, 40_000);

  it('refuses requests without a valid ARM bearer token with ARM 401 codes and messages', async () => {
    const path = `/subscriptions/${SUB}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2023-01-31`;
    const good = await tokenFromEndpoint(s, 'resource=https://management.core.windows.net/');
    expect(good.status).toBe(200);
    expect(Number(good.body['expires_on'])).toBeGreaterThan(Date.now() / 1000 + 3000);
    expect((await arm(s, path, String(good.body['access_token']))).status).toBe(200);

    const none = await arm(s, path);
    expect([none.status, none.body.error]).toEqual([
      401,
      {
        code: 'AuthenticationFailed',
        message: "Authentication failed. The 'Authorization' header is missing.",
      },
    ]);

    const notJwt = await arm(s, path, 'fedlink-sandbox-token');
    expect([notJwt.status, notJwt.body.error]).toEqual([
      401,
      { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' },
    ]);

    const vault = await tokenFromEndpoint(s, 'resource=https://vault.azure.net');
    const wrongAudience = await arm(s, path, String(vault.body['access_token']));
    expect([wrongAudience.status, wrongAudience.body.error]).toEqual([
      401,
      {
        code: 'InvalidAuthenticationTokenAudience',
        message:
          "The access token has been obtained for wrong audience or resource 'https://vault.azure.net'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.",
      },
    ]);

    const who = {
      oid: 'a1e00000-0000-4000-8000-0000000000ff',
      appid: 'c1e00000-0000-4000-8000-0000000000ff',
    };
    const foreign = mintToken({ aud: 'https://management.azure.com/', tid: FOREIGN_TENANT, ...who }).token;
    const wrongTenant = await arm(s, path, foreign);
    expect([wrongTenant.status, wrongTenant.body.error]).toEqual([
      401,
      {
        code: 'InvalidAuthenticationTokenTenant',
        message: `The access token is from the wrong issuer 'https://sts.windows.net/${FOREIGN_TENANT}/'. It must match the tenant 'https://sts.windows.net/${TENANT}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${TENANT}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
      },
    ]);
    // A tenant of the estate, but not this subscription's: refused too; the same token is fine in its own tenant.
    const second = mintToken({ aud: 'https://management.azure.com', tid: TENANT2, ...who }).token;
    const otherTenant = await arm(s, path, second);
    expect([otherTenant.status, otherTenant.body.error?.code]).toEqual([
      401,
      'InvalidAuthenticationTokenTenant',
    ]);
    expect(otherTenant.body.error?.message).toContain(`wrong issuer 'https://sts.windows.net/${TENANT2}/'`);
    expect((await arm(s, `/subscriptions/${SUB2}?api-version=2022-12-01`, second)).status).toBe(200);
    // Outside the estate even for a tenant-level request (stricter than ARM, which would answer for that tenant).
    const tenantLevel = await arm(s, '/subscriptions?api-version=2022-12-01', foreign);
    expect([tenantLevel.status, tenantLevel.body.error?.code]).toEqual([
      401,
      'InvalidAuthenticationTokenTenant',
    ]);

    const exp = Date.UTC(2026, 5, 15, 8, 22, 51) / 1000;
    const stale = mintToken({
      aud: 'https://management.azure.com/',
      tid: TENANT,
      ...who,
      iat: exp - 3600,
      exp,
    }).token;
    const expired = await arm(s, path, stale);
    expect([expired.status, expired.body.error?.code]).toEqual([401, 'ExpiredAuthenticationToken']);
    expect(expired.body.error?.message).toMatch(
      /^The access token expiry UTC time '6\/15\/2026 8:22:51 AM' is earlier than current UTC time '\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M'\.$/,
    );
  });

  it('the token endpoint wants its secret header and names only identities of the estate', async () => {
    const noSecret = await get(
      s,
      `${s.tokenEndpoint.url}?resource=https://management.azure.com/&api-version=2019-08-01`,
    );
    expect(noSecret.status).toBe(401);
    expect(noSecret.body['access_token']).toBeUndefined();
    const unknown = await tokenFromEndpoint(
      s,
      'resource=https://management.azure.com/&client_id=00000000-0000-4000-8000-000000000000',
    );
    expect([unknown.status, unknown.body['message']]).toEqual([
      400,
      'No User Assigned or Delegated Managed Identity found for specified ClientId/ResourceId/PrincipalId.',
    ]);
    const byResourceId = await tokenFromEndpoint(
      s,
      `resource=https://management.azure.com/&mi_res_id=${encodeURIComponent(payments.id)}`,
    );
    expect(byResourceId.body['client_id']).toBe(ids(payments).clientId);
    const oldVersion = await get(
      s,
      `${s.tokenEndpoint.url}?resource=https://management.azure.com/&api-version=2017-09-01`,
      {
        [s.tokenEndpoint.secretHeader]: s.tokenEndpoint.secret,
      },
    );
    expect(oldVersion.status).toBe(400);
  });

  it('a second serve on the same port is bad input: exit 2, one line on stderr', () => {
    const port = new URL(s.armEndpoint).port;
    const r = spawnSync(
      process.execPath,
      [CLI, 'sandbox', 'serve', '--estate', file('e2.json', ESTATE), '--port', port],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`fedlink: --port ${port}: cannot listen on 127.0.0.1:${port} (EADDRINUSE)\n`);
  });

  it('SIGTERM stops it cleanly: exit 0, CA bundle removed, port closed', async () => {
    served.child.kill('SIGTERM');
    expect(await served.exited).toEqual({ code: 0, signal: null });
    expect(served.stderr()).toContain('SIGTERM: sandbox stopped');
    expect(existsSync(s.caBundle)).toBe(false);
    await expect(arm(s, '/subscriptions?api-version=2022-12-01')).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});

describe('fedlink sandbox serve: Ctrl-C', () => {
  it('SIGINT stops it cleanly too (exit 0)', async () => {
    const other = await serve('--estate', file('e4.json', ESTATE));
    other.child.kill('SIGINT');
    expect(await other.exited).toEqual({ code: 0, signal: null });
    expect(other.stderr()).toContain('SIGINT: sandbox stopped');
  }, 30_000);
});

describe('the embedded emulator credential in a two-tenant estate', () => {
  it('authenticates in its first tenant (or the tenant asked for), and ARM refuses it in the other', async () => {
    const started = await startTestEmulator({ estate: ESTATE });
    const { emulator, clients } = started;
    try {
      const names: string[] = [];
      for await (const i of clients.forSubscription(SUB).msi.userAssignedIdentities.listBySubscription())
        names.push(i.name ?? '');
      expect(names.sort()).toEqual(['id-orders-api', 'id-payments']);
      const other = await rawRequest(emulator, 'GET', `/subscriptions/${SUB2}?api-version=2022-12-01`);
      expect([other.status, (other.body as Raw['body']).error?.code]).toEqual([
        401,
        'InvalidAuthenticationTokenTenant',
      ]);
      const asked = await emulator.credential.getToken(ARM_SCOPE, { tenantId: TENANT2 });
      const own = await rawRequest(
        emulator,
        'GET',
        `/subscriptions/${SUB2}?api-version=2022-12-01`,
        undefined,
        {},
        asked?.token ?? null,
      );
      expect(own.status).toBe(200);
    } finally {
      await started.close();
    }
  });
});

describe('fedlink sandbox serve: bad input', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, 'sandbox', 'serve', ...args], { encoding: 'utf8', timeout: 30_000 });

  it('exits 2 with one line on stderr for a bad port or a missing estate file, and serves nothing', () => {
    const badPort = run('--estate', file('e3.json', ESTATE), '--port', '70000');
    expect([badPort.status, badPort.stdout]).toEqual([2, '']);
    expect(badPort.stderr).toBe(
      'fedlink: --port must be a TCP port number 0-65535 (0 picks a free one), not "70000"\n',
    );
    const missing = run('--estate', join(dir, 'nope.json'));
    expect([missing.status, missing.stdout]).toEqual([2, '']);
    expect(missing.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('nope.json');
  });
});
