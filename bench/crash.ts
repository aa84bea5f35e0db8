/**
 * `npm run bench:crash [-- --scenario <text>] [--json]`: the full crash sweep (docs/targets.md
 * "Reliability targets" 4). Every scenario of test/crash/scenarios.ts, the fleet drift check included,
 * with every crash point its clean run passed (npm test samples the fleet's). Prints the points per
 * scenario, the problems found and the time taken.
 *
 * Exit codes: 0 every point crash safe, 1 a problem found, 2 bad arguments.
 */
import { sweep } from '../test/crash/harness';
import { FLEET_SCENARIO, SCENARIOS } from '../test/crash/scenarios';

interface ScenarioReport {
  readonly scenario: string;
  readonly points: number;
  readonly afterEpisode: number;
  readonly midActivity: number;
  readonly cleanWrites: number;
  readonly seconds: number;
  readonly problems: readonly string[];
  /** Points whose run ended with a provider operation still running (same end state once it finished). */
  readonly endedEarly: readonly string[];
}

async function main(argv: readonly string[]): Promise<number> {
  let filter: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--scenario' && argv[i + 1] !== undefined) filter = argv[++i];
    else {
      process.stderr.write(
        `bench:crash: unknown argument ${String(arg)}\nusage: bench:crash [--scenario <text>] [--json]\n`,
      );
      return 2;
    }
  }
  const scenarios = [...SCENARIOS, FLEET_SCENARIO].filter(
    (s) => filter === undefined || s.name.toLowerCase().includes(filter.toLowerCase()),
  );
  if (scenarios.length === 0) {
    process.stderr.write(`bench:crash: no scenario matches '${String(filter)}'\n`);
    return 2;
  }
  const reports: ScenarioReport[] = [];
  for (const scenario of scenarios) {
    const started = process.hrtime.bigint();
    const result = await sweep(scenario);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const report: ScenarioReport = {
      scenario: scenario.name,
      points: result.points.length,
      afterEpisode: result.points.filter((p) => p.kind === 'afterEpisode').length,
      midActivity: result.points.filter((p) => p.kind === 'midActivity').length,
      cleanWrites: result.clean.writes.length,
      seconds: Math.round(seconds * 10) / 10,
      problems: result.problems,
      endedEarly: result.endedEarly,
    };
    reports.push(report);
    if (!json) {
      process.stdout.write(
        `${report.scenario}: ${report.points} points (${report.afterEpisode} after episodes, ${report.midActivity} mid-activity), ${report.cleanWrites} writes in the clean run, ${report.seconds}s: ${report.problems.length === 0 ? 'crash safe' : `${report.problems.length} problem(s)`}\n`,
      );
      for (const p of report.problems) process.stdout.write(`  ${p}\n`);
      for (const p of report.endedEarly)
        process.stdout.write(
          `  ended before a provider operation finished (same end state once done): ${p}\n`,
        );
    }
  }
  if (json) process.stdout.write(JSON.stringify(reports, null, 2) + '\n');
  return reports.some((r) => r.problems.length > 0) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench:crash failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
