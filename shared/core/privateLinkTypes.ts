/**
 * The provider resource types whose private endpoint connections fedlink decides (docs/design.md
 * invariant 5), as data: the config checks rules against it (shared/config/schema.ts), the private link
 * capability (shared/privatelink/) and its ARM port (shared/azure/armPrivateLink.ts) read and write
 * connections by it. Pure data, in core/ so the config schema may use it.
 *
 * - `apiVersion`: the version the Azure CLI uses for the type's connections (docs/azure-behaviour.md §4.1,
 *   the CLI table in test/fixtures/azure/arm/private-endpoint-connection-api-versions.json); the recorded
 *   answer shapes of §9.2 are at these versions. Private link services go through @azure/arm-network instead.
 * - `groupIds`: the sub-resources a private endpoint can ask for (the Azure Private Link "private DNS zone
 *   values" table); `groupIdPrefix`: group ids of a family (Web app slots are `sites-<slot>`).
 * - `done`: when an approve or reject has finished (docs/azure-behaviour.md §9.2; the Azure CLI counts
 *   `Succeeded` or `Ready`): the connection shows the requested status and, unless `any`, one of these
 *   provisioning states. Web keeps `provisioningState: Pending` on a rejected connection for minutes
 *   (recorded), so Web is judged by the status alone; SQL ends `Ready` (recorded).
 * - `singleGroupId`: the group id every connection of the type has, when the type has only one (the
 *   provider-side connection of most types does not name it).
 */

export interface PrivateLinkTypeInfo {
  /** As ARM spells it (compared case-insensitively). */
  readonly type: string;
  /** undefined: connections go through @azure/arm-network's private link service operations. */
  readonly apiVersion: string | undefined;
  readonly groupIds: readonly string[];
  readonly groupIdPrefix?: string;
  readonly singleGroupId?: string;
  readonly done: readonly ('Succeeded' | 'Ready')[] | 'any';
}

export const PRIVATE_LINK_TYPES: readonly PrivateLinkTypeInfo[] = [
  {
    type: 'Microsoft.Storage/storageAccounts',
    apiVersion: '2019-06-01',
    groupIds: [
      'blob',
      'blob_secondary',
      'table',
      'table_secondary',
      'queue',
      'queue_secondary',
      'file',
      'file_secondary',
      'web',
      'web_secondary',
      'dfs',
      'dfs_secondary',
    ],
    done: ['Succeeded'],
  },
  {
    type: 'Microsoft.KeyVault/vaults',
    apiVersion: '2019-09-01',
    groupIds: ['vault'],
    singleGroupId: 'vault',
    done: ['Succeeded'],
  },
  {
    type: 'Microsoft.Web/sites',
    apiVersion: '2019-08-01',
    groupIds: ['sites'],
    groupIdPrefix: 'sites-',
    done: 'any',
  },
  {
    type: 'Microsoft.Network/privateLinkServices',
    apiVersion: undefined,
    groupIds: [],
    done: ['Succeeded'],
  },
  {
    type: 'Microsoft.Sql/servers',
    apiVersion: '2018-06-01-preview',
    groupIds: ['sqlServer'],
    singleGroupId: 'sqlServer',
    done: ['Ready'],
  },
  {
    type: 'Microsoft.DocumentDB/databaseAccounts',
    apiVersion: '2019-08-01-preview',
    groupIds: ['Sql', 'SqlDedicated', 'MongoDB', 'Cassandra', 'Gremlin', 'Table', 'Analytical'],
    done: ['Succeeded'],
  },
  {
    type: 'Microsoft.ContainerRegistry/registries',
    apiVersion: '2019-12-01-preview',
    groupIds: ['registry'],
    singleGroupId: 'registry',
    done: ['Succeeded'],
  },
];

export function privateLinkTypeInfo(type: string): PrivateLinkTypeInfo | undefined {
  const key = type.toLowerCase();
  return PRIVATE_LINK_TYPES.find((t) => t.type.toLowerCase() === key);
}

/** The type's own spelling of `groupId` (group ids compare case-insensitively), or undefined when it has none such. */
export function canonicalGroupId(info: PrivateLinkTypeInfo, groupId: string): string | undefined {
  const key = groupId.toLowerCase();
  const exact = info.groupIds.find((g) => g.toLowerCase() === key);
  if (exact) return exact;
  const prefix = info.groupIdPrefix;
  if (prefix && key.startsWith(prefix.toLowerCase()) && key.length > prefix.length) return groupId;
  return undefined;
}

/** "Microsoft.KeyVault/vaults: vault; ..." for messages that list what is supported. */
export function describeSupportedGroupIds(
  types: readonly PrivateLinkTypeInfo[] = PRIVATE_LINK_TYPES,
): string {
  return types
    .map(
      (t) =>
        `${t.type}: ${
          t.groupIds.length === 0
            ? '(none)'
            : [...t.groupIds, ...(t.groupIdPrefix ? [`${t.groupIdPrefix}<slot>`] : [])].join(', ')
        }`,
    )
    .join('; ');
}
