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
