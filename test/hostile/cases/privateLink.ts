/**
 * Private endpoint connections claiming a requester they do not have (docs/targets.md security 2;
 * docs/design.md invariant 5): the connection's `privateEndpoint.id` is the only word on who asks, and
 * it is checked, never its name or description. Every case sits on a target whose rule would approve a
 * requester of ours, so only the requester check stands between it and an approval.
 */
import { type HostileCase } from '../harness';
import { endpointId, FOREIGN_SUB, FOREIGN_TENANT, SPOKE, TENANT } from '../../helpers/privateLink';

/** A subscription no tenant of the estate holds (fedlink cannot see it). */
export const UNKNOWN_SUB = '0dd0dd00-0000-4000-8000-0000000000dd';

export interface ConnectionInput {
  /** The target: `vault` (rule approves any requester of ours) or `storage` (only requesters from SPOKE). */
  readonly on: 'vault' | 'storage';
  /** `privateEndpoint.id`; null: no privateEndpoint at all. */
  readonly privateEndpoint: string | null;
  readonly status?: string;
  readonly description?: string;
}

const spokePe = endpointId('pe-spoke', SPOKE);
const foreignPe = endpointId('pe-foreign', FOREIGN_SUB);
const unknownPe = endpointId('pe-unknown', UNKNOWN_SUB);
const PE_PATH = 'providers/Microsoft.Network/privateEndpoints/pe';

const never = /never approved/;
const leftPending = /leave pending connection .*requester subscription (unknown|[0-9a-f-]+)/;

function claiming(): HostileCase<ConnectionInput>[] {
  const c = (name: string, input: ConnectionInput, says: RegExp = never) => ({
    category: 'private endpoint requester not its own',
    name,
    input,
    says,
  });
  return [
    c('foreign-tenant endpoint, description claims our spoke', {
      on: 'vault',
      privateEndpoint: foreignPe,
      description: `Requested from subscription ${SPOKE} (tenant ${TENANT}), please approve`,
    }),
    c('foreign-tenant endpoint, description claims to be approved by fedlink', {
      on: 'vault',
      privateEndpoint: foreignPe,
      description: 'Approved by fedlink rule kv-from-anywhere',
    }),
    c('foreign-tenant endpoint whose resource group is named like our spoke', {
      on: 'vault',
      privateEndpoint: `/subscriptions/${FOREIGN_SUB}/resourceGroups/${SPOKE}/${PE_PATH}`,
    }),
    c('foreign-tenant endpoint named like our spoke endpoint', {
      on: 'vault',
      privateEndpoint: endpointId(`pe-spoke-${SPOKE}`, FOREIGN_SUB),
    }),
    c('foreign-tenant endpoint, subscription id in upper case', {
      on: 'vault',
      privateEndpoint: endpointId('pe-foreign', FOREIGN_SUB.toUpperCase()),
    }),
    c('foreign-tenant endpoint, description names our tenant id', {
      on: 'vault',
      privateEndpoint: foreignPe,
      description: `tenant ${TENANT}`,
    }),
    c('requester in a subscription fedlink cannot see (tenant unknown)', {
      on: 'vault',
      privateEndpoint: unknownPe,
      description: `from ${SPOKE}`,
    }),
    c('requester of an unknown subscription, endpoint named after the foreign tenant', {
      on: 'vault',
      privateEndpoint: endpointId(`pe-${FOREIGN_TENANT}`, UNKNOWN_SUB),
    }),
    c(
      'storage rule for our spoke only: foreign endpoint with the spoke in its resource group',
      {
        on: 'storage',
        privateEndpoint: `/subscriptions/${FOREIGN_SUB}/resourceGroups/${SPOKE}/${PE_PATH}`,
      },
      leftPending,
    ),
    c(
      'storage rule for our spoke only: foreign endpoint, description claims the spoke',
      { on: 'storage', privateEndpoint: foreignPe, description: `subscription ${SPOKE}` },
      leftPending,
    ),
    c(
      'storage rule for our spoke only: an unknown subscription',
      { on: 'storage', privateEndpoint: unknownPe },
      leftPending,
    ),
    c(
      'storage rule for our spoke only: the provider subscription, not the spoke',
      {
        on: 'storage',
        privateEndpoint: endpointId('pe-provider', '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9'),
      },
      leftPending,
    ),
  ];
}

/** Ids that are not a private endpoint's: the subscription in them must not be believed. */
function malformed(): HostileCase<ConnectionInput>[] {
  const ids: [string, string][] = [
    [
      'traversal out of the spoke into the foreign tenant',
      `/subscriptions/${SPOKE}/resourceGroups/rg/../../../subscriptions/${FOREIGN_SUB}/resourceGroups/rg-consumer/${PE_PATH}`,
    ],
    ['dot-dot resource group', `/subscriptions/${SPOKE}/resourceGroups/../${PE_PATH}`],
    ['percent-encoded dot-dot resource group', `/subscriptions/${SPOKE}/resourceGroups/%2e%2e/${PE_PATH}`],
    ['mixed-case percent-encoded dot-dot', `/subscriptions/${SPOKE}/resourceGroups/.%2E/${PE_PATH}`],
    ['double-encoded dot-dot', `/subscriptions/${SPOKE}/resourceGroups/%252e%252e/${PE_PATH}`],
    [
      'encoded slash smuggling a subscription',
      `/subscriptions/${SPOKE}%2f..%2f${FOREIGN_SUB}/resourceGroups/rg/${PE_PATH}`,
    ],
    [
      'encoded slash in the endpoint name',
      `/subscriptions/${SPOKE}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe%2f..%2f..`,
    ],
    [
      'wrong provider (a storage account)',
      `/subscriptions/${SPOKE}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/pe`,
    ],
    [
      'wrong type (a network interface)',
      `/subscriptions/${SPOKE}/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/pe`,
    ],
    [
      'a child of a private endpoint',
      `/subscriptions/${SPOKE}/resourceGroups/rg/${PE_PATH}/privateDnsZoneGroups/default`,
    ],
    ['a subscription scope only', `/subscriptions/${SPOKE}`],
    ['a subscription scope with a trailing slash', `/subscriptions/${SPOKE}/`],
    ['a resource group scope only', `/subscriptions/${SPOKE}/resourceGroups/rg`],
    ['empty segment after the subscription', `/subscriptions/${SPOKE}//resourceGroups/rg/${PE_PATH}`],
    ['empty resource group', `/subscriptions/${SPOKE}/resourceGroups//${PE_PATH}`],
    [
      'empty endpoint name',
      `/subscriptions/${SPOKE}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/`,
    ],
    ['no leading slash', `subscriptions/${SPOKE}/resourceGroups/rg/${PE_PATH}`],
    ['leading space', ` /subscriptions/${SPOKE}/resourceGroups/rg/${PE_PATH}`],
    ['trailing newline', `/subscriptions/${SPOKE}/resourceGroups/rg/${PE_PATH}\n`],
    ['query string', `/subscriptions/${SPOKE}/resourceGroups/rg/${PE_PATH}?api-version=2024-01-01`],
    ['fragment', `/subscriptions/${SPOKE}/resourceGroups/rg/${PE_PATH}#x`],
    ['a URL, not an id', `https://management.azure.com/subscriptions/${SPOKE}/resourceGroups/rg/${PE_PATH}`],
    [
      'backslashes',
      `\\subscriptions\\${SPOKE}\\resourceGroups\\rg\\providers\\Microsoft.Network\\privateEndpoints\\pe`,
    ],
    [
      'subscription with a Cyrillic look-alike digit',
      `/subscriptions/${SPOKE.replace('b', '\u044c')}/resourceGroups/rg/${PE_PATH}`,
    ],
    [
      'subscription with a zero-width space',
      `/subscriptions/${SPOKE.slice(0, 8)}\u200b${SPOKE.slice(8)}/resourceGroups/rg/${PE_PATH}`,
    ],
    ['3,000 characters', `/subscriptions/${SPOKE}/resourceGroups/${'r'.repeat(2900)}/${PE_PATH}`],
    [
      '"providers" missing',
      `/subscriptions/${SPOKE}/resourceGroups/rg/Microsoft.Network/privateEndpoints/pe`,
    ],
    ['empty string', ''],
  ];
  return ids.map(([name, privateEndpoint]) => ({
    category: 'private endpoint id malformed',
    name,
    input: { on: 'vault', privateEndpoint },
    says: never,
  }));
}

function notPending(): HostileCase<ConnectionInput>[] {
  const states: [string, ConnectionInput, RegExp][] = [
    [
      'Rejected by the owner',
      { on: 'vault', privateEndpoint: spokePe, status: 'Rejected', description: 'no' },
      /is Rejected .*not Pending: left alone/,
    ],
    [
      'Disconnected',
      { on: 'vault', privateEndpoint: spokePe, status: 'Disconnected' },
      /is Disconnected.*not Pending: left alone/,
    ],
    [
      'Rejected, description forged as a fedlink approval',
      {
        on: 'vault',
        privateEndpoint: spokePe,
        status: 'Rejected',
        description: 'Approved by fedlink rule kv-from-anywhere',
      },
      /is Rejected by fedlink rule kv-from-anywhere/,
    ],
    [
      'Disconnected, description forged as a fedlink approval',
      {
        on: 'vault',
        privateEndpoint: spokePe,
        status: 'Disconnected',
        description: 'Approved by fedlink rule kv-from-anywhere',
      },
      /is Disconnected by fedlink rule/,
    ],
    [
      'Rejected, from a foreign tenant',
      { on: 'vault', privateEndpoint: foreignPe, status: 'Rejected' },
      /is Rejected.*left alone/,
    ],
    [
      'status in lower case ("pending")',
      { on: 'vault', privateEndpoint: spokePe, status: 'pending' },
      /is pending.*not Pending: left alone/,
    ],
    [
      'status in upper case ("PENDING")',
      { on: 'vault', privateEndpoint: spokePe, status: 'PENDING' },
      /is PENDING.*left alone/,
    ],
    [
      'status with a trailing space',
      { on: 'vault', privateEndpoint: spokePe, status: 'Pending ' },
      /is Pending .*left alone/,
    ],
    [
      'status Disconnecting',
      { on: 'vault', privateEndpoint: spokePe, status: 'Disconnecting' },
      /is Disconnecting.*left alone/,
    ],
    [
      'status Rejecting',
      { on: 'vault', privateEndpoint: spokePe, status: 'Rejecting' },
      /is Rejecting.*left alone/,
    ],
    [
      'an unknown status',
      { on: 'vault', privateEndpoint: spokePe, status: 'Whatever' },
      /is Whatever.*left alone/,
    ],
    [
      'Rejected with a 100,000-character description',
      { on: 'vault', privateEndpoint: spokePe, status: 'Rejected', description: 'x'.repeat(100_000) },
      /is Rejected.*left alone/,
    ],
  ];
  return states.map(([name, input, says]) => ({ category: 'connection not Pending', name, input, says }));
}

function oversized(): HostileCase<ConnectionInput>[] {
  // Descriptions far past any size a portal accepts (docs/azure-behaviour.md §6.7), on requesters that
  // must not be approved: the finding has to stay one readable line.
  const sizes = [141, 1_000, 64 * 1024];
  return sizes.flatMap((n) => [
    {
      category: 'oversized strings',
      name: `foreign requester, ${n}-character description`,
      input: { on: 'vault' as const, privateEndpoint: foreignPe, description: 'd'.repeat(n) },
      says: never,
    },
    {
      category: 'oversized strings',
      name: `unknown requester, ${n}-character description with newlines`,
      input: {
        on: 'vault' as const,
        privateEndpoint: unknownPe,
        description: `line\n${'e'.repeat(n)}\nAPPROVE`,
      },
      says: never,
    },
  ]);
}

export const PRIVATE_LINK_CASES: readonly HostileCase<ConnectionInput>[] = [
  ...claiming(),
  ...malformed(),
  ...notPending(),
  ...oversized(),
];
