import { parseClustersTag, parseServiceAccountsTag, tagValue } from '../../../shared/federation/identityTags';

describe('parseServiceAccountsTag', () => {
  it.each([
    ['one entry', 'orders/api', ['orders/api'], []],
    ['spaces', 'orders/api orders/worker', ['orders/api', 'orders/worker'], []],
    ['commas', 'orders/api,orders/worker', ['orders/api', 'orders/worker'], []],
    [
      'commas, spaces, tabs and padding mixed',
      '  orders/worker ,\torders/api,, tools/runner ',
      ['orders/api', 'orders/worker', 'tools/runner'],
      [],
    ],
    ['duplicates collapse', 'orders/api orders/api,orders/api', ['orders/api'], []],
    ['dots in the service account', 'kube-system/metrics.reader', ['kube-system/metrics.reader'], []],
    ['empty', '', [], []],
    ['separators only', ' , ,', [], []],
    [
      'bad entries are named; good ones kept',
      'orders/api no-slash a/b/c Orders/API ns/ ns_x/sa',
      ['orders/api'],
      ['no-slash', 'a/b/c', 'Orders/API', 'ns/', 'ns_x/sa'],
    ],
    ['a wildcard is not a service account', '*', [], ['*']],
  ])('%s', (_what, value, accounts, bad) => {
    const parsed = parseServiceAccountsTag(value);
    expect(parsed.accounts.map((a) => `${a.namespace}/${a.name}`)).toEqual(accounts);
    expect(parsed.bad).toEqual(bad);
  });
});

describe('parseClustersTag', () => {
  it.each([
    ['*', { kind: 'all' }],
    [' * ', { kind: 'all' }],
    ['env=prod', { kind: 'tags', tags: { env: 'prod' } }],
    ['env=prod team=payments', { kind: 'tags', tags: { env: 'prod', team: 'payments' } }],
    ['env=prod,team=payments', { kind: 'tags', tags: { env: 'prod', team: 'payments' } }],
    ['env=prod, team=payments', { kind: 'tags', tags: { env: 'prod', team: 'payments' } }],
    ['Env=prod ENV=prod', { kind: 'tags', tags: { Env: 'prod' } }],
    ['env=', { kind: 'tags', tags: { env: '' } }],
    ['expr=a=b', { kind: 'tags', tags: { expr: 'a=b' } }],
    [
      '',
      { kind: 'invalid', bad: [], reason: 'is empty; use * for every cluster in scope, or key=value pairs' },
    ],
    [
      'prod',
      {
        kind: 'invalid',
        bad: ['prod'],
        reason: 'expects * alone, or key=value pairs separated by spaces or commas',
      },
    ],
    [
      'env:prod',
      {
        kind: 'invalid',
        bad: ['env:prod'],
        reason: 'expects * alone, or key=value pairs separated by spaces or commas',
      },
    ],
    [
      '=prod',
      {
        kind: 'invalid',
        bad: ['=prod'],
        reason: 'expects * alone, or key=value pairs separated by spaces or commas',
      },
    ],
    // A bad pair would otherwise be dropped, and dropping a pair selects more clusters: refuse the tag.
    [
      'env=prod team',
      {
        kind: 'invalid',
        bad: ['team'],
        reason: 'expects * alone, or key=value pairs separated by spaces or commas',
      },
    ],
    [
      '* env=prod',
      {
        kind: 'invalid',
        bad: ['*'],
        reason: 'expects * alone, or key=value pairs separated by spaces or commas',
      },
    ],
    [
      'env=prod ENV=dev',
      { kind: 'invalid', bad: ['ENV=dev'], reason: 'gives one tag two values, which no cluster can match' },
    ],
  ])('%j → %j', (value, expected) => {
    expect(parseClustersTag(value)).toEqual(expected);
  });
});

describe('tagValue', () => {
  it('compares tag names case-insensitively, as Azure does', () => {
    expect(tagValue({ 'Fedlink-Service-Accounts': 'a/b' }, 'fedlink-service-accounts')).toBe('a/b');
    expect(tagValue({ env: 'prod' }, 'ENV')).toBe('prod');
    expect(tagValue({ env: 'prod' }, 'team')).toBeUndefined();
  });

  it('does not depend on property order when keys differ only by case', () => {
    expect(tagValue({ env: 'a', ENV: 'b' }, 'Env')).toBe('b');
    expect(tagValue({ ENV: 'b', env: 'a' }, 'Env')).toBe('b');
  });
});
