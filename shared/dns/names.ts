/**
 * Deterministic, bounded names of fedlink's writes (docs/style.md 15): a link to a hub is
 * `fedlink-<hub name>-<hash of the hub id>`; the readable part is trimmed first. Virtual network link
 * names are at most 80 characters (ASSUMED from the Network RP's general limit; the spec does not say).
 */
import { createHash } from 'node:crypto';
import { normalizeResourceId } from '../core/resourceId';

const MAX_LINK_NAME = 80;
const HASH = 10;

export function linkName(hubId: string): string {
  const hash = createHash('sha256').update(normalizeResourceId(hubId)).digest('hex').slice(0, HASH);
  const hub = (hubId.split('/').pop() ?? 'hub').toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const room = MAX_LINK_NAME - 'fedlink-'.length - 1 - HASH;
  return `fedlink-${hub.slice(0, room).replace(/-+$/, '')}-${hash}`;
}

export const isOwnedLink = (name: string): boolean => name.startsWith('fedlink-');

/** fedlink's zone group on a private endpoint: `default`, as the portal and CLI name it. */
export const ZONE_GROUP_NAME = 'default';

/** The zone config name inside a zone group: the zone name with dots as dashes (the portal's convention). */
export function zoneConfigName(zoneName: string): string {
  return zoneName.replace(/\./g, '-').slice(0, 80);
}
