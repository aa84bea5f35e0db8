/**
 * `npm run screenshot:report`: docs/report.png, the report page as a person sees it. Runs the sandbox
 * demo estate (sandbox/demo/estate.ts) through two fleet checks — an apply, then a plan after a new
 * cluster appeared — with an in-memory report store, serves GET /api/report as `npm start` does, and
 * photographs it in the headless Chromium the browser tests use (scripts/chromium-path.mjs).
 * `--out <file>` writes elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { driftCheck } from '../functions/orchestrations/drift';
import { configSchema } from '../shared/config/schema';
import { DRIFT_INSTANCE_ID } from '../shared/core/instanceIds';
import { silentLogger } from '../shared/core/log';
import { createMemoryReportStore } from '../shared/reportStore/memory';
import { demoConfig, demoEstate, newClusterArrival } from '../sandbox/demo/estate';
import { startApiServer } from '../sandbox/httpServer';
import { createSandbox, type Sandbox } from '../sandbox/runtime';

/** Compiled to dist/scripts/: the repository is two folders up. */
const repoRoot = resolve(__dirname, '..', '..');

async function fleetCheck(sandbox: Sandbox, mode: 'plan' | 'apply'): Promise<void> {
  await sandbox.host.client.startNew(driftCheck.name, {
    instanceId: DRIFT_INSTANCE_ID,
    input: { mode, trigger: 'cli' },
  });
  await sandbox.host.runUntilIdle();
  const status = await sandbox.host.client.getStatus(DRIFT_INSTANCE_ID);
  if (status.runtimeStatus !== 'Completed')
    throw new Error(`the ${mode} fleet check ended ${status.runtimeStatus}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { out: { type: 'string', default: resolve(repoRoot, 'docs', 'report.png') } },
  });
  const reports = createMemoryReportStore();
  const sandbox = await createSandbox({
    estate: demoEstate(),
    config: configSchema.parse(demoConfig),
    log: silentLogger,
    reports,
  });
  const api = await startApiServer({ client: sandbox.host.client, log: silentLogger, reports });
  const { executablePath, args } = JSON.parse(
    execFileSync(process.execPath, [resolve(repoRoot, 'scripts', 'chromium-path.mjs')], {
      encoding: 'utf8',
    }),
  ) as { executablePath: string; args: string[] };
  const browser = await chromium.launch({ executablePath, headless: true, args });
  try {
    await fleetCheck(sandbox, 'apply');
    sandbox.emulator.putResource(newClusterArrival().resource);
    await fleetCheck(sandbox, 'plan');
    const page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
    await page.goto(`${api.url}/api/report?code=${api.key}`);
    // The top of the page (summary, matrix, the first findings): what the README shows; kept small.
    await page.screenshot({ path: values.out });
    process.stdout.write(`${values.out} (${statSync(values.out).size} bytes)\n`);
  } finally {
    await browser.close();
    await api.close();
    await sandbox.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`screenshot failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
