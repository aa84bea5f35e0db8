/**
 * The capability registry: every capability by name. Built once from an explicit list
 * (shared/capabilities.ts), so the orchestrations and activities dispatch by name without importing
 * any capability themselves.
 */
import { type AnyCapability } from './capability';
import { type TargetKind } from './types';

export interface CapabilityRegistry {
  readonly names: readonly string[];
  get(name: string): AnyCapability;
  /**
   * Names of the capabilities that reconcile targets of this kind, in registration order. A
   * `subscription` target goes to every capability of the fleet too: the engine narrows the fleet
   * scope to the subscription (./subscriptions.ts `withinSubscription`).
   */
  forTarget(kind: TargetKind): readonly string[];
}

export function createRegistry(capabilities: readonly AnyCapability[]): CapabilityRegistry {
  const byName = new Map<string, AnyCapability>();
  for (const c of capabilities) {
    if (byName.has(c.name)) throw new Error(`capability "${c.name}" is registered twice`);
    byName.set(c.name, c);
  }
  return {
    names: [...byName.keys()],
    get(name) {
      const c = byName.get(name);
      if (!c) throw new Error(`no capability named "${name}" (registered: ${[...byName.keys()].join(', ')})`);
      return c;
    },
    forTarget: (kind) =>
      capabilities
        .filter((c) => c.targets.includes(kind) || (kind === 'subscription' && c.targets.includes('fleet')))
        .map((c) => c.name),
  };
}
