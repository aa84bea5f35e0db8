/** The subscriptions a fleet-wide scope covers, for every capability. */
import { type InventoryPort } from '../azure/gateway';
import { type FedlinkConfig } from '../config/schema';

/** The configured list, or every subscription the credential sees in the configured tenants. */
export async function scopeSubscriptions(
  azure: Pick<InventoryPort, 'listSubscriptions'>,
  config: FedlinkConfig,
): Promise<readonly string[]> {
  if (config.scope.subscriptions) return config.scope.subscriptions;
  const tenants = config.scope.tenants?.map((t) => t.toLowerCase());
  const visible = await azure.listSubscriptions();
  return visible
    .filter((s) => !tenants || (s.tenantId !== undefined && tenants.includes(s.tenantId.toLowerCase())))
    .map((s) => s.subscriptionId);
}
