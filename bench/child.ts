/**
 * The child process of one measurement (bench/main.ts spawns it): reads its options as JSON from argv[2],
 * measures, and writes one JSON line (BenchResult) to stdout. A process of its own, so `peakRssMb` and
 * `cpuSeconds` are this measurement's and nothing else's.
 */
import { measureFleet, type MeasureOptions, withProcessFigures } from './measure';

async function main(): Promise<void> {
  const cpuStart = process.cpuUsage();
  const options = JSON.parse(process.argv[2] ?? '{}') as MeasureOptions;
  const measured = await measureFleet(options);
  process.stdout.write(`${JSON.stringify(withProcessFigures(measured, cpuStart))}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
