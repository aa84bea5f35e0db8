/**
 * The fields every tracked resource shares (id, key, name, subscription, resource group, location,
 * tags), decided once for clusters and identities alike.
 */
import { type Identity } from '../../core/model';
import { normalizeResourceId, parseResourceId, ResourceIdError, sameType } from '../../core/resourceId';
import { localArmError } from '../errors';
import { asNonEmptyString, asRecord, asString, asTags, type JsonRecord } from './json';

/** What every tracked resource of the core model has (Cluster and Identity both extend it). */
export type TrackedBase = Pick<
  Identity,
  'id' | 'key' | 'name' | 'subscriptionId' | 'resourceGroup' | 'location' | 'tags'
>;

/**
 * `id` must be an ARM id of `type`: a resource without one cannot be compared, keyed or written back,
 * and silently dropping it could make a live cluster look deleted (and its FICs prunable), so this
 * throws a terminal `InvalidResponse` ArmError instead.
 *
 * The resource group comes from the id, with the id's casing: Resource Graph's `resourceGroup` column
 * is lower-cased (docs/azure-behaviour.md §6.4), GET has no such field at all.
 */
export function trackedBase(
  type: string,
  raw: { id?: unknown; name?: unknown; location?: unknown; tags?: unknown },
): TrackedBase {
  const id = asNonEmptyString(raw.id);
  if (id === undefined) throw localArmError('InvalidResponse', `ARM returned a ${type} without an id`);
  let parsed;
  try {
    parsed = parseResourceId(id);
  } catch (error) {
    throw localArmError(
      'InvalidResponse',
      error instanceof ResourceIdError ? error.message : String(error),
      id,
    );
  }
  if (!sameType(parsed.type, type) || parsed.resourceGroup === undefined || parsed.name === undefined) {
    throw localArmError('InvalidResponse', `ARM returned ${id} where a ${type} was expected`, id);
  }
  return {
    id,
    key: normalizeResourceId(id),
    // `name` as ARM returned it; the id's last segment when absent (they are the same string).
    name: asNonEmptyString(raw.name) ?? parsed.name,
    subscriptionId: parsed.subscriptionId,
    resourceGroup: parsed.resourceGroup,
    // Tracked resources always have a location; '' rather than undefined keeps the core type simple.
    location: asString(raw.location) ?? '',
    tags: asTags(raw.tags),
  };
}

/**
 * The tracked-resource fields of a Resource Graph row as an SDK model has them, plus the row's
 * `properties` (ARG nests them in REST casing) for the type-specific mapper to read.
 */
export function argRowBase(row: JsonRecord): {
  base: {
    id: string | undefined;
    name: string | undefined;
    type: string | undefined;
    location: string;
    tags: Record<string, string>;
  };
  properties: JsonRecord;
} {
  return {
    base: {
      id: asString(row['id']),
      name: asString(row['name']),
      type: asString(row['type']),
      location: asString(row['location']) ?? '',
      tags: asTags(row['tags']),
    },
    properties: asRecord(row['properties']) ?? {},
  };
}
