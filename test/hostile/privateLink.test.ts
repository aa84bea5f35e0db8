/**
 * Hostile private endpoint connections through a real drift check (the sweep: Resource Graph, then each
 * target's connections re-read from ARM) against one emulator: connections claiming a requester they do
 * not have, malformed `privateEndpoint.id`s, connections that are not Pending, oversized descriptions.
 * Each must cause zero ARM writes and a one-line finding saying why (docs/targets.md security 2). A
 * well-formed pending connection from our spoke on the same targets is approved, so the rules do approve
 * and it is the requester check that holds the others back.
 */
import { type ArmResource } from '../../sandbox/builders';
import {
  connection,
  endpoint,
  endpointId,
  plEstate,
  provider,
  SPOKE,
  stateOf,
  SUB,
  TENANT,
} from '../helpers/privateLink';
import { running, type Running } from '../helpers/scenario';
import { PRIVATE_LINK_CASES, type ConnectionInput } from './cases/privateLink';
import { armWrites, clearFinding, describeCounts, driftApply, touches } from './harness';

const vault = provider('Microsoft.KeyVault/vaults', 'kv-shared');
const account = provider('Microsoft.Storage/storageAccounts', 'stshared');
const spokePe = endpointId('pe-spoke', SPOKE);

function connectionOf(index: number, input: ConnectionInput): ArmResource {
  const parent = input.on === 'vault' ? vault : account;
  const c = connection(parent, `${parent.name}.hostile${index}`, input.privateEndpoint ?? '', {
    ...(input.status !== undefined ? { status: input.status } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.on === 'storage' ? { stateKeys: { actionRequired: 'None' } } : {}),
  });
  const props = c.properties as Record<string, unknown>;
  if (input.privateEndpoint === null) delete props['privateEndpoint'];
  return c;
}

const cases = PRIVATE_LINK_CASES.map((c, i) => ({ ...c, resource: connectionOf(i, c.input) }));
const controls = [
  connection(vault, 'kv-shared.control', spokePe),
  connection(account, 'stshared.control', spokePe, { stateKeys: { actionRequired: 'None' } }),
];

let sandbox: Running;
let findings: Awaited<ReturnType<typeof driftApply>>['findings'];

beforeAll(async () => {
  const resources = [
    vault,
    account,
    ...controls,
    ...cases.map((c) => c.resource),
    endpoint('pe-spoke', SPOKE, [
      { targetId: vault.id, groupId: 'vault' },
      { targetId: account.id, groupId: 'blob' },
    ]),
  ];
  sandbox = await running(
    resources,
    {
      scope: { subscriptions: [SUB], tenants: [TENANT] },
      privateLink: {
        rules: [
          {
            name: 'kv-from-anywhere',
            action: 'approve',
            resourceTypes: ['Microsoft.KeyVault/vaults'],
          },
          {
            name: 'blob-from-spoke',
            action: 'approve',
            resourceTypes: ['Microsoft.Storage/storageAccounts'],
            requesterSubscriptions: [SPOKE],
          },
        ],
      },
    },
    { estate: plEstate(resources) },
  );
  findings = (await driftApply(sandbox, 'hostile-private-link')).findings;
}, 60_000);
afterAll(() => sandbox.close());

describe(`hostile private endpoint connections (${cases.length}: ${describeCounts(cases)})`, () => {
  it('the well-formed requests from our spoke are approved: the rules do approve', () => {
    const state = sandbox.emulator.state().resources;
    for (const c of controls) expect(stateOf(state, c.id)?.status).toBe('Approved');
    expect(armWrites(sandbox).map((w) => [w.method, w.path])).toEqual(
      expect.arrayContaining(controls.map((c) => ['PUT', c.id])),
    );
  });

  it.each(cases.map((c) => [`${c.category}: ${c.name}`, c] as const))(
    '%s: no write, a finding says why',
    (_label, c) => {
      expect(armWrites(sandbox).filter((w) => touches(w, c.resource.id))).toEqual([]);
      const before = (c.resource.properties as { privateLinkServiceConnectionState: { status: string } })
        .privateLinkServiceConnectionState.status;
      expect(stateOf(sandbox.emulator.state().resources, c.resource.id)?.status).toBe(before);
      const mine = findings.filter((f) => f.resourceId.toLowerCase() === c.resource.id.toLowerCase());
      expect({ found: clearFinding(findings, c.resource.id, c.says) !== undefined, mine }).toEqual({
        found: true,
        mine,
      });
    },
  );

  it('writes nothing but the two approvals', () => {
    expect(
      armWrites(sandbox)
        .filter((w) => w.status < 300)
        .map((w) => w.path)
        .sort(),
    ).toEqual(controls.map((c) => c.id).sort());
  });
});
