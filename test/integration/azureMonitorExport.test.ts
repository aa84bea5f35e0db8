/**
 * The Azure wiring of telemetry (functions/runtime.ts → functions/telemetry.ts → @azure/monitor-opentelemetry)
 * on this Node version: with APPLICATIONINSIGHTS_CONNECTION_STRING set, the runtime's telemetry exports
 * fedlink's counters to the connection string's ingestion endpoint (here a loopback HTTPS server standing
 * in for Application Insights), signed with a bearer token from the app's credential; without it, the
 * runtime records nothing and starts nothing.
 */
import { createServer, type Server } from 'node:https';
import { type AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { type TokenCredential } from '@azure/core-auth';
import { createRuntime } from '../../functions/runtime';
import { stopAzureMonitor } from '../../functions/telemetry';
import { METRICS } from '../../shared/core/telemetry';
import { LOOPBACK_CA_PEM, LOOPBACK_CERT_PEM, LOOPBACK_KEY_PEM } from '../../sandbox/tls/loopbackCert';

interface Received {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

const IKEY = '00000000-0000-4000-8000-0000000000a1';
const TOKEN = 'eyJhbGciOiJub25lIn0.eyJhdWQiOiJodHRwczovL21vbml0b3IuYXp1cmUuY29tIn0.c2ln';

describe('Application Insights export (runtime)', () => {
  let server: Server;
  const received: Received[] = [];
  const scopes: string[] = [];

  beforeAll(async () => {
    server = createServer({ key: LOOPBACK_KEY_PEM, cert: LOOPBACK_CERT_PEM }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        received.push({
          path: req.url ?? '',
          authorization: req.headers.authorization,
          body: body.toString(),
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        // The ingestion service's answer: every item accepted.
        const items = (JSON.parse(body.toString()) as unknown[]).length;
        res.end(JSON.stringify({ itemsReceived: items, itemsAccepted: items, errors: [] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends fedlink.writes to the ingestion endpoint with the identity’s bearer token', async () => {
    const { port } = server.address() as AddressInfo;
    const credential: TokenCredential = {
      getToken: (s) => {
        scopes.push(...(Array.isArray(s) ? s : [s]));
        return Promise.resolve({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 });
      },
    };
    const runtime = createRuntime(
      {
        APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${IKEY};IngestionEndpoint=https://127.0.0.1:${port}/`,
        FEDLINK_LOG_LEVEL: 'error',
        FEDLINK_WORK_URL: 'https://stfedlink.blob.core.windows.net/fedlink-work',
      },
      { credential, caPem: LOOPBACK_CA_PEM },
    );
    const telemetry = runtime.deps().telemetry;
    expect(telemetry).toBeDefined();
    telemetry!.add(METRICS.writes, 4, { capability: 'federation', kind: 'create' });
    await stopAzureMonitor(); // flushes the metric reader

    const track = received.filter((r) => r.path.startsWith('/v2.1/track'));
    // Each track call's body is a JSON array of envelopes.
    const items = track.flatMap(
      (r) =>
        JSON.parse(r.body) as { name: string; iKey: string; data: { baseType: string; baseData: unknown } }[],
    );
    const metric = items.find(
      (i) =>
        i.data.baseType === 'MetricData' &&
        JSON.stringify(i.data.baseData).includes(`"name":"${METRICS.writes}"`),
    );
    expect(metric).toBeDefined();
    expect(metric!.iKey).toBe(IKEY);
    const data = metric!.data.baseData as {
      metrics: { name: string; value: number }[];
      properties: Record<string, string>;
    };
    expect(data.metrics).toEqual([expect.objectContaining({ name: METRICS.writes, value: 4 })]);
    expect(data.properties).toMatchObject({ capability: 'federation', kind: 'create' });
    // Entra-only ingestion (infra: DisableLocalAuth): every track call carries the identity's token.
    expect(track.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect([...new Set(scopes)]).toEqual(['https://monitor.azure.com/.default']);
  });

  it('without a connection string: no telemetry, nothing started', () => {
    const runtime = createRuntime(
      {
        FEDLINK_LOG_LEVEL: 'error',
        FEDLINK_WORK_URL: 'https://stfedlink.blob.core.windows.net/fedlink-work',
      },
      { credential: { getToken: () => Promise.resolve(null) } },
    );
    expect(runtime.deps().telemetry).toBeUndefined();
  });
});
