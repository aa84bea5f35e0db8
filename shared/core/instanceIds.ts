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

export type InstanceKind = 'cluster' | 'identity' | 'drift' | 'subscription' | 'privateEndpoint';

function hashOf(value: string, length = 20): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length);
}

/** The readable part: lower-case (ARM names are case-insensitive, docs/adr/0004), storage-safe, bounded. */
function readable(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '-')
    .slice(0, 40);
}

/** e.g. `fedlink:cluster:aks-prod:1f0e…` for a managed cluster id. */
export function instanceIdFor(
  kind: 'cluster' | 'identity' | 'subscription' | 'privateEndpoint',
  resourceId: string,
): string {
  const parsed = parseResourceId(resourceId);
  return `fedlink:${kind}:${readable(parsed.name ?? '')}:${hashOf(normalizeResourceId(resourceId))}`;
}

export function subscriptionInstanceId(parent: string, subscriptionId: string): string {
  return `${parent}:sub:${subscriptionId.toLowerCase()}`;
}

/** The apply run of one subscription (POST /api/runs): one at a time per subscription, like the drift check. */
export function subscriptionRunInstanceId(subscriptionId: string): string {
  return `fedlink:subscription:${subscriptionId.toLowerCase()}`;
}

/** The drift check is a singleton: one fleet-wide instance at a time. */
export const DRIFT_INSTANCE_ID = 'fedlink:drift';

/**
 * Entity key of a resource's write lock (entity keys follow the same storage rules): one lock per
 * resource written to, whatever the capability, lower-case so `AKS-Prod` and `aks-prod` share it.
 */
export function lockKeyFor(resourceId: string): string {
  const parsed = parseResourceId(resourceId);
  return `${readable(parsed.name ?? '')}:${hashOf(normalizeResourceId(resourceId))}`;
}

/** The write lock of an identity: the lock of the resource its FICs are written under. */
export const identityLockKey = lockKeyFor;
