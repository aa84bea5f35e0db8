/**
 * Bearer tokens in the sandbox: JWT-shaped, never really signed, checked the way ARM checks them as far
 * as a sandbox can (docs/azure-behaviour.md §6.2; codes and messages in errors.ts).
 *
 * Minting: header `{"alg":"HS256","typ":"JWT"}`, claims like a managed identity's ARM token (`aud`, `iss`
 * `https://sts.windows.net/<tid>/`, `tid`, `oid`, `sub`, `appid`, `iat`, `nbf`, `exp`), and an HMAC-SHA256
 * under the fixed, published key below so that every JWT parser reads it as an ordinary token. That is
 * NOT a real signature: anybody can mint the same token, and the emulator does not verify it.
 *
 * Checking (ARM's order as far as it is known; the order itself is ASSUMED): the header must be
 * `Bearer <three dot-separated base64url parts whose first two are JSON objects>`; `aud` must be exactly
 * one of ARM's four audiences; `exp` must be present and later than now; `nbf`, when present, must not
 * be in the future; `tid` must be a tenant of the estate and, for a request under a subscription of the
 * estate, that subscription's tenant. What a sandbox cannot check and so does not: the signature, the
 * issuer's keys, `iss` against `tid`, the principal's role assignments (every token may do everything).
 *
 * Time is the wall clock (Date.now()), not the emulator's virtual clock: tokens are minted, cached and
 * refreshed by real clients on the wall clock, and a scaled virtual clock would expire them early.
 */
import { createHmac, randomUUID } from 'node:crypto';
import {
  authenticationFailed,
  expiredAuthenticationToken,
  invalidAuthenticationTokenAudience,
  invalidAuthenticationTokenTenant,
} from './errors';
import { type ArmError } from './http';

/** The audiences ARM accepts, in the order its error message lists them (OBSERVED, see errors.ts). */
export const ARM_AUDIENCES = [
  'https://management.core.windows.net/',
  'https://management.core.windows.net',
  'https://management.azure.com/',
  'https://management.azure.com',
] as const;

/** The fixed HS256 key of sandbox tokens. Published on purpose: it protects nothing. */
export const SANDBOX_TOKEN_KEY = 'fedlink-sandbox-tokens-are-not-signed';

/** Lifetime of minted tokens (ASSUMED typical: Entra access tokens live 60-90 minutes). */
export const TOKEN_LIFETIME_SECONDS = 3600;

export interface TokenClaims {
  readonly aud: string;
  readonly tid: string;
  /** Object (principal) id of the caller. */
  readonly oid: string;
  /** Client (application) id of the caller. */
  readonly appid: string;
  /** Wall-clock seconds; default now. */
  readonly iat?: number;
  /** Wall-clock seconds; default iat + TOKEN_LIFETIME_SECONDS. */
  readonly exp?: number;
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** A JWT-shaped sandbox token (see the module comment: not a real signature). */
export function mintToken(claims: TokenClaims): { token: string; expiresOn: number } {
  const iat = claims.iat ?? Math.floor(Date.now() / 1000);
  const exp = claims.exp ?? iat + TOKEN_LIFETIME_SECONDS;
  const payload = {
    aud: claims.aud,
    iss: `https://sts.windows.net/${claims.tid}/`,
    iat,
    nbf: iat,
    exp,
    appid: claims.appid,
    idtyp: 'app',
    oid: claims.oid,
    sub: claims.oid,
    tid: claims.tid,
    uti: randomUUID(),
    ver: '1.0',
    fedlink_sandbox: 'unsigned: the signature uses a published key and is not checked',
  };
  const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}`;
  const signature = createHmac('sha256', SANDBOX_TOKEN_KEY).update(unsigned).digest('base64url');
  return { token: `${unsigned}.${signature}`, expiresOn: exp };
}

/** The resource a scope names, as Entra reads it: `https://management.azure.com/.default` → `https://management.azure.com/`. */
export function resourceOfScope(scope: string): string {
  return scope.endsWith('/.default') ? scope.slice(0, -'.default'.length) : scope;
}

type Claims = Readonly<Record<string, unknown>>;

function decodePart(part: string): Claims | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Claims)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The claims of a JWT-shaped token, or undefined when it is not one. */
export function decodeToken(token: string): Claims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = decodePart(parts[0]!);
  return header && typeof header['alg'] === 'string' ? decodePart(parts[1]!) : undefined;
}

export interface TokenContext {
  /** Tenants of the estate. */
  readonly tenants: readonly string[];
  /** The tenant of the subscription the request is under, when it is one of the estate's. */
  readonly subscriptionTenant?: string;
  /** Wall-clock ms (default Date.now()). */
  readonly nowMs?: number;
}

/** ARM's 401 for an Authorization header that does not pass, or undefined when it does. */
export function checkBearer(authorization: string | undefined, context: TokenContext): ArmError | undefined {
  if (authorization === undefined) return authenticationFailed(true);
  const match = /^Bearer +(\S+)$/i.exec(authorization.trim());
  const claims = match ? decodeToken(match[1]!) : undefined;
  if (!claims) return authenticationFailed(false);
  const aud = claims['aud'];
  if (typeof aud !== 'string' || !(ARM_AUDIENCES as readonly string[]).includes(aud))
    return invalidAuthenticationTokenAudience(typeof aud === 'string' ? aud : '');
  const now = (context.nowMs ?? Date.now()) / 1000;
  const exp = claims['exp'];
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return authenticationFailed(false);
  if (exp <= now) return expiredAuthenticationToken(exp * 1000, now * 1000);
  const nbf = claims['nbf'];
  // ASSUMED: ARM's answer to a token that is not valid yet is the generic invalid-token one.
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now)) return authenticationFailed(false);
  const tid = claims['tid'];
  const iss = typeof claims['iss'] === 'string' ? claims['iss'] : `https://sts.windows.net/${String(tid)}/`;
  if (typeof tid !== 'string') return authenticationFailed(false);
  const known = context.tenants.find((t) => t.toLowerCase() === tid.toLowerCase());
  if (known === undefined) return invalidAuthenticationTokenTenant(iss, context.subscriptionTenant);
  if (
    context.subscriptionTenant !== undefined &&
    known.toLowerCase() !== context.subscriptionTenant.toLowerCase()
  )
    return invalidAuthenticationTokenTenant(iss, context.subscriptionTenant);
  return undefined;
}
