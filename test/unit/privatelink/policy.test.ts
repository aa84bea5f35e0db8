/** The approval policy (shared/privatelink/policy.ts, docs/design.md invariant 5), pure. */
import { configSchema, type PrivateLinkRule } from '../../../shared/config/schema';
import {
  type ConnectionFacts,
  decide,
  descriptionFor,
  type Policy,
  ruleOfDescription,
} from '../../../shared/privatelink/policy';

const OURS = 'aaaaaaaa-0000-4000-8000-000000000001';
const THEIRS = 'bbbbbbbb-0000-4000-8000-000000000002';
const SPOKE = 'cccccccc-0000-4000-8000-000000000003';
const OTHER = 'dddddddd-0000-4000-8000-000000000004';
const KV = 'Microsoft.KeyVault/vaults';
const ST = 'Microsoft.Storage/storageAccounts';

const rule = (r: Partial<PrivateLinkRule> & { name: string }): PrivateLinkRule => ({
  action: 'approve',
  resourceTypes: [KV],
  ...r,
});

const facts = (f: Partial<ConnectionFacts> = {}): ConnectionFacts => ({
  targetType: KV,
  groupId: 'vault',
  requesterSubscription: SPOKE,
  requesterTenant: OURS,
  ...f,
});

const policy = (rules: PrivateLinkRule[], d: 'leave' | 'reject' = 'leave'): Policy => ({
  rules,
  default: d,
  tenants: [OURS],
});

describe('decide', () => {
  it('approves when a rule matches, naming the rule', () => {
    expect(decide(facts(), policy([rule({ name: 'kv' })]))).toEqual({
      action: 'approve',
      rule: 'kv',
      reason: `matches ${KV}, group vault, requester subscription ${SPOKE}`,
    });
  });

  it('leaves a connection no rule names pending (default leave), or rejects it (default reject), naming the default', () => {
    const only = [rule({ name: 'st', resourceTypes: [ST] })];
    expect(decide(facts(), policy(only))).toMatchObject({ action: 'leave', rule: 'default' });
    expect(decide(facts(), policy(only, 'reject'))).toEqual({
      action: 'reject',
      rule: 'default',
      reason: `no rule matches ${KV}, group vault, requester subscription ${SPOKE}`,
    });
    expect(decide(facts(), policy([]))).toMatchObject({ action: 'leave', rule: 'default' });
  });

  it('matches type, group id and requester subscription case-insensitively; the first matching rule decides', () => {
    const rules = [
      rule({ name: 'other-sub', requesterSubscriptions: [OTHER] }),
      rule({
        name: 'no',
        action: 'reject',
        resourceTypes: ['microsoft.keyvault/VAULTS'],
        groupIds: ['VAULT'],
      }),
      rule({ name: 'later' }),
    ];
    expect(decide(facts({ requesterSubscription: SPOKE.toUpperCase() }), policy(rules))).toMatchObject({
      action: 'reject',
      rule: 'no',
    });
    expect(decide(facts({ requesterSubscription: OTHER }), policy(rules))).toMatchObject({
      rule: 'other-sub',
    });
  });

  it('an unknown group id or requester subscription matches no rule that lists them', () => {
    const rules = [
      rule({ name: 'g', groupIds: ['vault'] }),
      rule({ name: 's', requesterSubscriptions: [SPOKE] }),
    ];
    expect(decide(facts({ groupId: undefined }), policy(rules))).toMatchObject({ rule: 's' });
    expect(
      decide(facts({ groupId: undefined, requesterSubscription: undefined }), policy(rules)),
    ).toMatchObject({
      action: 'leave',
      rule: 'default',
    });
  });

  it('never approves a requester outside scope.tenants, whatever the rules say; a later reject rule still applies', () => {
    const foreign = facts({ requesterTenant: THEIRS });
    const approveAll = [rule({ name: 'all' })];
    expect(decide(foreign, policy(approveAll))).toEqual({
      action: 'leave',
      rule: 'default',
      reason: `rule all would approve, but requester tenant ${THEIRS} is outside scope.tenants: never approved`,
      refusedApproval: `rule all would approve, but requester tenant ${THEIRS} is outside scope.tenants: never approved`,
    });
    expect(decide(foreign, policy(approveAll, 'reject'))).toMatchObject({
      action: 'reject',
      rule: 'default',
    });
    expect(decide(foreign, policy([...approveAll, rule({ name: 'deny', action: 'reject' })]))).toMatchObject({
      action: 'reject',
      rule: 'deny',
    });
  });

  it('treats an unknown tenant (a subscription fedlink cannot see) as outside scope.tenants', () => {
    const d = decide(facts({ requesterTenant: undefined }), policy([rule({ name: 'all' })]));
    expect(d.action).toBe('leave');
    expect(d.reason).toContain(`the tenant of requester subscription ${SPOKE} is unknown`);
  });

  it('the decision for every combination: no approval ever without a matching approve rule and a tenant of ours', () => {
    const rules = [
      rule({ name: 'a', groupIds: ['vault'], requesterSubscriptions: [SPOKE] }),
      rule({ name: 'r', action: 'reject', resourceTypes: [ST] }),
    ];
    for (const targetType of [KV, ST, 'Microsoft.Web/sites'])
      for (const groupId of ['vault', 'blob', undefined])
        for (const requesterSubscription of [SPOKE, OTHER, undefined])
          for (const requesterTenant of [OURS, THEIRS, undefined])
            for (const d of ['leave', 'reject'] as const) {
              const f = { targetType, groupId, requesterSubscription, requesterTenant };
              const decision = decide(f, policy(rules, d));
              const approvable =
                targetType === KV &&
                groupId === 'vault' &&
                requesterSubscription === SPOKE &&
                requesterTenant === OURS;
              expect(decision.action === 'approve').toBe(approvable);
              if (decision.action === 'approve') expect(decision.rule).toBe('a');
              if (targetType === ST) expect(decision).toMatchObject({ action: 'reject', rule: 'r' });
            }
  });
});

describe('descriptions', () => {
  it('name the rule, and the reason of a rejection; the rule reads back', () => {
    const approve = descriptionFor({ action: 'approve', rule: 'kv-from-spokes', reason: 'x' });
    expect(approve).toBe('Approved by fedlink rule kv-from-spokes');
    const reject = descriptionFor({ action: 'reject', rule: 'default', reason: 'no rule matches it' });
    expect(reject).toBe('Rejected by fedlink rule default: no rule matches it');
    expect(ruleOfDescription(approve)).toBe('kv-from-spokes');
    expect(ruleOfDescription(reject)).toBe('default');
    expect(ruleOfDescription('Approved by the vault owner')).toBeUndefined();
    expect(ruleOfDescription(undefined)).toBeUndefined();
  });
});

describe('config: privateLink rules', () => {
  const parse = (rules: unknown[]) => configSchema.safeParse({ privateLink: { rules } });

  it('accepts the supported types and their group ids (any case; Web slots)', () => {
    const r = parse([
      { name: 'a', action: 'approve', resourceTypes: ['microsoft.keyvault/vaults'], groupIds: ['Vault'] },
      {
        name: 'b',
        action: 'reject',
        resourceTypes: ['Microsoft.Web/sites'],
        groupIds: ['sites', 'sites-staging'],
      },
      { name: 'c', action: 'approve', resourceTypes: ['Microsoft.Network/privateLinkServices'] },
    ]);
    expect(r.success).toBe(true);
  });
});
