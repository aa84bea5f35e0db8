/**
 * ARM's own endpoints (Microsoft.Resources): GET /subscriptions, /subscriptions/{id}, /tenants,
 * /subscriptions/{id}/resourcegroups[/{rg}]. Subscriptions come from the estate's tenants; resource
 * groups are the estate's explicit resource-group resources plus every group named by a resource id.
 * Shapes follow arm-resources-subscriptions 2022-12-01; `state: Enabled` and the policy values are
 * ASSUMED defaults (the estate does not carry them).
 */
import { checkArmApiVersion, RESOURCES_VERSIONS } from '../apiVersions';
import { type EmulatorCore } from '../context';
import { resourceGroupNotFound, subscriptionNotFound } from '../errors';
import { type ArmRequest, type ArmResponse, ok } from '../http';
import { type JsonObject, type JsonValue } from '../json';
import { pageOf } from '../paging';
import { type SubscriptionInfo } from '../store';

function subscriptionBody(s: SubscriptionInfo): JsonObject {
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: s.subscriptionId,
    tenantId: s.tenantId,
    displayName: s.displayName ?? s.subscriptionId,
    state: 'Enabled',
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off',
    },
  };
}

export function listSubscriptions(req: ArmRequest, core: EmulatorCore): ArmResponse {
  checkArmApiVersion(req.apiVersion!, RESOURCES_VERSIONS);
  return ok(pageOf(req, core.endpoint(), core.store.allSubscriptions().map(subscriptionBody), core.pageSize));
}

export function getSubscription(req: ArmRequest, core: EmulatorCore, subscriptionId: string): ArmResponse {
  checkArmApiVersion(req.apiVersion!, RESOURCES_VERSIONS);
  const s = core.store.subscription(subscriptionId);
  if (!s) throw subscriptionNotFound(subscriptionId);
  return ok(subscriptionBody(s));
}

export function listTenants(req: ArmRequest, core: EmulatorCore): ArmResponse {
  checkArmApiVersion(req.apiVersion!, RESOURCES_VERSIONS);
  const value: JsonValue[] = core.store
    .tenantList()
    .map((t) => ({ id: `/tenants/${t.tenantId}`, tenantId: t.tenantId, tenantCategory: 'Home' }));
  return ok({ value });
}

function resourceGroupBody(core: EmulatorCore, subscriptionId: string, name: string): JsonObject {
  const explicit = core.store.get(`/subscriptions/${subscriptionId}/resourceGroups/${name}`);
  if (explicit) return explicit.resource;
  const first = [...core.store.all()].find(
    (s) =>
      s.parsed.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() &&
      s.parsed.resourceGroup?.toLowerCase() === name.toLowerCase(),
  );
  const location = first?.resource['location'];
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${name}`,
    name,
    type: 'Microsoft.Resources/resourceGroups',
    location: typeof location === 'string' && location.toLowerCase() !== 'global' ? location : 'eastus',
    properties: { provisioningState: 'Succeeded' },
  };
}

export function listResourceGroups(req: ArmRequest, core: EmulatorCore, subscriptionId: string): ArmResponse {
  checkArmApiVersion(req.apiVersion!, RESOURCES_VERSIONS);
  if (!core.store.subscription(subscriptionId)) throw subscriptionNotFound(subscriptionId);
  const groups = core.store
    .resourceGroupsOf(subscriptionId)
    .map((g) => resourceGroupBody(core, subscriptionId, g));
  return ok(pageOf(req, core.endpoint(), groups, core.pageSize));
}

export function getResourceGroup(
  req: ArmRequest,
  core: EmulatorCore,
  subscriptionId: string,
  resourceGroup: string,
): ArmResponse {
  checkArmApiVersion(req.apiVersion!, RESOURCES_VERSIONS);
  if (!core.store.subscription(subscriptionId)) throw subscriptionNotFound(subscriptionId);
  if (!core.store.hasResourceGroup(subscriptionId, resourceGroup)) throw resourceGroupNotFound(resourceGroup);
  const name =
    core.store
      .resourceGroupsOf(subscriptionId)
      .find((g) => g.toLowerCase() === resourceGroup.toLowerCase()) ?? resourceGroup;
  return ok(resourceGroupBody(core, subscriptionId, name));
}
