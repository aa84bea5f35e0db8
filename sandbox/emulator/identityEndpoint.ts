/**
 * An App Service style managed identity token endpoint (api-version 2019-08-01), so a real client
 * (@azure/identity's ManagedIdentityCredential, MSAL, the Azure CLI's `az login --identity`) can get
 * tokens the emulator accepts with nothing but IDENTITY_ENDPOINT and IDENTITY_HEADER set.
 *
 *   GET {IDENTITY_ENDPOINT}?resource=<uri>&api-version=2019-08-01[&client_id=|&object_id=|&principal_id=|&mi_res_id=]
 *   X-IDENTITY-HEADER: {IDENTITY_HEADER}
 *   → 200 { access_token, expires_on: "<unix seconds>", resource, token_type: "Bearer", client_id }
 *
 * The request and answer shapes are those @azure/msal-node 7 sends and reads (its AppService source;
 * learn `app-service/overview-managed-identity`). Without a user-assigned id the token is the sandbox
 * principal's (credential.ts) in the estate's first tenant; with one, it is that identity's (its
 * `principalId`, `clientId` and `tenantId` in the estate). The token's `aud` is the resource as asked,
 * so a token for another resource is refused by ARM here as in Azure. Tokens are JWT-shaped and not
 * really signed (tokens.ts).
 *
 * ASSUMED: the error answers' body shape `{ statusCode, message, correlationId }` and status codes (400 for a
 * missing resource, a wrong api-version or an unknown identity, whose message is the one App Service was
 * seen answering: Azure-Samples/azure-search-openai-demo#2148; 401 for a missing or wrong secret header).
 */
import { randomUUID } from 'node:crypto';
import { type IncomingHttpHeaders } from 'node:http';
import { TYPES } from '../../shared/core/resourceId';
import { SANDBOX_PRINCIPAL } from './credential';
import { type ResourceStore } from './store';
import { mintToken } from './tokens';

export const IDENTITY_PATH = '/msi/token';
export const IDENTITY_API_VERSION = '2019-08-01';

export interface IdentityAnswer {
  readonly status: number;
  readonly body: Record<string, string | number>;
}

function failure(status: number, message: string): IdentityAnswer {
  return { status, body: { statusCode: status, message, correlationId: randomUUID() } };
}

interface Principal {
  readonly tid: string;
  readonly oid: string;
  readonly appid: string;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The user-assigned identity a request names, or undefined when none of the estate's matches. */
function userAssigned(store: ResourceStore, query: URLSearchParams): Principal | undefined {
  const clientId = query.get('client_id')?.toLowerCase();
  const principalId = (query.get('object_id') ?? query.get('principal_id'))?.toLowerCase();
  const resourceId = query.get('mi_res_id')?.toLowerCase();
  for (const stored of store.all()) {
    const r = stored.resource as { id?: unknown; type?: unknown; properties?: Record<string, unknown> };
    if (str(r.type)?.toLowerCase() !== TYPES.userAssignedIdentity.toLowerCase()) continue;
    const props = r.properties ?? {};
    const matches =
      (clientId !== undefined && str(props['clientId'])?.toLowerCase() === clientId) ||
      (principalId !== undefined && str(props['principalId'])?.toLowerCase() === principalId) ||
      (resourceId !== undefined && str(r.id)?.toLowerCase() === resourceId);
    if (!matches) continue;
    const subscriptionId = str(r.id)?.split('/')[2] ?? '';
    const tid = str(props['tenantId']) ?? store.subscription(subscriptionId)?.tenantId;
    const oid = str(props['principalId']);
    const appid = str(props['clientId']);
    if (tid === undefined || oid === undefined || appid === undefined) return undefined;
    return { tid, oid, appid };
  }
  return undefined;
}

export function answerIdentityRequest(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  secret: string,
  store: ResourceStore,
): IdentityAnswer {
  const header = headers['x-identity-header'];
  if ((Array.isArray(header) ? header[0] : header) !== secret)
    return failure(401, "The 'X-IDENTITY-HEADER' header is missing or does not match IDENTITY_HEADER.");
  if (method !== 'GET') return failure(405, `The token endpoint answers GET, not ${method}.`);
  const query = new URL(url, 'https://127.0.0.1').searchParams;
  const apiVersion = query.get('api-version');
  if (apiVersion !== IDENTITY_API_VERSION)
    return failure(
      400,
      `The api-version '${apiVersion ?? ''}' is not supported; use '${IDENTITY_API_VERSION}'.`,
    );
  const resource = query.get('resource');
  if (!resource) return failure(400, "The 'resource' query parameter is required.");
  const asksUserAssigned = ['client_id', 'object_id', 'principal_id', 'mi_res_id'].some((k) => query.has(k));
  const home = store.tenantList()[0]?.tenantId;
  const principal: Principal | undefined = asksUserAssigned
    ? userAssigned(store, query)
    : home !== undefined
      ? { tid: home, ...SANDBOX_PRINCIPAL }
      : undefined;
  if (!principal)
    return failure(
      400,
      'No User Assigned or Delegated Managed Identity found for specified ClientId/ResourceId/PrincipalId.',
    );
  const { token, expiresOn } = mintToken({ aud: resource, ...principal });
  return {
    status: 200,
    body: {
      access_token: token,
      expires_on: String(expiresOn),
      resource,
      token_type: 'Bearer',
      client_id: principal.appid,
    },
  };
}
