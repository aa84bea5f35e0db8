/**
 * What every ARM port implementation shares: turning ids into SDK arguments, and SDK failures into
 * classified `ArmError`s (./errors.ts). "Not found" on a read is undefined, not an error.
 */
import { type Clock } from '../core/clock';
import { parseResourceId, sameType, type ResourceId } from '../core/resourceId';
import { type ArmError, localArmError, toArmError } from './errors';

export interface ArmTarget {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

/** The parts of an id the SDK methods take; a malformed id or one of another type is a terminal error. */
export function targetOf(id: string, type: string): ArmTarget {
  let parsed: ResourceId;
  try {
    parsed = parseResourceId(id);
  } catch (error) {
    throw localArmError('InvalidResourceId', error instanceof Error ? error.message : String(error), id);
  }
  if (!sameType(parsed.type, type) || parsed.resourceGroup === undefined || parsed.name === undefined) {
    throw localArmError(
      'InvalidResourceId',
      `expected a ${type} id, got ${parsed.type ?? 'a scope'}: ${id}`,
      id,
    );
  }
  return { subscriptionId: parsed.subscriptionId, resourceGroup: parsed.resourceGroup, name: parsed.name };
}

/**
 * "Does not exist": any 404 but `SubscriptionNotFound`, which means the credential cannot see the
 * subscription at all; reading that as "deleted" would let a permissions problem prune credentials.
 */
function isNotFound(error: ArmError): boolean {
  return error.status === 404 && error.code?.toLowerCase() !== 'subscriptionnotfound';
}

export async function drain<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of pages) items.push(item);
  return items;
}

/** Keeps the first of any rows with the same normalized id (pages of a live index can overlap). */
export function uniqueByKey<T extends { readonly key: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => (seen.has(item.key) ? false : (seen.add(item.key), true)));
}

export interface ArmCaller {
  /** Runs an SDK call; anything it throws comes out as a classified ArmError about `resourceId`. */
  readonly call: <T>(resourceId: string | undefined, operation: () => Promise<T>) => Promise<T>;
  /** A GET that answers undefined when the resource does not exist. */
  readonly read: <T>(resourceId: string, operation: () => Promise<T>) => Promise<T | undefined>;
}

export function armCaller(clock: Clock): ArmCaller {
  return {
    async call<T>(resourceId: string | undefined, operation: () => Promise<T>): Promise<T> {
      try {
        return await operation();
      } catch (error) {
        throw toArmError(error, { resourceId, nowMs: clock.now() });
      }
    },
    async read<T>(resourceId: string, operation: () => Promise<T>): Promise<T | undefined> {
      try {
        return await operation();
      } catch (error) {
        const armError = toArmError(error, { resourceId, nowMs: clock.now() });
        if (isNotFound(armError)) return undefined;
        throw armError;
      }
    },
  };
}
