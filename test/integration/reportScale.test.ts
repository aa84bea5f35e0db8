/**
 * Reports that scale (docs/targets.md performance; issue "Reports that scale"): a drift check of a
 * generated fleet (bench/fleet.ts) in the sandbox, its report built the default way and with `full`,
 * then the same kinds of findings grown to the reference fleet's count (31,000 passes and a few hundred
 * problems, as a 1,000 × 5,000 × 50 check reports them) and every rendering's size measured. Sizes, not
 * times: the bound is on bytes, which do not depend on the machine.
 */
import { generateFleet } from '../../bench/fleet';
import { driftCheck } from '../../functions/orchestrations/drift';
import { DRIFT_INSTANCE_ID } from '../../shared/core/instanceIds';
import { silentLogger } from '../../shared/core/log';
import { LATEST_NAME, serialise } from '../../shared/reportStore/store';
import { type Finding } from '../../shared/validation/findings';
import { buildReport, renderHtml, renderJson, renderTable } from '../../shared/validation/report';
import { createSandbox } from '../../sandbox/runtime';

jest.setTimeout(120_000);

/** The measurement at the reference fleet: 31,100 findings in a 15.4 MB report. */
const REFERENCE_PASSES = 31_000;
const REFERENCE_PROBLEMS = 300;
const MAX_DEFAULT_BYTES = 5_000_000;

let findings: readonly Finding[];

beforeAll(async () => {
  const fleet = generateFleet({ clusters: 10, identities: 50, subscriptions: 5, drift: 0.1, seed: 7 });
  const sandbox = await createSandbox({ estate: fleet.estate, config: fleet.config, log: silentLogger });
  try {
    // plan: the drift stays, so the report has problems (warn: a pending write fixes it) beside passes.
    await sandbox.host.client.startNew(driftCheck.name, {
      instanceId: DRIFT_INSTANCE_ID,
      input: { mode: 'plan', trigger: 'cli' },
    });
    const status = await sandbox.host.waitForCompletion(DRIFT_INSTANCE_ID);
    expect(status.runtimeStatus).toBe('Completed');
    // Every finding, passes included: the full list the check kept beside its report (a fleet check's
    // result lists its problems and counts its passes, docs/design.md "Run result").
    const all: Finding[] = [];
    for await (const f of (await sandbox.deps.reports!.readFindings(LATEST_NAME))!) all.push(f);
    findings = all;
  } finally {
    await sandbox.close();
  }
});

it('lists no pass of a generated fleet by default, counts every one exactly, and lists them with full', () => {
  const full = buildReport(findings, { full: true });
  const report = buildReport(findings);
  const passes = full.findings.filter((f) => f.status === 'pass');
  expect(passes.length).toBeGreaterThan(100);
  expect(full.findings.length - passes.length).toBeGreaterThan(0);

  expect(report.listed).toBe('problems');
  expect(report.findings.filter((f) => f.status === 'pass')).toEqual([]);
  expect(report.findings).toEqual(full.findings.filter((f) => f.status !== 'pass'));
  expect(report.summary).toEqual(full.summary);
  expect(report.summary.pass).toBe(passes.length);
  const byCheck: Record<string, number> = {};
  for (const f of passes) byCheck[f.check] = (byCheck[f.check] ?? 0) + 1;
  expect(report.passesByCheck).toEqual(byCheck);
  expect(full.listed).toBe('all');

  // Each rendering says how many passed per check.
  const table = renderTable(report);
  for (const [check, n] of Object.entries(byCheck))
    expect(table).toMatch(new RegExp(`\\n  ${check} +${n}\\n`));
  const page = renderHtml(report);
  for (const [check, n] of Object.entries(byCheck))
    expect(page).toContain(`<li data-check="${check}" data-count="${n}">`);
});

it('keeps the default report of the reference fleet under 5 MB in every rendering', () => {
  const passes = findings.filter((f) => f.status === 'pass');
  const problems = findings.filter((f) => f.status !== 'pass');
  // The same findings, grown to the reference fleet's count: each copy names its own resource, cluster
  // and identity, as a bigger fleet's findings would.
  const grow = (from: readonly Finding[], n: number): Finding[] =>
    Array.from({ length: n }, (_, i) => {
      const f = from[i % from.length]!;
      const copy = Math.floor(i / from.length);
      return {
        ...f,
        resourceId: `${f.resourceId}-${copy}`,
        message: `${f.message} (${copy})`,
        ...(f.subject
          ? {
              subject: {
                ...f.subject,
                row: `${f.subject.row}-${copy % 100}`,
                ...(f.subject.column !== undefined ? { column: `${f.subject.column}-${copy % 50}` } : {}),
              },
            }
          : {}),
      };
    });
  const reference = [...grow(passes, REFERENCE_PASSES), ...grow(problems, REFERENCE_PROBLEMS)];
  const sizes = (full: boolean) => {
    const report = buildReport(reference, { full });
    return {
      stored: Buffer.byteLength(serialise({ runId: 'r', generatedAt: '2026-12-01T00:00:00.000Z', report })),
      json: Buffer.byteLength(renderJson(report)),
      table: Buffer.byteLength(renderTable(report)),
      html: Buffer.byteLength(renderHtml(report)),
    };
  };
  const byDefault = sizes(false);
  const full = sizes(true);
  process.stderr.write(
    `report size at ${REFERENCE_PASSES} passes + ${REFERENCE_PROBLEMS} problems (bytes): ` +
      `default ${JSON.stringify(byDefault)}; full ${JSON.stringify(full)}\n`,
  );
  for (const bytes of Object.values(byDefault)) expect(bytes).toBeLessThan(MAX_DEFAULT_BYTES);
  // The full list is what the default leaves out: it is the size that had to go.
  expect(full.json).toBeGreaterThan(MAX_DEFAULT_BYTES);
});
