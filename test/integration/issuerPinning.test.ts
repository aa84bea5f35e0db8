/**
 * docs/targets.md security 1: a corpus of bad inputs (other-tenant issuers, look-alike hosts, http://, case
 * and whitespace variants, trailing-slash variants, oversized strings, malformed resource ids, spoofed
 * event subjects and data) yields zero ARM writes and a clear error for each. Every variant is derived
 * in code from a well-formed AKS issuer and the published event shape.
 */
import { handleEventGridDelivery } from '../../functions/triggers/eventGrid';
import { driftCheck } from '../../functions/orchestrations/drift';
import { type RunResult } from '../../functions/contracts';
import { silentLogger } from '../../shared/core/log';
import { ficName } from '../../shared/federation/names';
import { aksIssuer, type ArmResource, ficResource, toCloudEvent } from '../../sandbox/builders';
import { cluster, event, identity, running, SUB, TENANT } from '../helpers/scenario';

const OTHER_TENANT = '0f0f0f0f-1111-4222-8333-444444444444';
const ISSUER_ID = '5e5e5e5e-6666-4777-8888-999999999999';

/** Bad issuers derived from a good one: each must be refused. */
function badIssuers(region: string): Record<string, string> {
  const good = aksIssuer(region, TENANT, ISSUER_ID);
  const host = `${region}.oic.prod-aks.azure.com`;
  const path = `/${TENANT}/${ISSUER_ID}/`;
  return {
    'http scheme': good.replace('https://', 'http://'),
    'upper-case scheme': good.replace('https://', 'HTTPS://'),
    'no scheme': good.replace('https://', ''),
    'protocol-relative': good.replace('https:', ''),
    'ftp scheme': good.replace('https://', 'ftp://'),
    'leading space': ` ${good}`,
    'trailing space': `${good} `,
    'trailing newline': `${good}\n`,
    'trailing CRLF': `${good}\r\n`,
    'tab inside': good.replace('.oic', '\t.oic'),
    'no-break space': `${good}\u00a0`,
    'zero-width space': good.replace('oic', 'o\u200bic'),
    'bidi override': good.replace(TENANT, `\u202e${TENANT}`),
    'no trailing slash': good.slice(0, -1),
    'double trailing slash': `${good}/`,
    'dot segment': `${good}.`,
    'upper-case host': good.replace(host, host.toUpperCase()),
    'upper-case tenant': good.replace(TENANT, TENANT.toUpperCase()),
    'upper-case issuer id': good.replace(ISSUER_ID, ISSUER_ID.toUpperCase()),
    'host with suffix': good.replace(host, `${host}.evil.example`),
    'typo-squatted TLD': good.replace('azure.com', 'azure.co'),
    'lookalike dash': good.replace('.oic.', '-oic.'),
    'lookalike path host': `https://evil.example/${host}${path}`,
    'cyrillic a': good.replace('azure', '\u0430zure'),
    'punycode host': good.replace(host, `xn--${region}-oic.prod-aks.azure.com`),
    'explicit port': good.replace(host, `${host}:443`),
    'user info': good.replace('https://', 'https://attacker@'),
    'ip address': `https://20.42.0.1${path}`,
    localhost: `https://localhost${path}`,
    'other tenant': aksIssuer(region, OTHER_TENANT, ISSUER_ID),
    'extra path segment': `${good}extra/`,
    'missing issuer id': `https://${host}/${TENANT}/`,
    'query string': `${good}?x=1`,
    fragment: `${good}#frag`,
    'dot-dot segment': `https://${host}/${TENANT}/../${ISSUER_ID}/`,
    'encoded slash': `https://${host}/${TENANT}%2F${ISSUER_ID}/`,
    'backslash path': `https://${host}\\${TENANT}\\${ISSUER_ID}\\`,
    '601 characters': `https://${host}/${'a'.repeat(601 - host.length - 9)}`,
    'oversized 100k': `https://${host}/${'b'.repeat(100_000)}/`,
    empty: '',
  };
}

const REGIONS = ['eastus', 'westeurope', 'japaneast', 'australiasoutheast', 'brazilsouth', 'uksouth'];

describe('issuer pinning corpus', () => {
  it('writes no FIC for any of ≥ 200 bad issuers, and reports each with its reason (a failed or warned finding)', async () => {
    const victim = identity('id-victim');
    const corpus: { label: string; resource: ArmResource }[] = [];
    for (const region of REGIONS) {
      for (const [label, issuer] of Object.entries(badIssuers(region))) {
        const c = cluster(`bad-${corpus.length}`, ISSUER_ID, { location: region });
        (c.properties as { oidcIssuerProfile: { issuerURL: string } }).oidcIssuerProfile.issuerURL = issuer;
        corpus.push({ label: `${region}: ${label}`, resource: c });
      }
    }
    expect(corpus.length).toBeGreaterThanOrEqual(200);

    const sandbox = await running([victim, ...corpus.map((c) => c.resource)], {
      scope: { subscriptions: [SUB], tenants: [TENANT] },
      federation: { bindings: [{ name: 'all', identity: victim.id, serviceAccounts: ['app/web'] }] },
    });
    try {
      await sandbox.host.client.startNew(driftCheck.name, {
        instanceId: 'pinning',
        input: { mode: 'apply', trigger: 'cli' },
      });
      await sandbox.host.runUntilIdle();
      const result = (await sandbox.host.client.getStatus('pinning')).output as RunResult;
      expect(sandbox.writes()).toEqual([]);
      expect(sandbox.fics(victim.id)).toEqual([]);
      const unexplained = corpus.filter(
        ({ resource }) =>
          !result.findings.some(
            (f) => f.resourceId === resource.id && f.status !== 'pass' && f.message.length > 20,
          ),
      );
      expect(unexplained.map((c) => c.label)).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });
});

describe('spoofed and malformed events', () => {
  const payments = identity('id-payments');
  const good = cluster('aks-good', ISSUER_ID);
  const issuer = aksIssuer('eastus', TENANT, ISSUER_ID);
  const existing = ficResource(
    payments.id,
    ficName({
      clusterName: 'aks-good',
      namespace: 'app',
      serviceAccount: 'web',
      issuer,
      subject: 'system:serviceaccount:app:web',
    }),
    issuer,
    'system:serviceaccount:app:web',
  );

  function variants(): Record<string, unknown> {
    const base = (): Record<string, unknown> & { data: Record<string, unknown> } =>
      event('Microsoft.Resources.ResourceWriteSuccess', good.id) as Record<string, unknown> & {
        data: Record<string, unknown>;
      };
    const withData = (patch: Record<string, unknown>) => {
      const e = base();
      e.data = { ...e.data, ...patch };
      return e;
    };
    const withEnvelope = (patch: Record<string, unknown>) => ({ ...base(), ...patch });
    const out: Record<string, unknown> = {
      'issuer injected in data': withData({
        properties: { oidcIssuerProfile: { issuerURL: 'https://evil.example/' } },
      }),
      'resourceUri of another cluster': withData({ resourceUri: good.id.replace('aks-good', 'aks-evil') }),
      'resourceUri of a storage account': withData({
        resourceUri: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x`,
      }),
      'subject of another subscription than the topic': withEnvelope({
        topic: '/subscriptions/11111111-2222-4333-8444-555555555555',
      }),
      'subject with a query': withEnvelope({ subject: `${good.id}?x=1` }),
      'subject with spaces': withEnvelope({ subject: ` ${good.id} ` }),
      'subject with a traversal': withEnvelope({ subject: good.id.replace('/providers/', '/../providers/') }),
      'subject without providers': withEnvelope({ subject: `/subscriptions/${SUB}/resourceGroups/rg-aks` }),
      'subject of a role assignment': withEnvelope({
        subject: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/x`,
      }),
      'oversized subject': withEnvelope({ subject: good.id + 'a'.repeat(5000) }),
      'empty subject': withEnvelope({ subject: '' }),
      'numeric subject': withEnvelope({ subject: 42 }),
      'write failure event': withEnvelope({ eventType: 'Microsoft.Resources.ResourceWriteFailure' }),
      'action event': withEnvelope({ eventType: 'Microsoft.Resources.ResourceActionSuccess' }),
      'unknown event type': withEnvelope({ eventType: 'Contoso.Items.ItemReceived' }),
      'lower-case event type': withEnvelope({ eventType: 'microsoft.resources.resourcewritesuccess' }),
      'missing id': withEnvelope({ id: undefined }),
      'missing eventTime': withEnvelope({ eventTime: undefined }),
      'data as string': withEnvelope({ data: 'not an object' }),
      'null data': withEnvelope({ data: null }),
      'not an object': 'just a string',
      'number payload': 12345,
      'null payload': null,
      'nested array': [[base()]],
      'cloud event of another type': { ...toCloudEvent(base()), type: 'Contoso.Items.ItemReceived' },
      'cloud event without specversion': (() => {
        const c = toCloudEvent(base());
        delete c.specversion;
        return c;
      })(),
      'cloud event with a spoofed source': {
        ...toCloudEvent(base()),
        source: '/subscriptions/11111111-2222-4333-8444-555555555555',
      },
    };
    // Malformed ids in every position of the subject.
    const segments = good.id.split('/');
    for (let i = 1; i < segments.length; i++) {
      const broken = [...segments];
      broken[i] = '';
      out[`empty id segment ${i}`] = withEnvelope({ subject: broken.join('/') });
      const weird = [...segments];
      weird[i] = `${segments[i] ?? ''}#frag`;
      out[`fragment in id segment ${i}`] = withEnvelope({ subject: weird.join('/') });
    }
    return out;
  }

  it('make no ARM write against a converged estate, and each is ignored with a reason or re-reads ARM', async () => {
    const sandbox = await running([payments, good, existing], {
      scope: { subscriptions: [SUB], tenants: [TENANT] },
      federation: { bindings: [{ name: 'p', identity: payments.id, serviceAccounts: ['app/web'] }] },
    });
    try {
      const cases = Object.entries(variants());
      expect(cases.length).toBeGreaterThanOrEqual(40);
      for (const [label, payload] of cases) {
        const dispositions = await handleEventGridDelivery([payload], {
          client: sandbox.host.client,
          mode: 'apply',
          log: silentLogger,
        }).catch((error: unknown) => [{ kind: 'ignored' as const, reason: `rejected: ${String(error)}` }]);
        await sandbox.host.runUntilIdle();
        for (const d of dispositions) {
          if (d.kind === 'ignored')
            expect({ label, reason: d.reason.length > 5 }).toEqual({ label, reason: true });
        }
      }
      expect(sandbox.writes()).toEqual([]);
      expect(sandbox.fics(payments.id).map((f) => f.issuer)).toEqual([issuer]);
    } finally {
      await sandbox.close();
    }
  });
});
