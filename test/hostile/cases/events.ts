/**
 * Spoofed and malformed events (issue #12 item 3), as data: each names the payload Event Grid would deliver
 * and what the handler must say when it drops it (or `accepted`: it may start a run, which re-reads ARM).
 * The estate they are delivered against is exported with them.
 */
import { ficName } from '../../../shared/federation/names';
import { aksIssuer, ficResource, privateEndpointResource, toCloudEvent } from '../../../sandbox/builders';
import { cluster, event, identity, SUB, TENANT } from '../../helpers/scenario';
import { type HostileCase } from '../harness';

const OTHER_SUB = '11111111-2222-4333-8444-555555555555';
const FOREIGN_TENANT = 'f0f0f0f0-0000-4000-8000-00000000bbbb';
const ISSUER_ID = '5e5e5e5e-6666-4777-8888-999999999999';
export const payments = identity('id-payments');
export const aks = cluster('aks-good', ISSUER_ID);
const issuer = aksIssuer('eastus', TENANT, ISSUER_ID);
export const fic = ficResource(
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
export const pe = privateEndpointResource({
  subscriptionId: SUB,
  resourceGroup: 'rg-app',
  name: 'pe-kv',
  location: 'eastus',
  targetId: `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-app`,
  groupId: 'vault',
  fqdn: 'kv-app.vault.azure.net',
  ip: '10.4.0.9',
});

type Payload = unknown;
type Ev = Record<string, unknown> & { data: Record<string, unknown> };
const write = (id: string): Ev => event('Microsoft.Resources.ResourceWriteSuccess', id) as Ev;
const withData = (e: Ev, patch: Record<string, unknown>): Ev => ({ ...e, data: { ...e.data, ...patch } });

export function eventCases(): HostileCase<Payload>[] {
  const out: HostileCase<Payload>[] = [];
  const add = (category: string, name: string, input: Payload, says: RegExp) =>
    out.push({ category, name, input, says });
  const spoof = 'spoofed event subjects and data';
  // subject vs data.resourceUri
  add(
    spoof,
    'resourceUri names another cluster',
    withData(write(aks.id), { resourceUri: aks.id.replace('aks-good', 'aks-evil') }),
    /does not match subject/,
  );
  add(
    spoof,
    'resourceUri names an identity, subject a cluster',
    withData(write(aks.id), { resourceUri: payments.id }),
    /does not match subject/,
  );
  add(
    spoof,
    'resourceUri of another subscription',
    withData(write(aks.id), { resourceUri: aks.id.replace(SUB, OTHER_SUB) }),
    /does not match subject/,
  );
  add(
    spoof,
    'resourceUri is a number',
    withData(write(aks.id), { resourceUri: 7 }),
    /does not match subject/,
  );
  add(
    spoof,
    'resourceUri with a traversal back to the subject',
    withData(write(aks.id), { resourceUri: aks.id.replace('/providers/', '/x/../providers/') }),
    /does not match subject/,
  );
  add(
    spoof,
    'private endpoint subject, resourceUri of a foreign endpoint',
    withData(write(pe.id), { resourceUri: pe.id.replace(SUB, OTHER_SUB) }),
    /does not match subject/,
  );
  // topic / source of another subscription or tenant
  add(
    spoof,
    'topic of another subscription',
    { ...write(aks.id), topic: `/subscriptions/${OTHER_SUB}` },
    /came from/,
  );
  add(
    spoof,
    'topic of another subscription, resource group scope',
    { ...write(aks.id), topic: `/subscriptions/${OTHER_SUB}/resourceGroups/rg-aks` },
    /came from/,
  );
  add(
    spoof,
    'topic in upper case of another subscription',
    { ...write(aks.id), topic: `/SUBSCRIPTIONS/${OTHER_SUB.toUpperCase()}` },
    /came from/,
  );
  add(
    spoof,
    'private endpoint event from another subscription topic',
    { ...write(pe.id), topic: `/subscriptions/${OTHER_SUB}` },
    /came from/,
  );
  add(
    spoof,
    'cloud event whose source is another subscription',
    { ...toCloudEvent(write(aks.id)), source: `/subscriptions/${OTHER_SUB}` },
    /came from/,
  );
  add(
    spoof,
    'a foreign tenant claim on our cluster (re-read from ARM: converged, no write)',
    withData(write(aks.id), {
      tenantId: FOREIGN_TENANT,
      claims: { 'http://schemas.microsoft.com/identity/claims/tenantid': FOREIGN_TENANT },
    }),
    /accepted/,
  );
  add(
    spoof,
    'an issuer injected in data (never read)',
    withData(write(aks.id), { properties: { oidcIssuerProfile: { issuerURL: 'https://evil.example/' } } }),
    /accepted/,
  );
  add(
    spoof,
    'a delete event for a cluster that exists (re-read: it exists, nothing pruned)',
    event('Microsoft.Resources.ResourceDeleteSuccess', aks.id),
    /accepted/,
  );
  add(
    spoof,
    'a delete event for the FIC fedlink owns (re-read: it exists)',
    event('Microsoft.Resources.ResourceDeleteSuccess', fic.id),
    /accepted/,
  );
  // event type vs resource
  const mismatch = 'event type not matching the resource';
  add(
    mismatch,
    'write failure of our cluster',
    { ...write(aks.id), eventType: 'Microsoft.Resources.ResourceWriteFailure' },
    /not handled/,
  );
  add(
    mismatch,
    'action success on our cluster',
    { ...write(aks.id), eventType: 'Microsoft.Resources.ResourceActionSuccess' },
    /not handled/,
  );
  add(
    mismatch,
    'a storage blob event with a cluster subject',
    { ...write(aks.id), eventType: 'Microsoft.Storage.BlobCreated' },
    /not handled/,
  );
  add(
    mismatch,
    'a Key Vault event with an identity subject',
    { ...write(payments.id), eventType: 'Microsoft.KeyVault.SecretNewVersionCreated' },
    /not handled/,
  );
  add(
    mismatch,
    'event type with a trailing space',
    { ...write(aks.id), eventType: 'Microsoft.Resources.ResourceWriteSuccess ' },
    /not handled/,
  );
  add(
    mismatch,
    'event type in lower case',
    { ...write(aks.id), eventType: 'microsoft.resources.resourcewritesuccess' },
    /not handled/,
  );
  add(
    mismatch,
    'subscription validation without a code',
    { ...write(aks.id), eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', data: {} },
    /validationCode/,
  );
  add(
    mismatch,
    'subscription validation with a 10,000-character code',
    {
      ...write(aks.id),
      eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
      data: { validationCode: 'v'.repeat(10_000) },
    },
    /validationCode/,
  );
  // schema mixups
  const schema = 'CloudEvents vs Event Grid schema mixups';
  const ce = toCloudEvent(write(aks.id));
  add(
    schema,
    'cloud event with eventType instead of type',
    { ...ce, type: undefined, eventType: 'Microsoft.Resources.ResourceWriteSuccess' },
    /./,
  );
  add(
    schema,
    'cloud event without specversion',
    (() => {
      const c = { ...ce };
      delete c.specversion;
      return c;
    })(),
    /./,
  );
  add(schema, 'cloud event of spec version 0.3', { ...ce, specversion: '0.3' }, /./);
  add(schema, 'event grid event with specversion added', { ...write(aks.id), specversion: '1.0' }, /./);
  add(
    schema,
    'event grid event with source instead of topic and type instead of eventType',
    (() => {
      const e: Record<string, unknown> = { ...write(aks.id) };
      e.source = e.topic;
      e.type = e.eventType;
      delete e.topic;
      delete e.eventType;
      return e;
    })(),
    /./,
  );
  add(
    schema,
    'event grid event without dataVersion',
    (() => {
      const e: Record<string, unknown> = { ...write(aks.id) };
      delete e.dataVersion;
      return e;
    })(),
    /./,
  );
  add(schema, 'an array mixing both schemas', [write(aks.id), ce], /./);
  add(schema, 'a cloud events batch envelope object', { events: [ce] }, /./);
  add(
    schema,
    'data_base64 instead of data',
    { ...ce, data: undefined, data_base64: Buffer.from('{}').toString('base64') },
    /./,
  );
  // malformed and traversal subjects
  const ids = 'malformed and traversal resource ids';
  const bad: [string, string][] = [
    ['dot-dot in the subject', aks.id.replace('/providers/', '/../providers/')],
    ['percent-encoded dot-dot', aks.id.replace('/resourceGroups/rg-aks/', '/resourceGroups/%2e%2e/')],
    ['double-encoded dot-dot', aks.id.replace('/resourceGroups/rg-aks/', '/resourceGroups/%252e%252e/')],
    ['encoded slash in the name', aks.id.replace('aks-good', 'aks-good%2f..%2fother')],
    ['wrong provider', aks.id.replace('Microsoft.ContainerService', 'Microsoft.Contoso')],
    ['wrong type for the provider', aks.id.replace('managedClusters', 'snapshots')],
    ['a child of the cluster', `${aks.id}/agentPools/nodepool1`],
    ['empty subscription segment', aks.id.replace(`/subscriptions/${SUB}`, '/subscriptions/')],
    ['empty resource group', aks.id.replace('/rg-aks/', '//')],
    ['trailing slash', `${aks.id}/`],
    ['subject with a query', `${aks.id}?api-version=2024-01-01`],
    ['subject with a fragment', `${aks.id}#x`],
    ['a URL instead of an id', `https://management.azure.com${aks.id}`],
    ['backslashes', aks.id.replace(/\//g, '\\')],
    ['a NUL in the name', aks.id.replace('aks-good', 'aks-good\u0000')],
    ['a 3,000-character subject', aks.id.replace('aks-good', 'a'.repeat(3000))],
    ['a private endpoint subject with a traversal', pe.id.replace('/rg-app/', '/rg-app/../rg-other/')],
    ['an FIC subject of a traversal identity', fic.id.replace('/id-payments/', '/../')],
  ];
  for (const [name, subject] of bad) {
    const e = write(aks.id);
    add(
      ids,
      name,
      { ...e, subject, data: { ...e.data, resourceUri: subject } },
      /subject is|not a managed cluster|not handled|does not match/,
    );
  }
  return out;
}
