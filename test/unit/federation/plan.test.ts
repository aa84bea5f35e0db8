import { type Cluster, type Fic } from '../../../shared/core/model';
import { resolveBindings } from '../../../shared/federation/bindings';
import { type DesiredFic, desiredFics } from '../../../shared/federation/desired';
import {
  planIdentity,
  type FicWrite,
  type IdentityPlan,
  type PlanInput,
  type PruneVerdict,
  pruneKey,
} from '../../../shared/federation/plan';
import { aksIssuer, AUD, cluster, config, fic, identity } from './fixtures';

const payments = identity('id-payments');
const P = payments.id;
const OLD_UUID = '33333333-0000-4000-8000-000000000001';
const NEW_UUID = '33333333-0000-4000-8000-000000000002';
const OLD = aksIssuer(OLD_UUID);
const NEW = aksIssuer(NEW_UUID);
const API = 'system:serviceaccount:payments:api';
const WORKER = 'system:serviceaccount:payments:worker';
const GITHUB = 'https://token.actions.githubusercontent.com';

// Golden names (names.test.ts pins the algorithm): cluster aks-prod-3, old and new issuer.
const OLD_API = 'fedlink-aks-prod-3-payments-api-cb8ce3ddf677';
const OLD_WORKER = 'fedlink-aks-prod-3-payments-worker-a6a2d790780d';
const NEW_API = 'fedlink-aks-prod-3-payments-api-705bb0a3163b';
const NEW_WORKER = 'fedlink-aks-prod-3-payments-worker-6d7524319659';

const { bindings } = resolveBindings(
  config({
    federation: {
      bindings: [{ name: 'payments', identity: P, serviceAccounts: ['payments/api', 'payments/worker'] }],
    },
  }),
  [payments],
);

function desiredOn(...clusters: Cluster[]): DesiredFic[] {
  return desiredFics(bindings, clusters, AUD);
}

const oldCluster = cluster('aks-prod-3', OLD_UUID);
const newCluster = cluster('aks-prod-3', NEW_UUID);

const GONE = 'its issuer matches no live cluster in scope';

/** Every observed FIC whose issuer is not live gets a `gone` verdict, as if ARM had confirmed it. */
function plan(
  desired: readonly DesiredFic[],
  observed: readonly Fic[],
  live: readonly string[],
  extra: Partial<PlanInput> = {},
): IdentityPlan {
  const verdicts = new Map<string, PruneVerdict>(
    observed
      .filter((o) => !live.includes(o.issuer))
      .map((o) => [pruneKey(o), { kind: 'gone', reason: GONE }]),
  );
  return planIdentity({
    identityId: P,
    desired,
    observed,
    liveIssuers: new Set(live),
    prune: true,
    pruneVerdicts: verdicts,
    ...extra,
  });
}

const create = (name: string, issuer: string, subject: string, reason: string): FicWrite => ({
  kind: 'create',
  name,
  issuer,
  subject,
  audience: AUD,
  reason,
});
const del = (name: string, issuer: string, subject: string): FicWrite => ({
  kind: 'delete',
  name,
  issuer,
  subject,
  reason: GONE,
});

describe('prune needs a confirmed verdict', () => {
  const oldOwned = fic(P, OLD_API, OLD, API);
  it('deletes nothing without a verdict, and says so', () => {
    const p = plan([], [oldOwned], [], { pruneVerdicts: new Map() });
    expect(p.writes).toEqual([]);
    expect(p.findings.map((f) => [f.check, f.status])).toEqual([['federation.prune-unconfirmed', 'warn']]);
    expect(p.findings[0]?.message).toContain('no direct ARM read confirmed');
  });
  it('keeps an unconfirmed FIC with the reason, and an owned FIC a live cluster holds as unbound', () => {
    const unsure = plan([], [oldOwned], [], {
      pruneVerdicts: new Map([
        [pruneKey(oldOwned), { kind: 'unconfirmed', reason: 'cluster X is Updating' }],
      ]),
    });
    expect(unsure.writes).toEqual([]);
    expect(unsure.findings[0]?.message).toBe(
      `not deleting federated credential ${OLD_API} (${OLD}): cluster X is Updating`,
    );
    const held = plan([], [oldOwned], [], {
      pruneVerdicts: new Map([[pruneKey(oldOwned), { kind: 'live', clusterId: oldCluster.id }]]),
    });
    expect(held.writes).toEqual([]);
    expect(held.findings.map((f) => f.check)).toEqual(['federation.fic-unbound']);
  });
  it('deletes a FIC whose verdict is gone, with the verdict as the reason', () => {
    const p = plan([], [oldOwned], [], {
      pruneVerdicts: new Map([
        [pruneKey(oldOwned), { kind: 'gone', reason: 'its cluster X is gone (ARM answered 404)' }],
      ]),
    });
    expect(p.writes).toEqual([
      {
        kind: 'delete',
        name: OLD_API,
        issuer: OLD,
        subject: API,
        reason: 'its cluster X is gone (ARM answered 404)',
      },
    ]);
  });
});

describe('golden names used below', () => {
  it('are what ficName gives', () => {
    expect(desiredOn(oldCluster).map((d) => d.name)).toEqual([OLD_API, OLD_WORKER]);
    expect(desiredOn(newCluster).map((d) => d.name)).toEqual([NEW_API, NEW_WORKER]);
  });
});

describe('planIdentity', () => {
  it('converged input → no writes, everything adopted', () => {
    const observed = [
      fic(P, OLD_API, OLD, API),
      fic(P, OLD_WORKER, OLD, WORKER),
      fic(P, 'github-main', GITHUB, 'repo:org/app:ref:refs/heads/main'),
    ];
    expect(plan(desiredOn(oldCluster), observed, [OLD])).toEqual({
      identityId: P,
      writes: [],
      adopted: [
        { name: OLD_API, issuer: OLD, subject: API, owned: true, desiredName: OLD_API },
        { name: OLD_WORKER, issuer: OLD, subject: WORKER, owned: true, desiredName: OLD_WORKER },
      ],
      findings: [],
    });
  });

  it('a new cluster → one create per service account, exact issuer, deterministic names', () => {
    expect(plan(desiredOn(newCluster), [], [NEW])).toEqual({
      identityId: P,
      writes: [
        create(NEW_API, NEW, API, `no credential trusts aks-prod-3 for ${API}`),
        create(NEW_WORKER, NEW, WORKER, `no credential trusts aks-prod-3 for ${WORKER}`),
      ],
      adopted: [],
      findings: [],
    });
  });

  it('a re-created cluster (same id, new issuer) → creates for the new issuer, deletes the old owned FICs first, foreign untouched', () => {
    const observed = [
      fic(P, OLD_API, OLD, API),
      fic(P, OLD_WORKER, OLD, WORKER),
      fic(P, 'handmade-legacy', OLD, 'system:serviceaccount:legacy:app'),
    ];
    const result = plan(desiredOn(newCluster), observed, [NEW]);
    expect(result.writes).toEqual([
      del(OLD_API, OLD, API),
      del(OLD_WORKER, OLD, WORKER),
      create(NEW_API, NEW, API, `no credential trusts aks-prod-3 for ${API}`),
      create(NEW_WORKER, NEW, WORKER, `no credential trusts aks-prod-3 for ${WORKER}`),
    ]);
    expect(result.findings).toEqual([]);
    expect(result.refused).toBeUndefined();
  });

  it('adopts a foreign FIC with the same issuer and subject (no write, never renamed)', () => {
    const observed = [fic(P, 'handmade-api', NEW, API)];
    const result = plan(desiredOn(newCluster), observed, [NEW]);
    expect(result.adopted).toEqual([
      { name: 'handmade-api', issuer: NEW, subject: API, owned: false, desiredName: NEW_API },
    ]);
    expect(result.writes).toEqual([
      create(NEW_WORKER, NEW, WORKER, `no credential trusts aks-prod-3 for ${WORKER}`),
    ]);
  });

  it.each([
    ['without the trailing slash', NEW.slice(0, -1), API],
    ['with a doubled trailing slash', `${NEW}/`, API],
    ['in other letter case', NEW.replace('eastus', 'EastUS'), API],
    ['with other subject case', NEW, 'system:serviceaccount:Payments:api'],
  ])(
    'does not adopt a foreign FIC whose issuer/subject differs %s: creates the exact one, leaves the other',
    (_what, issuer, subject) => {
      const observed = [fic(P, 'handmade-api', issuer, subject), fic(P, NEW_WORKER, NEW, WORKER)];
      const result = plan(desiredOn(newCluster), observed, [NEW]);
      expect(result.writes).toEqual([
        create(NEW_API, NEW, API, `no credential trusts aks-prod-3 for ${API}`),
      ]);
      expect(result.adopted.map((a) => a.name)).toEqual([NEW_WORKER]);
    },
  );

  it("prunes an owned trailing-slash variant (its issuer is no live cluster's), never a foreign one", () => {
    const observed = [
      fic(P, 'fedlink-typo', NEW.slice(0, -1), API),
      fic(P, 'handmade-typo', NEW.slice(0, -1), WORKER),
    ];
    const result = plan(desiredOn(newCluster), observed, [NEW]);
    expect(result.writes.map((w) => `${w.kind} ${w.name}`)).toEqual([
      'delete fedlink-typo',
      `create ${NEW_API}`,
      `create ${NEW_WORKER}`,
    ]);
  });

  it('prune off → no deletes, a warning per stale owned FIC', () => {
    const observed = [fic(P, OLD_API, OLD, API)];
    const result = plan(desiredOn(newCluster), observed, [NEW], { prune: false });
    expect(result.writes.map((w) => w.kind)).toEqual(['create', 'create']);
    expect(result.findings).toEqual([
      {
        check: 'federation.fic-stale',
        resourceId: `${P}/federatedIdentityCredentials/${OLD_API}`,
        status: 'warn',
        message: `federated credential ${OLD_API} trusts ${OLD}, which no live cluster in scope has; prune is off, so it stays`,
        remediation: `Delete ${OLD_API}, or set federation.prune: true to let fedlink delete credentials of clusters that are gone.`,
        subject: {
          view: 'fleet',
          rowKind: 'cluster',
          row: OLD,
          columnKind: 'identity',
          column: 'id-payments',
          state: 'stale',
        },
      },
    ]);
  });

  it('keeps an owned FIC whose cluster is live but no binding asks for it, with a warning (prune goes by issuer)', () => {
    const observed = [
      fic(P, OLD_API, OLD, API),
      fic(P, 'fedlink-aks-prod-3-payments-batch-0123456789ab', OLD, 'system:serviceaccount:payments:batch'),
      fic(P, OLD_WORKER, OLD, WORKER),
    ];
    const result = plan(desiredOn(oldCluster), observed, [OLD]);
    expect(result.writes).toEqual([]);
    expect(result.findings).toEqual([
      {
        check: 'federation.fic-unbound',
        resourceId: `${P}/federatedIdentityCredentials/fedlink-aks-prod-3-payments-batch-0123456789ab`,
        status: 'warn',
        message: `federated credential fedlink-aks-prod-3-payments-batch-0123456789ab trusts a live cluster (${OLD}) for system:serviceaccount:payments:batch, but no binding asks for it now (its binding was removed, or the cluster is skipped or waiting)`,
        remediation:
          'If the binding was removed on purpose, delete fedlink-aks-prod-3-payments-batch-0123456789ab; fedlink only prunes credentials whose cluster is gone.',
        subject: {
          view: 'fleet',
          rowKind: 'cluster',
          row: OLD,
          columnKind: 'identity',
          column: 'id-payments',
          state: 'unbound',
        },
      },
    ]);
  });

  it('never deletes a foreign FIC, whatever its issuer', () => {
    const observed = [
      fic(P, 'handmade-legacy', OLD, API),
      fic(P, 'Fedlink-looks-owned', OLD, WORKER),
      fic(P, 'github-main', GITHUB, 'repo:org/app:ref:refs/heads/main'),
    ];
    expect(plan([], observed, []).writes).toEqual([]);
  });

  it('updates an owned FIC with the right issuer and subject but wrong audiences, in place', () => {
    const observed = [
      fic(P, 'fedlink-old-style-name', NEW, API, ['api://AzureADTokenExchange', 'api://other']),
      fic(P, NEW_WORKER, NEW, WORKER),
    ];
    expect(plan(desiredOn(newCluster), observed, [NEW]).writes).toEqual([
      {
        kind: 'update',
        name: 'fedlink-old-style-name',
        issuer: NEW,
        subject: API,
        audience: AUD,
        reason: 'audiences were ["api://AzureADTokenExchange", "api://other"]',
      },
    ]);
  });

  it('does not touch a foreign FIC with the right issuer and subject but wrong audience: fail finding, no write', () => {
    const foreign = fic(P, 'handmade-api', NEW, API, ['api://other']);
    const result = plan(desiredOn(newCluster), [foreign, fic(P, NEW_WORKER, NEW, WORKER)], [NEW]);
    expect(result.writes).toEqual([]);
    expect(result.findings).toEqual([
      {
        check: 'federation.fic-conflict',
        resourceId: foreign.id,
        status: 'fail',
        message: `federated credential handmade-api trusts aks-prod-3 for ${API} with audiences ["api://other"], not ["${AUD}"]; it is not fedlink's, so fedlink will not change it, and Azure rejects a second credential with the same issuer and subject`,
        remediation:
          'Set the audience of handmade-api on id-payments to api://AzureADTokenExchange, or delete it and let fedlink create its own.',
        subject: {
          view: 'fleet',
          rowKind: 'cluster',
          row: 'aks-prod-3',
          columnKind: 'identity',
          column: 'id-payments',
          state: 'conflict',
        },
      },
    ]);
  });

  it('rewrites an owned FIC that holds the deterministic name with other content', () => {
    const observed = [
      fic(P, NEW_API, NEW, 'system:serviceaccount:payments:wrong'),
      fic(P, NEW_WORKER, NEW, WORKER),
    ];
    expect(plan(desiredOn(newCluster), observed, [NEW]).writes).toEqual([
      {
        kind: 'update',
        name: NEW_API,
        issuer: NEW,
        subject: API,
        audience: AUD,
        reason: `it trusted ${NEW} for system:serviceaccount:payments:wrong`,
      },
    ]);
  });

  it('does not overwrite a foreign FIC holding the name in other case (ARM names are case-insensitive)', () => {
    const holder = fic(P, NEW_API.toUpperCase(), GITHUB, 'repo:org/app:ref:refs/heads/main');
    const result = plan(desiredOn(newCluster), [holder, fic(P, NEW_WORKER, NEW, WORKER)], [NEW]);
    expect(result.writes).toEqual([]);
    expect(result.findings.map((f) => [f.check, f.status, f.resourceId])).toEqual([
      ['federation.fic-conflict', 'fail', holder.id],
    ]);
  });

  describe('the 20-credential limit', () => {
    const github = (n: number): Fic[] =>
      Array.from({ length: n }, (_, i) => fic(P, `github-${i}`, GITHUB, `repo:org/app:ref:refs/heads/b${i}`));

    it('refuses the whole identity when it would need a 21st FIC: nothing written, the count named', () => {
      const result = plan(desiredOn(newCluster), github(19), [NEW]);
      expect(result.writes).toEqual([]);
      expect(result.refused).toEqual({ needed: 21, limit: 20, bindings: ['payments'] });
      expect(result.findings).toEqual([
        {
          check: 'federation.identity-capacity',
          resourceId: P,
          status: 'fail',
          message:
            'identity id-payments would need 21 federated credentials; Azure allows 20 (19 exist, 2 to create, 0 to delete); nothing was written for it (asked for by payments)',
          remediation:
            'Delete federated credentials the identity no longer needs, narrow the bindings (fewer clusters or service accounts), or split the service accounts across another identity.',
        },
        ...[
          [NEW_API, API],
          [NEW_WORKER, WORKER],
        ].map(([name, subject]) => ({
          check: 'federation.fic-present',
          resourceId: `${P}/federatedIdentityCredentials/${name}`,
          status: 'fail',
          message: `no federated credential trusts aks-prod-3 (${NEW}) for ${subject}: not created, identity id-payments is over Azure's limit of 20`,
          remediation:
            'Delete federated credentials the identity no longer needs, narrow the bindings (fewer clusters or service accounts), or split the service accounts across another identity.',
          subject: {
            view: 'fleet',
            rowKind: 'cluster',
            row: 'aks-prod-3',
            columnKind: 'identity',
            column: 'id-payments',
            state: 'refused',
          },
        })),
      ]);
    });

    it('refuses without writing the deletes either when they do not free enough', () => {
      const observed = [...github(19), fic(P, OLD_API, OLD, API)];
      const result = plan(desiredOn(newCluster), observed, [NEW]);
      expect(result.writes).toEqual([]);
      expect(result.refused).toEqual({ needed: 21, limit: 20, bindings: ['payments'] });
      expect(result.findings[0]?.message).toContain(
        'would need 21 federated credentials; Azure allows 20 (20 exist, 2 to create, 1 to delete)',
      );
    });

    it('counts deletes: exactly 20 afterwards is fine, deletes go first', () => {
      const observed = [...github(18), fic(P, OLD_API, OLD, API), fic(P, OLD_WORKER, OLD, WORKER)];
      const result = plan(desiredOn(newCluster), observed, [NEW]);
      expect(result.refused).toBeUndefined();
      expect(result.writes.map((w) => `${w.kind} ${w.name}`)).toEqual([
        `delete ${OLD_API}`,
        `delete ${OLD_WORKER}`,
        `create ${NEW_API}`,
        `create ${NEW_WORKER}`,
      ]);
    });

    it('honours a custom limit', () => {
      expect(plan(desiredOn(newCluster), github(1), [NEW], { limit: 2 }).refused).toEqual({
        needed: 3,
        limit: 2,
        bindings: ['payments'],
      });
    });

    it('never refuses a plan that adds nothing', () => {
      const observed = [...github(20)];
      expect(plan([], observed, [NEW])).toEqual({ identityId: P, writes: [], adopted: [], findings: [] });
    });
  });

  it('is stable: input order does not change the plan', () => {
    const observed = [
      fic(P, OLD_API, OLD, API),
      fic(P, 'handmade-x', NEW, API),
      fic(P, OLD_WORKER, OLD, WORKER),
      fic(P, 'fedlink-z', GITHUB, 'x'),
    ];
    const desired = desiredOn(
      newCluster,
      cluster('aks-prod-9', '99999999-0000-4000-8000-000000000009', {
        id: '/subscriptions/c267c0e7-0a73-4789-9e17-d26aeb0904e5/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-prod-9',
      }),
    );
    const a = plan(desired, observed, [NEW]);
    const b = plan([...desired].reverse(), [...observed].reverse(), [NEW]);
    expect(b).toEqual(a);
    expect(a.writes.map((w) => w.kind)).toEqual(['delete', 'delete', 'delete', 'create', 'create', 'create']);
  });

  it('dedups desired entries with the same issuer and subject', () => {
    const d = desiredOn(newCluster);
    expect(plan([...d, ...d], [], [NEW]).writes).toHaveLength(2);
  });

  it('never writes a desired FIC whose issuer fails the shape check (defence in depth)', () => {
    const [good] = desiredOn(newCluster);
    const bad: DesiredFic = { ...good!, issuer: NEW.replace('https://', 'http://') };
    const result = plan([bad], [], [NEW]);
    expect(result.writes).toEqual([]);
    expect(result.findings).toEqual([
      {
        check: 'federation.issuer-shape',
        resourceId: newCluster.id,
        status: 'fail',
        message: `not writing ${NEW_API}: issuer is not an https:// URL`,
        remediation:
          'Check the cluster: fedlink only trusts the oidcIssuerProfile.issuerURL of a live cluster, and only a plain https URL.',
      },
    ]);
  });

  it('throws on a desired FIC of another identity (a programming error, never written to the wrong identity)', () => {
    const other = identity('id-other');
    const [good] = desiredOn(newCluster);
    expect(() => plan([{ ...good!, identityId: other.id, identityKey: other.key }], [], [NEW])).toThrow(
      /belongs to/,
    );
  });
});
