/**
 * The production credential. With a user-assigned managed identity's client id, exactly that
 * identity (ManagedIdentityCredential): no probing of environment, CLI or other chain members, and no
 * ambiguity when the Function App has more than one identity. Without one, DefaultAzureCredential, so
 * the same code runs from a laptop (Azure CLI login) and in Azure (system-assigned identity).
 */
import { type TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';

export interface CredentialSettings {
  /** Client id of the user-assigned managed identity to use (AZURE_CLIENT_ID). */
  readonly managedIdentityClientId?: string | undefined;
}

export function createCredential(settings: CredentialSettings = {}): TokenCredential {
  return settings.managedIdentityClientId !== undefined
    ? new ManagedIdentityCredential({ clientId: settings.managedIdentityClientId })
    : new DefaultAzureCredential();
}
