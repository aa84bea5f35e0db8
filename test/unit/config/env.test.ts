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

function issuesOf(env: Record<string, string | undefined>): string[] {
  try {
    readRuntimeSettings(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('readRuntimeSettings', () => {
  it('runs on defaults when nothing is set', () => {
    const s = readRuntimeSettings({});
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
      readRuntimeSettings({ FEDLINK_CONFIG: '', FEDLINK_LOG_LEVEL: ' ', AZURE_CLIENT_ID: '' }),
    ).toMatchObject({ configSource: 'defaults', logLevel: 'info' });
  });

  it('reads an inline JSON config, the endpoint, the log level and the client id', () => {
    const s = readRuntimeSettings({
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
    const s = readRuntimeSettings({ FEDLINK_CONFIG: path });
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
      }),
    ).toEqual([
      'FEDLINK_LOG_LEVEL: expected one of debug, info, warn, error, got "verbose"',
      'AZURE_RESOURCE_MANAGER_ENDPOINT: expected an https URL, got "http://management.azure.com"',
      'AZURE_CLIENT_ID: expected a GUID (the managed identity\'s client id), got "my-identity"',
      'FEDLINK_CONFIG: set FEDLINK_CONFIG or FEDLINK_CONFIG_JSON, not both',
    ]);
  });

  it('passes the config problems on, naming their source', () => {
    expect(() => readRuntimeSettings({ FEDLINK_CONFIG_JSON: '{"drift": {"mode": "fix"}}' })).toThrow(
      /^invalid config FEDLINK_CONFIG_JSON: drift\.mode: /,
    );
    expect(() => readRuntimeSettings({ FEDLINK_CONFIG: '/nonexistent/fedlink.yaml' })).toThrow(
      'invalid config /nonexistent/fedlink.yaml: file not found',
    );
  });
});

describe('functions/runtime createRuntime', () => {
  it('reads nothing until asked, then builds everything once', () => {
    const runtime = createRuntime({
      FEDLINK_CONFIG_JSON: '{"drift": {"mode": "repair"}}',
      AZURE_CLIENT_ID: CLIENT_ID,
      FEDLINK_LOG_LEVEL: 'error',
    });
    expect(runtime.config().drift.mode).toBe('repair');
    const deps = runtime.deps();
    expect(runtime.deps()).toBe(deps);
    expect(deps.config).toBe(runtime.config());
    expect(typeof deps.azure.getCluster).toBe('function');
  });

  it('throws the settings problems on first use, not on creation', () => {
    const runtime = createRuntime({ FEDLINK_LOG_LEVEL: 'loud' });
    expect(() => runtime.config()).toThrow(ConfigError);
    expect(() => runtime.deps()).toThrow(/FEDLINK_LOG_LEVEL/);
  });
});
