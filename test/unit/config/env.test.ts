/**
 * Runtime settings from the environment (functions/runtime.ts hands in process.env; here, objects).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRuntimeSettings } from '../../../shared/config/env';
import { ConfigError } from '../../../shared/config/load';
// runtime.ts is the one module that reads process.env, lazily; createRuntime takes any environment.
import { createRuntime } from '../../../functions/runtime';

const CLIENT_ID = '8d2f4c1e-3b5a-4e6f-9a0b-1c2d3e4f5a6b';
const WORK_REQUIRED =
  "required: the blob container of the fleet checks' work store, https://<account>.blob.core.windows.net/fedlink-work (infra/modules/app.bicep sets it)";
/** The one required setting (docs/adr/0008-work-store.md), in every environment below that is not about it. */
const WORK = { FEDLINK_WORK_URL: 'https://stfedlink.blob.core.windows.net/fedlink-work' };

function issuesOf(env: Record<string, string | undefined>): string[] {
  try {
    readRuntimeSettings({ ...WORK, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('readRuntimeSettings', () => {
  it('runs on defaults when nothing is set', () => {
    const s = readRuntimeSettings(WORK);
    expect(s).toMatchObject({
      configSource: 'defaults',
      armEndpoint: undefined,
      logLevel: 'info',
      managedIdentityClientId: undefined,
    });
    expect(s.config.federation.bindings).toEqual([]);
  });

  it('treats empty App Settings as unset', () => {
    expect(
      readRuntimeSettings({ ...WORK, FEDLINK_CONFIG: '', FEDLINK_LOG_LEVEL: ' ', AZURE_CLIENT_ID: '' }),
    ).toMatchObject({ configSource: 'defaults', logLevel: 'info' });
  });

  it('reads an inline JSON config, the endpoint, the log level and the client id', () => {
    const s = readRuntimeSettings({
      ...WORK,
      FEDLINK_CONFIG_JSON: '{"drift": {"mode": "repair"}}',
      AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://management.usgovcloudapi.net/',
      FEDLINK_LOG_LEVEL: 'DEBUG',
      AZURE_CLIENT_ID: CLIENT_ID,
    });
    expect(s).toMatchObject({
      configSource: 'FEDLINK_CONFIG_JSON',
      armEndpoint: 'https://management.usgovcloudapi.net',
      logLevel: 'debug',
      managedIdentityClientId: CLIENT_ID,
    });
    expect(s.config.drift.mode).toBe('repair');
  });

  it('reads a config file', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fedlink-env-')), 'fedlink.yaml');
    writeFileSync(path, 'federation:\n  prune: false\n');
    const s = readRuntimeSettings({ ...WORK, FEDLINK_CONFIG: path });
    expect(s.configSource).toBe(path);
    expect(s.config.federation.prune).toBe(false);
  });

  it('reports every bad variable at once', () => {
    expect(
      issuesOf({
        FEDLINK_CONFIG: '/etc/fedlink.yaml',
        FEDLINK_CONFIG_JSON: '{}',
        AZURE_RESOURCE_MANAGER_ENDPOINT: 'http://management.azure.com',
        FEDLINK_LOG_LEVEL: 'verbose',
        AZURE_CLIENT_ID: 'my-identity',
        FEDLINK_WORK_URL: undefined,
      }),
    ).toEqual([
      'FEDLINK_LOG_LEVEL: expected one of debug, info, warn, error, got "verbose"',
      'AZURE_RESOURCE_MANAGER_ENDPOINT: expected an https URL, got "http://management.azure.com"',
      'AZURE_CLIENT_ID: expected a GUID (the managed identity\'s client id), got "my-identity"',
      `FEDLINK_WORK_URL: ${WORK_REQUIRED}`,
      'FEDLINK_CONFIG: set FEDLINK_CONFIG or FEDLINK_CONFIG_JSON, not both',
    ]);
  });

  it('reads the report container URL, and refuses one it cannot use without a key', () => {
    expect(readRuntimeSettings(WORK).reportsUrl).toBeUndefined();
    expect(
      readRuntimeSettings({
        ...WORK,
        FEDLINK_REPORTS_URL: 'https://stfedlink.blob.core.windows.net/reports/',
      }).reportsUrl,
    ).toBe('https://stfedlink.blob.core.windows.net/reports');
    const bad = (value: string) => issuesOf({ FEDLINK_REPORTS_URL: value });
    expect(bad('http://stfedlink.blob.core.windows.net/reports')).toEqual([
      'FEDLINK_REPORTS_URL: expected https://<account>.blob.core.windows.net/<container> (https), got "http://stfedlink.blob.core.windows.net/reports"',
    ]);
    expect(bad('https://stfedlink.blob.core.windows.net/reports?sv=2024-08-04&sig=abc')).toEqual([
      'FEDLINK_REPORTS_URL: must not carry a query string or credentials (no SAS token): the app reaches it with its identity',
    ]);
    expect(bad('https://stfedlink.blob.core.windows.net')).toEqual([
      'FEDLINK_REPORTS_URL: expected https://<account>.blob.core.windows.net/<container>: the path must be one container name (3-63 lower-case letters, digits, hyphens), got "/"',
    ]);
    expect(bad('https://stfedlink.blob.core.windows.net/Reports')).toHaveLength(1);
    expect(bad('https://stfedlink.blob.core.windows.net/reports/latest.json')).toHaveLength(1);
    expect(bad('reports')).toEqual([
      'FEDLINK_REPORTS_URL: expected https://<account>.blob.core.windows.net/<container>, got "reports"',
    ]);
  });

  it('requires the work store container URL, in one line naming the setting', () => {
    expect(() => readRuntimeSettings({})).toThrow(ConfigError);
    let message = '';
    try {
      readRuntimeSettings({ FEDLINK_WORK_URL: ' ' }); // an empty App Setting is unset
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(`invalid config environment: FEDLINK_WORK_URL: ${WORK_REQUIRED}`);
    expect(message).not.toContain('\n');
    expect(readRuntimeSettings({ FEDLINK_WORK_URL: `${WORK.FEDLINK_WORK_URL}/` }).workUrl).toBe(
      WORK.FEDLINK_WORK_URL,
    );
    // The same rules as the report container: https, one container, no SAS.
    expect(issuesOf({ FEDLINK_WORK_URL: 'http://stfedlink.blob.core.windows.net/fedlink-work' })).toEqual([
      'FEDLINK_WORK_URL: expected https://<account>.blob.core.windows.net/<container> (https), got "http://stfedlink.blob.core.windows.net/fedlink-work"',
    ]);
    expect(
      issuesOf({ FEDLINK_WORK_URL: 'https://stfedlink.blob.core.windows.net/fedlink-work?sig=abc' }),
    ).toEqual([
      'FEDLINK_WORK_URL: must not carry a query string or credentials (no SAS token): the app reaches it with its identity',
    ]);
  });

  it('reads the Application Insights connection string, and refuses what is not one', () => {
    expect(readRuntimeSettings(WORK).appInsightsConnectionString).toBeUndefined();
    const cs =
      'InstrumentationKey=00000000-0000-4000-8000-0000000000a1;IngestionEndpoint=https://eastus-8.in.applicationinsights.azure.com/';
    expect(
      readRuntimeSettings({ ...WORK, APPLICATIONINSIGHTS_CONNECTION_STRING: ` ${cs} ` })
        .appInsightsConnectionString,
    ).toBe(cs);
    expect(
      issuesOf({
        APPLICATIONINSIGHTS_CONNECTION_STRING: 'https://eastus-8.in.applicationinsights.azure.com/',
      }),
    ).toEqual([
      'APPLICATIONINSIGHTS_CONNECTION_STRING: expected an Application Insights connection string (InstrumentationKey=...;IngestionEndpoint=...)',
    ]);
  });

  it('passes the config problems on, naming their source', () => {
    expect(() => readRuntimeSettings({ ...WORK, FEDLINK_CONFIG_JSON: '{"drift": {"mode": "fix"}}' })).toThrow(
      /^invalid config FEDLINK_CONFIG_JSON: drift\.mode: /,
    );
    expect(() => readRuntimeSettings({ ...WORK, FEDLINK_CONFIG: '/nonexistent/fedlink.yaml' })).toThrow(
      'invalid config /nonexistent/fedlink.yaml: file not found',
    );
  });
});

describe('functions/runtime createRuntime', () => {
  it('reads nothing until asked, then builds everything once', () => {
    const runtime = createRuntime({
      ...WORK,
      FEDLINK_CONFIG_JSON: '{"drift": {"mode": "repair"}}',
      AZURE_CLIENT_ID: CLIENT_ID,
      FEDLINK_LOG_LEVEL: 'error',
    });
    expect(runtime.config().drift.mode).toBe('repair');
    const deps = runtime.deps();
    expect(runtime.deps()).toBe(deps);
    expect(deps.config).toBe(runtime.config());
    expect(typeof deps.azure.getCluster).toBe('function');
    expect(deps.reports).toBeUndefined();
    expect(deps.work.location).toBe(WORK.FEDLINK_WORK_URL);
  });

  it('keeps reports in the container FEDLINK_REPORTS_URL names', () => {
    const runtime = createRuntime({
      ...WORK,
      AZURE_CLIENT_ID: CLIENT_ID,
      FEDLINK_LOG_LEVEL: 'error',
      FEDLINK_REPORTS_URL: 'https://stfedlink.blob.core.windows.net/reports',
    });
    expect(runtime.deps().reports?.location).toBe('https://stfedlink.blob.core.windows.net/reports');
  });

  it('throws the settings problems on first use, not on creation', () => {
    const runtime = createRuntime({ ...WORK, FEDLINK_LOG_LEVEL: 'loud' });
    expect(() => runtime.config()).toThrow(ConfigError);
    expect(() => runtime.deps()).toThrow(/FEDLINK_LOG_LEVEL/);
  });

  it('refuses to start without the work store: config() (read at load time by functions/index.ts) throws', () => {
    const runtime = createRuntime({ AZURE_CLIENT_ID: CLIENT_ID });
    expect(() => runtime.config()).toThrow(`invalid config environment: FEDLINK_WORK_URL: ${WORK_REQUIRED}`);
    expect(() => runtime.deps()).toThrow(/FEDLINK_WORK_URL/);
  });
});
