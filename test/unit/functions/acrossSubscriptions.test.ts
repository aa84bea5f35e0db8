/**
 * A fleet check's chunks deal their items round-robin over subscriptions (functions/activities/scopeChunks.ts
 * `acrossSubscriptions`): Azure paces FIC writes at 2 per second per subscription and 10 per tenant
 * (docs/azure-behaviour.md §1.5), so a chunk of one subscription's items could use a fifth of the tenant's rate.
 */
import { acrossSubscriptions } from '../../../functions/activities/scopeChunks';

const item = (sub: string, name: string) => ({
  resourceId: `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
});

it('deals the items one subscription after another, keeping their order within a subscription', () => {
  const items = [
    item('A', 'a1'),
    item('A', 'a2'),
    item('A', 'a3'),
    item('B', 'b1'),
    item('C', 'c1'),
    item('C', 'c2'),
  ];
  const names = acrossSubscriptions(items).map((i) => i.resourceId.split('/').pop());
  expect(names).toEqual(['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
});

it('treats subscription ids case-insensitively and keeps every item exactly once', () => {
  const items = [item('abc', 'x1'), item('ABC', 'x2'), item('def', 'y1')];
  const out = acrossSubscriptions(items);
  expect(out.map((i) => i.resourceId.split('/').pop())).toEqual(['x1', 'y1', 'x2']);
  expect(new Set(out)).toEqual(new Set(items));
  expect(acrossSubscriptions([])).toEqual([]);
});
