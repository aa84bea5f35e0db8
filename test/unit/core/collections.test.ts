import { groupBy, interleave } from '../../../shared/core/collections';

it('groupBy keeps keys in first-seen order and items in input order', () => {
  const groups = groupBy(['b1', 'a1', 'b2', 'c1', 'a2'], (s) => s[0]);
  expect([...groups.entries()]).toEqual([
    ['b', ['b1', 'b2']],
    ['a', ['a1', 'a2']],
    ['c', ['c1']],
  ]);
  expect(groupBy([], (s: string) => s).size).toBe(0);
});

it('interleave deals the lists in turns and keeps every item once', () => {
  expect(interleave([['a1', 'a2', 'a3'], ['b1'], [], ['c1', 'c2']])).toEqual([
    'a1',
    'b1',
    'c1',
    'a2',
    'c2',
    'a3',
  ]);
  expect(interleave([])).toEqual([]);
});
