/**
 * Test helpers for the sandbox ARM emulator: start one with the real SDK clients pointed at it, build
 * extra clients with a chosen api-version or retry policy, and capture the raw HTTP answers the SDK
 * received (so fidelity tests compare REST JSON, not the SDK's deserialized models).
 */
import { Agent, request } from 'node:https';
import { type Pipeline, type PipelinePolicy, RestError } from '@azure/core-rest-pipeline';
import { ARM_SCOPE, type ArmClients, createArmClients } from '../../shared/azure/clients';
import { VirtualClock } from '../../sandbox/clock';
import { type ArmResource, type Estate } from '../../sandbox/estate';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../sandbox/emulator';

export const TENANT = '72f988bf-0000-4000-8000-0000000000aa';
export const SUB = '11111111-2222-4333-8444-555555555555';
export const RG = 'rg-fedlink';

export interface TestEmulator {
  readonly emulator: Emulator;
  readonly clients: ArmClients;
  close(): Promise<void>;
}

/** Starts an emulator (scaled clock 100× unless given) and createArmClients against it. */
export async function startTestEmulator(
  options: Partial<EmulatorOptions> & { estate: Estate },
  connection: { maxRetries?: number } = {},
): Promise<TestEmulator> {
  const emulator = await startEmulator({ clock: new VirtualClock({ scale: 100 }), ...options });
  const clients = createArmClients({
    credential: emulator.credential,
    endpoint: emulator.endpoint,
    caPem: emulator.caPem,
    ...(connection.maxRetries !== undefined ? { maxRetries: connection.maxRetries } : {}),
  });
  return { emulator, clients, close: () => emulator.close() };
}

function trustPolicy(caPem: string): PipelinePolicy {
  const agent = new Agent({ ca: caPem, keepAlive: true });
  return {
    name: 'testTrustSandboxCa',
    sendRequest: (request, next) => {
      request.agent = agent;
      return next(request);
    },
  };
}

export interface SdkOptions {
  readonly endpoint: string;
  /** ARM's audience, whatever the endpoint (shared/azure/clients.ts explains why). */
  readonly credentialScopes: string[];
  readonly credentials: { scopes: string[] };
  readonly additionalPolicies: { policy: PipelinePolicy; position: 'perCall' }[];
  readonly retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

/**
 * Sends every request with the given api-version, whatever the client pins (arm-network 39 pins
 * 2026-01-01 and has no option to change it), so a published example replays at its own version.
 */
function apiVersionPolicy(apiVersion: string): PipelinePolicy {
  return {
    name: 'testForceApiVersion',
    sendRequest: (request, next) => {
      const url = new URL(request.url);
      url.searchParams.set('api-version', apiVersion);
      request.url = url.toString().replace(/%24/g, '$');
      return next(request);
    },
  };
}

/** Client options for constructing an SDK client directly (e.g. at the api-version of a fixture). */
export function sdkOptions(
  emulator: Emulator,
  extra: { apiVersion?: string; retryOptions?: SdkOptions['retryOptions'] } = {},
): SdkOptions {
  return {
    endpoint: emulator.endpoint,
    credentialScopes: [ARM_SCOPE],
    credentials: { scopes: [ARM_SCOPE] },
    additionalPolicies: [
      { policy: trustPolicy(emulator.caPem), position: 'perCall' },
      ...(extra.apiVersion !== undefined
        ? [{ policy: apiVersionPolicy(extra.apiVersion), position: 'perCall' as const }]
        : []),
    ],
    ...(extra.retryOptions !== undefined ? { retryOptions: extra.retryOptions } : {}),
  };
}

export interface CapturedResponse {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Parsed JSON body, undefined when empty. */
  readonly body: unknown;
}

const captures = new WeakMap<Pipeline, CapturedResponse[][]>();

/**
 * Records every response a client's pipeline receives from now on (after retries, as the caller sees
 * them). Can be called again on the same pipeline; each call gets its own list.
 */
export function capture(pipeline: Pipeline): CapturedResponse[] {
  const seen: CapturedResponse[] = [];
  let lists = captures.get(pipeline);
  if (!lists) {
    const registered: CapturedResponse[][] = [];
    lists = registered;
    captures.set(pipeline, registered);
    pipeline.addPolicy(
      {
        name: 'testCaptureResponses',
        sendRequest: async (request, next) => {
          const response = await next(request);
          const text = response.bodyAsText ?? '';
          const entry: CapturedResponse = {
            method: request.method,
            url: request.url,
            status: response.status,
            headers: response.headers.toJSON(),
            body: text === '' ? undefined : (JSON.parse(text) as unknown),
          };
          for (const list of registered) list.push(entry);
          return response;
        },
      },
      { phase: 'Deserialize' },
    );
  }
  lists.push(seen);
  return seen;
}

/** One tenant, one subscription, the given resources. */
export function estateOf(resources: ArmResource[], subscriptions: string[] = [SUB]): Estate {
  return { tenants: [{ tenantId: TENANT, subscriptions }], resources };
}

export function identityId(name: string, sub = SUB, rg = RG): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
}

export function identity(name: string, extra: Partial<ArmResource> = {}, sub = SUB, rg = RG): ArmResource {
  return {
    id: identityId(name, sub, rg),
    name,
    type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    location: 'eastus',
    tags: {},
    properties: {
      tenantId: TENANT,
      principalId: '00000000-0000-4000-8000-000000000001',
      clientId: '00000000-0000-4000-8000-000000000002',
    },
    ...extra,
  };
}

export function fic(
  identityName: string,
  name: string,
  issuer: string,
  subject: string,
  sub = SUB,
  rg = RG,
): ArmResource {
  return {
    id: `${identityId(identityName, sub, rg)}/federatedIdentityCredentials/${name}`,
    name,
    type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
    properties: { issuer, subject, audiences: ['api://AzureADTokenExchange'] },
  };
}

export const ISSUER =
  'https://eastus.oic.prod-aks.azure.com/72f988bf-0000-4000-8000-0000000000aa/11111111-1111-1111-1111-111111111111/';

export function cluster(
  name: string,
  properties: Record<string, unknown> = {},
  sub = SUB,
  rg = RG,
): ArmResource {
  return {
    id: `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`,
    name,
    type: 'Microsoft.ContainerService/managedClusters',
    location: 'eastus',
    tags: { env: 'prod' },
    properties: {
      provisioningState: 'Succeeded',
      oidcIssuerProfile: { enabled: true, issuerURL: ISSUER },
      ...properties,
    },
  };
}

/** Resolves once `ms` of real time has passed (for tests that must let real sockets settle). */
export function realDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

/**
 * One HTTPS request to the emulator without an SDK (for shapes the SDKs cannot send or hide). A string
 * body is sent as it is; anything else as JSON. `token: null` sends no Authorization header.
 */
export function rawRequest(
  emulator: Emulator,
  method: string,
  pathAndQuery: string,
  body?: unknown,
  headers: Record<string, string> = {},
  token: string | null = 'sandbox',
): Promise<RawResponse> {
  return (async () => {
    const auth =
      token === 'sandbox'
        ? (await emulator.credential.getToken('https://management.azure.com/.default'))?.token
        : token;
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise<RawResponse>((resolve, reject) => {
      const url = new URL(pathAndQuery, emulator.endpoint);
      const req = request(
        url,
        {
          method,
          ca: emulator.caPem,
          headers: {
            ...(auth ? { authorization: `Bearer ${auth}` } : {}),
            ...(text !== undefined
              ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }
              : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: raw === '' ? undefined : (JSON.parse(raw) as unknown),
            });
          });
        },
      );
      req.on('error', reject);
      req.end(text);
    });
  })();
}

/** The RestError a call fails with; fails the test if it succeeds or throws anything else. */
export async function restErrorOf(call: Promise<unknown>): Promise<RestError> {
  try {
    await call;
  } catch (e) {
    if (e instanceof RestError) return e;
    throw e;
  }
  throw new Error('expected the call to fail with a RestError');
}
