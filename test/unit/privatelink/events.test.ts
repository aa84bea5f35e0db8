/** A private endpoint written or deleted in a subscription in scope: a reconcile of that endpoint (shared/events/keys.ts). */
import { keysForEvent, parseEventGridPayload } from '../../../shared/events';
import { HANDLED_OPERATION_NAMES } from '../../../shared/events/keys';
import { armEvent } from '../../../sandbox/builders';

const PE =
  '/subscriptions/0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9/resourceGroups/rg-consumer/providers/Microsoft.Network/privateEndpoints/pe-1';

const event = (
  eventType: 'Microsoft.Resources.ResourceWriteSuccess' | 'Microsoft.Resources.ResourceDeleteSuccess',
  id: string,
) =>
  armEvent({
    eventType,
    resourceId: id,
    tenantId: '72f988bf-0000-4000-8000-00000000aaaa',
    eventId: 'e1',
    eventTime: '2026-11-23T10:00:00Z',
  });

describe('private endpoint events', () => {
  it('a write names the endpoint as a privateEndpoint target; a delete too (its scope then finds nothing)', async () => {
    for (const [type, change] of [
      ['Microsoft.Resources.ResourceWriteSuccess', 'write'],
      ['Microsoft.Resources.ResourceDeleteSuccess', 'delete'],
    ] as const) {
      const [delivered] = await parseEventGridPayload([event(type, PE)]);
      expect(keysForEvent(delivered!)).toMatchObject({
        kind: 'reconcile',
        target: 'privateEndpoint',
        resourceId: PE.replace('/resourceGroups/', '/resourcegroups/'),
        change,
      });
    }
  });

  it('the Event Grid filter (generated from the same table) lets them through; other Network types stay ignored', async () => {
    expect(HANDLED_OPERATION_NAMES).toEqual(
      expect.arrayContaining([
        'Microsoft.Network/privateEndpoints/write',
        'Microsoft.Network/privateEndpoints/delete',
      ]),
    );
    const [delivered] = await parseEventGridPayload([
      event(
        'Microsoft.Resources.ResourceWriteSuccess',
        PE.replace('privateEndpoints/pe-1', 'virtualNetworks/vnet'),
      ),
    ]);
    expect(keysForEvent(delivered!)).toMatchObject({
      kind: 'ignore',
      reason: expect.stringContaining(
        'not a managed cluster, user-assigned identity or private endpoint',
      ) as unknown,
    });
  });
});
