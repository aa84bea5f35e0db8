import { type Fic } from '../../../shared/core/model';
import { resolveBindings } from '../../../shared/federation/bindings';
import { desiredFics } from '../../../shared/federation/desired';
import { planIdentity } from '../../../shared/federation/plan';
import { checkClusterFederation, checkIdentityFederation } from '../../../shared/federation/checks';
import { buildReport } from '../../../shared/validation/report';
import { aksIssuer, AUD, cluster, clusterId, config, fic, identity, TENANT } from './fixtures';

const payments = identity('id-payments');
const P = payments.id;
const UUID = '0d6f3c1e-7b2a-4c8d-9e5f-a1b2c3d4e5f6';
const ISSUER = aksIssuer(UUID);
const API = 'system:serviceaccount:payments:api';
const aks = cluster('aks-prod-eastus', UUID);
const NAME = 'fedlink-aks-prod-eastus-payments-api-986f550fb43b';
const FIC_ID = `${P}/federatedIdentityCredentials/${NAME}`;
const GITHUB = 'https://token.actions.githubusercontent.com';

const { bindings } = resolveBindings(
  config({
    federation: { bindings: [{ name: 'payments', identity: P, serviceAccounts: ['payments/api'] }] },
  }),
  [payments],
);
const desired = desiredFics(bindings, [aks], AUD);
const check = (
  observed: readonly Fic[],
  extra: { pending?: Parameters<typeof checkIdentityFederation>[0]['pending'] } = {},
) => checkIdentityFederation({ identityId: P, desired, observed, ...extra });
const capacityPass = (n: number) => ({
  check: 'federation.identity-capacity',
  resourceId: P,
  status: 'pass',
  message: `identity id-payments has ${n} of 20 federated credentials`,
});

describe('checkIdentityFederation', () => {
  it('passes a FIC with the exact issuer, subject and audience (owned or adopted)', () => {
    expect(check([fic(P, NAME, ISSUER, API)])).toEqual([
      {
        check: 'federation.fic-present',
        resourceId: FIC_ID,
        status: 'pass',
        message: `federated credential ${NAME} trusts aks-prod-eastus (${ISSUER}) for ${API}`,
        subject: {
          view: 'fleet',
          rowKind: 'cluster',
          row: 'aks-prod-eastus',
          columnKind: 'identity',
          column: 'id-payments',
          state: 'present',
        },
      },
      capacityPass(1),
    ]);
    expect(check([fic(P, 'handmade-api', ISSUER, API)])[0]).toMatchObject({
      status: 'pass',
      resourceId: `${P}/federatedIdentityCredentials/handmade-api`,
    });
  });

  it('fails a missing FIC, and only warns when this run plans to create it', () => {
    expect(check([])).toEqual([
      {
        check: 'federation.fic-present',
        resourceId: FIC_ID,
        status: 'fail',
        message: `no federated credential trusts aks-prod-eastus (${ISSUER}) for ${API}; pods using it cannot get tokens (AADSTS70021)`,
        remediation:
          'Run fedlink apply for id-payments; if it is refused, see the other findings for this identity.',
        subject: {
          view: 'fleet',
          rowKind: 'cluster',
          row: 'aks-prod-eastus',
          columnKind: 'identity',
          column: 'id-payments',
          state: 'missing',
        },
      },
      {
        check: 'federation.identity-capacity',
        resourceId: P,
        status: 'pass',
        message: 'identity id-payments has 1 of 20 federated credentials',
      },
    ]);
    const plan = planIdentity({
      identityId: P,
      desired,
      observed: [],
      liveIssuers: new Set([ISSUER]),
      prune: true,
    });
    expect(check([], { pending: plan.writes })).toEqual([
      {
        check: 'federation.fic-present',
        resourceId: FIC_ID,
        status: 'warn',
        message: `no federated credential trusts aks-prod-eastus (${ISSUER}) for ${API}; this run plans to create ${NAME}`,
        remediation: 'Apply the plan (fedlink apply, or POST /api/runs with mode apply).',
        subject: {
          view: 'fleet',
          rowKind: 'cluster',
          row: 'aks-prod-eastus',
          columnKind: 'identity',
          column: 'id-payments',
          state: 'planned',
        },
      },
      {
        check: 'federation.identity-capacity',
        resourceId: P,
        status: 'pass',
        message: 'identity id-payments has 1 of 20 federated credentials after this run',
      },
    ]);
  });

  it.each([
    ['a missing trailing slash', ISSUER.slice(0, -1), API, 'a missing trailing slash', 'AADSTS70021'],
    ['an extra trailing slash', `${ISSUER}/`, API, 'an extra trailing slash', 'AADSTS70021'],
    ['issuer case', ISSUER.replace('eastus', 'EastUS'), API, 'letter case', 'AADSTS7002138'],
    ['subject case', ISSUER, 'system:serviceaccount:Payments:api', 'letter case', 'AADSTS7002138'],
    ['surrounding whitespace', ` ${ISSUER}`, API, 'surrounding whitespace', 'AADSTS70021'],
    [
      'case and a missing slash',
      ISSUER.replace('eastus', 'EASTUS').slice(0, -1),
      API,
      'a missing trailing slash and letter case',
      'AADSTS70021',
    ],
  ])(
    'names %s as the reason a near-miss FIC fails, with the AADSTS error it causes',
    (_what, issuer, subject, differences, code) => {
      const nearMiss = fic(P, 'handmade-api', issuer, subject);
      const findings = check([nearMiss]);
      expect(findings).toContainEqual({
        check: 'federation.issuer-exact',
        resourceId: nearMiss.id,
        status: 'fail',
        message:
          `federated credential handmade-api differs from aks-prod-eastus's issuer and subject only by ${differences} ` +
          `(it has issuer ${JSON.stringify(issuer)} and subject ${JSON.stringify(subject)}; the cluster's issuer is ${JSON.stringify(ISSUER)}), so token exchange fails with ${code}`,
        remediation: `Delete handmade-api: an issuer must be copied byte for byte from the cluster (az aks show --query oidcIssuerProfile.issuerUrl -o tsv), trailing slash included; fedlink writes the exact one as ${NAME}.`,
        subject: {
          view: 'fleet',
          rowKind: 'cluster',
          row: 'aks-prod-eastus',
          columnKind: 'identity',
          column: 'id-payments',
          state: 'near-miss',
        },
      });
      // The near miss satisfies nothing: the desired FIC is still missing.
      expect(findings).toContainEqual(
        expect.objectContaining({ check: 'federation.fic-present', status: 'fail' }),
      );
    },
  );

  it('downgrades a near miss to a warning once the exact FIC exists (it only wastes a slot)', () => {
    const findings = check([fic(P, 'handmade-api', ISSUER.slice(0, -1), API), fic(P, NAME, ISSUER, API)]);
    expect(findings.map((f) => [f.check, f.status])).toEqual([
      ['federation.fic-present', 'pass'],
      ['federation.issuer-exact', 'warn'],
      ['federation.identity-capacity', 'pass'],
    ]);
    expect(findings[1]?.message).toMatch(
      new RegExp(`; ${NAME} has the exact values, so handmade-api only takes a slot$`),
    );
  });

  it('reports a foreign FIC with the wrong audience exactly as the planner does (one row in the report)', () => {
    const foreign = fic(P, 'handmade-api', ISSUER, API, ['api://other']);
    const plan = planIdentity({
      identityId: P,
      desired,
      observed: [foreign],
      liveIssuers: new Set([ISSUER]),
      prune: true,
    });
    const findings = check([foreign], { pending: plan.writes });
    expect(findings[0]).toEqual(plan.findings[0]);
    const report = buildReport([...plan.findings, ...findings]);
    expect(report.findings.filter((f) => f.check === 'federation.fic-conflict')).toHaveLength(1);
  });

  it('fails an owned FIC with the wrong audience when nothing is pending, warns when an update is', () => {
    const owned = fic(P, NAME, ISSUER, API, []);
    expect(check([owned])[0]).toEqual({
      check: 'federation.fic-present',
      resourceId: FIC_ID,
      status: 'fail',
      message: `federated credential ${NAME} trusts aks-prod-eastus (${ISSUER}) for ${API} with audiences [], not ["${AUD}"]`,
      remediation:
        'Run fedlink apply for id-payments; if it is refused, see the other findings for this identity.',
      subject: {
        view: 'fleet',
        rowKind: 'cluster',
        row: 'aks-prod-eastus',
        columnKind: 'identity',
        column: 'id-payments',
        state: 'wrong-audience',
      },
    });
    const plan = planIdentity({
      identityId: P,
      desired,
      observed: [owned],
      liveIssuers: new Set([ISSUER]),
      prune: true,
    });
    expect(check([owned], { pending: plan.writes })[0]).toMatchObject({
      status: 'warn',
      message: `federated credential ${NAME} has audiences []; this run plans to update ${NAME}`,
    });
  });

  describe('capacity', () => {
    const github = (n: number): Fic[] =>
      Array.from({ length: n }, (_, i) => fic(P, `github-${i}`, GITHUB, `repo:org/app:ref:refs/heads/b${i}`));
    const capacity = (observed: Fic[]) =>
      check(observed).find((f) => f.check === 'federation.identity-capacity');

    it.each([
      [16, 'pass', 'identity id-payments has 17 of 20 federated credentials'],
      [17, 'warn', 'identity id-payments has 18 of 20 federated credentials; 2 left for new clusters'],
      [19, 'warn', 'identity id-payments has 20 of 20 federated credentials; 0 left for new clusters'],
      [20, 'fail', 'identity id-payments would need 21 federated credentials; Azure allows 20'],
    ])('%i other FICs + 1 needed → %s', (n, status, message) => {
      expect(capacity(github(n))).toMatchObject({ status, message });
    });

    it('warns at the limit when nothing more is needed', () => {
      expect(capacity([...github(19), fic(P, NAME, ISSUER, API)])).toMatchObject({
        status: 'warn',
        message: 'identity id-payments has 20 of 20 federated credentials; 0 left for new clusters',
      });
    });

    it('marks the missing credentials of an identity over the limit refused in the fleet matrix, and only those', () => {
      const over = check(github(20));
      expect(
        over.filter((f) => f.subject).map((f) => [f.subject?.row, f.subject?.column, f.subject?.state]),
      ).toEqual([['aks-prod-eastus', 'id-payments', 'refused']]);
      // One under the limit, the same missing credential is just missing: the next apply writes it.
      expect(check(github(19)).find((f) => f.subject)?.subject?.state).toBe('missing');
    });

    it('says nothing about capacity for an identity with nothing desired', () => {
      expect(checkIdentityFederation({ identityId: P, desired: [], observed: github(20) })).toEqual([]);
    });
  });
});

describe('checkClusterFederation', () => {
  const byTags = resolveBindings(
    config({
      federation: {
        bindings: [
          { name: 'prod', identity: P, clusters: { tags: { env: 'prod' } }, serviceAccounts: ['a/b'] },
        ],
      },
    }),
    [payments],
  ).bindings;
  const byId = (id: string) =>
    resolveBindings(
      config({
        federation: {
          bindings: [{ name: 'named', identity: P, clusters: { ids: [id] }, serviceAccounts: ['a/b'] }],
        },
      }),
      [payments],
    ).bindings;
  const REMEDY =
    '--enable-oidc-issuer --enable-workload-identity (enabling the OIDC issuer restarts the API server and cannot be undone), or narrow the bindings so they do not select this cluster.';

  it('says nothing about a cluster no binding selects', () => {
    expect(
      checkClusterFederation({
        cluster: cluster('aks-dev', undefined, { tags: { env: 'dev' } }),
        bindings: byTags,
      }),
    ).toEqual([]);
  });

  it('passes a bound cluster with the OIDC issuer and workload identity on', () => {
    expect(checkClusterFederation({ cluster: aks, bindings: byTags, tenants: [TENANT] })).toEqual([
      {
        check: 'federation.cluster-oidc',
        resourceId: aks.id,
        status: 'pass',
        message: `cluster aks-prod-eastus has the OIDC issuer and workload identity enabled (issuer ${ISSUER})`,
      },
    ]);
  });

  it.each([
    [
      'OIDC issuer off, selected by tags → warn',
      cluster('aks-legacy', undefined),
      byTags,
      'warn',
      'cluster aks-legacy has the OIDC issuer disabled, but binding prod selects it; fedlink writes no federated credentials for it',
    ],
    [
      'workload identity off, selected by tags → warn',
      cluster('aks-legacy', UUID, { workloadIdentityEnabled: false }),
      byTags,
      'warn',
      'cluster aks-legacy has workload identity disabled, but binding prod selects it; fedlink writes no federated credentials for it',
    ],
    [
      'OIDC issuer off, named by id → fail',
      cluster('aks-legacy', undefined),
      byId(clusterId('aks-legacy')),
      'fail',
      'cluster aks-legacy has the OIDC issuer disabled, but binding named selects it; fedlink writes no federated credentials for it',
    ],
  ])('%s', (_what, c, b, status, message) => {
    expect(checkClusterFederation({ cluster: c, bindings: b })).toEqual([
      {
        check: 'federation.cluster-oidc',
        resourceId: c.id,
        status,
        message,
        remediation: `az aks update --resource-group rg-aks --name aks-legacy ${REMEDY}`,
      },
    ]);
  });

  it('fails a bound cluster whose issuer fails the shape check', () => {
    const c = cluster('aks-odd', UUID, {
      issuerUrl: `http://eastus.oic.prod-aks.azure.com/${TENANT}/${UUID}/`,
    });
    expect(checkClusterFederation({ cluster: c, bindings: byTags })).toEqual([
      {
        check: 'federation.issuer-shape',
        resourceId: c.id,
        status: 'fail',
        message: 'cluster aks-odd: issuer is not an https:// URL; fedlink will not trust it (bound by prod)',
        remediation:
          'Investigate the cluster: AKS reports its issuer as https://<region>.oic.prod-aks.azure.com/<tenant>/<uuid>/.',
      },
    ]);
  });

  it('warns about a cluster mid-operation and a Failed cluster, and refuses an unknown host and another tenant', () => {
    expect(
      checkClusterFederation({
        cluster: cluster('aks-busy', UUID, { provisioningState: 'Upgrading' }),
        bindings: byTags,
      }).map((f) => [f.check, f.status, f.message]),
    ).toEqual([
      [
        'federation.cluster-state',
        'warn',
        'cluster aks-busy is Upgrading; waiting for the operation to finish (bound by prod); fedlink federates it when the operation finishes',
      ],
    ]);
    expect(
      checkClusterFederation({
        cluster: cluster('aks-failed', UUID, { provisioningState: 'Failed' }),
        bindings: byTags,
      }).map((f) => [f.check, f.status]),
    ).toEqual([
      ['federation.cluster-oidc', 'pass'],
      ['federation.cluster-state', 'warn'],
    ]);
    // Issuer pinning fails closed: a host that is not an AKS issuer host, or an AKS issuer of another
    // tenant, is refused (no FIC is written) with the reason, unless the config allows it.
    const gov = cluster('aks-gov', UUID, {
      issuerUrl: `https://usgovvirginia.oic.prod-aks.azure.us/${TENANT}/${UUID}/`,
    });
    expect(
      checkClusterFederation({ cluster: gov, bindings: byTags }).map((f) => [f.check, f.status, f.message]),
    ).toEqual([
      [
        'federation.issuer-shape',
        'fail',
        'cluster aks-gov: issuer host "usgovvirginia.oic.prod-aks.azure.us" is not an allowed issuer host (*.oic.prod-aks.azure.com, oidc.prod-aks.azure.com); list it in federation.issuerHosts if your cloud uses it; fedlink will not trust it (bound by prod)',
      ],
    ]);
    expect(
      checkClusterFederation({ cluster: gov, bindings: byTags, issuerHosts: ['.oic.prod-aks.azure.us'] }).map(
        (f) => [f.check, f.status],
      ),
    ).toEqual([
      ['federation.cluster-oidc', 'pass'],
      ['federation.issuer-host', 'warn'],
    ]);
    const other = cluster('aks-other', UUID, {
      issuerUrl: aksIssuer(UUID, 'eastus', '00000000-0000-0000-0000-000000000000'),
    });
    expect(
      checkClusterFederation({ cluster: other, bindings: byTags, tenants: [TENANT.toUpperCase()] }).map(
        (f) => [f.check, f.status, f.message],
      ),
    ).toEqual([
      [
        'federation.issuer-shape',
        'fail',
        'cluster aks-other: issuer belongs to tenant 00000000-0000-0000-0000-000000000000, which is not in scope.tenants; fedlink will not trust it (bound by prod)',
      ],
    ]);
  });
});
