/** Small collection helpers the layers share. Pure. */

/** The items grouped by `key`: keys in the order first seen, items in input order within a group. */
export function groupBy<T, K>(items: Iterable<T>, key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** The lists dealt in turns: the first item of each list, then the second of each, and so on. */
export function interleave<T>(lists: Iterable<readonly T[]>): T[] {
  const all = [...lists];
  const out: T[] = [];
  const turns = Math.max(0, ...all.map((list) => list.length));
  for (let turn = 0; turn < turns; turn++)
    for (const list of all) if (turn < list.length) out.push(list[turn]!);
  return out;
}
