/**
 * Metrics (docs/adr/0007-observability.md): a sandbox whose activities add to the OpenTelemetry
 * counters of functions/telemetry.ts, read back through the SDK's in-memory exporter. Exact counts for a
 * known estate, across plan, apply and a converged rerun; and no token ever becomes an attribute.
 */
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { type RunResult } from '../../functions/contracts';
import { driftCheck } from '../../functions/orchestrations/drift';
import { METER_NAME, otelTelemetry } from '../../functions/telemetry';
import { REDACTED } from '../../shared/core/log';
import { METRICS } from '../../shared/core/telemetry';
import { cluster, identity, running, type Running } from '../helpers/scenario';

type Points = Map<string, number>;

/** A meter provider exporting to memory; `read()` gives every counter's cumulative value by name + attributes. */
function inMemoryMeter() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    telemetry: otelTelemetry(provider.getMeter(METER_NAME)),
    async read(): Promise<{ points: Points; attributes: Record<string, unknown>[] }> {
      exporter.reset();
      await reader.forceFlush();
      const points: Points = new Map();
      const attributes: Record<string, unknown>[] = [];
      for (const rm of exporter.getMetrics())
        for (const sm of rm.scopeMetrics) {
          expect(sm.scope.name).toBe(METER_NAME);
          for (const m of sm.metrics)
            for (const dp of m.dataPoints) {
              attributes.push(dp.attributes);
              const attrs = Object.entries(dp.attributes)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([k, v]) => `${k}=${String(v)}`)
                .join(',');
              points.set(`${m.descriptor.name}{${attrs}}`, dp.value as number);
            }
        }
      return { points, attributes };
    },
    shutdown: () => provider.shutdown(),
  };
}

function only(points: Points, metric: string): Record<string, number> {
  return Object.fromEntries([...points].filter(([k]) => k.startsWith(`${metric}{`)));
}

/** Findings of a run's report, counted the way fedlink.findings counts them. */
function findingCounts(results: readonly RunResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    for (const f of r.findings) {
      const key = `${METRICS.findings}{check=${f.check},status=${f.status}}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    // A fleet check counts its passes instead of listing them (docs/design.md "Run result").
    for (const [check, n] of Object.entries(r.passCounts ?? {})) {
      const key = `${METRICS.findings}{check=${check},status=pass}`;
      counts[key] = (counts[key] ?? 0) + n;
    }
  }
  return counts;
}

const payments = identity('id-payments');
const bindings = {
  federation: {
    bindings: [
      {
        name: 'payments',
        identity: payments.id,
        clusters: { tags: { env: 'prod' } },
        serviceAccounts: ['payments/api', 'payments/worker'],
      },
    ],
  },
};

describe('telemetry: counters of a sandbox drift check', () => {
  let sandbox: Running | undefined;
  let meter: ReturnType<typeof inMemoryMeter> | undefined;
  afterEach(async () => {
    await sandbox?.close();
    await meter?.shutdown();
  });

  async function drift(mode: 'plan' | 'apply', n: number): Promise<RunResult> {
    const instanceId = `drift-${mode}-${n}`;
    await sandbox!.host.client.startNew(driftCheck.name, { instanceId, input: { mode, trigger: 'cli' } });
    await sandbox!.host.runUntilIdle();
    const status = await sandbox!.host.client.getStatus(instanceId);
    expect(status.runtimeStatus).toBe('Completed');
    return status.output as RunResult;
  }

  it('counts 4 FIC creates for 2 service accounts on 2 prod clusters once; plan and a converged rerun write nothing', async () => {
    meter = inMemoryMeter();
    const prod1 = cluster('aks-prod-1', '11111111-2222-4333-8444-555555555555');
    const prod2 = cluster('aks-prod-2', '22222222-2222-4333-8444-555555555555');
    const dev = cluster('aks-dev-1', '99999999-2222-4333-8444-555555555555', { tags: { env: 'dev' } });
    sandbox = await running([payments, prod1, prod2, dev], bindings, { telemetry: meter.telemetry });

    const planned = await drift('plan', 1);
    expect(planned.status).toBe('planned');
    let { points } = await meter.read();
    expect(only(points, METRICS.writes)).toEqual({});
    expect(only(points, METRICS.outcomes)).toEqual({
      [`${METRICS.outcomes}{capability=federation,status=planned}`]: 1,
    });
    expect(only(points, METRICS.findings)).toEqual(findingCounts([planned]));

    const applied = await drift('apply', 2);
    expect(applied.status).toBe('changed');
    expect(applied.counts).toMatchObject({ create: 4 });
    expect(sandbox.writes()).toHaveLength(4);
    ({ points } = await meter.read());
    expect(only(points, METRICS.writes)).toEqual({
      [`${METRICS.writes}{capability=federation,kind=create}`]: 4,
    });
    expect(only(points, METRICS.outcomes)).toEqual({
      [`${METRICS.outcomes}{capability=federation,status=planned}`]: 1,
      [`${METRICS.outcomes}{capability=federation,status=changed}`]: 1,
    });
    expect(only(points, METRICS.findings)).toEqual(findingCounts([planned, applied]));

    const again = await drift('apply', 3);
    expect(again.status).toBe('converged');
    ({ points } = await meter.read());
    // Cumulative: the converged rerun adds no write.
    expect(only(points, METRICS.writes)).toEqual({
      [`${METRICS.writes}{capability=federation,kind=create}`]: 4,
    });
    expect(points.get(`${METRICS.outcomes}{capability=federation,status=converged}`)).toBe(1);
    expect(only(points, METRICS.findings)).toEqual(findingCounts([planned, applied, again]));
    expect(Object.keys(only(points, METRICS.findings)).length).toBeGreaterThan(0);
  });

  it('never exports a token: attributes are redacted like log fields', async () => {
    meter = inMemoryMeter();
    const prod1 = cluster('aks-prod-1', '11111111-2222-4333-8444-555555555555');
    sandbox = await running([payments, prod1], bindings, { telemetry: meter.telemetry });
    await drift('apply', 1);
    const token = (await sandbox.emulator.credential.getToken('https://management.azure.com/.default'))!
      .token;
    expect(token).toMatch(/^eyJ/);
    // A careless caller: a bearer token in a value, a JWT in another, a secret-named attribute.
    meter.telemetry.add(METRICS.findings, 1, { check: `Bearer ${token}`, status: token });
    meter.telemetry.add(METRICS.writes, 1, { capability: 'federation', kind: 'create', token: 'hunter2' });

    const { points, attributes } = await meter.read();
    const exported = JSON.stringify(attributes);
    expect(exported).not.toContain(token);
    expect(exported).not.toMatch(/eyJ[\w-]{8,}\.|Bearer\s+\S|hunter2/);
    expect(points.get(`${METRICS.findings}{check=${REDACTED},status=${REDACTED}}`)).toBe(1);
    expect(points.get(`${METRICS.writes}{capability=federation,kind=create,token=${REDACTED}}`)).toBe(1);
    // The run's own counters are there too, with their plain attributes.
    expect(points.get(`${METRICS.writes}{capability=federation,kind=create}`)).toBe(2);
  });
});
