/**
 * The fleet check keeps the fleet out of its histories (the claim check, shared/reconcile/workDocs.ts;
 * docs/targets.md performance 5; docs/style.md 14), and its batches lock without waiting while they hold
 * (functions/orchestrations/batch.ts, docs/adr/0003-identity-write-lock.md "Revision 2"): measured on the
 * sandbox durable host's recorded histories and the emulator's operations.
 */
import { driftCheck } from '../../functions/orchestrations/drift';
import { acquireLocks, releaseLocks } from '../../functions/orchestrations/locks';
import { defineOrchestration } from '../../functions/registry';
import { type RunResult } from '../../functions/contracts';
import { DRIFT_INSTANCE_ID, lockKeyFor } from '../../shared/core/instanceIds';
import { silentLogger } from '../../shared/core/log';
import { configSchema } from '../../shared/config/schema';
import { generateFleet } from '../../bench/fleet';
import { createSandbox, type Sandbox } from '../../sandbox/runtime';
import { cluster, identity, running, type Running } from '../helpers/scenario';
import { completedDriftCheck } from '../helpers/driftCheck';
import { keptWorkStore } from '../helpers/workStore';

const MINUTE = 60_000;
/** A work item's payload key, or a passing finding, at any depth of JSON-in-JSON (escaped quotes). */
const PAYLOAD = /payload\\*":/;
const PASS = /status\\*":\\*"pass/;

const check = completedDriftCheck;

function historyText(sandbox: Sandbox, instanceId: string): string {
  return JSON.stringify(sandbox.host.history(instanceId));
}

describe('a generated fleet of 300 identities', () => {
  let sandbox: Sandbox | undefined;
  afterAll(() => sandbox?.close());

  it('is checked with no work item in any history, its chunks written, read and deleted, every finding kept', async () => {
    const fleet = generateFleet({ clusters: 20, identities: 300, subscriptions: 4, drift: 0.1, seed: 3 });
    const work = keptWorkStore();
    const batches: string[] = [];
    sandbox = await createSandbox({
      estate: fleet.estate,
      config: fleet.config,
      log: silentLogger,
      work,
      observer: (e) => {
        if (e.type === 'instanceStarted' && e.name === 'syncBatch') batches.push(e.instanceId);
      },
    });
    const result = await check(sandbox, DRIFT_INSTANCE_ID);
    expect(result.status).toBe('changed');
    expect(result.outcomes).toEqual([]);
    const items = Object.values(result.items ?? {}).reduce((n, v) => n + (v ?? 0), 0);
    expect(result.items?.converged ?? 0).toBeGreaterThan(0);
    expect(result.items?.changed ?? 0).toBeGreaterThan(0);

    // The parent's history: names and counts, never a work item (a federation item carries its desired
    // FICs: subjects, issuers) nor a passing finding.
    const parent = historyText(sandbox, DRIFT_INSTANCE_ID);
    expect(parent).not.toContain('system:serviceaccount:');
    expect(parent).not.toMatch(PAYLOAD);
    expect(parent).not.toMatch(PASS);
    expect(Buffer.byteLength(parent)).toBeLessThan(32 * 1024);
    // Batches: neither their items (only the ids and lock keys, and the writes of changed items) nor
    // their passes; each far below the 1,000 events / 1 MB target.
    expect(batches.length).toBeGreaterThanOrEqual(4);
    for (const id of batches) {
      const text = historyText(sandbox, id);
      expect(text).not.toMatch(PAYLOAD);
      expect(text).not.toMatch(PASS);
      expect(Buffer.byteLength(text)).toBeLessThan(512 * 1024);
      expect(sandbox.host.history(id).length).toBeLessThan(1000);
    }

    // The chunks: one per batch, each read by its batch (lock keys, then the sync calls); all deleted.
    const chunks = work.written().filter((n) => /\/chunk-\d+$/.test(n));
    expect(chunks).toHaveLength(batches.length);
    for (const name of chunks) expect(work.gets().filter((g) => g === name).length).toBeGreaterThanOrEqual(2);
    expect(work.names()).toEqual([]);

    // Every finding is in the kept documents: the passes exactly as counted, no problem missing.
    const full = await work.findings(DRIFT_INSTANCE_ID);
    const passes: Record<string, number> = {};
    for (const f of full) if (f.status === 'pass') passes[f.check] = (passes[f.check] ?? 0) + 1;
    expect(passes).toEqual(result.passCounts);
    expect(full.filter((f) => f.status !== 'pass')).toEqual(result.findings);
    expect(work.outcomes(DRIFT_INSTANCE_ID)).toHaveLength(items);

    // Every expected write made once; the re-check writes nothing.
    expect(result.counts.create ?? 0).toBeGreaterThan(0);
    const again = await check(sandbox, `${DRIFT_INSTANCE_ID}-again`);
    expect(again.status).toBe('converged');
    expect(work.names()).toEqual([]);
  });
});

const payments = identity('id-payments');
const orders = identity('id-orders');
const cfg = {
  federation: {
    bindings: [
      { name: 'p', identity: payments.id, serviceAccounts: ['payments/api', 'payments/worker'] },
      { name: 'o', identity: orders.id, serviceAccounts: ['orders/api'] },
    ],
  },
};
const ficPuts = (sandbox: Running, identityId: string) =>
  sandbox.emulator.operations.filter(
    (o) =>
      o.method === 'PUT' &&
      o.path.toLowerCase().startsWith(`${identityId.toLowerCase()}/federatedidentitycredentials/`),
  );

describe('a batch that crashes while it syncs', () => {
  let sandbox: Running | undefined;
  afterEach(() => sandbox?.close());

  it('reads its chunk again when it resumes, and writes nothing twice', async () => {
    const aks = cluster('aks-fleet-crash', 'c2c2c2c2-0000-4000-8000-000000000001');
    const work = keptWorkStore();
    let crashed = '';
    sandbox = await running([payments, orders, aks], cfg, {
      work,
      observer: (e) => {
        // The worker dies (once) while the batch's sync activity is writing: its result never arrives.
        if (e.type === 'activityStarted' && e.name === 'syncChunk' && crashed === '') {
          crashed = e.instanceId;
          setTimeout(() => sandbox!.host.crash(crashed), 1);
        }
      },
    });
    await sandbox.host.client.startNew(driftCheck.name, {
      instanceId: DRIFT_INSTANCE_ID,
      input: { mode: 'apply', trigger: 'cli' },
    });
    await sandbox.host.runUntilIdle();
    expect(sandbox.host.instanceStatus(crashed)?.crashed).toBe(true);
    const chunk = work.written().find((n) => /\/federation\/chunk-0$/.test(n))!;
    const readsBefore = work.gets().filter((g) => g === chunk).length;

    sandbox.host.resume(crashed);
    await sandbox.host.runUntilIdle();
    const status = await sandbox.host.client.getStatus(DRIFT_INSTANCE_ID);
    expect(status.runtimeStatus).toBe('Completed');
    // The dead worker's activity made the writes; the re-run found them in place (at least once).
    expect((status.output as RunResult).status).not.toBe('failed');
    // The re-executed activity read the chunk again; its outcome document replaced, not doubled.
    expect(work.gets().filter((g) => g === chunk).length).toBeGreaterThan(readsBefore);
    const outs = work.written().filter((n) => n.startsWith(`${chunk}/out-`));
    expect(outs).toEqual([`${chunk}/out-0`]);
    expect(work.puts().filter((n) => n === `${chunk}/out-0`).length).toBeGreaterThanOrEqual(1);
    // Every FIC written once (the re-run re-planned from ARM and found the ones already made).
    expect(sandbox.fics(payments.id)).toHaveLength(2);
    expect(sandbox.fics(orders.id)).toHaveLength(1);
    const puts = [...ficPuts(sandbox, payments.id), ...ficPuts(sandbox, orders.id)].filter(
      (o) => o.status < 300,
    );
    expect(new Set(puts.map((p) => p.path.toLowerCase())).size).toBe(puts.length);
    expect(puts).toHaveLength(3);
    expect(work.names()).toEqual([]);
  });
});

/** Another run holding one identity's write lock for `holdMinutes`, then releasing it. */
const holder = defineOrchestration<{ key: string; holdMinutes: number }, { releasedAtMs: number }>(
  'testLockHolder',
  function* (context, input) {
    const held = yield* acquireLocks(context, [input.key]);
    yield context.df.createTimer(
      new Date(context.df.currentUtcDateTime.getTime() + input.holdMinutes * MINUTE),
    );
    const releasedAtMs = context.df.currentUtcDateTime.getTime();
    releaseLocks(context, held);
    return { releasedAtMs };
  },
);

describe('a batch whose item is locked by another run', () => {
  let sandbox: Running | undefined;
  afterEach(() => sandbox?.close());

  it('writes the free items first and the busy one after the holder releases; no 409', async () => {
    const aks = cluster('aks-fleet-busy', 'c3c3c3c3-0000-4000-8000-000000000001');
    sandbox = await running([payments, orders, aks], cfg);
    expect(configSchema.parse(cfg).federation.bindings).toHaveLength(2);
    await sandbox.host.client.startNew(holder.name, {
      instanceId: 'holder',
      input: { key: lockKeyFor(orders.id.toLowerCase()), holdMinutes: 3 },
    });
    await sandbox.host.client.startNew(driftCheck.name, {
      instanceId: DRIFT_INSTANCE_ID,
      input: { mode: 'apply', trigger: 'cli' },
    });
    await sandbox.host.runUntilIdle();
    const held = await sandbox.host.client.getStatus('holder');
    expect(held.runtimeStatus).toBe('Completed');
    const { releasedAtMs } = held.output as { releasedAtMs: number };
    const status = await sandbox.host.client.getStatus(DRIFT_INSTANCE_ID);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toMatchObject({ status: 'changed', counts: { create: 3 }, items: { changed: 2 } });

    const free = ficPuts(sandbox, payments.id);
    const busy = ficPuts(sandbox, orders.id);
    expect(free.filter((o) => o.status < 300)).toHaveLength(2);
    expect(busy.filter((o) => o.status < 300)).toHaveLength(1);
    // The free identity did not wait for the busy one; the busy one waited for the release.
    for (const o of free) expect(o.at).toBeLessThan(releasedAtMs);
    for (const o of busy) expect(o.at).toBeGreaterThanOrEqual(releasedAtMs);
    expect(sandbox.emulator.metrics().conflicts409).toBe(0);
    expect(sandbox.fics(orders.id)).toHaveLength(1);
  });
});
