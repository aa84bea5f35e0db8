/**
 * The private link capability through the real orchestrations, activities and SDK clients against the
 * emulator, per type in each type's recorded shape (docs/azure-behaviour.md §9.2): approve and reject
 * reach the type's done state (Succeeded; SQL Ready; Web by status), long-running ones across durable
 * timers, one PUT per decision; a second run writes nothing.
 */
import { type RunResult } from '../../functions/contracts';
import { type AzureGateway } from '../../shared/azure/gateway';
import { lockKeyFor } from '../../shared/core/instanceIds';
import { privateLink, PRIVATE_LINK } from '../../shared/privatelink/capability';
import { syncWork } from '../../shared/reconcile/runner';
import { driftCheck } from '../../functions/orchestrations/drift';
import { configSchema } from '../../shared/config/schema';
import { DRIFT_INSTANCE_ID } from '../../shared/core/instanceIds';
import { silentLogger } from '../../shared/core/log';
import { type ArmResource } from '../../sandbox/builders';
import { createSandbox, type Sandbox } from '../../sandbox/runtime';
import { keptWorkStore, type KeptWorkStore } from '../helpers/workStore';
import {
  connection,
  endpoint,
  endpointId,
  FOREIGN_SUB,
  plEstate,
  provider,
  SPOKE,
  stateOf,
  SUB,
  TENANT,
  TYPE_CASES,
} from '../helpers/privateLink';

async function sweep(
  resources: ArmResource[],
  rawConfig: unknown,
): Promise<{ sandbox: Sandbox; result: RunResult; work: KeptWorkStore }> {
  const work = keptWorkStore();
  const sandbox = await createSandbox({
    estate: plEstate(resources),
    config: configSchema.parse(rawConfig),
    log: silentLogger,
    work,
  });
  const result = await drift(sandbox);
  return { sandbox, result, work };
}

async function drift(sandbox: Sandbox, mode: 'plan' | 'apply' = 'apply'): Promise<RunResult> {
  const instanceId = `${DRIFT_INSTANCE_ID}:${sandbox.host.metrics().orchestrations}`;
  await sandbox.host.client.startNew(driftCheck.name, { instanceId, input: { mode, trigger: 'cli' } });
  await sandbox.host.runUntilIdle();
  const status = await sandbox.host.client.getStatus(instanceId);
  if (status.runtimeStatus !== 'Completed')
    throw new Error(`drift ended ${String(status.runtimeStatus)}: ${JSON.stringify(status.output)}`);
  return status.output as RunResult;
}

const writes = (sandbox: Sandbox) =>
  sandbox.emulator.operations.filter(
    (o) => o.method === 'PUT' || o.method === 'PATCH' || o.method === 'DELETE',
  );

describe.each(TYPE_CASES)('private link: $type', (c) => {
  it.each(['approve', 'reject'] as const)(
    '%s: one PUT, the done state, the description; a second run writes nothing',
    async (action) => {
      const parent = provider(c.type, c.name);
      const pe = endpointId(`pe-${c.name}`, SPOKE);
      const conn = connection(parent, `${c.name}.pec1`, pe, {
        final: c.final,
        stateKeys: { ...c.stateKeys },
      });
      // The requester's endpoint, readable in a subscription of ours: it names the group id.
      const consumer = endpoint(`pe-${c.name}`, SPOKE, [
        { targetId: parent.id, ...(c.groupId ? { groupId: c.groupId } : {}) },
      ]);
      const { sandbox, result, work } = await sweep([parent, conn, consumer], {
        scope: { subscriptions: [SUB, SPOKE], tenants: [TENANT] },
        privateLink: {
          rules: [
            { name: `${action}-spokes`, action, resourceTypes: [c.type], requesterSubscriptions: [SPOKE] },
          ],
        },
      });
      try {
        const wanted = action === 'approve' ? 'Approved' : 'Rejected';
        const description =
          action === 'approve'
            ? `Approved by fedlink rule ${action}-spokes`
            : `Rejected by fedlink rule ${action}-spokes: matches ${c.type}, group ${c.groupId ?? 'unknown'}, requester subscription ${SPOKE}`;
        const state = stateOf(sandbox.emulator.state().resources, conn.id);
        expect(state?.status).toBe(wanted);
        expect(state?.description).toBe(description);
        // Web keeps a rejected connection's provisioningState as it was (recorded); every other type ends in its final state.
        if (!(c.type === 'Microsoft.Web/sites' && action === 'reject'))
          expect(state?.provisioningState).toBe(c.final);
        expect(writes(sandbox).map((w) => [w.method, w.status])).toEqual([['PUT', c.putStatus]]);
        // Done was judged on the connection itself, read after the PUT (a poller's word is not enough: Key Vault).
        const put = sandbox.emulator.operations.findIndex((o) => o.method === 'PUT');
        expect(
          sandbox.emulator.operations
            .slice(put + 1)
            .some((o) => o.method === 'GET' && o.path.toLowerCase() === conn.id.toLowerCase()),
        ).toBe(true);
        expect(result.status).toBe('changed');
        expect(result.counts[action]).toBe(1);
        expect(result.items).toEqual({ changed: 1 });
        // A fleet check lists only failed and refused items; the full outcome is in the work store.
        expect(result.outcomes).toEqual([]);
        const outcome = work.outcomes(DRIFT_INSTANCE_ID + ':0').find((o) => o.capability === 'privateLink')!;
        expect(outcome.actions).toEqual([
          expect.objectContaining({
            kind: action,
            connectionId: conn.id,
            requesterSubscription: SPOKE,
            requesterTenant: TENANT,
            rule: `${action}-spokes`,
            description,
            decidedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
          }),
        ]);
        expect(result.findings.filter((f) => f.status === 'fail')).toEqual([]);
        // The report names the decision: the rule, the requester's subscription and tenant, the time.
        // A synchronous type reports it as decided in that round; a long-running one as it stands once done.
        // Passes are counted in the result and listed in the full findings (the work store).
        expect(result.findings.filter((f) => f.status === 'pass')).toEqual([]);
        const full = await work.findings(DRIFT_INSTANCE_ID + ':0');
        const audit = full.find((f) => f.resourceId === conn.id && f.status === 'pass');
        expect(result.passCounts?.[audit?.check ?? '']).toBe(1);
        expect(audit?.check).toMatch(/^privatelink\.(decision|decided)$/);
        expect(audit?.message).toContain(`rule ${action}-spokes`);
        expect(audit?.message).toContain(`requester subscription ${SPOKE}, tenant ${TENANT}`);
        expect(audit?.message).toMatch(/ at \d{4}-\d\d-\d\dT/);

        const again = await drift(sandbox);
        expect(writes(sandbox)).toHaveLength(1);
        expect(again.status).toBe('converged');
      } finally {
        await sandbox.close();
      }
    },
  );
});

describe('private link: a connection decided by someone else between fedlink reading it and writing it', () => {
  it.each([
    'Microsoft.Storage/storageAccounts',
    'Microsoft.KeyVault/vaults',
    'Microsoft.Network/privateLinkServices',
  ])('%s: no write lands on it; the next round leaves it alone and reports it', async (type) => {
    const c = TYPE_CASES.find((t) => t.type === type)!;
    const parent = provider(c.type, c.name);
    const conn = connection(parent, `${c.name}.raced`, endpointId('pe-raced', SPOKE), {
      final: c.final,
      stateKeys: { ...c.stateKeys },
    });
    const sandbox = await createSandbox({
      estate: plEstate([parent, conn]),
      config: configSchema.parse({}),
      log: silentLogger,
    });
    try {
      const config = configSchema.parse({
        scope: { subscriptions: [SUB], tenants: [TENANT] },
        privateLink: { rules: [{ name: 'all', action: 'approve', resourceTypes: [c.type] }] },
      });
      // The real port; after fedlink's read, the owner rejects the connection (a second writer).
      const azure: AzureGateway = {
        ...sandbox.deps.azure,
        async listConnections(id, t) {
          const seen = await sandbox.deps.azure.listConnections(id, t);
          sandbox.emulator.putResource(
            connection(parent, `${c.name}.raced`, endpointId('pe-raced', SPOKE), {
              status: 'Rejected',
              description: 'rejected by the owner',
              final: c.final,
              stateKeys: { ...c.stateKeys },
            }),
          );
          return seen;
        },
      };
      const env = { azure, config, log: silentLogger };
      const item = {
        capability: PRIVATE_LINK,
        resourceId: parent.id,
        lockKey: lockKeyFor(parent.id),
        payload: { type: c.type },
      };
      const [first] = await syncWork(privateLink, env, 'apply', [item]);
      expect(first).toMatchObject({ status: 'retry', actions: [] });
      expect(first!.reason).toContain(`connection ${conn.id} is Rejected before the write`);
      const [second] = await syncWork(privateLink, { ...env, azure: sandbox.deps.azure }, 'apply', [item]);
      expect(second).toMatchObject({ status: 'converged', actions: [] });
      expect(second!.findings).toEqual([
        expect.objectContaining({
          check: 'privatelink.decided-elsewhere',
          resourceId: conn.id,
          status: 'pass',
          message: expect.stringContaining(
            'is Rejected ("rejected by the owner"), not Pending: left alone',
          ) as unknown,
        }),
      ]);
      expect(writes(sandbox)).toEqual([]);
      expect(stateOf(sandbox.emulator.state().resources, conn.id)?.description).toBe('rejected by the owner');
    } finally {
      await sandbox.close();
    }
  });
});

describe('private link: several pending connections on one long-running type', () => {
  it.each(['Microsoft.KeyVault/vaults', 'Microsoft.DocumentDB/databaseAccounts', 'Microsoft.Web/sites'])(
    '%s: decided one after another under the target lock, each finished before the next PUT',
    async (type) => {
      const c = TYPE_CASES.find((t) => t.type === type)!;
      const parent = provider(c.type, c.name);
      const conns = ['a', 'b', 'c'].map((n) =>
        connection(parent, `${c.name}.${n}`, endpointId(`pe-${n}`, n === 'c' ? FOREIGN_SUB : SPOKE), {
          final: c.final,
          stateKeys: { ...c.stateKeys },
        }),
      );
      const { sandbox, result } = await sweep([parent, ...conns], {
        scope: { subscriptions: [SUB], tenants: [TENANT] },
        privateLink: {
          default: 'reject',
          rules: [
            { name: 'spokes', action: 'approve', resourceTypes: [c.type], requesterSubscriptions: [SPOKE] },
          ],
        },
      });
      try {
        const state = sandbox.emulator.state().resources;
        expect(conns.map((x) => stateOf(state, x.id)?.status)).toEqual(['Approved', 'Approved', 'Rejected']);
        expect(result.counts).toMatchObject({ approve: 2, reject: 1 });
        const puts = writes(sandbox);
        expect(puts.map((w) => w.path)).toEqual(conns.map((x) => x.id));
        // No PUT met another operation still running on the target's connections (no 409).
        expect(puts.every((w) => w.status < 300)).toBe(true);
        expect(result.status).toBe('changed');
      } finally {
        await sandbox.close();
      }
    },
  );
});
