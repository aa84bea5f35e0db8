/**
 * `fedlink sandbox serve --estate E [--port P] [--faults SPEC] [--output table|json]`: the ARM emulator on its own,
 * on 127.0.0.1 only, with an App Service style managed identity token endpoint, so users can point their
 * own tools and scripts at a sandbox estate. Prints where it listens and the exact settings a client
 * needs (stdout: JSON with --output json or --json, else text; progress on stderr), then serves until SIGINT/SIGTERM
 * (exit 0). Bad input: InputError, exit 2.
 *
 * Tokens are JWT-shaped and not really signed (sandbox/emulator/tokens.ts): the emulator checks their
 * shape, audience, expiry and tenant, never a signature, so it proves nothing about who the caller is.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ARM_SCOPE } from '../../shared/azure/clients';
import { type Logger } from '../../shared/core/log';
import { OUTPUT_OPTIONS, outputFormat } from '../output';
import { type Emulator, type FaultSpec, parseFaultSpec, startEmulator } from '../../sandbox/emulator';
import { ARM_AUDIENCES } from '../../sandbox/emulator/tokens';
import { IDENTITY_API_VERSION } from '../../sandbox/emulator/identityEndpoint';
import { type Estate, loadEstate, subscriptionIdOf } from '../../sandbox/estate';
import { InputError } from '../../sandbox/inputError';

/** The name the printed `az cloud register` gives the sandbox cloud. */
export const CLI_CLOUD_NAME = 'fedlink-sandbox';

export interface ServeSettings {
  readonly armEndpoint: string;
  /** PEM file of the emulator's self-signed loopback CA (removed when serve stops). */
  readonly caBundle: string;
  readonly tenants: readonly string[];
  readonly subscriptions: readonly string[];
  /** The token audience ARM accepts (any of `acceptedAudiences`). */
  readonly audience: string;
  readonly acceptedAudiences: readonly string[];
  readonly tokenEndpoint: {
    readonly url: string;
    readonly method: 'GET';
    readonly apiVersion: string;
    readonly secretHeader: 'X-IDENTITY-HEADER';
    readonly secret: string;
    readonly example: string;
  };
  /** Environment for clients: managed identity (App Service style) and CA trust. */
  readonly env: Readonly<Record<string, string>>;
  /** Options for an @azure/arm-* client constructed by hand. */
  readonly sdk: { readonly endpoint: string; readonly credentialScopes: readonly string[] };
  readonly azureCli: { readonly commands: readonly string[]; readonly notes: readonly string[] };
  readonly notes: readonly string[];
}

export function serveSettings(emulator: Emulator, estate: Estate, caBundle: string): ServeSettings {
  const identity = emulator.identityEndpoint;
  if (!identity) throw new Error('serveSettings: the emulator was started without its token endpoint');
  const arm = emulator.endpoint;
  const env = {
    IDENTITY_ENDPOINT: identity.url,
    IDENTITY_HEADER: identity.header,
    NODE_EXTRA_CA_CERTS: caBundle,
    REQUESTS_CA_BUNDLE: caBundle,
  };
  return {
    armEndpoint: arm,
    caBundle,
    tenants: estate.tenants.map((t) => t.tenantId),
    subscriptions: estate.tenants.flatMap((t) => t.subscriptions.map(subscriptionIdOf)),
    audience: 'https://management.azure.com/',
    acceptedAudiences: ARM_AUDIENCES,
    tokenEndpoint: {
      url: identity.url,
      method: 'GET',
      apiVersion: IDENTITY_API_VERSION,
      secretHeader: 'X-IDENTITY-HEADER',
      secret: identity.header,
      example: `curl --cacert ${caBundle} -H 'X-IDENTITY-HEADER: ${identity.header}' '${identity.url}?resource=https://management.azure.com/&api-version=${IDENTITY_API_VERSION}'`,
    },
    env,
    sdk: { endpoint: arm, credentialScopes: [ARM_SCOPE] },
    azureCli: {
      commands: [
        `az cloud register --name ${CLI_CLOUD_NAME} --endpoint-resource-manager ${arm}/ --endpoint-active-directory https://login.microsoftonline.com --endpoint-active-directory-resource-id https://management.core.windows.net/ --skip-endpoint-discovery`,
        `az cloud set --name ${CLI_CLOUD_NAME}`,
        'az login --identity --allow-no-subscriptions',
        `# when done: az cloud set --name AzureCloud && az cloud unregister --name ${CLI_CLOUD_NAME}`,
      ],
      notes: [
        'Run them with IDENTITY_ENDPOINT, IDENTITY_HEADER and REQUESTS_CA_BUNDLE exported as above.',
        '--skip-endpoint-discovery: the emulator does not serve /metadata/endpoints, so the endpoints are given explicitly (flag of recent az versions; older ones reject it and need none when all three endpoints are given).',
        'UNVERIFIED: no Azure CLI ran against the sandbox. That az accepts a loopback https endpoint with a port, and that `az login --identity` reads IDENTITY_ENDPOINT/IDENTITY_HEADER (the App Service source of MSAL, recent az versions), are read from Azure/azure-cli and MSAL, not tried.',
        'REQUESTS_CA_BUNDLE replaces the CA list of Python requests: a shell with it set reaches only the sandbox.',
      ],
    },
    notes: [
      'Tokens are JWT-shaped but NOT really signed (HS256 under a published key). The sandbox cannot check signatures and does not: it checks the shape, aud (one of acceptedAudiences), exp, nbf and tid (a tenant of the estate; the subscription’s own tenant under /subscriptions/{id}).',
      'SDK clients: pass credentialScopes (older @azure/arm-* clients otherwise ask for <endpoint>/.default, which ARM refuses with InvalidAuthenticationTokenAudience).',
      'The token endpoint mints tokens for the estate’s first tenant, or for a user-assigned identity of the estate named by client_id, object_id or mi_res_id.',
      'Listening on 127.0.0.1 only. Stop with Ctrl-C.',
    ],
  };
}

export function renderServeSettings(s: ServeSettings): string {
  const exports = Object.entries(s.env).map(([k, v]) => `  export ${k}='${v}'`);
  return [
    `fedlink sandbox ARM emulator: ${s.armEndpoint}`,
    `  tenants: ${s.tenants.join(', ')}`,
    `  subscriptions: ${s.subscriptions.join(', ')}`,
    `  CA bundle (self-signed loopback CA): ${s.caBundle}`,
    `  token endpoint (App Service style, api-version ${s.tokenEndpoint.apiVersion}): ${s.tokenEndpoint.url}`,
    `    header ${s.tokenEndpoint.secretHeader}: ${s.tokenEndpoint.secret}`,
    '',
    'Environment for @azure/identity ManagedIdentityCredential / DefaultAzureCredential, Node and Python:',
    ...exports,
    '',
    `@azure/arm-* clients: { endpoint: '${s.sdk.endpoint}', credentialScopes: ['${s.sdk.credentialScopes.join("', '")}'] }`,
    '',
    'Azure CLI (custom cloud):',
    ...s.azureCli.commands.map((c) => `  ${c}`),
    ...s.azureCli.notes.map((n) => `  note: ${n}`),
    '',
    'Get a token by hand:',
    `  ${s.tokenEndpoint.example}`,
    '',
    ...s.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new InputError(
      `--port must be a TCP port number 0-65535 (0 picks a free one), not ${JSON.stringify(text)}`,
    );
  return Number(text);
}

function parseFaults(text: string | undefined): FaultSpec | undefined {
  if (text === undefined) return undefined;
  try {
    return parseFaultSpec(existsSync(text) ? readFileSync(text, 'utf8') : text);
  } catch (error) {
    throw new InputError(
      `fault spec ${JSON.stringify(text)}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Resolves once a signal asked to stop and everything is closed. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `fedlink sandbox serve ...` (args after `serve`). Returns the exit code once stopped. */
export async function runServe(
  args: readonly string[],
  write: (text: string) => void,
  log: Logger,
): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      estate: { type: 'string' },
      port: { type: 'string' },
      faults: { type: 'string' },
      ...OUTPUT_OPTIONS,
    },
    strict: true,
  });
  const format = outputFormat(values);
  if (!values.estate) throw new InputError('sandbox serve needs --estate FILE', { showUsage: true });
  const port = parsePort(values.port);
  const faults = parseFaults(values.faults);
  let estate: Estate;
  try {
    estate = loadEstate(values.estate);
  } catch (error) {
    // One line on stderr: the estate's problems, joined.
    const message = error instanceof Error ? error.message : String(error);
    throw new InputError(message.replace(/\s*\n\s*/g, ' '));
  }
  const stopped = untilSignal();
  let emulator: Emulator;
  try {
    emulator = await startEmulator({ estate, port, identityEndpoint: true, ...(faults ? { faults } : {}) });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES')
      throw new InputError(`--port ${port}: cannot listen on 127.0.0.1:${port} (${code})`);
    throw error;
  }
  const dir = mkdtempSync(join(tmpdir(), 'fedlink-serve-'));
  const caBundle = join(dir, 'sandbox-ca.pem');
  writeFileSync(caBundle, emulator.caPem);
  const settings = serveSettings(emulator, estate, caBundle);
  write(format === 'json' ? JSON.stringify(settings, null, 2) : renderServeSettings(settings));
  log.info('sandbox serve: listening', { endpoint: emulator.endpoint });
  process.stderr.write(`fedlink: serving the sandbox on ${emulator.endpoint} (Ctrl-C to stop)\n`);
  const signal = await stopped;
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`fedlink: ${signal}: sandbox stopped\n`);
  return 0;
}
