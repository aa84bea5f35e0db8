/**
 * Malformed config through `fedlink sandbox run`'s own input loading (runSandbox, the function the CLI
 * calls; its InputError is the CLI's exit code 2 with `fedlink: <message>` on stderr): bad YAML and JSON
 * shapes, unknown keys, rules and ids with wildcards that would approve or bind everything, ids pointing
 * outside scope. Each is refused with one line naming the file and the path, before any emulator starts,
 * so no ARM call can happen. Three of them also go through the compiled CLI as a user runs it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { InputError } from '../../sandbox/inputError';
import { runSandbox } from '../../sandbox/run';
import { cluster, estate, event, identity, SUB, TENANT } from '../helpers/scenario';
import { describeCounts, type HostileCase } from './harness';

const CLI = resolve(__dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'fedlink-hostile-config-'));
let n = 0;
function file(content: string, ext: string): string {
  const path = join(dir, `c${++n}.${ext}`);
  writeFileSync(path, content);
  return path;
}

const payments = identity('id-payments');
const aks = cluster('aks-cfg', 'bdbdbdbd-0000-4000-8000-000000000001');
const estatePath = file(JSON.stringify(estate([payments, aks])), 'json');
const eventsPath = file(JSON.stringify([event('Microsoft.Resources.ResourceWriteSuccess', aks.id)]), 'json');
const OTHER = '5b0c0e00-0000-4000-8000-000000000001';
const HUB = (sub: string) =>
  `/subscriptions/${sub}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub`;
const ZONE = (sub: string) =>
  `/subscriptions/${sub}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net`;
const binding = { name: 'p', identity: payments.id, serviceAccounts: ['payments/api'] };
const rule = { name: 'kv', action: 'approve', resourceTypes: ['Microsoft.KeyVault/vaults'] };

interface ConfigInput {
  readonly text: string;
  readonly ext: 'yaml' | 'json';
}
const yaml = (value: unknown): ConfigInput => ({ text: stringify(value), ext: 'yaml' });
const raw = (text: string, ext: 'yaml' | 'json' = 'yaml'): ConfigInput => ({ text, ext });

function cases(): HostileCase<ConfigInput>[] {
  const out: HostileCase<ConfigInput>[] = [];
  const add = (category: string, name: string, input: ConfigInput, says: RegExp) =>
    out.push({ category, name, input, says });
  const shape = 'malformed config';
  add(shape, 'YAML with a tab indent', raw('federation:\n\tbindings: []\n'), /./);
  add(shape, 'YAML with an unclosed flow sequence', raw('scope:\n  subscriptions: [abc\n'), /./);
  add(shape, 'YAML with a duplicate key', raw('scope: {}\nscope: {}\n'), /./);
  add(
    shape,
    'YAML alias bomb',
    raw(
      `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`,
    ),
    /./,
  );
  add(shape, 'JSON with a trailing comma', raw('{"scope": {},}', 'json'), /./);
  add(shape, 'JSON array at the root', raw('[]', 'json'), /./);
  add(shape, 'JSON string at the root', raw('"fedlink"', 'json'), /./);
  add(shape, 'YAML number at the root', raw('42\n'), /./);
  add(
    shape,
    'bindings as an object',
    yaml({ federation: { bindings: { p: binding } } }),
    /federation\.bindings/,
  );
  add(
    shape,
    'service accounts as a string',
    yaml({ federation: { bindings: [{ ...binding, serviceAccounts: 'payments/api' }] } }),
    /serviceAccounts/,
  );
  add(
    shape,
    'a 100,000-character binding name',
    yaml({ federation: { bindings: [{ ...binding, name: 'n'.repeat(100_000) }] } }),
    /bindings\[0\]\.name|bindings\.0\.name/,
  );
  const unknown = 'unknown keys';
  add(unknown, 'a top-level typo', yaml({ privateLinks: { rules: [] } }), /privateLinks/);
  add(unknown, 'an unknown scope key', yaml({ scope: { all: true } }), /scope/);
  add(
    unknown,
    'an unknown rule key',
    yaml({ privateLink: { rules: [{ ...rule, requesterTenants: ['*'] }] } }),
    /requesterTenants/,
  );
  add(
    unknown,
    'an unknown binding key',
    yaml({ federation: { bindings: [{ ...binding, issuer: 'https://evil.example/' }] } }),
    /issuer/,
  );
  add(unknown, 'an unknown dns key', yaml({ dns: { linkEverything: true } }), /linkEverything/);
  const wild = 'rules and ids with wildcards';
  add(
    wild,
    'resource type *',
    yaml({ privateLink: { rules: [{ ...rule, resourceTypes: ['*'] }] } }),
    /resourceTypes/,
  );
  add(
    wild,
    'resource type Microsoft.*/*',
    yaml({ privateLink: { rules: [{ ...rule, resourceTypes: ['Microsoft.*/*'] }] } }),
    /resourceTypes/,
  );
  add(
    wild,
    'resource type with a trailing slash',
    yaml({ privateLink: { rules: [{ ...rule, resourceTypes: ['Microsoft.KeyVault/vaults/'] }] } }),
    /resourceTypes/,
  );
  add(wild, 'group id *', yaml({ privateLink: { rules: [{ ...rule, groupIds: ['*'] }] } }), /groupIds/);
  add(
    wild,
    'requester subscription *',
    yaml({ privateLink: { rules: [{ ...rule, requesterSubscriptions: ['*'] }] } }),
    /requesterSubscriptions/,
  );
  add(
    wild,
    'requester subscriptions empty (would read as any)',
    yaml({ privateLink: { rules: [{ ...rule, requesterSubscriptions: [] }] } }),
    /requesterSubscriptions/,
  );
  add(
    wild,
    'resource types empty',
    yaml({ privateLink: { rules: [{ ...rule, resourceTypes: [] }] } }),
    /resourceTypes/,
  );
  add(
    wild,
    'action approve-all',
    yaml({ privateLink: { rules: [{ ...rule, action: 'approve-all' }] } }),
    /action/,
  );
  add(wild, 'default approve', yaml({ privateLink: { default: 'approve' } }), /privateLink\.default/);
  add(wild, 'scope subscription *', yaml({ scope: { subscriptions: ['*'] } }), /scope\.subscriptions/);
  add(wild, 'scope tenant *', yaml({ scope: { tenants: ['*'] } }), /scope\.tenants/);
  add(
    wild,
    'binding identity in every resource group',
    yaml({ federation: { bindings: [{ ...binding, identity: payments.id.replace('/rg-id/', '/*/') }] } }),
    /wildcards \(\*\) are not supported/,
  );
  add(
    wild,
    'binding identity named *',
    yaml({ federation: { bindings: [{ ...binding, identity: payments.id.replace(/id-payments$/, '*') }] } }),
    /wildcards \(\*\) are not supported/,
  );
  add(
    wild,
    'binding cluster ids with a wildcard',
    yaml({ federation: { bindings: [{ ...binding, clusters: { ids: [aks.id.replace('aks-cfg', '*')] } }] } }),
    /wildcards \(\*\) are not supported/,
  );
  add(
    wild,
    'service account */*',
    yaml({ federation: { bindings: [{ ...binding, serviceAccounts: ['*/*'] }] } }),
    /serviceAccounts/,
  );
  add(wild, 'an audience wildcard', yaml({ federation: { audience: '*' } }), /audience/);
  add(wild, 'issuer host *', yaml({ federation: { issuerHosts: ['*'] } }), /issuerHosts/);
  add(
    wild,
    'issuer host suffix of a whole TLD',
    yaml({ federation: { issuerHosts: ['.com'] } }),
    /issuerHosts/,
  );
  const outside = 'zone and hub ids outside scope';
  add(
    outside,
    'hub network in a subscription outside scope',
    yaml({ scope: { subscriptions: [SUB] }, dns: { hubVirtualNetworks: [HUB(OTHER)] } }),
    /dns\.hubVirtualNetworks\[0\].*outside scope\.subscriptions/,
  );
  add(
    outside,
    'central zone in a subscription outside scope',
    yaml({ scope: { subscriptions: [SUB] }, dns: { privateEndpointZones: { vault: ZONE(OTHER) } } }),
    /dns\.privateEndpointZones\.vault.*outside scope\.subscriptions/,
  );
  add(
    outside,
    'hub network id with a traversal into another subscription',
    yaml({
      scope: { subscriptions: [SUB] },
      dns: {
        hubVirtualNetworks: [
          HUB(SUB).replace('/rg-hub/', `/rg-hub/../../../subscriptions/${OTHER}/resourceGroups/rg-hub/`),
        ],
      },
    }),
    /dns\.hubVirtualNetworks\[0\]/,
  );
  add(
    outside,
    'central zone id that is a public zone',
    yaml({ dns: { privateEndpointZones: { vault: ZONE(SUB).replace('privateDnsZones', 'dnsZones') } } }),
    /dns\.privateEndpointZones\.vault/,
  );
  add(
    outside,
    'hub id that is a subnet',
    yaml({ dns: { hubVirtualNetworks: [`${HUB(SUB)}/subnets/default`] } }),
    /dns\.hubVirtualNetworks\[0\]/,
  );
  return out;
}

const CASES = cases();

describe(`hostile config (${CASES.length}: ${describeCounts(CASES)})`, () => {
  it('the estate and events these configs spoil do write with a good config', async () => {
    const out = await runSandbox({
      estatePath,
      configPath: file(
        stringify({
          scope: { subscriptions: [SUB], tenants: [TENANT] },
          federation: { bindings: [binding] },
        }),
        'yaml',
      ),
      eventsPath,
    });
    expect(out.metrics.armWrites).toBe(1);
  });

  it.each(CASES.map((c) => [`${c.category}: ${c.name}`, c] as const))(
    '%s: bad input (exit 2), one line naming the problem, no run',
    async (_label, c) => {
      const configPath = file(c.input.text, c.input.ext);
      const error = await runSandbox({ estatePath, configPath, eventsPath }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InputError);
      const message = (error as InputError).message;
      expect(message).toContain(configPath);
      expect(message).toMatch(c.says);
      expect(message).not.toMatch(/\n/);
      expect(message.length).toBeLessThan(2000);
    },
  );

  it.each(
    CASES.filter((c) =>
      ['YAML alias bomb', 'requester subscription *', 'hub network in a subscription outside scope'].includes(
        c.name,
      ),
    ).map((c) => [c.name, c] as const),
  )('through the compiled CLI, %s: exit 2, one line on stderr, nothing on stdout', (_label, c) => {
    const configPath = file(c.input.text, c.input.ext);
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        'sandbox',
        'run',
        '--json',
        '--estate',
        estatePath,
        '--config',
        configPath,
        '--events',
        eventsPath,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^fedlink: [^\\n]*${c.says.source}[^\\n]*\\n$`));
    expect(r.status).toBe(2);
  });
});
