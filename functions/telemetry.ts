/**
 * The telemetry port (shared/core/telemetry.ts) over OpenTelemetry, and its export to Application
 * Insights through the Azure Monitor distro. Wired only by ./runtime.ts in Azure, and only when
 * APPLICATIONINSIGHTS_CONNECTION_STRING is set (docs/adr/0007-observability.md); tests hand
 * `otelTelemetry` a meter of their own.
 */
import { shutdownAzureMonitor, useAzureMonitor } from '@azure/monitor-opentelemetry';
import { type Counter, type Meter, metrics } from '@opentelemetry/api';
import { type TokenCredential } from '@azure/core-auth';
import { trustPolicy } from '../shared/azure/clients';
import { redact } from '../shared/core/log';
import { METRICS, type MetricName, type Telemetry, type TelemetryAttributes } from '../shared/core/telemetry';

/** The instrumentation scope of every fedlink metric. */
export const METER_NAME = 'fedlink';

const DESCRIPTIONS: Record<MetricName, string> = {
  [METRICS.writes]: 'ARM writes made, by capability and action kind',
  [METRICS.outcomes]: 'work-item outcomes, by capability and status',
  [METRICS.findings]: 'findings of final outcomes and scope decisions, by check and status',
};

/**
 * `Telemetry` as OpenTelemetry counters on `meter`. Attributes are redacted like log fields
 * (shared/core/log.ts `redact`: secret-named attributes and bearer tokens or JWTs in values), so a
 * token can never become a metric dimension, whatever a caller passes.
 */
export function otelTelemetry(meter: Meter): Telemetry {
  const counters = new Map<MetricName, Counter>();
  const counter = (name: MetricName): Counter => {
    let c = counters.get(name);
    if (!c) {
      c = meter.createCounter(name, { description: DESCRIPTIONS[name] });
      counters.set(name, c);
    }
    return c;
  };
  return {
    add(metric: MetricName, value: number, attributes: TelemetryAttributes): void {
      counter(metric).add(value, redact(attributes) as TelemetryAttributes);
    },
  };
}

export interface AzureMonitorSettings {
  /** APPLICATIONINSIGHTS_CONNECTION_STRING. */
  readonly connectionString: string;
  /**
   * The app's identity: the Application Insights resource accepts only Entra-authenticated telemetry
   * (infra/modules/app.bicep `DisableLocalAuth`), so the exporter signs in as the same identity the
   * host does (APPLICATIONINSIGHTS_AUTHENTICATION_STRING names its client id).
   */
  readonly credential: TokenCredential;
  /** Also trust this CA (a test's loopback ingestion endpoint, like RuntimeOverrides.caPem); production: unset. */
  readonly caPem?: string;
}

/**
 * Starts the Azure Monitor OpenTelemetry distro for this worker process and returns fedlink's
 * counters on its global meter provider. Metrics only from the worker: logs go through the invocation
 * context, which the Functions host exports itself (so console capture is off, to never send a line
 * twice), and the host records the requests and dependencies of each invocation.
 */
export function startAzureMonitor(settings: AzureMonitorSettings): Telemetry {
  useAzureMonitor({
    azureMonitorExporterOptions: {
      connectionString: settings.connectionString,
      credential: settings.credential,
      ...(settings.caPem !== undefined
        ? { additionalPolicies: [{ policy: trustPolicy(settings.caPem), position: 'perCall' as const }] }
        : {}),
    },
    enableLiveMetrics: false,
    // Process and machine counters are the platform's to report; the worker sends fedlink's own.
    enablePerformanceCounters: false,
    instrumentationOptions: {
      console: { enabled: false },
      bunyan: { enabled: false },
      winston: { enabled: false },
    },
  });
  return otelTelemetry(metrics.getMeter(METER_NAME));
}

/** Flushes and stops the distro (for a worker shutting down, or a test that started it). */
export function stopAzureMonitor(): Promise<void> {
  return shutdownAzureMonitor();
}
