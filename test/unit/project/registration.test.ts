/**
 * The app as the Functions host would load it: host.json, package.json main/bin, and one registry of
 * durable functions feeding both the Azure entry point and the sandbox host.
 */
// First: the entry point below reads its settings when loaded, and needs FEDLINK_WORK_URL.
import '../../helpers/functionsEnv';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
// Outside the host, @azure/functions runs in test mode and skips app.* registrations (docs/azure-behaviour.md §7.5),
// so loading the Azure entry point here is safe; it must load, and fill the registry.
import '../../../functions/index';
import { registeredFunctions } from '../../../functions/registry';

const root = resolve(__dirname, '../../..');
const json = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(resolve(root, file), 'utf8')) as Record<string, unknown>;

describe('the Azure entry point without FEDLINK_WORK_URL', () => {
  it('fails to load, in one line naming the setting (the worker fails at startup)', () => {
    const saved = process.env['FEDLINK_WORK_URL'];
    delete process.env['FEDLINK_WORK_URL'];
    try {
      jest.isolateModules(() => {
        expect(() => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          require('../../../functions/index');
        }).toThrow(
          /^invalid config environment: FEDLINK_WORK_URL: required: the blob container of the fleet checks' work store, [^\n]+$/,
        );
      });
    } finally {
      process.env['FEDLINK_WORK_URL'] = saved;
    }
  });
});

describe('host.json', () => {
  const host = json('host.json') as {
    version: string;
    extensionBundle: { id: string; version: string };
    extensions: { durableTask: { hubName: string; storageProvider: { type: string } } };
  };
  it('is a Functions v4 host file with the extension bundle durable-functions v3 needs', () => {
    expect(host.version).toBe('2.0');
    expect(host.extensionBundle).toEqual({
      id: 'Microsoft.Azure.Functions.ExtensionBundle',
      version: '[4.*, 5.0.0)',
    });
  });
  it('names a task hub Azure Storage accepts (3-45 alphanumerics, starting with a letter)', () => {
    expect(host.extensions.durableTask.hubName).toMatch(/^[A-Za-z][A-Za-z0-9]{2,44}$/);
    expect(host.extensions.durableTask.storageProvider.type).toBe('AzureStorage');
  });
});

describe('package.json', () => {
  const pkg = json('package.json') as {
    main: string;
    bin: Record<string, string>;
    scripts: Record<string, string>;
  };
  it('points main at the compiled registrations and bin at the compiled CLI', () => {
    expect(pkg.main).toBe('dist/functions/index.js');
    expect(pkg.bin).toEqual({ fedlink: 'dist/cli/main.js' });
    expect(existsSync(resolve(root, pkg.main))).toBe(true);
    expect(readFileSync(resolve(root, pkg.bin.fedlink ?? ''), 'utf8').startsWith('#!/usr/bin/env node')).toBe(
      true,
    );
  });
  it('has the two set-up commands the README shows', () => {
    expect(pkg.scripts.start).toBeDefined();
    expect(pkg.scripts.test).toContain('jest');
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8').split('\n').slice(0, 30).join('\n');
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});

describe('the registry', () => {
  it('holds every durable function once, and the Azure entry point loads it', () => {
    const { activities, orchestrations, entities } = registeredFunctions();
    expect([...orchestrations.keys()].sort()).toEqual(['driftCheck', 'reconcile', 'syncBatch']);
    expect([...activities.keys()].sort()).toEqual([
      'chunkLocks',
      'dropWork',
      'saveReport',
      'scopeChunks',
      'scopeWork',
      'syncChunk',
      'syncWork',
    ]);
    expect([...entities.keys()]).toEqual(['resourceLock']);
  });
});
