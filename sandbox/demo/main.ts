/**
 * `npm start`: the sandbox demo. Starts the ARM emulator with the demo estate, shows what it holds,
 * announces a new cluster through the real Event Grid trigger handler, shows the orchestration's
 * progress, prints the validation report, re-checks the fleet (zero writes), then serves the HTTP API
 * on localhost until Ctrl-C. `npm start -- --once` stops after the report: exit 0 when nothing failed.
 */
import { parseArgs } from 'node:util';
import { renderRun } from '../../cli/render';
import { type RunResult } from '../../functions/contracts';
import { driftCheck } from '../../functions/orchestrations/drift';
import { handleEventGridDelivery } from '../../functions/triggers/eventGrid';
import { configSchema } from '../../shared/config/schema';
import { DRIFT_INSTANCE_ID } from '../../shared/core/instanceIds';
import { jsonLogger } from '../../shared/core/log';
import { normalizeResourceId } from '../../shared/core/resourceId';
import { buildReport, renderTable } from '../../shared/validation/report';
import { startApiServer } from '../httpServer';
import { createSandbox } from '../runtime';
import { demoConfig, demoEstate, newClusterArrival } from './estate';
import { progressLine } from './progress';

const out = (line = ''): void => void process.stdout.write(line + '\n');
// `npm start | head` closes stdout early: stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const short = (id: string): string => id.split('/').pop() ?? id;

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { once: { type: 'boolean' }, port: { type: 'string' } },
  });
  const log = jsonLogger(
    (process.env.FEDLINK_LOG_LEVEL as 'debug' | 'info' | 'warn' | 'error' | undefined) ?? 'error',
  );
  const config = configSchema.parse(demoConfig);
  const estate = demoEstate();
  const started = Date.now();
  const sandbox = await createSandbox({
    estate,
    config,
    log,
    observer: (event) => {
      const line = progressLine(event);
      if (line) out(`  [${((Date.now() - started) / 1000).toFixed(2).padStart(5)}s] ${line}`);
    },
  });

  out(
    'fedlink demo: an ARM emulator on ' +
      sandbox.emulator.endpoint +
      ', driven by the real @azure/arm-* clients',
  );
  out();
  out('The estate:');
  for (const tenant of estate.tenants) {
    for (const sub of tenant.subscriptions) {
      const id = typeof sub === 'string' ? sub : sub.subscriptionId;
      const name = typeof sub === 'string' ? '' : (sub.displayName ?? '');
      out(`  subscription ${id} ${name}`);
    }
  }
  for (const r of estate.resources) {
    const props = (r.properties ?? {}) as Record<string, { issuerURL?: string } | undefined>;
    const tags = Object.entries((r.tags ?? {}) as Record<string, string>)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    if (r.type === 'Microsoft.ContainerService/managedClusters') {
      out(
        `  cluster   ${short(r.id).padEnd(22)} ${tags.padEnd(24)} issuer ${props.oidcIssuerProfile?.issuerURL ?? '(OIDC issuer disabled)'}`,
      );
    } else if (r.type === 'Microsoft.ManagedIdentity/userAssignedIdentities') {
      out(`  identity  ${short(r.id).padEnd(22)} ${tags}`);
    } else if (r.type.endsWith('federatedIdentityCredentials')) {
      out(`    fic     ${short(r.id)} on ${r.id.split('/')[8]}`);
    }
  }
  out(`  config binding "payments": id-payments → clusters env=prod → payments/api, payments/worker`);
  out();

  const arrival = newClusterArrival();
  out(
    `A new cluster appears: ${short(arrival.resource.id)} (env=prod). ARM raises ResourceWriteSuccess; Event Grid delivers it:`,
  );
  sandbox.emulator.putResource(arrival.resource);
  const dispositions = await handleEventGridDelivery([arrival.event], {
    client: sandbox.host.client,
    mode: 'apply',
    log,
  });
  await sandbox.host.runUntilIdle();
  const accepted = dispositions.find((d) => d.kind === 'started' || d.kind === 'coalesced');
  if (!accepted || accepted.kind === 'ignored') throw new Error('the demo event was not accepted');
  const status = await sandbox.host.client.getStatus(accepted.instanceId);
  const result = status.output as RunResult;
  out();
  out(renderRun(result, { findings: false }));
  out();

  out('Re-checking the whole fleet (drift check, report mode): a converged fleet costs zero writes.');
  const writesBefore = sandbox.emulator.metrics().armWrites;
  await sandbox.host.client.startNew(driftCheck.name, {
    instanceId: DRIFT_INSTANCE_ID,
    input: { mode: 'plan', trigger: 'cli' },
  });
  await sandbox.host.runUntilIdle();
  const drift = (await sandbox.host.client.getStatus(DRIFT_INSTANCE_ID)).output as RunResult;
  const report = buildReport(drift.findings, { passCounts: drift.passCounts ?? {} });
  out(
    `  planned writes: ${(drift.counts.create ?? 0) + (drift.counts.update ?? 0) + (drift.counts.delete ?? 0)}; ARM writes during the check: ${sandbox.emulator.metrics().armWrites - writesBefore}`,
  );
  out();
  out('Validation report:');
  out(renderTable(report));
  const newFics = sandbox.emulator
    .state()
    .resources.filter(
      (r) =>
        r.type.endsWith('federatedIdentityCredentials') &&
        (r.properties as { issuer?: string }).issuer ===
          (arrival.resource.properties as { oidcIssuerProfile: { issuerURL: string } }).oidcIssuerProfile
            .issuerURL,
    );
  out(
    `FICs now trusting ${short(arrival.resource.id)}: ${newFics.map((r) => `${r.id.split('/')[8]}/${short(r.id)}`).join(', ')}`,
  );
  const failed = report.summary.fail + (result.status === 'failed' ? 1 : 0);

  if (values.once) {
    await sandbox.close();
    return failed > 0 ? 1 : 0;
  }

  const api = await startApiServer({
    client: sandbox.host.client,
    log,
    // The drift check keeps its report and every finding here: history and ?full=true work as in Azure.
    ...(sandbox.deps.reports ? { reports: sandbox.deps.reports } : {}),
    configStatus: () => ({ loaded: true, source: 'the demo config (sandbox/demo)' }),
    port: values.port ? Number(values.port) : 7071,
  });
  const cluster =
    normalizeResourceId(arrival.resource.id) ===
    normalizeResourceId(result.target.kind === 'cluster' ? result.target.resourceId : '')
      ? arrival.resource.id
      : '';
  out();
  out(`HTTP API on ${api.url} (function key: ${api.key}). Try:`);
  out(`  curl ${api.url}/api/health`);
  out(
    `  curl -H 'x-functions-key: ${api.key}' -H 'content-type: application/json' -d '{"scope":{"clusterId":"${cluster}"},"mode":"plan"}' ${api.url}/api/runs`,
  );
  out(`  curl -H 'x-functions-key: ${api.key}' ${api.url}/api/runs/<id from Location>`);
  out(`  open ${api.url}/api/report?code=${api.key}`);
  out('Ctrl-C to stop.');
  // The durable host keeps running orchestrations started over HTTP until Ctrl-C.
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  await api.close();
  await sandbox.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
