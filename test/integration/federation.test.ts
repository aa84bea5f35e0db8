/**
 * Issue #3 end to end: events through the real Event Grid trigger handler, the real orchestrations on
 * the durable host, the real SDK clients against the emulator. Assertions are on the emulator's
 * final state (exact FIC names and issuer strings) and its recorded operations.
 */
import { DRIFT_INSTANCE_ID } from '../../shared/core/instanceIds';
import { ficName } from '../../shared/federation/names';
import { ficResource } from '../../sandbox/builders';
import { driftCheck } from '../../functions/orchestrations/drift';
import { VirtualClock } from '../../sandbox/clock';
import { cluster, event, identity, issuerOf, running, type Running } from '../helpers/scenario';

const AUD = 'api://AzureADTokenExchange';

/**
 * These tests assert exact write counts and no 429, so they run the virtual clock at scale 5, not the
 * sandbox's 20: pacing keeps a 10% margin (0.4 virtual s per FIC write), which at scale 20 is 20 ms of
 * real time that a loaded machine can eat, turning one write into a 429 and an SDK retry.
 */
const sandboxOf: typeof running = (resources, rawConfig, options = {}) =>
  running(resources, rawConfig, { clock: new VirtualClock({ scale: 5 }), ...options });
const WRITE = 'Microsoft.Resources.ResourceWriteSuccess' as const;
const DELETE = 'Microsoft.Resources.ResourceDeleteSuccess' as const;

const payments = identity('id-payments');
const orders = identity('id-orders', {
  'fedlink-service-accounts': 'orders/api',
  'fedlink-clusters': 'env=prod',
});
const bindings = {
  federation: {
    bindings: [
      {
        name: 'payments',
        identity: payments.id,
        clusters: { tags: { env: 'prod' } },
        serviceAccounts: ['payments/api', 'payments/worker'],
      },
    ],
  },
};

function expectedName(clusterName: string, ns: string, sa: string, issuer: string): string {
  return ficName({
    clusterName,
    namespace: ns,
    serviceAccount: sa,
    issuer,
    subject: `system:serviceaccount:${ns}:${sa}`,
  });
}

async function drift(sandbox: Running, mode: 'plan' | 'apply'): Promise<void> {
  await sandbox.host.client.startNew(driftCheck.name, {
    instanceId: `${DRIFT_INSTANCE_ID}:${mode}:${Math.random()}`,
    input: { mode, trigger: 'cli' },
  });
  await sandbox.host.runUntilIdle();
}

describe('a new cluster', () => {
  let sandbox: Running;
  afterEach(() => sandbox?.close());

  it('gets one FIC per (identity, service account) of every matching binding, issuer byte for byte; redelivery and a drift check write nothing', async () => {
    const aks = cluster('aks-prod-1', '11111111-2222-4333-8444-555555555555');
    const dev = cluster('aks-dev-1', '99999999-2222-4333-8444-555555555555', { tags: { env: 'dev' } });
    sandbox = await sandboxOf([payments, orders, dev], bindings);
    sandbox.emulator.putResource(aks);

    const [result] = await sandbox.deliver([event(WRITE, aks.id)]);
    expect(result?.status).toBe('changed');
    const issuer = issuerOf(aks);
    expect(issuer).toBe(
      'https://eastus.oic.prod-aks.azure.com/72f988bf-0000-4000-8000-00000000aaaa/11111111-2222-4333-8444-555555555555/',
    );
    expect(sandbox.fics(payments.id)).toEqual(
      [
        {
          name: expectedName('aks-prod-1', 'payments', 'api', issuer),
          issuer,
          subject: 'system:serviceaccount:payments:api',
          audiences: [AUD],
        },
        {
          name: expectedName('aks-prod-1', 'payments', 'worker', issuer),
          issuer,
          subject: 'system:serviceaccount:payments:worker',
          audiences: [AUD],
        },
      ].sort((a, b) => a.name.localeCompare(b.name)),
    );
    expect(sandbox.fics(orders.id)).toEqual([
      {
        name: expectedName('aks-prod-1', 'orders', 'api', issuer),
        issuer,
        subject: 'system:serviceaccount:orders:api',
        audiences: [AUD],
      },
    ]);
    const writesAfterFirst = sandbox.writes().length;
    expect(writesAfterFirst).toBe(3);
    // Client-side pacing keeps fedlink under the identity service's limits: no 429 to wait out.
    expect(sandbox.emulator.operations.filter((o) => o.status === 429)).toEqual([]);

    const [again] = await sandbox.deliver([event(WRITE, aks.id)]);
    expect(again?.status).toBe('converged');
    await drift(sandbox, 'apply');
    expect(sandbox.writes()).toHaveLength(writesAfterFirst);
  });

  it('plan shows exactly the writes apply would make, and makes none', async () => {
    const aks = cluster('aks-prod-2', '22222222-2222-4333-8444-555555555555');
    sandbox = await sandboxOf([payments, orders, aks], bindings);
    await sandbox.host.client.startNew('reconcile', {
      instanceId: 'plan-1',
      input: {
        target: { kind: 'cluster', resourceId: aks.id.toLowerCase() },
        change: 'write',
        mode: 'plan',
        trigger: 'cli',
      },
    });
    await sandbox.host.runUntilIdle();
    const plan = (await sandbox.host.client.getStatus('plan-1')).output as {
      status: string;
      outcomes: { actions: { kind: string; name: string }[] }[];
    };
    expect(plan.status).toBe('planned');
    expect(sandbox.writes()).toHaveLength(0);
    const planned = plan.outcomes.flatMap((i) => i.actions.map((w) => `${w.kind} ${w.name}`)).sort();

    const [applied] = await sandbox.deliver([event(WRITE, aks.id)]);
    const done = (applied?.outcomes ?? [])
      .flatMap((i) =>
        (i.actions as unknown as { kind: string; name: string }[]).map((w) => `${w.kind} ${w.name}`),
      )
      .sort();
    expect(done).toEqual(planned);
    expect(sandbox.writes().map((w) => w.method)).toEqual(['PUT', 'PUT', 'PUT']);
  });
});

describe('a re-created cluster', () => {
  let sandbox: Running;
  afterEach(() => sandbox?.close());

  it('gets FICs for its new issuer, loses the old owned ones, keeps foreign FICs, and adopts a foreign FIC with the same issuer and subject', async () => {
    const old = cluster('aks-prod-3', '33333333-0000-4000-8000-000000000001');
    const oldIssuer = issuerOf(old);
    const recreated = cluster('aks-prod-3', '33333333-0000-4000-8000-000000000002');
    const newIssuer = issuerOf(recreated);
    const foreignOld = ficResource(
      payments.id,
      'handmade-legacy',
      oldIssuer,
      'system:serviceaccount:legacy:app',
    );
    const foreignNew = ficResource(
      payments.id,
      'handmade-api',
      newIssuer,
      'system:serviceaccount:payments:api',
    );
    sandbox = await sandboxOf([payments, orders, old, foreignOld], bindings);
    await sandbox.deliver([event(WRITE, old.id)]);
    expect(sandbox.fics(payments.id).filter((f) => f.issuer === oldIssuer)).toHaveLength(3);

    // Someone deletes and re-creates the cluster; a FIC for the new issuer was also made by hand.
    sandbox.emulator.putResource(recreated);
    sandbox.emulator.putResource(foreignNew);
    const [result] = await sandbox.deliver([event(DELETE, old.id), event(WRITE, recreated.id)]);
    expect(result?.status).not.toBe('failed');

    expect(sandbox.fics(payments.id)).toEqual(
      [
        {
          name: 'handmade-api',
          issuer: newIssuer,
          subject: 'system:serviceaccount:payments:api',
          audiences: [AUD],
        },
        {
          name: 'handmade-legacy',
          issuer: oldIssuer,
          subject: 'system:serviceaccount:legacy:app',
          audiences: [AUD],
        },
        {
          name: expectedName('aks-prod-3', 'payments', 'worker', newIssuer),
          issuer: newIssuer,
          subject: 'system:serviceaccount:payments:worker',
          audiences: [AUD],
        },
      ].sort((a, b) => a.name.localeCompare(b.name)),
    );
    expect(sandbox.fics(orders.id).map((f) => f.issuer)).toEqual([newIssuer]);
    // The foreign FICs were never written or deleted by fedlink.
    expect(sandbox.writes().filter((w) => w.path.includes('/handmade-'))).toEqual([]);
  });

  it('a deleted cluster loses its owned FICs when prune is on, and keeps them when it is off', async () => {
    const aks = cluster('aks-prod-4', '44444444-0000-4000-8000-000000000001');
    for (const prune of [true, false]) {
      sandbox = await sandboxOf([payments, orders, aks], { federation: { ...bindings.federation, prune } });
      await sandbox.deliver([event(WRITE, aks.id)]);
      expect(sandbox.fics(payments.id)).toHaveLength(2);
      sandbox.emulator.deleteResource(aks.id);
      await sandbox.deliver([event(DELETE, aks.id)]);
      expect(sandbox.fics(payments.id)).toHaveLength(prune ? 0 : 2);
      expect(sandbox.fics(orders.id)).toHaveLength(prune ? 0 : 1);
      await sandbox.close();
    }
  });
});

describe('concurrency', () => {
  let sandbox: Running;
  afterEach(() => sandbox?.close());

  it('ten cluster events at once on the same identities: no 409 caused by fedlink, exactly the expected FICs', async () => {
    const clusters = Array.from({ length: 10 }, (_, i) =>
      cluster(`aks-burst-${i}`, `55555555-0000-4000-8000-0000000000${i.toString().padStart(2, '0')}`),
    );
    sandbox = await sandboxOf([payments, orders], bindings);
    for (const c of clusters) sandbox.emulator.putResource(c);
    const results = await sandbox.deliver(clusters.map((c) => event(WRITE, c.id)));
    expect(results.every((r) => r.status !== 'failed')).toBe(true);
    expect(sandbox.emulator.operations.filter((o) => o.status === 409)).toEqual([]);
    expect(sandbox.fics(payments.id)).toHaveLength(20);
    expect(sandbox.fics(orders.id)).toHaveLength(10);
    expect(new Set(sandbox.fics(payments.id).map((f) => f.issuer))).toEqual(new Set(clusters.map(issuerOf)));
    // No FIC was written twice.
    const puts = sandbox
      .writes()
      .filter((w) => w.method === 'PUT' && w.status < 300)
      .map((w) => w.path.toLowerCase());
    expect(new Set(puts).size).toBe(puts.length);
  });

  it('converges when another writer causes 409s on the same identities', async () => {
    const clusters = Array.from({ length: 4 }, (_, i) =>
      cluster(`aks-contend-${i}`, `66666666-0000-4000-8000-0000000000${i.toString().padStart(2, '0')}`),
    );
    sandbox = await sandboxOf([payments, orders], bindings, { faults: { seed: 7, foreignFicWriter: 0.3 } });
    for (const c of clusters) sandbox.emulator.putResource(c);
    const results = await sandbox.deliver(clusters.map((c) => event(WRITE, c.id)));
    expect(sandbox.emulator.operations.some((o) => o.status === 409)).toBe(true);
    expect(results.every((r) => r.status !== 'failed')).toBe(true);
    expect(sandbox.fics(payments.id)).toHaveLength(8);
    expect(sandbox.fics(orders.id)).toHaveLength(4);
  });
});

describe('limits and gates', () => {
  let sandbox: Running;
  afterEach(() => sandbox?.close());

  it('an identity that would need a 21st FIC gets none of the new ones and a finding naming the count', async () => {
    const busy = identity('id-busy');
    const existing = Array.from({ length: 19 }, (_, i) =>
      ficResource(
        busy.id,
        `handmade-${i}`,
        'https://token.actions.githubusercontent.com',
        `repo:org/app:ref:refs/heads/b${i}`,
      ),
    );
    const aks = cluster('aks-prod-5', '77777777-0000-4000-8000-000000000001');
    sandbox = await sandboxOf([busy, aks, ...existing], {
      federation: { bindings: [{ name: 'busy', identity: busy.id, serviceAccounts: ['a/one', 'a/two'] }] },
    });
    const [result] = await sandbox.deliver([event(WRITE, aks.id)]);
    expect(sandbox.fics(busy.id)).toHaveLength(19);
    expect(sandbox.writes()).toEqual([]);
    expect(result?.status).toBe('failed');
    const finding = result?.findings.find((f) => f.status === 'fail' && f.resourceId === busy.id);
    expect(finding?.message).toContain('21');
  });

  it('a cluster still Updating is waited for with a durable timer, then federated', async () => {
    const updating = cluster('aks-prod-6', '88888888-0000-4000-8000-000000000001', {
      provisioningState: 'Updating',
    });
    const ready = cluster('aks-prod-6', '88888888-0000-4000-8000-000000000001');
    let waits = 0;
    let gateRounds = 0;
    sandbox = await sandboxOf([payments, orders, updating], bindings, {
      // The cluster finishes updating while the run waits on its second gate timer.
      observer: (e) => {
        if (e.type === 'timerCreated' && ++waits === 2) sandbox.emulator.putResource(ready);
        if (e.type === 'instanceContinuedAsNew') gateRounds++;
      },
    });
    const [result] = await sandbox.deliver([event(WRITE, updating.id)]);
    // Two gate waits (each re-observes through continueAsNew), then the FICs; no write while Updating.
    expect(gateRounds).toBe(2);
    expect(result?.status).toBe('changed');
    expect(sandbox.fics(payments.id)).toHaveLength(2);
    expect(sandbox.host.metrics().timersFired).toBeGreaterThanOrEqual(2);
  });
});
