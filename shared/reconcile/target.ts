/** Targets from the edges (events, HTTP, CLI): ids lower-cased once, here (docs/adr/0004). */
import { normalizeResourceId } from '../core/resourceId';
import { type Target } from './types';

export function targetFor(
  kind: 'cluster' | 'identity' | 'subscription' | 'privateEndpoint',
  resourceId: string,
): Target {
  return { kind, resourceId: normalizeResourceId(resourceId) };
}

export function describeTarget(target: Target): string {
  return target.kind === 'fleet' ? 'fleet' : `${target.kind} ${target.resourceId}`;
}
