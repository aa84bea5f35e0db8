import { FIC_NAME_PATTERN, ficName, isOwned, OWNED_PREFIX } from '../../../shared/federation/names';
import { aksIssuer } from './fixtures';

const EAST = aksIssuer('0d6f3c1e-7b2a-4c8d-9e5f-a1b2c3d4e5f6');
const RECREATED = aksIssuer('e7c1b2a3-4d5e-4f60-8a9b-0c1d2e3f4a5b');
const sub = (ns: string, sa: string): string => `system:serviceaccount:${ns}:${sa}`;
const LONG_SA = 'a'.repeat(253);

describe('ficName (golden)', () => {
  it.each([
    [
      'a plain binding',
      'aks-prod-eastus',
      'payments',
      'api',
      EAST,
      'fedlink-aks-prod-eastus-payments-api-986f550fb43b',
    ],
    // Same cluster name, new issuer (deleted and re-created): a new name, so it never collides with the old FIC.
    [
      'the re-created cluster',
      'aks-prod-eastus',
      'payments',
      'api',
      RECREATED,
      'fedlink-aks-prod-eastus-payments-api-8487b83e5423',
    ],
    // The issuer is hashed byte for byte: a trailing-slash variant is a different credential.
    [
      'the trailing-slash variant of the issuer',
      'aks-prod-eastus',
      'payments',
      'api',
      EAST.slice(0, -1),
      'fedlink-aks-prod-eastus-payments-api-22f0a2f77b3c',
    ],
    [
      'dots in names',
      'aks.prod.eastus',
      'kube-system',
      'metrics.reader.v2',
      EAST,
      'fedlink-aks-prod-eastus-kube-system-metrics-reader-v2-f288ebbed900',
    ],
    ['accents', 'aks-zürich-ñ', 'ns', 'sa', EAST, 'fedlink-aks-zurich-n-ns-sa-f04988316158'],
    ['a name with nothing usable', '日本', 'ns', 'sa', EAST, 'fedlink-ns-sa-f04988316158'],
    [
      'a 253-character service account (trimmed; cluster and namespace kept whole)',
      'aks-prod-eastus',
      'payments',
      LONG_SA,
      EAST,
      'fedlink-aks-prod-eastus-payments-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-dfbf26006a48',
    ],
  ])('%s', (_what, clusterName, namespace, serviceAccount, issuer, expected) => {
    const name = ficName({
      clusterName,
      namespace,
      serviceAccount,
      issuer,
      subject: sub(namespace, serviceAccount),
    });
    expect(name).toBe(expected);
    expect(name).toMatch(FIC_NAME_PATTERN);
  });

  it('shares the budget fairly when every component is long, and stays at 120 characters', () => {
    const name = ficName({
      clusterName: 'c'.repeat(63),
      namespace: 'n'.repeat(63),
      serviceAccount: 's'.repeat(253),
      issuer: EAST,
      subject: sub('n'.repeat(63), 's'.repeat(253)),
    });
    expect(name).toBe(
      'fedlink-cccccccccccccccccccccccccccccccc-nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn-sssssssssssssssssssssssssssssssss-3eeb756da9cd',
    );
    expect(name).toHaveLength(120);
  });

  it('only ever trims the readable part: prefix and 12-character hash survive any input', () => {
    const inputs = ['', '-', '_x_', 'x'.repeat(500), 'a.b.c', '..--..', 'Ω'.repeat(80)];
    for (const clusterName of inputs) {
      for (const serviceAccount of inputs) {
        const name = ficName({
          clusterName,
          namespace: 'ns',
          serviceAccount,
          issuer: EAST,
          subject: sub('ns', serviceAccount),
        });
        expect(name).toMatch(FIC_NAME_PATTERN);
        expect(name.length).toBeLessThanOrEqual(120);
        expect(name.startsWith(OWNED_PREFIX)).toBe(true);
        expect(name).toMatch(/-[0-9a-f]{12}$/);
        expect(name).not.toMatch(/--/);
      }
    }
  });

  it('is deterministic and differs per subject', () => {
    const a = ficName({
      clusterName: 'aks',
      namespace: 'ns',
      serviceAccount: 'sa',
      issuer: EAST,
      subject: sub('ns', 'sa'),
    });
    expect(
      ficName({
        clusterName: 'aks',
        namespace: 'ns',
        serviceAccount: 'sa',
        issuer: EAST,
        subject: sub('ns', 'sa'),
      }),
    ).toBe(a);
    expect(
      ficName({
        clusterName: 'aks',
        namespace: 'ns',
        serviceAccount: 'sa',
        issuer: EAST,
        subject: sub('ns', 'sb'),
      }),
    ).not.toBe(a);
  });
});

describe('isOwned', () => {
  it.each([
    ['fedlink-aks-prod-eastus-payments-api-986f550fb43b', true],
    ['fedlink-x', true],
    // Ownership is the exact prefix fedlink writes; anything else is someone else's and never touched.
    ['Fedlink-aks-prod-eastus-payments-api-986f550fb43b', false],
    ['FEDLINK-x', false],
    ['fedlinkx', false],
    ['payments-api-prod-eastus', false],
    ['my-fedlink-thing', false],
  ])('%s → %s', (name, owned) => {
    expect(isOwned(name)).toBe(owned);
  });
});
