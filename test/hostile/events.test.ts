/**
 * Spoofed and malformed events through the real Event Grid trigger handler and orchestrations, against
 * one converged estate (a cluster, an identity with its FIC, a private endpoint wired into its zone):
 * subject vs data.resourceUri mismatches, topics of another subscription or tenant, event types that do
 * not match the resource, CloudEvents and Event Grid schema mixups, traversal and encoded subjects,
 * subjects of the wrong provider or type. Each is dropped with a reason, or accepted and re-read from
 * ARM; either way zero ARM writes.
 */
import { handleEventGridDelivery } from '../../functions/triggers/eventGrid';
import { silentLogger } from '../../shared/core/log';
import { running, type Running, SUB, TENANT } from '../helpers/scenario';
import { aks, eventCases, fic, payments, pe } from './cases/events';
import { armWrites, describeCounts } from './harness';

const CASES = eventCases();
let sandbox: Running;

beforeAll(async () => {
  sandbox = await running([payments, aks, fic, pe], {
    scope: { subscriptions: [SUB], tenants: [TENANT] },
    federation: { bindings: [{ name: 'p', identity: payments.id, serviceAccounts: ['app/web'] }] },
  });
});
afterAll(() => sandbox.close());

describe(`hostile events (${CASES.length}: ${describeCounts(CASES)})`, () => {
  it.each(CASES.map((c) => [`${c.category}: ${c.name}`, c] as const))(
    '%s: zero ARM writes, dropped with a reason or re-read from ARM',
    async (_label, c) => {
      const writesBefore = armWrites(sandbox).length;
      const dispositions = await handleEventGridDelivery(c.input, {
        client: sandbox.host.client,
        mode: 'apply',
        log: silentLogger,
      });
      await sandbox.host.runUntilIdle();
      expect(armWrites(sandbox).slice(writesBefore)).toEqual([]);
      expect(dispositions.length).toBeGreaterThan(0);
      for (const d of dispositions) {
        if (d.kind === 'ignored') {
          expect(d.reason).toMatch(c.says.source === 'accepted' ? /^$/ : c.says);
          expect(d.reason).not.toMatch(/\n/);
          expect(d.reason.length).toBeLessThan(1000);
        } else {
          // Accepted: the run re-read ARM and ended without a write and without failing.
          const status = await sandbox.host.client.getStatus(d.instanceId);
          expect(status.runtimeStatus).toBe('Completed');
        }
      }
      if (c.says.source === 'accepted') expect(dispositions.every((d) => d.kind !== 'ignored')).toBe(true);
    },
  );
});
