/**
 * docs/targets.md reliability 4: a run stopped after any activity (or in the middle of one) resumes from
 * its history and converges without repeating completed writes.
 */
import { handleEventGridDelivery } from '../../functions/triggers/eventGrid';
import { instanceIdFor } from '../../shared/core/instanceIds';
import { silentLogger } from '../../shared/core/log';
import { cluster, event, identity, running, type Running } from '../helpers/scenario';

const payments = identity('id-payments');
const orders = identity('id-orders', { 'fedlink-service-accounts': 'orders/api', 'fedlink-clusters': '*' });
const cfg = {
  federation: {
    bindings: [{ name: 'p', identity: payments.id, serviceAccounts: ['payments/api', 'payments/worker'] }],
  },
};

let sandbox: Running;
afterEach(() => sandbox?.close());

async function startRun(aksId: string): Promise<string> {
  await handleEventGridDelivery([event('Microsoft.Resources.ResourceWriteSuccess', aksId)], {
    client: sandbox.host.client,
    mode: 'apply',
    log: silentLogger,
  });
  return instanceIdFor('cluster', aksId);
}

function successfulPuts(): string[] {
  return sandbox
    .writes()
    .filter((w) => w.method === 'PUT' && w.status < 300)
    .map((w) => w.path.toLowerCase());
}

it.each([1, 2])(
  'crashed after activity %i, resumed: converges, every FIC written exactly once',
  async (n) => {
    const aks = cluster('aks-crash', 'c0c0c0c0-0000-4000-8000-00000000000' + String(n));
    sandbox = await running([payments, orders, aks], cfg);
    const id = instanceIdFor('cluster', aks.id);
    sandbox.host.crashAfterActivities(id, n);
    await startRun(aks.id);
    await sandbox.host.runUntilIdle();
    expect(sandbox.host.instanceStatus(id)?.crashed).toBe(true);

    sandbox.host.resume(id);
    await sandbox.host.runUntilIdle();
    const status = await sandbox.host.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(sandbox.fics(payments.id)).toHaveLength(2);
    expect(sandbox.fics(orders.id)).toHaveLength(1);
    const puts = successfulPuts();
    expect(puts).toHaveLength(3);
    expect(new Set(puts).size).toBe(3);
  },
);

it('crashed in the middle of the sync activity: the re-executed activity re-plans and writes nothing twice', async () => {
  const aks = cluster('aks-crash-mid', 'c1c1c1c1-0000-4000-8000-000000000001');
  let id = '';
  let crashed = false;
  sandbox = await running([payments, orders, aks], cfg, {
    observer: (e) => {
      // The worker dies (once) while the sync activity is writing; its result never reaches the history.
      if (e.type === 'activityStarted' && e.name === 'syncWork' && e.instanceId === id && !crashed) {
        crashed = true;
        setTimeout(() => sandbox.host.crash(id), 1);
      }
    },
  });
  id = instanceIdFor('cluster', aks.id);
  await startRun(aks.id);
  await sandbox.host.runUntilIdle();
  expect(sandbox.host.instanceStatus(id)?.crashed).toBe(true);

  sandbox.host.resume(id);
  await sandbox.host.runUntilIdle();
  expect((await sandbox.host.client.getStatus(id)).runtimeStatus).toBe('Completed');
  expect(sandbox.fics(payments.id)).toHaveLength(2);
  expect(sandbox.fics(orders.id)).toHaveLength(1);
  const puts = successfulPuts();
  expect(new Set(puts).size).toBe(puts.length);
  expect(puts).toHaveLength(3);
  // The activity really ran twice: once on the dead worker, once after the resume.
  expect(sandbox.host.metrics().activities).toBeGreaterThanOrEqual(3);
});
