/**
 * The subscriptions a run covers, for every capability, derived once before any read of a resource
 * (docs/design.md "Config": `scope`): the subscriptions the credential can see (one tenant-level
 * GET /subscriptions), narrowed to `scope.subscriptions` when configured, else to `scope.tenants` when
 * configured. A configured subscription the credential cannot see is `unreachable`: never read, reported.
 */
import { type InventoryPort } from '../azure/gateway';
import { type FedlinkConfig } from '../config/schema';

export interface Scope {
  readonly subscriptions: readonly string[];
  readonly unreachable: readonly string[];
}

export async function resolveScope(
  azure: Pick<InventoryPort, 'listSubscriptions'>,
  config: FedlinkConfig,
): Promise<Scope> {
  const visible = await azure.listSubscriptions();
  const configured = config.scope.subscriptions;
  if (configured) {
    const seen = new Map(visible.map((s) => [s.subscriptionId.toLowerCase(), s.subscriptionId]));
    return {
      subscriptions: configured.filter((s) => seen.has(s.toLowerCase())),
      unreachable: configured.filter((s) => !seen.has(s.toLowerCase())),
    };
  }
  const tenants = config.scope.tenants?.map((t) => t.toLowerCase());
  return {
    subscriptions: visible
      .filter((s) => !tenants || (s.tenantId !== undefined && tenants.includes(s.tenantId.toLowerCase())))
      .map((s) => s.subscriptionId),
    unreachable: [],
  };
}

/** The subscriptions in scope that the credential can see (see `resolveScope`). */
export async function scopeSubscriptions(
  azure: Pick<InventoryPort, 'listSubscriptions'>,
  config: FedlinkConfig,
): Promise<readonly string[]> {
  return (await resolveScope(azure, config)).subscriptions;
}
