/**
 * Malformed config (issue #12 item 3), as data: bad YAML and JSON shapes, unknown keys, rules and ids with
 * wildcards that would approve or bind everything, hub and zone ids outside scope; each with what the one
 * line of the refusal must say.
 */
import { stringify } from 'yaml';
import { cluster, identity, SUB } from '../../helpers/scenario';
import { type HostileCase } from '../harness';

export const payments = identity('id-payments');
export const aks = cluster('aks-cfg', 'bdbdbdbd-0000-4000-8000-000000000001');
const OTHER = '5b0c0e00-0000-4000-8000-000000000001';
const HUB = (sub: string) =>
  `/subscriptions/${sub}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub`;
const ZONE = (sub: string) =>
  `/subscriptions/${sub}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net`;
export const binding = { name: 'p', identity: payments.id, serviceAccounts: ['payments/api'] };
const rule = { name: 'kv', action: 'approve', resourceTypes: ['Microsoft.KeyVault/vaults'] };

export interface ConfigInput {
  readonly text: string;
  readonly ext: 'yaml' | 'json';
}
const yaml = (value: unknown): ConfigInput => ({ text: stringify(value), ext: 'yaml' });
const raw = (text: string, ext: 'yaml' | 'json' = 'yaml'): ConfigInput => ({ text, ext });

export function configCases(): HostileCase<ConfigInput>[] {
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
