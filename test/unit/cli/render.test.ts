/**
 * What `fedlink plan` and `apply` print of a run's findings: the problems and the pass counts by default,
 * every finding with `--full`, in the table and in `--output json`.
 */
import { renderRun, runJson } from '../../../cli/render';
import { type RunResult } from '../../../functions/contracts';
import { type Finding } from '../../../shared/validation/findings';

const pass = (i: number): Finding => ({
  check: 'federation.fic-present',
  resourceId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-${i}`,
  status: 'pass',
  message: `identity id-${i} trusts aks-a`,
});
const fail: Finding = {
  check: 'federation.identity-capacity',
  resourceId:
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-full',
  status: 'fail',
  message: 'identity id-full would need 21 federated credentials; Azure allows 20',
  remediation: 'Delete unused credentials.',
};

const result: RunResult = {
  target: { kind: 'fleet' },
  mode: 'plan',
  status: 'planned',
  passes: 1,
  outcomes: [],
  findings: [pass(1), fail, pass(2), pass(3)],
  counts: {},
};

it('prints the problems and the pass counts by default, every finding with --full', () => {
  const table = renderRun(result);
  expect(table).toContain('1 fail, 0 warn, 3 pass');
  expect(table).toContain('FAIL    federation.identity-capacity');
  expect(table).not.toContain('PASS');
  expect(table).toContain('passing (counted, not listed; --full lists them):\n  federation.fic-present  3');
  const full = renderRun(result, { full: true });
  expect(full.match(/\nPASS {4}federation\.fic-present/g)).toHaveLength(3);
  expect(full).not.toContain('passing (counted');
});

it('prints the run with the report fields in --output json', () => {
  const json = JSON.parse(runJson(result)) as Record<string, unknown>;
  expect(json).toEqual({
    ...result,
    findings: [fail],
    summary: { pass: 3, warn: 0, fail: 1 },
    passesByCheck: { 'federation.fic-present': 3 },
    listed: 'problems',
  });
  const full = JSON.parse(runJson(result, { full: true })) as { findings: Finding[]; listed: string };
  expect(full.listed).toBe('all');
  expect(full.findings).toEqual([fail, pass(1), pass(2), pass(3)]);
});
