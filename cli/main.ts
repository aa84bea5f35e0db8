#!/usr/bin/env node
/**
 * The `fedlink` command.
 *
 *   fedlink plan   (--cluster ID | --identity ID | --all) [--app URL [--key KEY] | --sandbox ESTATE] [--config FILE] [--output table|json] [--full]
 *   fedlink apply  (--cluster ID | --identity ID | --all) (--app URL [--key KEY] | --sandbox ESTATE | --local) [--config FILE] [--output table|json] [--full]
 *   fedlink sandbox run --estate E --config C [--events F] [--mode plan|apply] [--faults SPEC] [--instance-memory MB] [--output table|json] [--full]
 *   fedlink sandbox serve --estate E [--port P] [--faults SPEC] [--output table|json]
 *
 * Exit codes (EXIT_CODES, printed by `fedlink help`): 0 success with no failed finding; 1 failed
 * findings, a failed run, or an app that refused or failed; 2 bad input. Results go to stdout; progress
 * (one updating line, only when stderr is a terminal: ./progress.ts) and logs go to stderr.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderTable } from '../shared/validation/report';
import { InputError } from '../sandbox/inputError';
import { INSTANCE_MEMORY_SIZES } from '../sandbox/workerInstance';
import { runSandboxOnWorkerProcess } from '../sandbox/workerProcess';
import { cliLogger } from './log';
import { runReconcile } from './commands/reconcile';
import { RemoteError } from './commands/remote';
import { runServe } from './commands/serve';
import { EXIT_CODES } from './exitCodes';
import { FULL_OPTION, OUTPUT_OPTIONS, outputFormat } from './output';
import { createProgress } from './progress';
import { renderRun, runJson } from './render';

const USAGE = `usage:
  fedlink plan   (--cluster ID | --identity ID | --all) [--app URL [--key KEY] | --sandbox ESTATE.json] [--config FILE] [--output table|json] [--full]
  fedlink apply  (--cluster ID | --identity ID | --all) (--app URL [--key KEY] | --sandbox ESTATE.json | --local) [--config FILE] [--output table|json] [--full]
  fedlink sandbox run --estate ESTATE.json --config CONFIG [--events EVENTS.json] [--mode plan|apply] [--faults SPEC] [--instance-memory 512|2048|4096] [--output table|json] [--full]
  fedlink sandbox serve --estate ESTATE.json [--port P] [--faults SPEC] [--output table|json]
  fedlink help

  plan shows exactly the writes apply would make, and makes none.
  --app URL runs in the deployed Function App through its HTTP API (POST /api/runs, then polls
  GET /api/runs/{id}); the function key comes from --key or FEDLINK_FUNCTION_KEY. [--timeout SECONDS]
  Without --app or --sandbox, plan talks to Azure in-process with DefaultAzureCredential (az login, env,
  managed identity). apply in-process would bypass the app's locks: it is refused unless --local is given.
  --config defaults to ./fedlink.yaml when present. Set FEDLINK_LOG_LEVEL=debug for more progress on stderr.
  --output table (default) prints for people; --output json (or --json) prints one JSON document.
  Reports list warn and fail findings and count passes per check; --full lists every finding.
  Results go to stdout. While a run goes on, one progress line is kept updated on stderr when stderr is
  a terminal; nothing is written there for progress otherwise.

exit codes:
${EXIT_CODES.map(([code, meaning]) => `  ${code}  ${meaning}`).join('\n')}`;

function write(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const log = cliLogger();
  const [command, ...rest] = argv;

  if (command === 'plan' || command === 'apply') {
    const { values } = parseArgs({
      args: rest,
      options: {
        cluster: { type: 'string' },
        identity: { type: 'string' },
        all: { type: 'boolean' },
        config: { type: 'string' },
        sandbox: { type: 'string' },
        app: { type: 'string' },
        key: { type: 'string' },
        local: { type: 'boolean' },
        timeout: { type: 'string' },
        ...OUTPUT_OPTIONS,
        ...FULL_OPTION,
      },
      strict: true,
    });
    const format = outputFormat(values);
    const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0))
      throw new InputError('--timeout must be a number of seconds above 0');
    const key = values.key ?? process.env.FEDLINK_FUNCTION_KEY;
    const progress = createProgress(process.stderr);
    const result = await runReconcile({
      mode: command,
      log,
      ...(values.cluster !== undefined ? { cluster: values.cluster } : {}),
      ...(values.identity !== undefined ? { identity: values.identity } : {}),
      ...(values.all ? { all: true } : {}),
      ...(values.config !== undefined ? { configPath: values.config } : {}),
      ...(values.sandbox !== undefined ? { sandboxEstate: values.sandbox } : {}),
      ...(values.app !== undefined ? { app: values.app } : {}),
      ...(key !== undefined ? { key } : {}),
      ...(values.local ? { local: true } : {}),
      ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
      warn: (message) => {
        progress.done();
        process.stderr.write(`fedlink: ${message}\n`);
      },
      observer: progress.observer,
      onStatus: (customStatus, runtimeStatus) => progress.status(customStatus, runtimeStatus),
    }).finally(() => progress.done());
    const full = values.full ?? false;
    write(format === 'json' ? runJson(result, { full }) : renderRun(result, { full }));
    return result.status === 'failed' || result.findings.some((f) => f.status === 'fail') ? 1 : 0;
  }

  if (command === 'sandbox' && rest[0] === 'run') {
    const { values } = parseArgs({
      args: rest.slice(1),
      options: {
        estate: { type: 'string' },
        config: { type: 'string' },
        events: { type: 'string' },
        mode: { type: 'string', default: 'apply' },
        faults: { type: 'string' },
        'instance-memory': { type: 'string' },
        ...OUTPUT_OPTIONS,
        ...FULL_OPTION,
      },
      strict: true,
    });
    const format = outputFormat(values);
    const memory = values['instance-memory'];
    const instanceMemoryMb = memory === undefined ? undefined : Number(memory);
    if (
      instanceMemoryMb !== undefined &&
      !(INSTANCE_MEMORY_SIZES as readonly number[]).includes(instanceMemoryMb)
    )
      throw new InputError(
        `--instance-memory must be one of ${INSTANCE_MEMORY_SIZES.join(', ')} (MB, the Flex Consumption sizes), got ${memory}`,
      );
    if (!values.estate || !values.config)
      throw new InputError('sandbox run needs --estate FILE and --config FILE', { showUsage: true });
    if (values.mode !== 'plan' && values.mode !== 'apply')
      throw new InputError('--mode must be plan or apply', { showUsage: true });
    // The worker runs in a process of its own, sized as in Azure; it draws the progress line.
    const output = await runSandboxOnWorkerProcess({
      script: join(__dirname, 'sandboxWorker.js'),
      estatePath: values.estate,
      configPath: values.config,
      mode: values.mode,
      full: values.full ?? false,
      ...(values.events !== undefined ? { eventsPath: values.events } : {}),
      ...(values.faults !== undefined ? { faults: values.faults } : {}),
      ...(instanceMemoryMb !== undefined ? { instanceMemoryMb } : {}),
    });
    if (format === 'json') {
      write(JSON.stringify(output));
    } else {
      write(renderTable(output.report));
      write(`metrics: ${JSON.stringify(output.metrics)}`);
    }
    return output.report.summary.fail > 0 ? 1 : 0;
  }

  if (command === 'sandbox' && rest[0] === 'serve') return runServe(rest.slice(1), write, log);

  if (command === undefined) {
    // No command is a usage error: the usage goes to stderr, like every other bad-input message.
    process.stderr.write(USAGE + '\n');
    return 2;
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    write(USAGE);
    return 0;
  }
  throw new InputError(`unknown command: ${argv.join(' ')}`, { showUsage: true });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const argsError = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ?? false;
    if (error instanceof RemoteError) {
      process.stderr.write(`fedlink: ${error.message}\n`);
      process.exitCode = 1;
    } else if (error instanceof InputError || argsError) {
      const usage = argsError || (error instanceof InputError && error.showUsage);
      process.stderr.write(`fedlink: ${(error as Error).message}\n${usage ? USAGE + '\n' : ''}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(
        `fedlink: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    }
  },
);
