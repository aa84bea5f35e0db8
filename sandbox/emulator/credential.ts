/**
 * The sandbox's static token credential. The emulator accepts exactly this bearer token (any other
 * gets ARM's 401), so a test can also prove that unauthenticated calls are refused.
 */
import { type AccessToken, type TokenCredential } from '@azure/core-auth';

export function sandboxCredential(token: string): TokenCredential {
  return {
    getToken: (): Promise<AccessToken> =>
      // Far-future expiry so the bearer policy never refreshes in a test run.
      Promise.resolve({ token, expiresOnTimestamp: Date.now() + 24 * 3600 * 1000 }),
  };
}
