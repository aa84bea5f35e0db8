/**
 * Deterministic durable instance ids and entity keys, one per resource (docs/style.md 12).
 *
 * Derived from the normalized resource id, so duplicate or differently-cased events for one resource
 * coalesce onto one instance. ARM ids cannot be used as they are: the Azure Storage task hub keeps
 * instance ids in table keys, which may not contain '/', '\', '#' or '?' (Azure/durabletask#518), so
 * the id is a readable part plus a hash of the normalized id.
 */
import { createHash } from 'node:crypto';
import { normalizeResourceId, parseResourceId } from './resourceId';

export type InstanceKind = 'cluster' | 'identity' | 'drift' | 'subscription';

function hashOf(value: string, length = 20): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length);
}

function readable(name: string): string {
  return name.replace(/[^a-zA-Z0-9._-]/g, '-').slice(0, 40);
}

/** e.g. `fedlink:cluster:aks-prod:1f0e…` for a managed cluster id. */
export function instanceIdFor(kind: 'cluster' | 'identity', resourceId: string): string {
  const parsed = parseResourceId(resourceId);
  return `fedlink:${kind}:${readable(parsed.name ?? '')}:${hashOf(normalizeResourceId(resourceId))}`;
}

export function subscriptionInstanceId(parent: string, subscriptionId: string): string {
  return `${parent}:sub:${subscriptionId.toLowerCase()}`;
}

/** The drift check is a singleton: one fleet-wide instance at a time. */
export const DRIFT_INSTANCE_ID = 'fedlink:drift';

/** Entity key for the per-identity write lock (entity keys follow the same storage rules). */
export function identityLockKey(identityId: string): string {
  const parsed = parseResourceId(identityId);
  return `${readable(parsed.name ?? '')}:${hashOf(normalizeResourceId(identityId))}`;
}
