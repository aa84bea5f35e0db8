import {
  checkIssuerShape,
  isExpectedIssuerHost,
  issuerTenant,
  MAX_ISSUER_LENGTH,
} from '../../../shared/federation/issuer';
import { aksIssuer, TENANT } from './fixtures';

const GOOD = aksIssuer('11111111-1111-1111-1111-111111111111');
const HOST = 'eastus.oic.prod-aks.azure.com';

describe('checkIssuerShape accepts', () => {
  it.each([
    ['the AKS format, trailing slash included', GOOD],
    ['the same issuer without its trailing slash (a different issuer, but well-formed)', GOOD.slice(0, -1)],
    [
      'the legacy global host (published FIC example)',
      'https://oidc.prod-aks.azure.com/TenantGUID/IssuerGUID',
    ],
    ['a bare host', 'https://token.actions.githubusercontent.com'],
    [
      'a sovereign-cloud-like host (warned about elsewhere, not refused)',
      `https://usgovvirginia.oic.prod-aks.azure.us/${TENANT}/11111111-1111-1111-1111-111111111111/`,
    ],
    ['exactly 600 characters', `https://${HOST}/${'a'.repeat(MAX_ISSUER_LENGTH - HOST.length - 10)}/`],
  ])('%s', (_what, issuer) => {
    expect(issuer.length).toBeLessThanOrEqual(600);
    expect(checkIssuerShape(issuer)).toEqual({ ok: true, host: new URL(issuer).hostname });
  });
});

describe('checkIssuerShape rejects', () => {
  it.each([
    ['http://', GOOD.replace('https://', 'http://'), 'issuer is not an https:// URL'],
    ['an upper-case scheme', GOOD.replace('https://', 'HTTPS://'), 'issuer is not an https:// URL'],
    ['no scheme', GOOD.replace('https://', ''), 'issuer is not an https:// URL'],
    ['another scheme', 'file:///etc/passwd', 'issuer is not an https:// URL'],
    ['the empty string', '', 'issuer is empty'],
    ['a leading space', ` ${GOOD}`, 'issuer contains whitespace or control characters'],
    ['a trailing space', `${GOOD} `, 'issuer contains whitespace or control characters'],
    ['a trailing newline', `${GOOD}\n`, 'issuer contains whitespace or control characters'],
    [
      'a tab inside',
      GOOD.replace('/11111111', '/\t11111111'),
      'issuer contains whitespace or control characters',
    ],
    [
      'a zero-width space',
      GOOD.replace('oic', 'o\u200bic'),
      'issuer contains whitespace or control characters',
    ],
    ['a right-to-left override', `${GOOD}\u202e`, 'issuer contains whitespace or control characters'],
    ['a NUL byte', `${GOOD}\u0000`, 'issuer contains whitespace or control characters'],
    ['a non-breaking space', `${GOOD}\u00a0`, 'issuer contains whitespace or control characters'],
    ['a Cyrillic look-alike letter', GOOD.replace('oic', 'оic'), 'issuer contains non-ASCII characters'],
    [
      'more than 600 characters',
      `https://${HOST}/${'a'.repeat(600)}/`,
      'issuer is 639 characters; Azure allows at most 600',
    ],
    ['user info', GOOD.replace('https://', 'https://attacker@'), 'issuer contains user info (user@host)'],
    [
      'user info that looks like the host',
      `https://${HOST}@evil.example.com/${TENANT}/x/`,
      'issuer contains user info (user@host)',
    ],
    ['a query string', `${GOOD}?x=1`, 'issuer contains a query string'],
    ['an empty query', `${GOOD}?`, 'issuer contains a query string'],
    ['a fragment', `${GOOD}#frag`, 'issuer contains a fragment'],
    ['an explicit port', GOOD.replace(HOST, `${HOST}:8443`), 'issuer names a port'],
    ['the default port spelled out', GOOD.replace(HOST, `${HOST}:443`), 'issuer names a port'],
    ['an IPv4 host', 'https://10.0.0.1/issuer/', 'issuer host is an IP address'],
    ['an IPv6 host', 'https://[::1]/issuer/', 'issuer host is an IP address'],
    [
      'a single-label host',
      'https://localhost/issuer/',
      'issuer host "localhost" is not a fully qualified domain name',
    ],
    [
      'an upper-case host',
      GOOD.replace('eastus', 'EastUS'),
      `issuer is not in canonical URL form (a parser reads it as ${GOOD})`,
    ],
    [
      'dot segments',
      GOOD.replace(`/${TENANT}/`, `/x/../${TENANT}/`),
      `issuer is not in canonical URL form (a parser reads it as ${GOOD})`,
    ],
    [
      'a backslash',
      GOOD.replace(`/${TENANT}/`, `\\${TENANT}/`),
      `issuer is not in canonical URL form (a parser reads it as ${GOOD})`,
    ],
    [
      'a known host with more after it',
      GOOD.replace(HOST, `${HOST}.evil.example.net`),
      `issuer host "${HOST}.evil.example.net" imitates the AKS issuer host *.oic.prod-aks.azure.com`,
    ],
    [
      'a known host with letters after it',
      GOOD.replace(HOST, `${HOST}munity.example`),
      `issuer host "${HOST}munity.example" imitates the AKS issuer host *.oic.prod-aks.azure.com`,
    ],
    [
      'the legacy host with more after it',
      'https://oidc.prod-aks.azure.com.example.org/t/i',
      'issuer host "oidc.prod-aks.azure.com.example.org" imitates the AKS issuer host oidc.prod-aks.azure.com',
    ],
  ])('%s', (_what, issuer, reason) => {
    expect(checkIssuerShape(issuer)).toEqual({ ok: false, reason });
  });
});

describe('expected hosts and tenants', () => {
  it.each([
    [GOOD, true],
    [aksIssuer('11111111-1111-1111-1111-111111111111', 'westeurope'), true],
    ['https://oidc.prod-aks.azure.com/TenantGUID/IssuerGUID', true],
    ['https://oic.prod-aks.azure.com/x/', false],
    ['https://token.actions.githubusercontent.com', false],
    [`https://usgovvirginia.oic.prod-aks.azure.us/${TENANT}/x/`, false],
    ['http://eastus.oic.prod-aks.azure.com/x/', false],
  ])('isExpectedIssuerHost(%s) → %s', (issuer, expected) => {
    expect(isExpectedIssuerHost(issuer)).toBe(expected);
  });

  it('reads the tenant of an AKS issuer, and nothing from other issuers', () => {
    expect(issuerTenant(GOOD)).toBe(TENANT);
    expect(issuerTenant(GOOD.replace(TENANT, TENANT.toUpperCase()))).toBe(TENANT);
    expect(issuerTenant('https://oidc.prod-aks.azure.com/TenantGUID/IssuerGUID')).toBeUndefined();
    expect(issuerTenant('https://token.actions.githubusercontent.com')).toBeUndefined();
  });
});
