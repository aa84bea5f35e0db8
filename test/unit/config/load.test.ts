/**
 * The config loader: every rule of the schema, every problem at once with its path (and line), YAML
 * and JSON, defaults for an empty file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  detectFormat,
  formatIssue,
  loadConfig,
  parseConfig,
  type ConfigIssue,
} from '../../../shared/config/load';
import { AUDIENCE } from '../../../shared/config/schema';
import { container, obj, type JsonObject } from '../azure/json';

const SUB = '0b1f6e9a-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const IDENTITY = `/subscriptions/${SUB}/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/payments`;
const CLUSTER = `/subscriptions/${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-prod`;
const VNET = `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub`;
const ZONE = `/subscriptions/${SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net`;

const DEFAULTS = {
  scope: {},
  federation: { audience: AUDIENCE, bindings: [], identityTags: true, prune: true, issuerHosts: [] },
  privateLink: { default: 'leave', rules: [] },
  dns: { hubVirtualNetworks: [], linkPrivateClusterZones: true, privateEndpointZones: {} },
  drift: { schedule: '0 */30 * * * *', mode: 'report' },
};

/** The issues of a config that must fail, as `path: message` lines. */
function problems(text: string, source = 'fedlink.yaml'): string[] {
  return issuesOf(text, source).map(formatIssue);
}

function issuesOf(text: string, source = 'fedlink.yaml'): readonly ConfigIssue[] {
  try {
    parseConfig(text, source);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** A valid config as an object, to derive JSON variants from. */
function valid(): JsonObject {
  return {
    scope: { subscriptions: [SUB], tenants: [TENANT] },
    federation: {
      audience: AUDIENCE,
      bindings: [
        {
          name: 'payments',
          identity: IDENTITY,
          clusters: { tags: { env: 'prod' } },
          serviceAccounts: ['payments/api', 'payments/worker'],
        },
        {
          name: 'batch',
          identity: IDENTITY,
          clusters: { ids: [CLUSTER] },
          serviceAccounts: ['batch/runner'],
        },
        { name: 'everywhere', identity: IDENTITY, serviceAccounts: ['kube-system/agent'] },
      ],
      identityTags: false,
      prune: false,
      issuerHosts: ['.oic.prod-aks.azure.us'],
    },
    privateLink: {
      default: 'reject',
      rules: [
        {
          name: 'kv-from-spokes',
          action: 'approve',
          resourceTypes: ['Microsoft.KeyVault/vaults'],
          groupIds: ['vault'],
          requesterSubscriptions: [SUB],
        },
      ],
    },
    dns: {
      hubVirtualNetworks: [VNET],
      linkPrivateClusterZones: false,
      privateEndpointZones: { vault: ZONE },
    },
    drift: { schedule: '0 0 * * * *', mode: 'repair' },
  };
}
const DELETE = Symbol('delete');

/** valid() with the value at `path` replaced (or deleted), as JSON text. */
function withValueAt(path: readonly (string | number)[], value: unknown): string {
  const config = valid();
  const parent = container(config, ...path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (value === DELETE) delete parent[last];
  else parent[last] = value;
  return JSON.stringify(config, null, 2);
}

describe('valid configs', () => {
  it('gives every default for an empty file, a comment-only file and an empty JSON object', () => {
    expect(parseConfig('', 'fedlink.yaml')).toEqual(DEFAULTS);
    expect(parseConfig('# nothing yet\n', 'fedlink.yaml')).toEqual(DEFAULTS);
    expect(parseConfig('{}', 'fedlink.json')).toEqual(DEFAULTS);
    expect(parseConfig('   \n', 'fedlink.json')).toEqual(DEFAULTS);
  });

  it('fills the defaults of sections left out', () => {
    expect(parseConfig('federation:\n  prune: false\n')).toEqual({
      ...DEFAULTS,
      federation: { ...DEFAULTS.federation, prune: false },
    });
  });

  it('reads the docs/design.md example in YAML', () => {
    const yaml = `
scope:
  subscriptions: ["${SUB}"]
  tenants: ["${TENANT}"]
federation:
  audience: api://AzureADTokenExchange
  bindings:
    - name: payments
      identity: ${IDENTITY}
      clusters: { tags: { env: prod } }      # or { ids: [...] }
      serviceAccounts: [payments/api, payments/worker]
  identityTags: true
  prune: true
privateLink:
  default: leave
  rules:
    - name: kv-from-spokes
      action: approve
      resourceTypes: [Microsoft.KeyVault/vaults]
      groupIds: [vault]
      requesterSubscriptions: ["${SUB}"]
dns:
  hubVirtualNetworks: [${VNET}]
  linkPrivateClusterZones: true
  privateEndpointZones:
    vault: ${ZONE}
drift:
  schedule: "0 */30 * * * *"
  mode: report
`;
    const config = parseConfig(yaml, 'fedlink.yaml');
    expect(config.federation.bindings).toEqual([
      {
        name: 'payments',
        identity: IDENTITY,
        clusters: { tags: { env: 'prod' } },
        serviceAccounts: ['payments/api', 'payments/worker'],
      },
    ]);
    expect(config.privateLink.rules[0]).toMatchObject({ name: 'kv-from-spokes', action: 'approve' });
    expect(config.dns.privateEndpointZones).toEqual({ vault: ZONE });
  });

  it('reads the same config as JSON and YAML', () => {
    const json = JSON.stringify(valid());
    expect(parseConfig(json, 'fedlink.json')).toEqual(valid());
    // JSON is YAML too; and a name without extension is sniffed.
    expect(parseConfig(json, 'fedlink.yaml')).toEqual(valid());
    expect(parseConfig(json, 'FEDLINK_CONFIG_JSON')).toEqual(valid());
  });

  it('accepts ARM ids in any casing, as ARM does', () => {
    const config = parseConfig(
      withValueAt(
        ['federation', 'bindings', 0, 'identity'],
        IDENTITY.replace('resourceGroups', 'resourcegroups').replace(
          'Microsoft.ManagedIdentity',
          'microsoft.managedidentity',
        ),
      ),
    );
    expect(config.federation.bindings[0]?.identity).toContain('resourcegroups');
  });

  it('strips a UTF-8 byte order mark', () => {
    expect(parseConfig('\uFEFFdrift:\n  mode: repair\n').drift.mode).toBe('repair');
  });
});

describe('every rule of the schema', () => {
  it.each([
    // unknown keys, at every level
    ['a top-level key', ['federaton'], {}, 'federaton: unknown key'],
    ['scope', ['scope', 'subscription'], [SUB], 'scope.subscription: unknown key'],
    ['federation', ['federation', 'bindinqs'], [], 'federation.bindinqs: unknown key'],
    [
      'a binding',
      ['federation', 'bindings', 1, 'namespace'],
      'x',
      'federation.bindings[1].namespace: unknown key',
    ],
    [
      'a cluster selector',
      ['federation', 'bindings', 0, 'clusters', 'labels'],
      {},
      'federation.bindings[0].clusters.labels: unknown key',
    ],
    ['privateLink', ['privateLink', 'defaults'], 'leave', 'privateLink.defaults: unknown key'],
    [
      'a private link rule',
      ['privateLink', 'rules', 0, 'tenants'],
      [],
      'privateLink.rules[0].tenants: unknown key',
    ],
    ['dns', ['dns', 'hubs'], [], 'dns.hubs: unknown key'],
    ['drift', ['drift', 'interval'], 5, 'drift.interval: unknown key'],
    // GUIDs
    [
      'a subscription that is not a GUID',
      ['scope', 'subscriptions'],
      ['prod-subscription'],
      'scope.subscriptions[0]: expected a GUID',
    ],
    [
      'a tenant GUID with a brace',
      ['scope', 'tenants'],
      [`{${TENANT}}`],
      'scope.tenants[0]: expected a GUID',
    ],
    [
      'a requester subscription',
      ['privateLink', 'rules', 0, 'requesterSubscriptions'],
      ['x'],
      'privateLink.rules[0].requesterSubscriptions[0]: expected a GUID',
    ],
    [
      'an empty subscription list',
      ['scope', 'subscriptions'],
      [],
      'scope.subscriptions: expected at least 1 entry',
    ],
    // ARM ids of the wrong type
    [
      'an identity that is a cluster',
      ['federation', 'bindings', 0, 'identity'],
      CLUSTER,
      'federation.bindings[0].identity: expected an ARM resource id of type Microsoft.ManagedIdentity/userAssignedIdentities, got an id of type Microsoft.ContainerService/managedClusters',
    ],
    [
      'an identity that is not an id',
      ['federation', 'bindings', 0, 'identity'],
      'payments',
      'federation.bindings[0].identity: expected an ARM resource id of type Microsoft.ManagedIdentity/userAssignedIdentities, got something else (must start with /subscriptions/)',
    ],
    [
      'a cluster id that is an identity',
      ['federation', 'bindings', 1, 'clusters', 'ids'],
      [CLUSTER, IDENTITY],
      'federation.bindings[1].clusters.ids[1]: expected an ARM resource id of type Microsoft.ContainerService/managedClusters, got an id of type Microsoft.ManagedIdentity/userAssignedIdentities',
    ],
    [
      'a hub that is a subnet',
      ['dns', 'hubVirtualNetworks'],
      [`${VNET}/subnets/default`],
      'dns.hubVirtualNetworks[0]: expected an ARM resource id of type Microsoft.Network/virtualNetworks, got an id of type Microsoft.Network/virtualNetworks/subnets',
    ],
    [
      'a zone that is a resource group',
      ['dns', 'privateEndpointZones'],
      { vault: `/subscriptions/${SUB}/resourceGroups/rg-dns` },
      'dns.privateEndpointZones.vault: expected an ARM resource id of type Microsoft.Network/privateDnsZones, got an id of type (a subscription or resource group)',
    ],
    // service accounts
    [
      'a service account without namespace',
      ['federation', 'bindings', 0, 'serviceAccounts'],
      ['api'],
      'federation.bindings[0].serviceAccounts[0]: expected "namespace/name"',
    ],
    [
      'a service account with upper case',
      ['federation', 'bindings', 0, 'serviceAccounts'],
      ['payments/api', 'Payments/API'],
      'federation.bindings[0].serviceAccounts[1]: expected "namespace/name"',
    ],
    [
      'a service account with three parts',
      ['federation', 'bindings', 2, 'serviceAccounts'],
      ['a/b/c'],
      'federation.bindings[2].serviceAccounts[0]: expected "namespace/name"',
    ],
    [
      'a service account in the subject form',
      ['federation', 'bindings', 2, 'serviceAccounts'],
      ['system:serviceaccount:a:b'],
      'federation.bindings[2].serviceAccounts[0]: expected "namespace/name"',
    ],
    [
      'no service accounts',
      ['federation', 'bindings', 0, 'serviceAccounts'],
      [],
      'federation.bindings[0].serviceAccounts: expected at least 1 entry',
    ],
    // selectors
    [
      'tags and ids together',
      ['federation', 'bindings', 0, 'clusters'],
      { tags: { env: 'prod' }, ids: [CLUSTER] },
      'federation.bindings[0].clusters: use either tags or ids, not both',
    ],
    [
      'an empty id list',
      ['federation', 'bindings', 1, 'clusters'],
      { ids: [] },
      'federation.bindings[1].clusters.ids: expected at least 1 entry',
    ],
    [
      'a tag value that is a number',
      ['federation', 'bindings', 0, 'clusters'],
      { tags: { tier: 1 } },
      'federation.bindings[0].clusters.tags.tier: expected a string, got 1',
    ],
    // names
    [
      'a duplicate binding name',
      ['federation', 'bindings', 2, 'name'],
      'payments',
      'federation.bindings[2].name: duplicate binding name (also bindings[0])',
    ],
    [
      'a duplicate rule name',
      ['privateLink', 'rules', 1],
      { ...obj(valid(), 'privateLink', 'rules', 0) },
      'privateLink.rules[1].name: duplicate rule name (also rules[0])',
    ],
    [
      'a binding name with a space',
      ['federation', 'bindings', 0, 'name'],
      'pay ments',
      'federation.bindings[0].name: expected a short name',
    ],
    // required keys and types
    [
      'a binding without identity',
      ['federation', 'bindings', 0, 'identity'],
      DELETE,
      'federation.bindings[0].identity: required',
    ],
    [
      'bindings as a mapping',
      ['federation', 'bindings'],
      { payments: {} },
      'federation.bindings: expected a list, got a mapping',
    ],
    [
      'prune as a string',
      ['federation', 'prune'],
      'yes',
      'federation.prune: expected true or false, got "yes"',
    ],
    // enums, literals, formats
    [
      'another audience',
      ['federation', 'audience'],
      'api://other',
      'federation.audience: Azure accepts exactly one audience: api://AzureADTokenExchange',
    ],
    [
      'privateLink default approve',
      ['privateLink', 'default'],
      'approve',
      'privateLink.default: expected one of "leave", "reject", got "approve"',
    ],
    [
      'a rule action',
      ['privateLink', 'rules', 0, 'action'],
      'allow',
      'privateLink.rules[0].action: expected one of "approve", "reject", got "allow"',
    ],
    [
      'a resource type without namespace',
      ['privateLink', 'rules', 0, 'resourceTypes'],
      ['vaults'],
      'privateLink.rules[0].resourceTypes[0]: expected a resource type like Microsoft.KeyVault/vaults',
    ],
    [
      'a five-field cron',
      ['drift', 'schedule'],
      '*/30 * * * *',
      'drift.schedule: expected a six-field NCRONTAB expression',
    ],
    ['a drift mode', ['drift', 'mode'], 'fix', 'drift.mode: expected one of "report", "repair", got "fix"'],
  ])('%s', (_name, path, value, expected) => {
    const found = problems(withValueAt(path, value), 'fedlink.json');
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(expected);
  });

  it('reports a top level that is not a mapping', () => {
    expect(problems('- a\n- b\n')).toEqual(['(top level): expected a mapping, got a list']);
    expect(problems('just a string\n')).toEqual(['(top level): expected a mapping, got "just a string"']);
  });
});

describe('every problem at once, with lines', () => {
  const yaml = [
    'scope:', //                                                1
    '  subscriptions: [not-a-guid]', //                          2
    'federation:', //                                           3
    '  bindinqs: []', //                                        4
    '  bindings:', //                                           5
    '    - name: payments', //                                  6
    `      identity: ${CLUSTER}`, //                            7
    '      serviceAccounts: [payments/api, Bad]', //            8
    '    - name: payments', //                                  9
    `      identity: ${IDENTITY}`, //                           10
    '      clusters: { tags: { env: prod }, ids: [] }', //      11
    '      serviceAccounts: [a/b]', //                          12
    'drift:', //                                                13
    '  schedule: 5', //                                         14
    '',
  ].join('\n');

  it('lists them all, in file order, with the line of each', () => {
    const issues = issuesOf(yaml);
    expect(issues.map((i) => [i.path, i.line])).toEqual([
      ['scope.subscriptions[0]', 2],
      ['federation.bindinqs', 4],
      ['federation.bindings[0].identity', 7],
      ['federation.bindings[0].serviceAccounts[1]', 8],
      ['federation.bindings[1].name', 9],
      ['federation.bindings[1].clusters.ids', 11],
      ['federation.bindings[1].clusters', 11],
      ['drift.schedule', 14],
    ]);
    expect(issues.find((i) => i.path === 'federation.bindinqs')?.column).toBe(3);
  });

  it('puts them in one message naming the file', () => {
    let message = '';
    try {
      parseConfig(yaml, 'configs/fedlink.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).source).toBe('configs/fedlink.yaml');
      message = (error as Error).message;
    }
    const lines = message.split('\n');
    expect(lines[0]).toBe('invalid config configs/fedlink.yaml: 8 problems');
    expect(lines).toContain('  federation.bindinqs: unknown key (line 4)');
    expect(lines).toContain(
      '  federation.bindings[1].name: duplicate binding name (also bindings[0]) (line 9)',
    );
    expect(lines).toHaveLength(9);
  });

  it('reports several unknown keys of one mapping separately', () => {
    expect(problems('federation:\n  prunne: true\n  identityTag: true\n')).toEqual([
      'federation.prunne: unknown key',
      'federation.identityTag: unknown key',
    ]);
  });

  it('quotes keys that are not identifiers', () => {
    expect(problems('dns:\n  privateEndpointZones:\n    "blob.core": not-an-id\n')[0]).toMatch(
      /^dns\.privateEndpointZones\["blob\.core"\]: expected an ARM resource id/,
    );
  });
});

describe('syntax errors', () => {
  it('gives YAML syntax errors with line and column, and stops there', () => {
    const issues = issuesOf('scope:\n  subscriptions: [a, b\ndrift:\n  mode: report\n');
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.path === '' && typeof i.line === 'number')).toBe(true);
    expect(formatIssue(issues[0]!)).toMatch(/^line \d+, column \d+: /);
  });

  it('reports a duplicate YAML key', () => {
    expect(issuesOf('drift:\n  mode: report\n  mode: repair\n')).toEqual([
      expect.objectContaining({ line: 3, message: expect.stringContaining('unique') as string }),
    ]);
  });

  it('gives JSON syntax errors with a line', () => {
    const issues = issuesOf('{\n  "drift": {\n    "mode": "report",\n  }\n}', 'fedlink.json');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: '', line: 4 });
    expect(issues[0]!.message).toMatch(/^not valid JSON: /);
  });

  it('reports a duplicate JSON key (JSON.parse would keep the last silently) together with schema problems', () => {
    const found = problems(
      '{\n  "drift": { "mode": "report" },\n  "drift": { "mode": "repair" },\n  "extra": 1\n}',
      'fedlink.json',
    );
    expect(found).toEqual([expect.stringMatching(/^line 3, column 3: .*unique/), 'extra: unknown key']);
  });

  it('refuses YAML alias bombs', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    ].join('\n');
    expect(problems(bomb)).toEqual(['Excessive alias count indicates a resource exhaustion attack']);
  });
});

describe('format detection and files', () => {
  it.each([
    ['{}', 'fedlink.json', 'json'],
    ['a: 1', 'fedlink.JSON', 'json'],
    ['{}', 'fedlink.yaml', 'yaml'],
    ['{}', 'fedlink.yml', 'yaml'],
    ['  {"a":1}', 'FEDLINK_CONFIG_JSON', 'json'],
    ['[]', 'config', 'json'],
    ['a: 1', 'config', 'yaml'],
  ])('%p named %p is %s', (text, name, format) => {
    expect(detectFormat(text, name)).toBe(format);
  });

  it('loads a file and names it in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedlink-config-'));
    const good = join(dir, 'fedlink.yaml');
    writeFileSync(good, 'drift:\n  mode: repair\n');
    expect(loadConfig(good).drift.mode).toBe('repair');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"drift": {"mode": "fix"}}');
    expect(() => loadConfig(bad)).toThrow(
      `invalid config ${bad}: drift.mode: expected one of "report", "repair", got "fix" (line 1)`,
    );
  });

  it('reads UTF-8 strictly: a byte-order mark is fine, an invalid byte is an error naming its offset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedlink-config-'));
    const bom = join(dir, 'bom.json');
    writeFileSync(bom, '\uFEFF{"drift": {"mode": "repair"}}');
    expect(loadConfig(bom).drift.mode).toBe('repair');
    const latin1 = join(dir, 'latin1.yaml');
    writeFileSync(latin1, Buffer.from('federation:\n  bindings: []\n# café\n', 'latin1'));
    expect(() => loadConfig(latin1)).toThrow(
      new Error(`invalid config ${latin1}: not valid UTF-8 (invalid byte sequence at byte 32)`),
    );
  });

  it.each([
    ['JSON', 'deep.json', `{"scope": ${'['.repeat(5000)}${']'.repeat(5000)}}`, ' (at line 1, column 74)'],
    ['flow YAML', 'deep.yaml', `scope: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, ''],
    ['flow YAML a little past the limit', 'deep2.yaml', `scope: ${'['.repeat(70)}${']'.repeat(70)}\n`, ''],
  ])('%s nested 5,000 levels deep names the file, not a stack overflow', (_what, name, text, at) => {
    expect(() => parseConfig(text, name)).toThrow(
      new Error(`invalid config ${name}: nested deeper than 64 levels${at}`),
    );
  });

  it('never quotes a file that is not JSON in the error', () => {
    expect(() => parseConfig('AZURE_CLIENT_SECRET=s3cr3t', 'x.json')).toThrow(
      new Error("invalid config x.json: not valid JSON: Unexpected token 'A'"),
    );
  });

  it.each([
    [
      'federation.bindings[0].identity',
      {
        federation: {
          bindings: [{ name: 'b', identity: IDENTITY.replace('/rg-id/', '/../'), serviceAccounts: ['a/b'] }],
        },
      },
      'resource group ".."',
    ],
    [
      'federation.bindings[0].clusters.ids[0]',
      {
        federation: {
          bindings: [
            {
              name: 'b',
              identity: IDENTITY,
              clusters: { ids: [CLUSTER.replace(/aks-prod$/, '%2e%2e')] },
              serviceAccounts: ['a/b'],
            },
          ],
        },
      },
      'resource name "%2e%2e"',
    ],
    [
      'dns.hubVirtualNetworks[0]',
      { dns: { hubVirtualNetworks: [VNET.replace('/rg-hub/', '/./')] } },
      'resource group "."',
    ],
    [
      'dns.privateEndpointZones.vault',
      { dns: { privateEndpointZones: { vault: ZONE.replace('/rg-dns/', '/%2E/') } } },
      'resource group "%2E"',
    ],
  ])('refuses a "." or ".." segment in %s, naming the path', (path, raw, what) => {
    expect(() => parseConfig(JSON.stringify(raw), 'dots.json')).toThrow(
      new RegExp(
        `^invalid config dots\\.json: ${path.replace(/[.[\]]/g, '\\$&')}: expected an ARM resource id of type [A-Za-z./]+, got something else \\(${what.replace(/[.]/g, '\\.')} is a "\\." or "\\.\\." path segment\\) \\(line 1\\)$`,
      ),
    );
  });

  it('reports a missing file as a ConfigError', () => {
    const missing = join(tmpdir(), 'fedlink-does-not-exist.yaml');
    expect(() => loadConfig(missing)).toThrow(
      new ConfigError(missing, [{ path: '', message: 'file not found' }]).message,
    );
  });
});
