/**
 * Hostile run requests over real sockets to the sandbox HTTP API (the same routes the Function App
 * registers): cluster and identity ids that traverse, are encoded, name the wrong provider or type, are
 * empty-segmented, oversized, look-alike or of another shape, and subscription ids that are not GUIDs.
 * Each is a 400 naming the problem, starts no run and makes no ARM call.
 */
import { startApiServer, type ApiServer } from '../../sandbox/httpServer';
import { silentLogger } from '../../shared/core/log';
import { cluster, identity, running, type Running, SUB } from '../helpers/scenario';
import { describeCounts, type HostileCase } from './harness';

const payments = identity('id-payments');
const aks = cluster('aks-http', '5e5e5e5e-6666-4777-8888-999999999999');

function idVariants(good: string, what: string): [string, string][] {
  return [
    [`${what}: dot-dot segment`, good.replace('/providers/', '/../providers/')],
    [`${what}: dot-dot resource group`, good.replace(/\/resourceGroups\/[^/]+\//, '/resourceGroups/../')],
    [
      `${what}: percent-encoded dot-dot`,
      good.replace(/\/resourceGroups\/[^/]+\//, '/resourceGroups/%2e%2e/'),
    ],
    [
      `${what}: double-encoded dot-dot`,
      good.replace(/\/resourceGroups\/[^/]+\//, '/resourceGroups/%252e%252e/'),
    ],
    [`${what}: encoded slash in the name`, `${good}%2f..%2f..`],
    [
      `${what}: wrong provider`,
      good.replace(/Microsoft\.(ContainerService|ManagedIdentity)/, 'Microsoft.Storage'),
    ],
    [`${what}: a child resource`, `${good}/federatedIdentityCredentials/x`],
    [`${what}: empty segment`, good.replace('/resourceGroups/', '//resourceGroups/')],
    [`${what}: trailing slash`, `${good}/`],
    [`${what}: leading space`, ` ${good}`],
    [`${what}: a query string`, `${good}?api-version=1`],
    [`${what}: a URL`, `https://management.azure.com${good}`],
    [`${what}: 3,000 characters`, good.replace(/[^/]+$/, 'n'.repeat(3000))],
    [`${what}: subscription not a GUID`, good.replace(SUB, '*')],
  ];
}

function cases(): HostileCase<unknown>[] {
  const out: HostileCase<unknown>[] = [];
  for (const [name, id] of idVariants(aks.id, 'clusterId'))
    out.push({
      category: 'malformed and traversal resource ids',
      name,
      input: { scope: { clusterId: id }, mode: 'apply' },
      says: /clusterId: expected a managed cluster resource id/,
    });
  for (const [name, id] of idVariants(payments.id, 'identityId'))
    out.push({
      category: 'malformed and traversal resource ids',
      name,
      input: { scope: { identityId: id }, mode: 'apply' },
      says: /identityId: expected a user-assigned identity resource id/,
    });
  const wrongRoute: [string, unknown][] = [
    ['an identity id as clusterId', { scope: { clusterId: payments.id } }],
    ['a cluster id as identityId', { scope: { identityId: aks.id } }],
    [
      'a private endpoint id as clusterId',
      {
        scope: {
          clusterId: aks.id.replace(
            'Microsoft.ContainerService/managedClusters',
            'Microsoft.Network/privateEndpoints',
          ),
        },
      },
    ],
    ['subscription id with a wildcard', { scope: { subscriptionId: '*' } }],
    ['subscription id with a traversal', { scope: { subscriptionId: `${SUB}/../x` } }],
    ['subscription id in braces', { scope: { subscriptionId: `{${SUB}}` } }],
    ['all: "true" as a string', { scope: { all: 'true' } }],
    ['two scopes at once', { scope: { clusterId: aks.id, identityId: payments.id } }],
    ['an unknown scope key', { scope: { resourceId: aks.id } }],
    ['an unknown mode', { scope: { all: true }, mode: 'force' }],
  ];
  for (const [name, input] of wrongRoute)
    out.push({ category: 'wrong type for the route', name, input, says: /invalid run request/ });
  return out;
}

const CASES = cases();
let sandbox: Running;
let api: ApiServer;

beforeAll(async () => {
  sandbox = await running([payments, aks], {
    federation: { bindings: [{ name: 'p', identity: payments.id, serviceAccounts: ['payments/api'] }] },
  });
  api = await startApiServer({
    client: sandbox.host.client,
    log: silentLogger,
    configStatus: () => ({ loaded: true, source: 'test' }),
  });
});
afterAll(async () => {
  await api.close();
  await sandbox.close();
});

describe(`hostile run requests (${CASES.length}: ${describeCounts(CASES)})`, () => {
  it.each(CASES.map((c) => [`${c.category}: ${c.name}`, c] as const))(
    '%s: 400 naming the problem, no run, no ARM call',
    async (_label, c) => {
      const res = await fetch(`${api.url}/api/runs`, {
        method: 'POST',
        headers: { 'x-functions-key': api.key, 'content-type': 'application/json' },
        body: JSON.stringify(c.input),
      });
      const body = (await res.json()) as { error: { message: string; details?: string[] } };
      expect(res.status).toBe(400);
      expect([body.error.message, ...(body.error.details ?? [])].join('\n')).toMatch(c.says);
      expect(JSON.stringify(body).length).toBeLessThan(4000);
      expect(sandbox.host.topLevelInstances()).toEqual([]);
      expect(sandbox.emulator.operations).toEqual([]);
    },
  );
});
