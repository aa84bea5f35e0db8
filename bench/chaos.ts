/**
 * `npm run bench:chaos -- --seeds N [--from S] [--size n] [--scale k] [--extreme] [--json]`: the chaos
 * suite's seed sweep (test/chaos; docs/targets.md "Reliability targets" 1). For each seed: a generated
 * estate, its events duplicated, reordered and dropped, the emulator's faults, one drift cycle; then the
 * suite's verdicts (state, written twice, per-event endings). Prints one line per seed (or one JSON object
 * per line with `--json`) and a total. `--extreme` uses 50% 429 and 30% 5xx and checks instead that no
 * failed finding is a bare "run ended". Exit codes: 0 every seed passed, 1 a seed failed, 2 bad arguments.
 */
import { type FaultSpec } from '../sandbox/emulator';
import { doubleWrites, eventViolations, faultsFor, runChaos, stateViolations } from '../test/chaos/harness';

interface Args {
  readonly seeds: number;
  readonly from: number;
  readonly size: number;
  readonly scale: number;
  readonly extreme: boolean;
  readonly json: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const out = { seeds: 10, from: 1, size: 1, scale: 5, extreme: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--extreme') out.extreme = true;
    else if (flag === '--json') out.json = true;
    else if (['--seeds', '--from', '--size', '--scale'].includes(flag)) {
      const value = Number(argv[++i]);
      if (!Number.isFinite(value) || value < (flag === '--from' ? 0 : flag === '--size' ? 0 : 1))
        throw new Error(`${flag} needs a number`);
      out[flag.slice(2) as 'seeds' | 'from' | 'size' | 'scale'] = value;
    } else throw new Error(`unknown argument ${flag}`);
  }
  return out;
}

function extremeFaults(seed: number): FaultSpec {
  return { seed, throttle429: 0.5, serverError500: 0.15, serverError503: 0.15, retryAfterSeconds: 1 };
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(
      `bench:chaos: ${(error as Error).message}\nusage: npm run bench:chaos -- --seeds N [--from S] [--size n] [--scale k] [--extreme] [--json]\n`,
    );
    return 2;
  }
  let failedSeeds = 0;
  for (let seed = args.from; seed < args.from + args.seeds; seed++) {
    const run = await runChaos({
      seed,
      size: args.size,
      scale: args.scale,
      faults: args.extreme ? extremeFaults(seed) : faultsFor(seed),
    });
    const events = run.output.events ?? [];
    const faults: Record<string, number> = {};
    for (const r of run.requests) if (r.fault) faults[r.fault] = (faults[r.fault] ?? 0) + 1;
    const conflicts409 = run.requests.filter((r) => r.status === 409).length;
    const failedFindings = run.output.report.findings.filter((f) => f.status === 'fail');
    const violations = args.extreme
      ? [
          ...failedFindings
            .filter((f) => !/gave up after \d+ /.test(f.message))
            .map((f) => `not a "gave up" finding: ${f.check} ${f.resourceId}: ${f.message.slice(0, 300)}`),
          ...run.output.runs
            .filter((r) => r.runtimeStatus !== 'Completed')
            .map((r) => `run ${r.instanceId} ended ${r.runtimeStatus}`),
          ...eventViolations(run),
        ]
      : [
          ...stateViolations(run),
          ...doubleWrites(run.requests),
          ...eventViolations(run),
          ...failedFindings.map(
            (f) => `failed finding: ${f.check} ${f.resourceId}: ${f.message.slice(0, 300)}`,
          ),
        ];
    const result = {
      seed,
      ok: violations.length === 0,
      resources: run.estate.estate.resources.length,
      events: run.estate.events.length,
      delivered: events.filter((e) => e.delivery === 'delivered').length,
      duplicates: events.filter((e) => e.copy === 1).length,
      dropped: events.filter((e) => e.delivery === 'dropped').length,
      requests: run.requests.length,
      faults,
      conflicts409,
      failedFindings: failedFindings.length,
      virtualSeconds: run.output.metrics.virtualSeconds,
      realSeconds: Math.round(run.realMs / 100) / 10,
      violations,
    };
    if (!result.ok) failedSeeds++;
    if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write(
        `seed ${seed}: ${result.ok ? 'ok  ' : 'FAIL'} ${result.delivered} deliveries (${result.duplicates} duplicates, ${result.dropped} dropped) of ${result.events} events; ${result.requests} requests, faults ${JSON.stringify(faults)}, 409s ${conflicts409}; ${result.failedFindings} failed findings; ${result.virtualSeconds} virtual s, ${result.realSeconds} real s\n`,
      );
      for (const v of violations.slice(0, 10)) process.stdout.write(`    ${v}\n`);
    }
  }
  process.stdout.write(
    `${args.seeds - failedSeeds}/${args.seeds} seeds passed${args.extreme ? ' (extreme rates)' : ''}\n`,
  );
  return failedSeeds > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `bench:chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
