/**
 * ARM error responses the emulator produces, in one place so codes and messages stay consistent.
 * Codes and messages marked VERIFIED come from docs/azure-behaviour.md or public ARM output; others are marked
 * ASSUMED / UNVERIFIED where they are defined.
 */
import { ArmError } from './http';

const NOT_FOUND_FIX = 'For more details please go to https://aka.ms/ARMResourceNotFoundFix';

/** OBSERVED ARM text (public reports). */
export function missingApiVersion(): ArmError {
  return new ArmError(
    400,
    'MissingApiVersionParameter',
    'The api-version query parameter (?api-version=) is required for all requests.',
  );
}

/** OBSERVED ARM text: used by ARM for its own (Microsoft.Resources) endpoints and malformed versions. */
export function invalidApiVersion(apiVersion: string, supported: readonly string[]): ArmError {
  return new ArmError(
    400,
    'InvalidApiVersionParameter',
    `The api-version '${apiVersion}' is invalid. The supported versions are '${supported.join(',')}'.`,
  );
}

/** OBSERVED ARM text for a provider type that does not support the requested api-version. */
export function noRegisteredProvider(
  apiVersion: string,
  typeWithoutNamespace: string,
  location: string,
  supported: readonly string[],
): ArmError {
  return new ArmError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${location}' and API version '${apiVersion}' for type '${typeWithoutNamespace}'. ` +
      `The supported api-versions are '${supported.join(', ')}'.`,
  );
}

export function subscriptionNotFound(subscriptionId: string): ArmError {
  return new ArmError(
    404,
    'SubscriptionNotFound',
    `The subscription '${subscriptionId}' could not be found.`,
  );
}

export function resourceGroupNotFound(resourceGroup: string): ArmError {
  return new ArmError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
}

/** ARM's standard 404 for a missing resource. `typePath` is e.g. `Microsoft.ManagedIdentity/userAssignedIdentities/x`. */
export function resourceNotFound(typePath: string, resourceGroup: string | undefined): ArmError {
  const where = resourceGroup !== undefined ? ` under resource group '${resourceGroup}'` : '';
  return new ArmError(
    404,
    'ResourceNotFound',
    `The Resource '${typePath}'${where} was not found. ${NOT_FOUND_FIX}`,
  );
}

export function parentResourceNotFound(operation: string, childType: string, parentId: string): ArmError {
  return new ArmError(
    404,
    'ParentResourceNotFound',
    `Failed to perform '${operation}' on resource(s) of type '${childType}', because the parent resource '${parentId}' could not be found.`,
  );
}

/** OBSERVED ARM text for a body that is not JSON. */
export function invalidRequestContent(reason: string): ArmError {
  return new ArmError(
    400,
    'InvalidRequestContent',
    `The request content was invalid and could not be deserialized: '${reason}'.`,
  );
}

export function badRequest(message: string, code = 'BadRequest'): ArmError {
  return new ArmError(400, code, message);
}

/** No route: ARM answers unknown paths with 404 (ASSUMED code for paths outside any provider). */
export function noRoute(method: string, path: string): ArmError {
  return new ArmError(404, 'NotFound', `The emulator serves no '${method}' at '${path}'.`);
}

/**
 * A method the real RP supports but this emulator does not (e.g. PUT of a managed cluster). Synthetic
 * code, so nobody mistakes it for Azure behaviour.
 */
export function unsupportedOperation(method: string, type: string): ArmError {
  return new ArmError(
    405,
    'FedlinkEmulatorUnsupportedOperation',
    `The fedlink ARM emulator does not implement ${method} for '${type}' (read-only in the sandbox; seed it through the estate).`,
  );
}

/** ARM answers a request without a valid bearer token with 401 (OBSERVED codes). */
export function authenticationFailed(missing: boolean): ArmError {
  return missing
    ? new ArmError(
        401,
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is missing.",
      )
    : new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
}

/**
 * A token for another resource (OBSERVED code and message: Azure-Samples/active-directory-dotnetcore-daemon-v2#145,
 * hashicorp/go-azure-helpers#51).
 */
export function invalidAuthenticationTokenAudience(audience: string): ArmError {
  return new ArmError(
    401,
    'InvalidAuthenticationTokenAudience',
    `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`,
  );
}

/** .NET's en-US general date format in UTC, as ARM prints it: `6/15/2026 8:22:51 AM`. */
function armUtcTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** An expired token (OBSERVED code and message: microsoft/foundry-dev-tools#461, microsoft/vscode-azureappservice#2483). */
export function expiredAuthenticationToken(expiresMs: number, nowMs: number): ArmError {
  return new ArmError(
    401,
    'ExpiredAuthenticationToken',
    `The access token expiry UTC time '${armUtcTime(expiresMs)}' is earlier than current UTC time '${armUtcTime(nowMs)}'.`,
  );
}

/**
 * A token from a tenant other than the subscription's (OBSERVED code and message: Azure/azure-sdk-for-python#38382,
 * Azure/pcs-cli#357). Without a subscription (a tenant-level request with a token from outside the estate) the
 * message is the sandbox's own: ARM would answer such a request with what that tenant holds.
 */
export function invalidAuthenticationTokenTenant(
  issuer: string,
  subscriptionTenant: string | undefined,
): ArmError {
  return new ArmError(
    401,
    'InvalidAuthenticationTokenTenant',
    subscriptionTenant !== undefined
      ? `The access token is from the wrong issuer '${issuer}'. It must match the tenant 'https://sts.windows.net/${subscriptionTenant}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${subscriptionTenant}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`
      : `The access token is from the wrong issuer '${issuer}'. It must match one of the tenants of this sandbox estate (fedlink sandbox: ARM would answer a tenant-level request from another tenant with that tenant's view).`,
  );
}
