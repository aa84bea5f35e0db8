/**
 * Bindings declared on an identity with tags (docs/design.md "Identity tags"). Azure tag names cannot hold
 * `/`, so the tags are:
 *   fedlink-service-accounts = `ns/sa` entries separated by spaces or commas
 *   fedlink-clusters         = `key=value` pairs over cluster tags (all must match), or `*`
 * Parsing only: turning a parse into a binding (and into findings) is bindings.ts.
 */
import { serviceAccountRef } from '../config/schema';
import { type Tags } from '../core/model';

export const SERVICE_ACCOUNTS_TAG = 'fedlink-service-accounts';
export const CLUSTERS_TAG = 'fedlink-clusters';

export interface ServiceAccount {
  readonly namespace: string;
  readonly name: string;
}

const SEPARATORS = /[\s,]+/;

/**
 * The value of tag `name`, comparing tag names as Azure does (case-insensitively). If several keys
 * differ only by case (Azure itself does not allow that), the first in code-unit order wins, so the
 * answer does not depend on property order.
 */
export function tagValue(tags: Tags, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const key = Object.keys(tags)
    .filter((k) => k.toLowerCase() === wanted)
    .sort()[0];
  return key === undefined ? undefined : tags[key];
}

export interface ServiceAccountsParse {
  readonly accounts: readonly ServiceAccount[];
  /** Entries that are not `namespace/name` with Kubernetes names, as written. */
  readonly bad: readonly string[];
}

/**
 * Parses `fedlink-service-accounts`. Good entries are kept even when others are bad: dropping an
 * entry only narrows what is trusted, never widens it. Duplicates collapse; order is sorted.
 */
export function parseServiceAccountsTag(value: string): ServiceAccountsParse {
  const accounts = new Map<string, ServiceAccount>();
  const bad: string[] = [];
  for (const entry of value.split(SEPARATORS).filter((e) => e !== '')) {
    if (!serviceAccountRef.safeParse(entry).success) {
      bad.push(entry);
      continue;
    }
    const [namespace = '', name = ''] = entry.split('/');
    accounts.set(entry, { namespace, name });
  }
  const sorted = [...accounts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, account]) => account);
  return { accounts: sorted, bad };
}

export type ClustersParse =
  | { readonly kind: 'all' }
  | { readonly kind: 'tags'; readonly tags: Readonly<Record<string, string>> }
  | { readonly kind: 'invalid'; readonly bad: readonly string[]; readonly reason: string };

/**
 * Parses `fedlink-clusters`: `*`, or `key=value` pairs (split at the first `=`; the value may be
 * empty). Unlike service accounts, one bad entry invalidates the whole tag: ignoring a pair would
 * select *more* clusters than the owner asked for. Keys are case-insensitive (as Azure compares tag
 * names), so `Env=prod ENV=prod` is one pair and `env=prod env=dev` can never match: invalid.
 */
export function parseClustersTag(value: string): ClustersParse {
  const entries = value.split(SEPARATORS).filter((e) => e !== '');
  if (entries.length === 0)
    return {
      kind: 'invalid',
      bad: [],
      reason: 'is empty; use * for every cluster in scope, or key=value pairs',
    };
  if (entries.length === 1 && entries[0] === '*') return { kind: 'all' };
  const bad = entries.filter((e) => e === '*' || !/^[^=]+=/.test(e));
  if (bad.length > 0) {
    return {
      kind: 'invalid',
      bad,
      reason: 'expects * alone, or key=value pairs separated by spaces or commas',
    };
  }
  // `*=*` or `env=*` reads like a wildcard but would match only a tag literally named or valued `*`:
  // refuse it rather than let the owner believe it selects every cluster.
  const wildcards = entries.filter((e) => e.includes('*'));
  if (wildcards.length > 0) {
    return {
      kind: 'invalid',
      bad: wildcards,
      reason:
        'has a * inside a key=value pair; wildcards are not supported there (use * alone for every cluster)',
    };
  }
  const tags = new Map<string, { key: string; value: string }>();
  const conflicts: string[] = [];
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const key = entry.slice(0, at);
    const tagValueText = entry.slice(at + 1);
    const seen = tags.get(key.toLowerCase());
    if (seen === undefined) tags.set(key.toLowerCase(), { key, value: tagValueText });
    else if (seen.value !== tagValueText) conflicts.push(entry);
  }
  if (conflicts.length > 0) {
    return {
      kind: 'invalid',
      bad: conflicts,
      reason: 'gives one tag two values, which no cluster can match',
    };
  }
  return { kind: 'tags', tags: Object.fromEntries([...tags.values()].map(({ key, value: v }) => [key, v])) };
}
