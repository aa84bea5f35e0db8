/**
 * Private endpoint approvals through `fedlink sandbox run` (the compiled CLI, as a user runs it), one
 * test per "Done when" line of the issue: a matching pending connection approved with the description;
 * one no rule names left pending (or rejected with `default: reject`); a foreign-tenant one never
 * approved; an already rejected one untouched; a second run writes nothing; `plan` writes nothing and
 * lists the decisions; an event for a private endpoint decides its target; a connection from a
 * subscription outside scope (no event of ours) is found by the sweep.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { armEvent, type ArmResource } from '../../sandbox/builders';
import {
  connection,
  endpoint,
  endpointId,
  FOREIGN_SUB,
  FOREIGN_TENANT,
  plEstate,
  provider,
  SPOKE,
  stateOf,
  SUB,
  TENANT,
} from '../helpers/privateLink';

const CLI = resolve(__dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'fedlink-pl-'));
let files = 0;

function file(content: unknown, ext = 'json'): string {
  const path = join(dir, `f${++files}.${ext}`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

interface Output {
  operations: { method: string; path: string; status: number }[];
  state: { resources: ArmResource[] };
  report: {
    summary: { pass: number; warn: number; fail: number };
    findings: { check: string; resourceId: string; status: string; message: string }[];
  };
  runs: { instanceId: string; runtimeStatus: string; output?: { outcomes: { actions: unknown[] }[] } }[];
}

function run(
  resources: ArmResource[],
  config: unknown,
  ...extra: string[]
): { code: number | null; out: Output; stderr: string } {
  const r = spawnSync(
    process.execPath,
    [
      CLI,
      'sandbox',
      'run',
      '--json',
      '--estate',
      file(plEstate(resources)),
      '--config',
      file(stringify(config), 'yaml'),
      ...extra,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  return { code: r.status, out: JSON.parse(r.stdout) as Output, stderr: r.stderr };
}

const writesOf = (out: Output) => out.operations.filter((o) => ['PUT', 'PATCH', 'DELETE'].includes(o.method));

// The estate: a vault and a storage account of ours, asked for by our spoke, by a foreign tenant, and
// one connection someone already rejected.
const vault = provider('Microsoft.KeyVault/vaults', 'kv-shared');
const account = provider('Microsoft.Storage/storageAccounts', 'stshared');
const spokePe = endpointId('pe-spoke', SPOKE);
const foreignPe = endpointId('pe-foreign', FOREIGN_SUB);
const fromSpoke = connection(vault, 'kv-shared.spoke', spokePe);
const fromForeign = connection(vault, 'kv-shared.foreign', foreignPe);
const rejected = connection(vault, 'kv-shared.rejected', endpointId('pe-old', SPOKE), {
  status: 'Rejected',
  description: 'no: decided by the vault owner',
});
const storageConn = connection(account, 'stshared.spoke', spokePe, { stateKeys: { actionRequired: 'None' } });
const consumers = [
  endpoint('pe-spoke', SPOKE, [
    { targetId: vault.id, groupId: 'vault' },
    { targetId: account.id, groupId: 'blob' },
  ]),
  endpoint('pe-old', SPOKE, [{ targetId: vault.id, groupId: 'vault' }]),
  endpoint('pe-foreign', FOREIGN_SUB, [{ targetId: vault.id, groupId: 'vault' }]),
];
const ESTATE = [vault, account, fromSpoke, fromForeign, rejected, storageConn, ...consumers];

const CONFIG = {
  // Only the provider subscription is watched: the spoke and the foreign tenant send us no events.
  scope: { subscriptions: [SUB], tenants: [TENANT] },
  privateLink: {
    rules: [
      // Approves any vault connection: the foreign tenant's must still never be approved.
      {
        name: 'kv-from-anywhere',
        action: 'approve',
        resourceTypes: ['Microsoft.KeyVault/vaults'],
        groupIds: ['vault'],
      },
    ],
  },
};

const kvDescription = 'Approved by fedlink rule kv-from-anywhere';

describe('fedlink sandbox run: private endpoint approvals', () => {
  it('the sweep approves a matching pending connection (found with no event) with the rule in its description; leaves the foreign-tenant one, the already rejected one and the one no rule names; a second run writes nothing', () => {
    const first = run(ESTATE, CONFIG);
    expect(first.stderr).not.toMatch(/Error/);
    expect(first.code).toBe(0);
    const state = first.out.state.resources;
    expect(stateOf(state, fromSpoke.id)).toEqual({
      status: 'Approved',
      description: kvDescription,
      provisioningState: 'Succeeded',
    });
    // A foreign tenant is never approved, whatever the rules say; the report says why.
    expect(stateOf(state, fromForeign.id)).toEqual({
      status: 'Pending',
      description: 'please approve',
      provisioningState: 'Succeeded',
    });
    const foreign = first.out.report.findings.find(
      (f) => f.check === 'privatelink.foreign-requester' && f.resourceId === fromForeign.id,
    );
    expect(foreign?.status).toBe('warn');
    expect(foreign?.message).toContain(
      `rule kv-from-anywhere would approve, but requester tenant ${FOREIGN_TENANT} is outside scope.tenants: never approved`,
    );
    // Decided by someone else: untouched.
    expect(stateOf(state, rejected.id)).toEqual({
      status: 'Rejected',
      description: 'no: decided by the vault owner',
      provisioningState: 'Succeeded',
    });
    // No rule names Storage: left pending, reported as such.
    expect(stateOf(state, storageConn.id)?.status).toBe('Pending');
    expect(
      first.out.report.findings.find(
        (f) => f.check === 'privatelink.decision' && f.resourceId === storageConn.id,
      ),
    ).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('leave pending connection stshared.spoke') as unknown,
    });
    // Exactly one write: the approve.
    expect(writesOf(first.out).map((w) => [w.method, w.path])).toEqual([['PUT', fromSpoke.id]]);

    const second = run([...first.out.state.resources], CONFIG);
    expect(second.code).toBe(0);
    expect(writesOf(second.out)).toEqual([]);
  });

  it('default: reject rejects what no rule approves, naming the default rule and why, and never approves the foreign tenant', () => {
    const { code, out } = run(ESTATE, {
      ...CONFIG,
      privateLink: { ...CONFIG.privateLink, default: 'reject' },
    });
    expect(code).toBe(0);
    const state = out.state.resources;
    expect(stateOf(state, storageConn.id)).toEqual({
      status: 'Rejected',
      description: `Rejected by fedlink rule default: no rule matches Microsoft.Storage/storageAccounts, group blob, requester subscription ${SPOKE}`,
      provisioningState: 'Succeeded',
    });
    expect(stateOf(state, fromForeign.id)?.status).toBe('Rejected');
    expect(stateOf(state, fromForeign.id)?.description).toBe(
      `Rejected by fedlink rule default: rule kv-from-anywhere would approve, but requester tenant ${FOREIGN_TENANT} is outside scope.tenants: never approved`,
    );
    expect(stateOf(state, fromSpoke.id)?.status).toBe('Approved');
    expect(stateOf(state, rejected.id)?.status).toBe('Rejected');
    expect(
      writesOf(out)
        .map((w) => w.path)
        .sort(),
    ).toEqual([fromForeign.id, fromSpoke.id, storageConn.id].sort());
  });

  it('plan writes nothing and lists every decision with its rule, requester subscription and tenant', () => {
    const { code, out } = run(ESTATE, CONFIG, '--mode', 'plan', '--full');
    expect(code).toBe(0);
    expect(out.operations.filter((o) => o.method !== 'GET' && o.method !== 'POST')).toEqual([]);
    const decisions = out.report.findings.filter((f) => f.check === 'privatelink.decision');
    expect(decisions.map((d) => [d.resourceId, d.status]).sort()).toEqual(
      [
        [fromForeign.id, 'warn'],
        [fromSpoke.id, 'pass'],
        [storageConn.id, 'warn'],
      ].sort(),
    );
    const approve = decisions.find((d) => d.resourceId === fromSpoke.id)!;
    expect(approve.message).toMatch(
      new RegExp(
        `^approve connection kv-shared\\.spoke on ${vault.id}: requester subscription ${SPOKE}, tenant ${TENANT}, group vault; rule kv-from-anywhere \\(matches .*\\); decided at \\d{4}-\\d\\d-\\d\\dT`,
      ),
    );
    const foreign = decisions.find((d) => d.resourceId === fromForeign.id)!;
    expect(foreign.message).toContain(`requester subscription ${FOREIGN_SUB}, tenant ${FOREIGN_TENANT}`);
    expect(foreign.message).toContain('leave pending');
  });

  it('an event for a private endpoint in scope decides the resources it asks for', () => {
    const localPe = endpoint('pe-local', SUB, [{ targetId: vault.id, groupId: 'vault' }]);
    const local = connection(vault, 'kv-shared.local', localPe.id);
    const events = file([
      armEvent({
        eventType: 'Microsoft.Resources.ResourceWriteSuccess',
        resourceId: localPe.id,
        tenantId: TENANT,
        eventId: '00000000-0000-4000-8000-00000000e001',
        eventTime: '2026-11-23T10:00:00Z',
      }),
    ]);
    const { code, out } = run([vault, local, localPe], CONFIG, '--events', events);
    expect(code).toBe(0);
    expect(stateOf(out.state.resources, local.id)).toEqual({
      status: 'Approved',
      description: kvDescription,
      provisioningState: 'Succeeded',
    });
    expect(out.runs.map((r) => r.instanceId)).toEqual([
      expect.stringMatching(/^fedlink:privateEndpoint:pe-local:/),
    ]);
    // The event run read no Resource Graph: it went from the endpoint to its target.
    expect(out.operations.filter((o) => o.method === 'POST')).toEqual([]);
  });

  it('a requester whose subscription fedlink cannot see has an unknown tenant: never approved, and the report says so', () => {
    const unseen = '0dd00000-0000-4000-8000-0000000000ff';
    const ghost = connection(vault, 'kv-shared.unseen', endpointId('pe-unseen', unseen));
    const { code, out } = run([vault, ghost], CONFIG);
    expect(code).toBe(0);
    expect(stateOf(out.state.resources, ghost.id)?.status).toBe('Pending');
    expect(writesOf(out)).toEqual([]);
    const finding = out.report.findings.find((f) => f.check === 'privatelink.foreign-requester');
    expect(finding?.message).toContain(
      `the tenant of requester subscription ${unseen} is unknown (fedlink cannot read that subscription), so it counts as outside scope.tenants`,
    );
  });

  it('a rule naming an unknown resource type is bad input: exit 2, one message listing the supported types, no ARM call', () => {
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        'sandbox',
        'run',
        '--json',
        '--estate',
        file(plEstate(ESTATE)),
        '--config',
        file(
          stringify({
            privateLink: {
              rules: [{ name: 'r', action: 'approve', resourceTypes: ['Microsoft.Cache/redis'] }],
            },
          }),
          'yaml',
        ),
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'privateLink.rules[0].resourceTypes[0]: fedlink does not decide private endpoint connections of Microsoft.Cache/redis; supported: Microsoft.Storage/storageAccounts, Microsoft.KeyVault/vaults, Microsoft.Web/sites, Microsoft.Network/privateLinkServices, Microsoft.Sql/servers, Microsoft.DocumentDB/databaseAccounts, Microsoft.ContainerRegistry/registries',
    );
  });
});
