import {
  clusterMatches,
  resolveBindings,
  type ResolvedBinding,
  selectorIndex,
} from '../../../shared/federation/bindings';
import { cluster, clusterId, config, identity, identityId } from './fixtures';

const payments = identity('id-payments');
const PAYMENTS_KEY = payments.key;

describe('resolveBindings: config bindings', () => {
  it('resolves selectors to normalized keys and service accounts to parts', () => {
    const cfg = config({
      federation: {
        bindings: [
          { name: 'all', identity: payments.id, serviceAccounts: ['payments/api'] },
          {
            name: 'by-tags',
            identity: payments.id,
            clusters: { tags: { env: 'prod' } },
            serviceAccounts: ['payments/worker'],
          },
          {
            name: 'by-ids',
            identity: payments.id.toUpperCase(),
            clusters: {
              ids: [clusterId('AKS-1').replace('resourceGroups', 'resourcegroups'), clusterId('aks-1')],
            },
            serviceAccounts: ['payments/api', 'payments/batch'],
          },
        ],
      },
    });
    const { bindings, findings } = resolveBindings(cfg, [payments]);
    expect(findings).toEqual([]);
    expect(bindings).toEqual<ResolvedBinding[]>([
      {
        source: 'config',
        name: 'all',
        identityId: payments.id,
        identityKey: PAYMENTS_KEY,
        clusters: { kind: 'all' },
        serviceAccounts: [{ namespace: 'payments', name: 'api' }],
      },
      {
        source: 'config',
        name: 'by-tags',
        identityId: payments.id,
        identityKey: PAYMENTS_KEY,
        clusters: { kind: 'tags', tags: { env: 'prod' } },
        serviceAccounts: [{ namespace: 'payments', name: 'worker' }],
      },
      {
        source: 'config',
        name: 'by-ids',
        identityId: payments.id.toUpperCase(),
        identityKey: PAYMENTS_KEY,
        clusters: { kind: 'ids', keys: [clusterId('aks-1').toLowerCase()] },
        serviceAccounts: [
          { namespace: 'payments', name: 'api' },
          { namespace: 'payments', name: 'batch' },
        ],
      },
    ]);
  });

  it('reports a binding whose identity was not observed, and keeps the binding (no crash)', () => {
    const ghost = identityId('id-ghost');
    const { bindings, findings } = resolveBindings(
      config({ federation: { bindings: [{ name: 'ghost', identity: ghost, serviceAccounts: ['a/b'] }] } }),
      [payments],
    );
    expect(findings).toEqual([
      {
        check: 'federation.binding-identity',
        resourceId: ghost,
        status: 'fail',
        message: 'binding "ghost": identity not found among the identities in scope',
        remediation:
          'Check the identity id in the binding and that its subscription is in scope.subscriptions; an identity created moments ago appears on the next check.',
      },
    ]);
    expect(bindings.map((b) => b.name)).toEqual(['ghost']);
  });
});

describe('resolveBindings: identity tags', () => {
  const resolve = (tags: Record<string, string>, identityTags = true) =>
    resolveBindings(config({ federation: { identityTags } }), [identity('id-orders', tags)]);
  const ORDERS = identity('id-orders');

  it.each([
    [
      'spaces and a tag selector',
      { 'fedlink-service-accounts': 'orders/api orders/worker', 'fedlink-clusters': 'env=prod team=orders' },
      { kind: 'tags', tags: { env: 'prod', team: 'orders' } },
      ['orders/api', 'orders/worker'],
    ],
    [
      'commas and *',
      { 'fedlink-service-accounts': 'orders/api,orders/worker', 'fedlink-clusters': '*' },
      { kind: 'all' },
      ['orders/api', 'orders/worker'],
    ],
    [
      'tag names in any case',
      { 'FedLink-Service-Accounts': 'orders/api', 'FEDLINK-CLUSTERS': 'Env=prod' },
      { kind: 'tags', tags: { Env: 'prod' } },
      ['orders/api'],
    ],
  ])('%s', (_what, tags, clusters, accounts) => {
    const { bindings, findings } = resolve(tags);
    expect(findings).toEqual([]);
    expect(bindings).toEqual([
      {
        source: 'tags',
        name: 'tags:id-orders',
        identityId: ORDERS.id,
        identityKey: ORDERS.key,
        clusters,
        serviceAccounts: accounts.map((a) => ({ namespace: a.split('/')[0], name: a.split('/')[1] })),
      },
    ]);
  });

  it('keeps the good service accounts and names the bad entries', () => {
    const { bindings, findings } = resolve({
      'fedlink-service-accounts': 'orders/api Orders/Worker no-slash',
      'fedlink-clusters': '*',
    });
    expect(bindings.map((b) => b.serviceAccounts)).toEqual([[{ namespace: 'orders', name: 'api' }]]);
    expect(findings).toEqual([
      {
        check: 'federation.identity-tags',
        resourceId: ORDERS.id,
        status: 'fail',
        message:
          'identity id-orders: tag fedlink-service-accounts has entries that are not namespace/serviceaccount: "Orders/Worker", "no-slash"',
        remediation:
          'Use Kubernetes names (lower-case letters, digits, "-"; "." also in service accounts) as namespace/name, separated by spaces or commas.',
      },
    ]);
  });

  it.each([
    [
      'a cluster selector with a bad pair binds nothing (dropping the pair would widen it)',
      { 'fedlink-service-accounts': 'orders/api', 'fedlink-clusters': 'env=prod team' },
      'fail',
      'identity id-orders: tag fedlink-clusters expects * alone, or key=value pairs separated by spaces or commas: "team"',
    ],
    [
      'conflicting values',
      { 'fedlink-service-accounts': 'orders/api', 'fedlink-clusters': 'env=prod env=dev' },
      'fail',
      'identity id-orders: tag fedlink-clusters gives one tag two values, which no cluster can match: "env=dev"',
    ],
    [
      'an empty cluster selector',
      { 'fedlink-service-accounts': 'orders/api', 'fedlink-clusters': ' ' },
      'fail',
      'identity id-orders: tag fedlink-clusters is empty; use * for every cluster in scope, or key=value pairs',
    ],
    [
      'service accounts without fedlink-clusters (no default to every cluster)',
      { 'fedlink-service-accounts': 'orders/api' },
      'fail',
      'identity id-orders: tag fedlink-service-accounts is set but fedlink-clusters is not; fedlink does not guess which clusters to trust',
    ],
    [
      'fedlink-clusters alone',
      { 'fedlink-clusters': '*' },
      'warn',
      'identity id-orders: tag fedlink-clusters is set but fedlink-service-accounts is not, so it binds nothing',
    ],
    [
      'an empty service account list',
      { 'fedlink-service-accounts': ',', 'fedlink-clusters': '*' },
      'fail',
      'identity id-orders: tag fedlink-service-accounts is empty',
    ],
    [
      'nothing but bad service accounts',
      { 'fedlink-service-accounts': 'orders', 'fedlink-clusters': '*' },
      'fail',
      'identity id-orders: tag fedlink-service-accounts has entries that are not namespace/serviceaccount: "orders"',
    ],
  ])('%s', (_what, tags, status, message) => {
    const { bindings, findings } = resolve(tags);
    expect(bindings).toEqual([]);
    expect(
      findings.map((f) => ({
        check: f.check,
        resourceId: f.resourceId,
        status: f.status,
        message: f.message,
      })),
    ).toEqual([{ check: 'federation.identity-tags', resourceId: ORDERS.id, status, message }]);
  });

  it('ignores tags when identityTags is off, and identities without fedlink tags', () => {
    expect(resolve({ 'fedlink-service-accounts': 'orders/api', 'fedlink-clusters': '*' }, false)).toEqual({
      bindings: [],
      findings: [],
    });
    expect(resolve({ env: 'prod' })).toEqual({ bindings: [], findings: [] });
  });

  it('orders config bindings first, then tag bindings by identity key', () => {
    const tags = { 'fedlink-service-accounts': 'x/y', 'fedlink-clusters': '*' };
    const cfg = config({
      federation: { bindings: [{ name: 'cfg', identity: payments.id, serviceAccounts: ['a/b'] }] },
    });
    const { bindings } = resolveBindings(cfg, [
      identity('id-zeta', tags),
      payments,
      identity('id-alpha', tags),
    ]);
    expect(bindings.map((b) => b.name)).toEqual(['cfg', 'tags:id-alpha', 'tags:id-zeta']);
  });
});

describe('clusterMatches', () => {
  const aks = cluster('aks-prod-1', '11111111-2222-4333-8444-555555555555', {
    tags: { Env: 'prod', team: 'payments' },
  });
  it.each([
    [{ kind: 'all' } as const, true],
    [{ kind: 'tags', tags: {} } as const, true],
    [{ kind: 'tags', tags: { env: 'prod' } } as const, true],
    [{ kind: 'tags', tags: { ENV: 'prod', TEAM: 'payments' } } as const, true],
    // Values are case-sensitive.
    [{ kind: 'tags', tags: { env: 'Prod' } } as const, false],
    [{ kind: 'tags', tags: { env: 'prod', tier: 'gold' } } as const, false],
    [{ kind: 'ids', keys: [clusterId('aks-prod-1').toLowerCase()] } as const, true],
    [{ kind: 'ids', keys: [clusterId('aks-prod-2').toLowerCase()] } as const, false],
  ])('%j → %s', (selector, expected) => {
    expect(clusterMatches(selector, aks)).toBe(expected);
  });
});

describe('selectorIndex', () => {
  const clusters = [
    cluster('aks-a', '11111111-2222-4333-8444-555555555551', { tags: { env: 'prod', team: 'payments' } }),
    cluster('aks-b', '11111111-2222-4333-8444-555555555552', { tags: { env: 'dev', team: 'payments' } }),
    cluster('aks-c', '11111111-2222-4333-8444-555555555553', { tags: { Env: 'prod', team: 'search' } }),
  ];
  const selectors = [
    { kind: 'all' },
    { kind: 'tags', tags: { env: 'prod' } },
    { kind: 'tags', tags: { team: 'payments', env: 'prod' } },
    { kind: 'tags', tags: { env: 'prod', team: 'payments' } },
    { kind: 'tags', tags: { env: 'Prod' } },
    { kind: 'ids', keys: [clusterId('aks-b').toLowerCase(), clusterId('aks-c').toLowerCase()] },
    { kind: 'ids', keys: [clusterId('aks-c').toLowerCase()] },
  ] as const;

  it('picks exactly the clusters clusterMatches picks, in order, for every selector and on every call', () => {
    const select = selectorIndex(clusters, (c) => c);
    for (const round of [1, 2])
      for (const selector of selectors)
        expect({ round, selector, names: select(selector).map((c) => c.name) }).toEqual({
          round,
          selector,
          names: clusters.filter((c) => clusterMatches(selector, c)).map((c) => c.name),
        });
  });
});
