/**
 * Hostile federation inputs read from ARM, through one real drift check against one emulator: clusters
 * with look-alike or foreign issuers bound to an identity, and identities whose binding tags are
 * malformed, try to widen what they trust, or are oversized. No FIC is written for any of them and a
 * one-line finding names each; the one well-formed cluster in the same run does get its FIC, so the
 * binding does write.
 */
import { aksIssuer } from '../../sandbox/builders';
import { cluster, identity, running, type Running, SUB, TENANT } from '../helpers/scenario';
import { FED_TENANT, identityTagCases, issuerCases, ISSUER_ID } from './cases/federation';
import { armWrites, clearFinding, describeCounts, driftApply, touches } from './harness';

const victim = identity('id-victim');
const goodCluster = cluster('aks-good', ISSUER_ID);
const issuers = issuerCases().map((c, i) => {
  const r = cluster(`aks-bad-${i}`, ISSUER_ID);
  (r.properties as { oidcIssuerProfile: { issuerURL: string } }).oidcIssuerProfile.issuerURL = c.input.issuer;
  return { ...c, resource: r };
});
const tagged = identityTagCases().map((c, i) => ({
  ...c,
  resource: identity(`id-tagged-${i}`, c.input.tags),
}));
const cases = [...issuers, ...tagged];

let sandbox: Running;
let findings: Awaited<ReturnType<typeof driftApply>>['findings'];

beforeAll(async () => {
  expect(TENANT).toBe(FED_TENANT);
  sandbox = await running(
    [victim, goodCluster, ...issuers.map((c) => c.resource), ...tagged.map((c) => c.resource)],
    {
      scope: { subscriptions: [SUB], tenants: [TENANT] },
      federation: { bindings: [{ name: 'all', identity: victim.id, serviceAccounts: ['app/web'] }] },
    },
  );
  findings = (await driftApply(sandbox, 'hostile-federation')).findings;
}, 60_000);
afterAll(() => sandbox.close());

describe(`hostile federation inputs (${cases.length}: ${describeCounts(cases)})`, () => {
  it('the well-formed cluster gets its FIC on the bound identity: the binding does write', () => {
    expect(sandbox.fics(victim.id).map((f) => f.issuer)).toEqual([aksIssuer('eastus', TENANT, ISSUER_ID)]);
  });

  it.each(issuers.map((c) => [`${c.category}: ${c.name}`, c] as const))(
    '%s: no FIC, a finding says why',
    (_label, c) => {
      expect(sandbox.fics(victim.id).filter((f) => f.issuer === c.input.issuer)).toEqual([]);
      expect(armWrites(sandbox).filter((w) => touches(w, c.resource.id))).toEqual([]);
      const about = findings.filter((f) => f.resourceId === c.resource.id);
      expect({ found: clearFinding(findings, c.resource.id, c.says) !== undefined, about }).toEqual({
        found: true,
        about,
      });
    },
  );

  it.each(tagged.map((c) => [`${c.category}: ${c.name}`, c] as const))(
    '%s: no write to the identity, a finding says why',
    (_label, c) => {
      expect(armWrites(sandbox).filter((w) => touches(w, c.resource.id))).toEqual([]);
      const about = findings.filter((f) => f.resourceId === c.resource.id);
      expect({ found: clearFinding(findings, c.resource.id, c.says) !== undefined, about }).toEqual({
        found: true,
        about,
      });
    },
  );

  it('writes exactly the one FIC of the well-formed cluster', () => {
    expect(armWrites(sandbox).map((w) => [w.method, w.status])).toEqual([['PUT', 201]]);
  });
});
