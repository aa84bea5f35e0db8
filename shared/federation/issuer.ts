/**
 * Issuer shape: the last line of defence before an OIDC issuer URL becomes a federated credential.
 *
 * Pinning comes first from where the issuer is taken: only `oidcIssuerProfile.issuerURL` of a cluster
 * fedlink has just read from ARM (never an event payload, a config value or a tag). This module adds a
 * shape check on top, so that even a corrupted or hostile read is never written: token exchange
 * compares the issuer byte for byte (docs/azure-behaviour.md §1.4), so an issuer that is not exactly a plain
 * `https://host/path` would at best never match and at worst trust a host nobody meant to trust.
 */

/** Azure rejects a FIC issuer longer than this (docs/azure-behaviour.md §1.3). */
export const MAX_ISSUER_LENGTH = 600;

/**
 * Hosts AKS issuers are known to use: the regional format `https://{region}.oic.prod-aks.azure.com/...`
 * (docs/azure-behaviour.md §2.2) and the legacy global host `oidc.prod-aks.azure.com` (sigstore/fulcio#971).
 * An entry starting with `.` is a suffix; otherwise the host must equal it. Sovereign clouds use other
 * hosts that no source here confirms: fedlink refuses an issuer on any other host (fail closed) unless
 * the config lists it in `federation.issuerHosts`.
 */
const AKS_REGIONAL_SUFFIX = '.oic.prod-aks.azure.com';
export const EXPECTED_ISSUER_HOSTS: readonly string[] = [AKS_REGIONAL_SUFFIX, 'oidc.prod-aks.azure.com'];

export type IssuerShape =
  { readonly ok: true; readonly host: string } | { readonly ok: false; readonly reason: string };

// Whitespace, control and invisible format characters (zero-width space, bidi overrides): around
// or inside `iss` they block exchange (docs/azure-behaviour.md §1.3) or hide what the string really says.
const INVISIBLE = /[\s\p{Cc}\p{Cf}]/u;
// eslint-disable-next-line no-control-regex -- the range is the point: ASCII only
const NON_ASCII = /[^\x00-\x7f]/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Checks that `issuer` is a well-formed issuer fedlink may write: `https://`, ASCII only, no
 * whitespace or control characters, at most 600 characters, a DNS host name (not an IP address, not a
 * single label like `localhost`), no user info, port, query or fragment, already in the canonical form
 * a URL parser gives it (lower-case host, no `..` segments, no backslashes), and not a look-alike of a
 * known AKS host (`….oic.prod-aks.azure.com.example.net`). It never repairs: a trimmed or re-cased
 * issuer is a different issuer (docs/azure-behaviour.md §1.4).
 */
export function checkIssuerShape(issuer: string): IssuerShape {
  if (issuer.length === 0) return { ok: false, reason: 'issuer is empty' };
  if (issuer.length > MAX_ISSUER_LENGTH) {
    return {
      ok: false,
      reason: `issuer is ${issuer.length} characters; Azure allows at most ${MAX_ISSUER_LENGTH}`,
    };
  }
  if (INVISIBLE.test(issuer))
    return { ok: false, reason: 'issuer contains whitespace or control characters' };
  if (NON_ASCII.test(issuer)) return { ok: false, reason: 'issuer contains non-ASCII characters' };
  if (!issuer.startsWith('https://')) return { ok: false, reason: 'issuer is not an https:// URL' };
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return { ok: false, reason: 'issuer is not a valid URL' };
  }
  const authority = issuer.slice('https://'.length).split('/')[0] ?? '';
  if (authority.includes('@') || url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'issuer contains user info (user@host)' };
  }
  if (issuer.includes('?')) return { ok: false, reason: 'issuer contains a query string' };
  if (issuer.includes('#')) return { ok: false, reason: 'issuer contains a fragment' };
  if (url.port !== '' || /:\d*$/.test(authority)) return { ok: false, reason: 'issuer names a port' };
  const host = url.hostname;
  if (host.startsWith('[') || IPV4.test(host)) return { ok: false, reason: 'issuer host is an IP address' };
  if (!host.includes('.'))
    return { ok: false, reason: `issuer host "${host}" is not a fully qualified domain name` };
  // The parser's own serialization; a bare host gains a '/' path, which is the only difference allowed.
  const canonical =
    url.pathname === '/' && !issuer.slice('https://'.length).includes('/') ? url.href.slice(0, -1) : url.href;
  if (canonical !== issuer)
    return { ok: false, reason: `issuer is not in canonical URL form (a parser reads it as ${canonical})` };
  // A known host with more after it (`eastus.oic.prod-aks.azure.com.example.net`,
  // `...azure.community`) can be registered by anyone; a name that ends with it cannot.
  const lookalike = EXPECTED_ISSUER_HOSTS.find((expected) => {
    const bare = expected.replace(/^\./, '');
    return host.includes(bare) && !host.endsWith(bare);
  });
  if (lookalike !== undefined) {
    return {
      ok: false,
      reason: `issuer host "${host}" imitates the AKS issuer host ${lookalike.replace(/^\./, '*.')}`,
    };
  }
  return { ok: true, host };
}

function isHost(host: string, expected: string): boolean {
  if (!expected.startsWith('.')) return host === expected;
  if (!host.endsWith(expected) || host.length === expected.length) return false;
  // The AKS regional host is `{region}.oic.prod-aks.azure.com` (docs/azure-behaviour.md §2.2): one label
  // before the suffix, never `westus.eastus.oic...`. A configured suffix (issuerHosts) takes any depth.
  return expected !== AKS_REGIONAL_SUFFIX || !host.slice(0, -expected.length).includes('.');
}

/** True when the issuer's host is one of `EXPECTED_ISSUER_HOSTS` (case-sensitive: canonical hosts are lower-case). */
export function isExpectedIssuerHost(issuer: string): boolean {
  const shape = checkIssuerShape(issuer);
  return shape.ok && EXPECTED_ISSUER_HOSTS.some((expected) => isHost(shape.host, expected));
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * The tenant id an AKS issuer names (`https://{region}.oic.prod-aks.azure.com/{tenant}/{uuid}/`),
 * or undefined for an issuer not in that format. Used to warn about an issuer of another tenant.
 */
export function issuerTenant(issuer: string): string | undefined {
  if (!isExpectedIssuerHost(issuer)) return undefined;
  const first = new URL(issuer).pathname.split('/')[1];
  return first !== undefined && GUID.test(first) ? first.toLowerCase() : undefined;
}

/**
 * Which issuers fedlink may write (docs/targets.md security 1): the shape above, a host from `hosts`, and
 * for the AKS hosts the exact AKS path `/{tenant id}/{issuer id}/` (lower-case GUIDs, one trailing
 * slash: ASSUMED from every published AKS issuer, docs/azure-behaviour.md §2.2) naming a tenant of `tenants`
 * when that is set. Anything else is refused with the reason, never repaired.
 */
export interface IssuerPolicy {
  /** Allowed hosts: exact names, or suffixes starting with `.`. */
  readonly hosts: readonly string[];
  /** When set, an AKS issuer must name one of these tenants (`scope.tenants`). */
  readonly tenants?: readonly string[];
}

export const DEFAULT_ISSUER_POLICY: IssuerPolicy = { hosts: EXPECTED_ISSUER_HOSTS };

/** The policy a config asks for: the AKS hosts plus `federation.issuerHosts`, tenants from `scope.tenants`. */
export function issuerPolicy(config: {
  readonly federation: { readonly issuerHosts: readonly string[] };
  readonly scope: { readonly tenants?: readonly string[] | undefined };
}): IssuerPolicy {
  return {
    hosts: [...EXPECTED_ISSUER_HOSTS, ...config.federation.issuerHosts],
    ...(config.scope.tenants ? { tenants: config.scope.tenants } : {}),
  };
}

const LOWER_GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const AKS_PATH = new RegExp(`^/(${LOWER_GUID})/${LOWER_GUID}/$`);

/** `checkIssuerShape`, then the policy's host, path and tenant rules. */
export function checkIssuerPinned(issuer: string, policy: IssuerPolicy = DEFAULT_ISSUER_POLICY): IssuerShape {
  const shape = checkIssuerShape(issuer);
  if (!shape.ok) return shape;
  const { host } = shape;
  if (!policy.hosts.some((expected) => isHost(host, expected))) {
    const allowed = policy.hosts.map((h) => (h.startsWith('.') ? `*${h}` : h)).join(', ');
    return {
      ok: false,
      reason: `issuer host "${host}" is not an allowed issuer host (${allowed}); list it in federation.issuerHosts if your cloud uses it`,
    };
  }
  if (EXPECTED_ISSUER_HOSTS.some((expected) => isHost(host, expected))) {
    const path = new URL(issuer).pathname;
    const match = AKS_PATH.exec(path);
    if (!match)
      return {
        ok: false,
        reason: `issuer path "${path}" is not the AKS form /<tenant id>/<issuer id>/ (lower-case GUIDs, trailing slash included)`,
      };
    const tenant = match[1] ?? '';
    if (policy.tenants && !policy.tenants.some((t) => t.toLowerCase() === tenant)) {
      return { ok: false, reason: `issuer belongs to tenant ${tenant}, which is not in scope.tenants` };
    }
  }
  return shape;
}
