/**
 * `npm run bench -- --clusters N --identities M --subscriptions S [--drift F] [--seed n] [--scale k]
 * [--instance-memory MB] [--cpu-prof] [--json]` (docs/design.md "Bench"; bench/README.md).
 *
 * Runs one measurement in a child process (bench/child.ts) and prints its JSON (`--json`) or a summary with
 * the peers side by side. Exit codes: 0 measured, 1 the measurement failed, 2 bad arguments.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_INSTANCE_MEMORY_MB, heapLimitMbFor, INSTANCE_MEMORY_SIZES } from '../sandbox/workerInstance';
import { type BenchResult, type MeasureOptions } from './measure';

export interface RunBenchOptions extends MeasureOptions {
  /** Memory of the Function App instance the worker is modelled in (default 2048, infra's default). */
  readonly instanceMemoryMb?: number;
  /** The compiled child script (default: child.js next to this file). */
  readonly childScript?: string;
  /** Write a V8 CPU profile of the child into this directory. */
  readonly cpuProfDir?: string;
  /** Receives the child's stderr (default: this process's stderr). */
  readonly stderr?: (chunk: string) => void;
}

/** Spawns one measurement and returns its result. */
export function runBench(options: RunBenchOptions): Promise<BenchResult> {
  const { childScript, cpuProfDir, stderr, instanceMemoryMb, ...measure } = options;
  const script = childScript ?? join(__dirname, 'child.js');
  const flags = [
    `--max-old-space-size=${heapLimitMbFor(instanceMemoryMb ?? DEFAULT_INSTANCE_MEMORY_MB)}`,
    ...(cpuProfDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, script, JSON.stringify(measure)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr
      .setEncoding('utf8')
      .on('data', (c: string) => (stderr ? stderr(c) : process.stderr.write(c)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`bench child exited with ${String(code)}`));
      try {
        const result = JSON.parse(out) as Omit<BenchResult, 'instanceMemoryMb'>;
        resolve({ ...result, instanceMemoryMb: instanceMemoryMb ?? DEFAULT_INSTANCE_MEMORY_MB });
      } catch (error) {
        reject(new Error(`bench child printed no result: ${String(error)}`));
      }
    });
  });
}

export class UsageError extends Error {}

const USAGE =
  'usage: npm run bench -- --clusters N --identities M --subscriptions S [--drift 0.1] [--seed 1] [--scale k] [--instance-memory 512|2048|4096] [--cpu-prof] [--json]';

export function parseArgs(argv: readonly string[]): RunBenchOptions & { json: boolean } {
  const values = new Map<string, string>();
  let json = false;
  let cpuProf = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--cpu-prof') cpuProf = true;
    else if (/^--(clusters|identities|subscriptions|drift|seed|scale|instance-memory)$/.test(arg)) {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value\n${USAGE}`);
      values.set(arg.slice(2), value);
    } else throw new UsageError(`unknown argument ${JSON.stringify(arg)}\n${USAGE}`);
  }
  const count = (name: string, fallback?: number): number => {
    const raw = values.get(name);
    if (raw === undefined) {
      if (fallback !== undefined) return fallback;
      throw new UsageError(`--${name} is required\n${USAGE}`);
    }
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`--${name}: expected a whole number ≥ 1, got ${raw}`);
    return n;
  };
  const fraction = (name: string, fallback: number, max: number): number => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!(n >= 0 && n <= max))
      throw new UsageError(`--${name}: expected a number from 0 to ${max}, got ${raw}`);
    return n;
  };
  const scale = values.has('scale') ? fraction('scale', 0, 10_000) : undefined;
  if (scale === 0) throw new UsageError('--scale: expected a number above 0');
  const memory = values.get('instance-memory');
  const instanceMemoryMb = memory === undefined ? undefined : Number(memory);
  if (
    instanceMemoryMb !== undefined &&
    !(INSTANCE_MEMORY_SIZES as readonly number[]).includes(instanceMemoryMb)
  )
    throw new UsageError(
      `--instance-memory: expected one of ${INSTANCE_MEMORY_SIZES.join(', ')} (MB), got ${memory}`,
    );
  return {
    clusters: count('clusters'),
    identities: count('identities'),
    subscriptions: count('subscriptions'),
    drift: fraction('drift', 0.1, 1),
    seed: count('seed', 1),
    ...(scale !== undefined ? { scale } : {}),
    ...(instanceMemoryMb !== undefined ? { instanceMemoryMb } : {}),
    json,
    ...(cpuProf ? { cpuProfDir: join(process.cwd(), 'bench-profiles') } : {}),
  };
}

const x = (a: number, b: number) => (b === 0 ? '—' : `${Number((a / b).toPrecision(2))}×`);

/** The human summary: fedlink's numbers, the floor, and the modelled peers as ratios to fedlink. */
export function summary(r: BenchResult): string {
  const f = r.fleet;
  const calls = r.armReads + r.armWrites + r.armDeletes;
  const converged = r.recheck.armReads + r.recheck.armWrites + r.recheck.armDeletes;
  const peer = (p: BenchResult['peers']['aso']) => {
    const c = p.armReads + p.armWrites + p.armDeletes;
    return `  ${p.peer} (modelled: ${p.what}): ${c} ARM calls (${x(c, calls)} fedlink's apply check, ${x(c, converged)} its converged check); floor ${p.floorSeconds} s, bound by ${p.boundBy} (${x(p.floorSeconds, r.floorSeconds)} fedlink's floor, ${x(p.floorSeconds, r.virtualSeconds)} its measured time)`;
  };
  return [
    `fleet: ${f.clusters} clusters, ${f.identities} identities, ${f.subscriptions} subscriptions; ${f.desiredFics} desired FICs, ${f.privateClusters} private clusters, ${f.zones} zones, ${f.privateEndpoints} private endpoints; drift ${f.drift}`,
    `drift check (apply): ${r.first.status}; reads ${r.armReads} (bound ${r.readsBound}), writes ${r.armWrites} (${r.first.committedWrites} succeeded, expected ${r.expected.ficWrites + r.expected.linkWrites + r.expected.zoneGroupWrites + r.expected.connectionWrites}), deletes ${r.armDeletes} (${r.first.committedDeletes} succeeded, expected ${r.expected.ficDeletes}), 429s ${r.throttled429}`,
    `time: ${r.virtualSeconds} s virtual, floor ${r.floorSeconds} s (${r.floor.boundBy}), ${x(r.virtualSeconds, r.floorSeconds)} the floor; ${r.wallSeconds} s wall at scale ${r.scale}`,
    `re-check (converged): ${r.recheck.status}; writes ${r.recheckWrites}, reads ${r.recheck.armReads}, ${r.recheck.virtualSeconds} s virtual`,
    `worker's own cost: ${r.cpuSeconds} s CPU, peak RSS ${r.peakRssMb} MB (heap limit ${r.heapLimitMb} MB, as in a ${r.instanceMemoryMb} MB instance; sandbox up before the check: ${r.baselineRssMb} MB; the emulator's own process: ${r.emulator.peakRssMb} MB), max history ${r.maxHistoryEvents} events / ${r.maxHistoryBytes} bytes, report ${r.reportBytes} bytes`,
    'peers, same fleet, same limits:',
    peer(r.peers.aso),
    peer(r.peers.terraform),
  ].join('\n');
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
    return;
  }
  const { json, ...options } = args;
  if (options.cpuProfDir !== undefined) mkdirSync(options.cpuProfDir, { recursive: true });
  const result = await runBench(options);
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${summary(result)}\n`);
  if (options.cpuProfDir !== undefined)
    process.stderr.write(`CPU profile written to ${options.cpuProfDir}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
