/**
 * The private link capability's tenant list in a fleet check (shared/privatelink/capability.ts prepare):
 * one GET /subscriptions per check, shared by its sync calls through the work store
 * (shared/reconcile/sharedReads.ts; docs/targets.md performance 1), and the decisions it feeds unchanged:
 * a requester of our tenant approved by its rule, the others left pending.
 */
import { driftCheck } from '../../functions/orchestrations/drift';
import { type RunResult } from '../../functions/contracts';
import { type ArmResource } from '../../sandbox/estate';
import { createSandbox, type Sandbox } from '../../sandbox/runtime';
import { silentLogger } from '../../shared/core/log';
import { config as configOf, estate, SUB } from '../helpers/scenario';

jest.setTimeout(120_000);

/** More targets than one sync call takes (ITEMS_PER_ACTIVITY, 25): the batch makes two calls. */
const VAULTS = 30;
const vaultId = (i: number) =>
  `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-${i}`;

function vaultWithPendingConnection(i: number): ArmResource[] {
  const id = vaultId(i);
  return [
    { id, name: `kv-${i}`, type: 'Microsoft.KeyVault/vaults', location: 'eastus', properties: {} },
    {
      id: `${id}/privateEndpointConnections/pec-${i}`,
      name: `pec-${i}`,
      type: 'Microsoft.KeyVault/vaults/privateEndpointConnections',
      properties: {
        privateEndpoint: {
          id: `/subscriptions/${SUB}/resourceGroups/rg-consumer/providers/Microsoft.Network/privateEndpoints/pe-${i}`,
        },
        privateLinkServiceConnectionState: {
          status: 'Pending',
          description: 'please approve',
          actionsRequired: 'None',
        },
        provisioningState: 'Succeeded',
      },
    },
  ];
}

let sandbox: Sandbox | undefined;
afterAll(() => sandbox?.close());

it('a fleet check over more targets than one sync call lists the subscriptions (for their tenants) once', async () => {
  sandbox = await createSandbox({
    estate: estate(Array.from({ length: VAULTS }, (_, i) => vaultWithPendingConnection(i)).flat()),
    // scope.subscriptions configured: the scope phases read no subscription list of their own.
    config: configOf({
      scope: { subscriptions: [SUB] },
      privateLink: {
        default: 'leave',
        rules: [
          {
            name: 'even-vaults',
            action: 'approve',
            resourceTypes: ['Microsoft.KeyVault/vaults'],
            groupIds: ['vault'],
            requesterSubscriptions: [SUB],
          },
        ],
      },
    }),
    log: silentLogger,
  });
  const instanceId = 'fedlink:drift:pl-reads';
  await sandbox.host.client.startNew(driftCheck.name, {
    instanceId,
    input: { mode: 'plan', trigger: 'cli' },
  });
  await sandbox.host.runUntilIdle();
  const status = await sandbox.host.client.getStatus(instanceId);
  expect(status.runtimeStatus).toBe('Completed');
  const result = status.output as RunResult;
  const lists = sandbox.emulator.operations.filter(
    (o) => o.method === 'GET' && o.path.split('?')[0]!.toLowerCase() === '/subscriptions',
  );
  expect(lists).toHaveLength(1);
  // Every target planned an approval: the tenant of the requester's subscription was known from the list.
  expect(result.counts).toEqual({ approve: VAULTS });
  expect(result.findings.filter((f) => f.check === 'privatelink.foreign-requester')).toEqual([]);
});
