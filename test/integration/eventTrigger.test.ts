/**
 * The Event Grid trigger handler with real payloads: the verbatim published samples in
 * `test/fixtures/azure/eventgrid` and AKS/identity variants derived from them in code.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { handleEventGridDelivery } from '../../functions/triggers/eventGrid';
import { instanceIdFor } from '../../shared/core/instanceIds';
import { silentLogger } from '../../shared/core/log';
import { toCloudEvent } from '../../sandbox/builders';
import { cluster, event, identity, running, type Running } from '../helpers/scenario';

const FIXTURES = resolve(__dirname, '../fixtures/azure/eventgrid');
const fixture = (name: string): unknown => JSON.parse(readFileSync(resolve(FIXTURES, name), 'utf8'));

const payments = identity('id-payments');
const aks = cluster('aks-events', 'efefefef-0000-4000-8000-000000000001');
const cfg = {
  federation: {
    bindings: [{ name: 'p', identity: payments.id, serviceAccounts: ['payments/api', 'payments/worker'] }],
  },
};

let sandbox: Running;
beforeEach(async () => {
  sandbox = await running([payments, aks], cfg);
});
afterEach(() => sandbox.close());

const deliver = (payload: unknown) =>
  handleEventGridDelivery(payload, { client: sandbox.host.client, mode: 'apply', log: silentLogger });

it.each([
  ['resource-write-success.eventgrid-schema.json', 'a storage account write'],
  ['resource-delete-success.eventgrid-schema.json', 'a storage account delete'],
  ['resource-write-failure.eventgrid-schema.json', 'a failed write'],
  ['resource-write-success.cloudevents-schema.json', 'a storage account write (CloudEvents)'],
  ['subscription-validation-event.eventgrid-schema.json', 'the subscription validation handshake'],
])('acknowledges and ignores the published %s (%s): no run, no ARM call', async (name) => {
  const dispositions = await deliver(fixture(name));
  expect(dispositions.length).toBeGreaterThan(0);
  expect(dispositions.every((d) => d.kind === 'ignored')).toBe(true);
  expect(sandbox.host.topLevelInstances()).toEqual([]);
  expect(sandbox.emulator.operations).toEqual([]);
});

it('starts one run per resource for Event Grid and CloudEvents deliveries, whatever the id casing', async () => {
  const eg = event('Microsoft.Resources.ResourceWriteSuccess', aks.id);
  const upper = JSON.parse(
    JSON.stringify(eg)
      .replaceAll('resourcegroups', 'resourceGroups')
      .replaceAll('Microsoft.ContainerService', 'MICROSOFT.CONTAINERSERVICE'),
  ) as unknown;
  const cloud = toCloudEvent(event('Microsoft.Resources.ResourceWriteSuccess', aks.id));
  const results = await Promise.all([deliver([eg]), deliver([upper]), deliver(cloud), deliver([cloud])]);
  const ids = new Set(results.flat().map((d) => (d.kind === 'ignored' ? d.reason : d.instanceId)));
  expect(ids).toEqual(new Set([instanceIdFor('cluster', aks.id)]));
  expect(results.flat().filter((d) => d.kind === 'started').length).toBeGreaterThanOrEqual(1);
  await sandbox.host.runUntilIdle();
  // However many deliveries coalesced, the FICs were written once each.
  expect(sandbox.writes().filter((w) => w.method === 'PUT')).toHaveLength(2);
  expect(sandbox.fics(payments.id)).toHaveLength(2);
});

it('ignores a spoofed event whose subject and resourceUri disagree', async () => {
  const spoofed = event('Microsoft.Resources.ResourceWriteSuccess', aks.id) as {
    data: { resourceUri: string };
  };
  spoofed.data.resourceUri =
    '/subscriptions/00000000-0000-4000-8000-000000000000/resourcegroups/evil/providers/Microsoft.ContainerService/managedClusters/evil';
  const [d] = await deliver([spoofed]);
  expect(d?.kind).toBe('ignored');
  expect(sandbox.emulator.operations).toEqual([]);
});

it('an identity tag change federates the newly declared service account', async () => {
  await sandbox.deliver([event('Microsoft.Resources.ResourceWriteSuccess', aks.id)]);
  expect(sandbox.fics(payments.id)).toHaveLength(2);
  const tagged = { ...payments, tags: { 'fedlink-service-accounts': 'batch/cron', 'fedlink-clusters': '*' } };
  sandbox.emulator.putResource(tagged);
  await sandbox.deliver([event('Microsoft.Resources.ResourceWriteSuccess', payments.id)]);
  expect(
    sandbox
      .fics(payments.id)
      .map((f) => f.subject)
      .sort(),
  ).toEqual([
    'system:serviceaccount:batch:cron',
    'system:serviceaccount:payments:api',
    'system:serviceaccount:payments:worker',
  ]);
});
