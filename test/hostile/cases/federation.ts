/**
 * Federation inputs that come from ARM resources (docs/targets.md security 1): look-alike and foreign
 * issuers on clusters, and identities declaring their own bindings with tags that are malformed, try to
 * widen what they trust, or are oversized (Azure's tag limits: docs/azure-behaviour.md §6.7). The 240-issuer
 * sweep over six regions is test/integration/issuerPinning.test.ts; these are the variants it does not
 * have, plus the tag road.
 */
import { aksIssuer } from '../../../sandbox/builders';
import { type HostileCase } from '../harness';

export const FED_TENANT = '72f988bf-0000-4000-8000-00000000aaaa';
export const ISSUER_ID = '5e5e5e5e-6666-4777-8888-999999999999';
const OTHER_TENANT = '0f0f0f0f-1111-4222-8333-444444444444';

export function issuerCases(): HostileCase<{ issuer: string }>[] {
  const good = aksIssuer('eastus', FED_TENANT, ISSUER_ID);
  const host = 'eastus.oic.prod-aks.azure.com';
  const variants: [string, string][] = [
    ['another tenant, same host', aksIssuer('eastus', OTHER_TENANT, ISSUER_ID)],
    ['another tenant in upper case', aksIssuer('eastus', OTHER_TENANT.toUpperCase(), ISSUER_ID)],
    [
      'our tenant id as the issuer id, another tenant first',
      `https://${host}/${OTHER_TENANT}/${FED_TENANT}/`,
    ],
    [
      'tenant id in the host instead of the path',
      `https://${FED_TENANT}.oic.prod-aks.azure.com/${ISSUER_ID}/`,
    ],
    ['look-alike host: oic-prod-aks', good.replace('.oic.prod-aks.', '.oic-prod-aks.')],
    ['look-alike host: prod-aks.azure.com.evil.example', good.replace('azure.com', 'azure.com.evil.example')],
    ['look-alike host: azure.com.cn', good.replace('azure.com', 'azure.com.cn')],
    ['look-alike host: Greek omicron', good.replace('oic', '\u03bfic')],
    ['look-alike host: full-width dot', good.replace('.oic', '\uff0eoic')],
    ['look-alike host: trailing dot', good.replace(host, `${host}.`)],
    ['look-alike host: no region', good.replace(host, 'oic.prod-aks.azure.com')],
    ['look-alike host: two regions', good.replace(host, `westus.${host}`)],
    ['percent-encoded host', good.replace('oic', '%6fic')],
    ['percent-encoded tenant', good.replace(FED_TENANT, encodeURIComponent(FED_TENANT).replace(/-/g, '%2D'))],
    ['percent-encoded dot-dot segment', `https://${host}/${FED_TENANT}/%2e%2e/${ISSUER_ID}/`],
    ['double slash inside the path', good.replace(`/${ISSUER_ID}`, `//${ISSUER_ID}`)],
    ['whitespace: leading tab', `\t${good}`],
    ['whitespace: trailing vertical tab', `${good}\u000b`],
    ['whitespace: ideographic space', `${good}\u3000`],
    ['whitespace: line separator', good.replace(ISSUER_ID, `${ISSUER_ID}\u2028`)],
    ['a NUL byte', good.replace(ISSUER_ID, `${ISSUER_ID}\u0000`)],
    ['trailing-slash variant: /./', `${good}./`],
    ['trailing-slash variant: a backslash', good.replace(/\/$/, '\\')],
    ['case: HTTPS host in upper case', good.replace(host, host.toUpperCase())],
    ['case: mixed-case path', good.replace(ISSUER_ID, ISSUER_ID.replace(/e/g, 'E'))],
    [
      '600 characters (at the FIC issuer limit)',
      `https://${host}/${FED_TENANT}/${'a'.repeat(600 - host.length - 48)}/`,
    ],
    [
      '601 characters (past the FIC issuer limit)',
      `https://${host}/${FED_TENANT}/${'a'.repeat(601 - host.length - 48)}/`,
    ],
    ['a javascript: URL', `javascript:alert(1)//${host}/${FED_TENANT}/${ISSUER_ID}/`],
    ['a data: URL', `data:text/plain,https://${host}/${FED_TENANT}/${ISSUER_ID}/`],
    ['a file: URL', `file://${host}/${FED_TENANT}/${ISSUER_ID}/`],
  ];
  return variants.map(([name, issuer]) => ({
    category: 'look-alike and foreign issuers',
    name,
    input: { issuer },
    says: /issuer/i,
  }));
}

export interface TagsInput {
  readonly tags: Record<string, string>;
}

export function identityTagCases(): HostileCase<TagsInput>[] {
  const sa = 'fedlink-service-accounts';
  const cl = 'fedlink-clusters';
  const notSa = /are not namespace\/serviceaccount/;
  const badClusters = /tag fedlink-clusters/;
  const t = (name: string, tags: Record<string, string>, says: RegExp, category = 'identity tags') => ({
    category,
    name,
    input: { tags },
    says,
  });
  return [
    t('service account with a traversal', { [sa]: '../kube-system/default', [cl]: '*' }, notSa),
    t('service account in every namespace', { [sa]: '*/default', [cl]: '*' }, notSa),
    t('every service account of a namespace', { [sa]: 'payments/*', [cl]: '*' }, notSa),
    t('a full subject instead of ns/sa', { [sa]: 'system:serviceaccount:payments:api', [cl]: '*' }, notSa),
    t('an upper-case namespace', { [sa]: 'Payments/api', [cl]: '*' }, notSa),
    t('three segments', { [sa]: 'payments/api/extra', [cl]: '*' }, notSa),
    t('a Cyrillic letter in the namespace', { [sa]: 'p\u0430yments/api', [cl]: '*' }, notSa),
    t('a zero-width space in the name', { [sa]: 'payments/a\u200bpi', [cl]: '*' }, notSa),
    t('a percent-encoded slash', { [sa]: 'payments%2fapi', [cl]: '*' }, notSa),
    t(
      'a 64-character namespace (past the Kubernetes limit)',
      { [sa]: `${'n'.repeat(64)}/api`, [cl]: '*' },
      notSa,
    ),
    t(
      'a 254-character service account (past the Kubernetes limit)',
      { [sa]: `payments/${'s'.repeat(254)}`, [cl]: '*' },
      notSa,
    ),
    t('only separators', { [sa]: ' , ,, ', [cl]: '*' }, /is empty/),
    t('service accounts without a clusters tag', { [sa]: 'payments/api' }, /fedlink does not guess/),
    t('clusters: a wildcard pair', { [sa]: 'payments/api', [cl]: '*=*' }, badClusters, 'identity tags'),
    t('clusters: a wildcard next to a pair', { [sa]: 'payments/api', [cl]: 'env=prod *' }, badClusters),
    t('clusters: a bare key', { [sa]: 'payments/api', [cl]: 'env' }, badClusters),
    t('clusters: an empty value after trimming', { [sa]: 'payments/api', [cl]: '   ' }, badClusters),
    t('clusters: one key two values', { [sa]: 'payments/api', [cl]: 'env=prod ENV=dev' }, badClusters),
    t('clusters: a leading =', { [sa]: 'payments/api', [cl]: '=prod' }, badClusters),
    t('clusters tag without service accounts', { [cl]: '*' }, /binds nothing/),
    // Azure's limits: a tag value holds at most 256 characters, a name 512 (docs/azure-behaviour.md §6.7).
    t(
      'service accounts tag of 256 characters, all invalid',
      { [sa]: `Bad/${'x'.repeat(252)}`, [cl]: '*' },
      notSa,
      'oversized strings',
    ),
    t(
      'service accounts tag of 257 characters (past the tag value limit)',
      { [sa]: `Bad/${'x'.repeat(253)}`, [cl]: '*' },
      notSa,
      'oversized strings',
    ),
    t(
      'service accounts tag of 64 KiB with newlines',
      { [sa]: `Bad/x\n${'y\n'.repeat(32 * 1024)}`, [cl]: '*' },
      notSa,
      'oversized strings',
    ),
    t(
      'clusters tag of 257 characters',
      { [sa]: 'payments/api', [cl]: `env=prod ${'*'.repeat(248)}` },
      badClusters,
      'oversized strings',
    ),
    t(
      'clusters tag of 64 KiB',
      { [sa]: 'payments/api', [cl]: `${'k'.repeat(64 * 1024)}` },
      badClusters,
      'oversized strings',
    ),
  ];
}
