/**
 * The telemetry port: counters the engine adds to, with small, low-cardinality attributes (a capability,
 * an action kind, a check id, a status; never a resource id, which belongs in the log line). The
 * OpenTelemetry implementation lives in functions/telemetry.ts and is wired only in Azure
 * (docs/adr/0007-observability.md); everywhere else `noTelemetry` drops every count.
 */

/** Every counter fedlink records, with the attributes each carries (README "Running it in Azure"). */
export const METRICS = {
  /** ARM writes made (apply mode), by `capability` and action `kind` (e.g. federation/create, dns/link). */
  writes: 'fedlink.writes',
  /** Work-item outcomes, by `capability` and `status` (converged, changed, planned, refused, failed, retry, pending). */
  outcomes: 'fedlink.outcomes',
  /** Findings of final outcomes and scope decisions, by `check` id and `status` (pass, warn, fail). */
  findings: 'fedlink.findings',
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];

export type TelemetryAttributes = Readonly<Record<string, string>>;

export interface Telemetry {
  /** Adds `value` (≥ 0) to the counter `metric` for these attributes. */
  add(metric: MetricName, value: number, attributes: TelemetryAttributes): void;
}

export const noTelemetry: Telemetry = { add: () => {} };
