/**
 * The production runtime: the ONE module that reads `process.env` (docs/style.md 9). Everything else gets
 * a typed config and its dependencies injected.
 *
 * Environment (parsed by shared/config/env.ts, every problem reported at once):
 *
 *   FEDLINK_CONFIG                   path of the config file (YAML or JSON), e.g. the deployed
 *                                    `fedlink.yaml` next to host.json
 *   FEDLINK_CONFIG_JSON              the config inline (an App Setting); use one of the two.
 *                                    Neither: every default (docs/design.md "Config")
 *   AZURE_RESOURCE_MANAGER_ENDPOINT  ARM endpoint (https); default https://management.azure.com.
 *                                    For a sovereign cloud also set AZURE_AUTHORITY_HOST, which
 *                                    @azure/identity reads itself
 *   FEDLINK_LOG_LEVEL                debug | info (default) | warn | error
 *   AZURE_CLIENT_ID                  client id of the Function App's user-assigned managed identity:
 *                                    authenticate as exactly that identity (ManagedIdentityCredential);
 *                                    unset: DefaultAzureCredential (system-assigned identity in Azure,
 *                                    Azure CLI login on a laptop)
 *   FEDLINK_REPORTS_URL              blob container URL for the fleet check reports (latest.json and
 *                                    history/), reached with the same credential; unset: not kept
 *   APPLICATIONINSIGHTS_CONNECTION_STRING  where fedlink's metrics go (./telemetry.ts: the Azure Monitor
 *                                    OpenTelemetry distro, signed in with the same credential);
 *                                    unset: none exported. Logs go through the invocation context
 *                                    either way (docs/adr/0007-observability.md)
 *
 * Built lazily, once per worker process: the first trigger or activity pays for it, later ones reuse
 * the same credential (and its token cache), SDK clients and HTTP keep-alive connections. A bad
 * setting throws a `ConfigError` listing every problem; the Functions entry point calls
 * `runtimeConfig()` at load time (for the timer schedule), so a bad config fails the worker at startup,
 * in the host log, before any event is accepted.
 */
import { createArmClients } from '../shared/azure/clients';
import { createCredential } from '../shared/azure/credential';
import { createPacedArmGateway } from '../shared/azure/paced';
import { type TokenCredential } from '@azure/core-auth';
import { type Clock, systemClock } from '../shared/core/clock';
import { blobReportStoreFor } from '../shared/azure/reportStore';
import { createMemoryWorkStore } from '../shared/workStore/memory';
import { jsonLogger } from '../shared/core/log';
import { type FedlinkConfig } from '../shared/config/schema';
import { readRuntimeSettings, type Environment, type RuntimeSettings } from '../shared/config/env';
import { type ActivityDeps } from './deps';
import { startAzureMonitor } from './telemetry';
import { type ConfigStatus } from './triggers/http';

export interface Runtime {
  settings(): RuntimeSettings;
  config(): FedlinkConfig;
  deps(): ActivityDeps;
}

/**
 * What only a test replaces: the credential and CA of the sandbox emulator (so the exact deps the
 * Function App builds can be run against it), and the clock. Production passes nothing.
 */
export interface RuntimeOverrides {
  readonly credential?: TokenCredential;
  readonly caPem?: string;
  readonly clock?: Clock;
}

/** A runtime over the given environment; nothing is read or built until first asked for. */
export function createRuntime(env: Environment, overrides: RuntimeOverrides = {}): Runtime {
  const clock = overrides.clock ?? systemClock;
  let settings: RuntimeSettings | undefined;
  let deps: ActivityDeps | undefined;
  const readSettings = (): RuntimeSettings => (settings ??= readRuntimeSettings(env));
  return {
    settings: readSettings,
    config: () => readSettings().config,
    deps() {
      if (deps) return deps;
      const s = readSettings();
      const log = jsonLogger(s.logLevel);
      const credential =
        overrides.credential ?? createCredential({ managedIdentityClientId: s.managedIdentityClientId });
      const clients = createArmClients({
        credential,
        ...(s.armEndpoint !== undefined ? { endpoint: s.armEndpoint } : {}),
        ...(overrides.caPem !== undefined ? { caPem: overrides.caPem } : {}),
      });
      deps = {
        // Paced below Azure's limits exactly as the sandbox and the CLI are (shared/azure/paced.ts).
        azure: createPacedArmGateway(clients, { clock, log }),
        config: s.config,
        clock,
        log,
        reports: s.reportsUrl !== undefined ? blobReportStoreFor(s.reportsUrl, credential) : undefined,
        // Placeholder until the Blob work store (shared/azure/workStore.ts) is wired in: one worker only.
        work: createMemoryWorkStore(),
        telemetry:
          s.appInsightsConnectionString !== undefined
            ? startAzureMonitor({
                connectionString: s.appInsightsConnectionString,
                credential,
                ...(overrides.caPem !== undefined ? { caPem: overrides.caPem } : {}),
              })
            : undefined,
      };
      log.info('fedlink runtime ready', {
        configSource: s.configSource,
        armEndpoint: clients.endpoint,
        reports: s.reportsUrl ?? 'not kept',
        metrics: s.appInsightsConnectionString !== undefined ? 'Application Insights' : 'not exported',
        credential:
          overrides.credential !== undefined
            ? 'injected'
            : s.managedIdentityClientId !== undefined
              ? 'ManagedIdentityCredential'
              : 'DefaultAzureCredential',
      });
      return deps;
    },
  };
}

const runtime = createRuntime(process.env);

/** The validated config of this worker (read once). */
export function runtimeConfig(): FedlinkConfig {
  return runtime.config();
}

/** Whether this worker's settings and config loaded, for GET /api/health (never throws). */
export function runtimeConfigStatus(): ConfigStatus {
  try {
    return { loaded: true, source: runtime.settings().configSource };
  } catch (error) {
    return { loaded: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The production dependencies of every activity and trigger in this worker (built once). */
export function runtimeDeps(): ActivityDeps {
  return runtime.deps();
}
