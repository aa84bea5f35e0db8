/**
 * Private link estates for tests: provider resources of each supported type with connections in the
 * shapes the emulator serves (sandbox/emulator/providers/privateLinkTypes.ts), consumer private
 * endpoints, and three kinds of requester: a subscription of ours, one of ours in another
 * subscription, and one in a foreign tenant.
 */
import { type ArmResource } from '../../sandbox/builders';
import { type Estate } from '../../sandbox/estate';

export const TENANT = '72f988bf-0000-4000-8000-00000000aaaa';
export const FOREIGN_TENANT = 'f0f0f0f0-0000-4000-8000-00000000bbbb';
/** The provider subscription: every target lives here. */
export const SUB = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
/** Another subscription of our tenant, where spoke endpoints live. */
export const SPOKE = '5b0c0e00-0000-4000-8000-000000000001';
/** A subscription of another tenant. */
export const FOREIGN_SUB = 'fe000000-0000-4000-8000-000000000002';

export const RG = 'rg-shared';

export interface TypeCase {
  readonly type: string;
  readonly name: string;
  readonly groupId: string | undefined;
  /** The provisioningState a finished connection shows (SQL: Ready). */
  readonly final: string;
  /** The state keys the type adds (Storage's actionRequired; Container Registry none). */
  readonly stateKeys: Readonly<Record<string, string>>;
  /** How the approve/reject PUT answers (recorded, docs/azure-behaviour.md §9.2). */
  readonly putStatus: number;
}

/** The seven types the issue names, with their recorded shapes. */
export const TYPE_CASES: readonly TypeCase[] = [
  {
    type: 'Microsoft.Storage/storageAccounts',
    name: 'stshared',
    groupId: 'blob',
    final: 'Succeeded',
    stateKeys: { actionRequired: 'None' },
    putStatus: 200,
  },
  {
    type: 'Microsoft.KeyVault/vaults',
    name: 'kv-shared',
    groupId: 'vault',
    final: 'Succeeded',
    stateKeys: { actionsRequired: 'None' },
    putStatus: 200,
  },
  {
    type: 'Microsoft.Web/sites',
    name: 'app-shared',
    groupId: 'sites',
    final: 'Succeeded',
    stateKeys: { actionsRequired: 'None' },
    putStatus: 202,
  },
  {
    type: 'Microsoft.Network/privateLinkServices',
    name: 'pls-shared',
    groupId: undefined,
    final: 'Succeeded',
    stateKeys: { actionsRequired: 'None' },
    putStatus: 200,
  },
  {
    type: 'Microsoft.Sql/servers',
    name: 'sql-shared',
    groupId: 'sqlServer',
    final: 'Ready',
    stateKeys: { actionsRequired: 'None' },
    putStatus: 202,
  },
  {
    type: 'Microsoft.DocumentDB/databaseAccounts',
    name: 'cosmos-shared',
    groupId: 'Sql',
    final: 'Succeeded',
    stateKeys: { actionsRequired: 'None' },
    putStatus: 202,
  },
  {
    type: 'Microsoft.ContainerRegistry/registries',
    name: 'acrshared',
    groupId: 'registry',
    final: 'Succeeded',
    stateKeys: {},
    putStatus: 201,
  },
];

export function targetId(type: string, name: string, subscription = SUB): string {
  return `/subscriptions/${subscription}/resourceGroups/${RG}/providers/${type}/${name}`;
}

export function endpointId(name: string, subscription: string): string {
  return `/subscriptions/${subscription}/resourceGroups/rg-consumer/providers/Microsoft.Network/privateEndpoints/${name}`;
}

export function provider(type: string, name: string, subscription = SUB): ArmResource {
  return { id: targetId(type, name, subscription), name, type, location: 'eastus', properties: {} };
}

export function connection(
  parent: ArmResource,
  name: string,
  privateEndpoint: string,
  options: { status?: string; description?: string; final?: string; stateKeys?: Record<string, string> } = {},
): ArmResource {
  return {
    id: `${parent.id}/privateEndpointConnections/${name}`,
    name,
    type: `${parent.type}/privateEndpointConnections`,
    properties: {
      privateEndpoint: { id: privateEndpoint },
      privateLinkServiceConnectionState: {
        status: options.status ?? 'Pending',
        description: options.description ?? 'please approve',
        ...(options.stateKeys ?? { actionsRequired: 'None' }),
      },
      provisioningState: options.final ?? 'Succeeded',
    },
  };
}

/** A consumer private endpoint asking for `targets` by manual connection. */
export function endpoint(
  name: string,
  subscription: string,
  targets: readonly { targetId: string; groupId?: string }[],
): ArmResource {
  const id = endpointId(name, subscription);
  return {
    id,
    name,
    type: 'Microsoft.Network/privateEndpoints',
    location: 'eastus',
    properties: {
      provisioningState: 'Succeeded',
      privateLinkServiceConnections: [],
      manualPrivateLinkServiceConnections: targets.map((t, i) => ({
        id: `${id}/manualPrivateLinkServiceConnections/${name}-${i}`,
        name: `${name}-${i}`,
        properties: {
          privateLinkServiceId: t.targetId,
          groupIds: t.groupId ? [t.groupId] : [],
          requestMessage: 'please approve',
          privateLinkServiceConnectionState: {
            status: 'Pending',
            description: 'please approve',
            actionsRequired: 'None',
          },
        },
      })),
    },
  };
}

export function plEstate(resources: ArmResource[]): Estate {
  return {
    tenants: [
      { tenantId: TENANT, subscriptions: [SUB, SPOKE] },
      { tenantId: FOREIGN_TENANT, subscriptions: [FOREIGN_SUB] },
    ],
    resources,
  };
}

/** The state of a connection in an emulator state dump. */
export function stateOf(
  resources: readonly { id: string; properties?: unknown }[],
  id: string,
): { status?: string; description?: string; provisioningState?: string } | undefined {
  const r = resources.find((x) => x.id.toLowerCase() === id.toLowerCase());
  if (!r) return undefined;
  const p = r.properties as {
    privateLinkServiceConnectionState?: { status?: string; description?: string };
    provisioningState?: string;
  };
  return {
    ...(p.privateLinkServiceConnectionState?.status !== undefined
      ? { status: p.privateLinkServiceConnectionState.status }
      : {}),
    ...(p.privateLinkServiceConnectionState?.description !== undefined
      ? { description: p.privateLinkServiceConnectionState.description }
      : {}),
    ...(p.provisioningState !== undefined ? { provisioningState: p.provisioningState } : {}),
  };
}
