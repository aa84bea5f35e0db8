/**
 * The sandbox's token credential: mints JWT-shaped tokens the emulator accepts (tokens.ts), for the
 * resource the scope names and the estate's first tenant, or the tenant a caller asks for with
 * `getTokenOptions.tenantId` (a token for a tenant outside the estate is refused by the emulator, as ARM
 * would). Every call mints a fresh token valid for TOKEN_LIFETIME_SECONDS of wall-clock time; the SDK's
 * bearer policy caches it and asks again shortly before it expires.
 */
import { type AccessToken, type GetTokenOptions, type TokenCredential } from '@azure/core-auth';
import { mintToken, resourceOfScope } from './tokens';

/** The sandbox caller's object and client ids (fixed, so recorded traffic is stable). */
export const SANDBOX_PRINCIPAL = {
  oid: '5a4d5a4d-0000-4000-8000-00000000f1ed',
  appid: '5a4d5a4d-0000-4000-8000-00000000a99d',
} as const;

export function sandboxCredential(tenants: readonly string[]): TokenCredential {
  const home = tenants[0];
  if (home === undefined) throw new Error('sandboxCredential: the estate has no tenant');
  return {
    getToken: (scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> => {
      const scope = Array.isArray(scopes) ? scopes[0] : scopes;
      const { token, expiresOn } = mintToken({
        aud: resourceOfScope(scope ?? 'https://management.azure.com/.default'),
        tid: options?.tenantId ?? home,
        ...SANDBOX_PRINCIPAL,
      });
      return Promise.resolve({ token, expiresOnTimestamp: expiresOn * 1000, tokenType: 'Bearer' });
    },
  };
}
