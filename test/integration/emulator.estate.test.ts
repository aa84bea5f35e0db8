/**
 * The estate contract (docs/design.md "Estate"): validation with one clear error naming the source, the
 * round trip (no writes → state() deep-equals the input), out-of-band changes, case-insensitive ids,
 * and the operations record.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { ResourceManagementClient } from '@azure/arm-resources';
import { VirtualClock } from '../../sandbox/clock';
import { type Estate, EstateError, loadEstate, parseEstate } from '../../sandbox/estate';
import { startEmulator } from '../../sandbox/emulator';
import { cluster, estateOf, fic, identity, ISSUER, SUB, TENANT, sdkOptions } from '../helpers/emulator';
import { fixtureCases, fixtureEstate } from '../helpers/fixtureEstate';

function deep(levels: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

function problemsOf(input: unknown): string {
  try {
    parseEstate(input, 'estate.json');
  } catch (e) {
    expect(e).toBeInstanceOf(EstateError);
    return (e as Error).message;
  }
  throw new Error('expected the estate to be rejected');
}

describe('emulator: the estate', () => {
  it('accepts a well-formed estate and returns it unchanged', () => {
    const estate = estateOf([identity('id-a'), fic('id-a', 'f1', ISSUER, 'system:serviceaccount:a:b')]);
    expect(parseEstate(JSON.parse(JSON.stringify(estate)), 'x')).toEqual(estate);
    expect(parseEstate(JSON.stringify(estate), 'x')).toEqual(estate);
  });

  it.each<[string, unknown, RegExp]>([
    [
      'text that is not JSON',
      '{ nope',
      /^estate\.json: invalid estate: not valid JSON \(Expected property name or '}', at line 1, column 3\)$/,
    ],
    [
      'text that is not JSON, without quoting it',
      'secret-token-value',
      /^estate\.json: invalid estate: not valid JSON \(unexpected token\)$/,
    ],
    [
      'JSON nested 5,000 levels deep',
      `{"tenants": ${'['.repeat(5000)}${']'.repeat(5000)}}`,
      /^estate\.json: invalid estate: nested deeper than 64 levels \(at line 1, column 76\)$/,
    ],
    [
      'an object nested 5,000 levels deep',
      estateOf([{ ...identity('a'), properties: deep(5000) }]),
      /^estate\.json: invalid estate: nested deeper than 64 levels$/,
    ],
    [
      'a resource whose type contradicts its id',
      estateOf([{ ...identity('a'), type: 'Microsoft.ContainerService/managedClusters' }]),
      /^estate\.json: invalid estate: resources\.0: type 'Microsoft\.ContainerService\/managedClusters' contradicts its id, which names a Microsoft\.ManagedIdentity\/userAssignedIdentities$/,
    ],
    [
      'a child resource whose type contradicts its id',
      estateOf([
        identity('id-a'),
        { ...fic('id-a', 'f1', ISSUER, 's'), type: 'Microsoft.ManagedIdentity/userAssignedIdentities' },
      ]),
      /^estate\.json: invalid estate: resources\.1: type 'Microsoft\.ManagedIdentity\/userAssignedIdentities' contradicts its id, which names a Microsoft\.ManagedIdentity\/userAssignedIdentities\/federatedIdentityCredentials$/,
    ],
    [
      'a ".." resource group',
      estateOf([
        {
          ...identity('a'),
          id: identity('a').id.replace('/resourceGroups/rg-fedlink/', '/resourceGroups/../'),
        },
      ]),
      /^estate\.json: invalid estate: resources\.0: not an ARM resource id \(resource group "\.\." is a "\." or "\.\." path segment\)/,
    ],
    [
      'a "%2e" resource name',
      estateOf([{ ...identity('a'), id: identity('a').id.replace(/\/a$/, '/%2e') }]),
      /^estate\.json: invalid estate: resources\.0: not an ARM resource id \(resource name "%2e" is a "\." or "\.\." path segment\)/,
    ],
    ['no tenants', { resources: [] }, /tenants: /],
    [
      'an unknown top-level key',
      { tenants: [{ tenantId: TENANT, subscriptions: [SUB] }], resources: [], extra: 1 },
      /Unrecognized key: "extra"/,
    ],
    [
      'a tenant id that is not a GUID',
      { tenants: [{ tenantId: 'contoso', subscriptions: [SUB] }], resources: [] },
      /tenants\.0\.tenantId: tenantId must be a GUID/,
    ],
    [
      'a subscription listed twice',
      {
        tenants: [{ tenantId: TENANT, subscriptions: [SUB, { subscriptionId: SUB.toUpperCase() }] }],
        resources: [],
      },
      /is listed twice/,
    ],
    [
      'a resource without name/type',
      estateOf([{ id: identity('a').id } as never]),
      /resources\.0\.name: "name" must be a string[\s\S]*resources\.0\.type/,
    ],
    [
      'a malformed id',
      estateOf([{ ...identity('a'), id: '/subscriptions//resourceGroups/x' }]),
      /resources\.0: not an ARM resource id \(empty segment\)/,
    ],
    [
      'a resource in an unlisted subscription',
      estateOf([identity('a', {}, '99999999-0000-4000-8000-000000000000')]),
      /belongs to subscription '99999999-0000-4000-8000-000000000000', which no tenant lists/,
    ],
    [
      'two ids differing only in case',
      estateOf([
        identity('id-a'),
        {
          ...identity('id-a'),
          id: identity('id-a').id.toUpperCase().replace('SUBSCRIPTIONS', 'subscriptions'),
        },
      ]),
      /resources\.1: id '.*' duplicates resources\.0 \(ids are case-insensitive\)/,
    ],
    [
      'a child without its parent',
      estateOf([fic('id-gone', 'f1', ISSUER, 's')]),
      /child resource '.*\/federatedIdentityCredentials\/f1' has no parent: add '.*\/userAssignedIdentities\/id-gone' to resources/,
    ],
    ['a value that is not JSON', estateOf([{ ...identity('a'), when: new Date() }]), /resources\.0\.when/],
  ])('rejects %s with one error naming the source and the problem', (_what, input, message) => {
    expect(problemsOf(input)).toMatch(message);
  });

  it('loadEstate names the file for a missing file and for bad content', () => {
    const dir = mkdtempSync(join(tmpdir(), 'estate-'));
    expect(() => loadEstate(join(dir, 'missing.json'))).toThrow(
      new RegExp(
        `^${join(dir, 'missing.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: invalid estate: cannot read the file: ENOENT$`,
      ),
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ tenants: [], resources: [] }));
    expect(() => loadEstate(bad)).toThrow(
      /bad\.json: invalid estate: tenants: at least one tenant is required$/,
    );
    // A byte-order mark is accepted; an invalid UTF-8 sequence is an error, not replaced.
    const bom = join(dir, 'bom.json');
    writeFileSync(bom, '\uFEFF' + JSON.stringify(estateOf([identity('a')])));
    expect(loadEstate(bom).resources[0]!.name).toBe('a');
    const latin1 = join(dir, 'latin1.json');
    const text = JSON.stringify({ ...estateOf([]), description: 'caf\u00e9' });
    writeFileSync(latin1, Buffer.from(text, 'latin1'));
    expect(() => loadEstate(latin1)).toThrow(
      new RegExp(
        `latin1\\.json: invalid estate: not valid UTF-8 \\(invalid byte sequence at byte ${text.indexOf('\u00e9')}\\)$`,
      ),
    );
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(estateOf([identity('a')])));
    expect(loadEstate(good).resources[0]!.name).toBe('a');
  });

  it('fixtureEstate(): every usable example in one valid estate; clashing ids are renamed, not dropped', () => {
    const estate = fixtureEstate();
    expect(parseEstate(estate, 'fixtureEstate()')).toEqual(estate);
    const clusters = estate.resources
      .filter((r) => r.type === 'Microsoft.ContainerService/managedClusters')
      .map((r) => r.name);
    expect(clusters).toEqual(['clustername1', 'clustername1-f1', 'clustername1-f2', 'clustername1-f3']);
    // One resource per distinct (id, content) among the cases: identical ones kept once, clashing ones both kept.
    const canonical = (v: unknown): string =>
      JSON.stringify(v, (_k, x: unknown) =>
        x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x,
      );
    const distinct = new Set(
      fixtureCases().flatMap((c) => c.estate.resources.map((r) => `${r.id.toLowerCase()} ${canonical(r)}`)),
    );
    expect(estate.resources).toHaveLength(distinct.size);
  });

  it('round-trips: reads of every kind change nothing, state() deep-equals the input in the same order', async () => {
    const estate = fixtureEstate();
    const emulator = await startEmulator({ estate, clock: new VirtualClock({ scale: 100 }), limits: 'off' });
    try {
      const options = sdkOptions(emulator);
      const resources = new ResourceManagementClient(
        emulator.credential,
        '00000000-0000-0000-0000-000000000000',
        options,
      );
      for (const r of estate.resources.slice(0, 40)) {
        if (r.type === 'Microsoft.Resources/resourceGroups') continue;
        await resources.resources
          .getById(
            r.id,
            r.type.startsWith('Microsoft.ContainerService')
              ? '2026-06-01'
              : r.type.startsWith('Microsoft.Network/privateDns')
                ? '2024-06-01'
                : r.type.startsWith('Microsoft.ManagedIdentity')
                  ? '2024-11-30'
                  : r.type.startsWith('Microsoft.Network')
                    ? '2026-01-01'
                    : '2026-02-01',
          )
          .catch(() => undefined);
      }
      const graph = new ResourceGraphClient(emulator.credential, options);
      await graph.resources({ query: 'resources | project id, properties' });
      await graph.resources({ query: 'resourcecontainers | project id' });
      expect(emulator.state()).toEqual(estate);
      // Byte for byte: same resources, same order, same key order.
      expect(JSON.stringify(emulator.state())).toBe(JSON.stringify(estate));
      expect(emulator.metrics().armWrites).toBe(0);
    } finally {
      await emulator.close();
    }
  });

  it('ids are case-insensitive and keep their original casing', async () => {
    const aks = cluster('Aks-Prod');
    const emulator = await startEmulator({ estate: estateOf([aks]) });
    try {
      const client = new ContainerServiceClient(emulator.credential, SUB.toUpperCase(), sdkOptions(emulator));
      const got = await client.managedClusters.get('RG-FEDLINK', 'aks-prod');
      expect(got.id).toBe(aks.id);
      expect(got.name).toBe('Aks-Prod');
    } finally {
      await emulator.close();
    }
  });

  it('putResource / getResource / deleteResource change the estate out of band, unrecorded', async () => {
    const emulator = await startEmulator({ estate: estateOf([identity('id-a')]) });
    try {
      emulator.putResource(cluster('aks-new'));
      expect(emulator.getResource(cluster('aks-new').id.toUpperCase())?.name).toBe('aks-new');
      expect(() => emulator.putResource(fic('id-missing', 'x', ISSUER, 's'))).toThrow(
        /parent .* does not exist/,
      );
      expect(() => emulator.putResource({ ...cluster('x'), type: 3 } as never)).toThrow(EstateError);
      expect(emulator.deleteResource(identity('id-a').id)).toBe(true);
      expect(emulator.state().resources.map((r) => r.name)).toEqual(['aks-new']);
      expect(emulator.operations).toHaveLength(0);
    } finally {
      await emulator.close();
    }
  });

  it('records every request: method, path without query, api-version, status, code, virtual time', async () => {
    const clock = new VirtualClock({ scale: 1, start: Date.parse('2030-01-01T00:00:00Z') });
    const emulator = await startEmulator({ estate: estateOf([cluster('aks-1')]), clock });
    try {
      const client = new ContainerServiceClient(emulator.credential, SUB, sdkOptions(emulator));
      await client.managedClusters.get('rg-fedlink', 'aks-1');
      await client.managedClusters.get('rg-fedlink', 'nope').catch(() => undefined);
      expect(
        emulator.operations.map((o) => ({
          method: o.method,
          path: o.path,
          apiVersion: o.apiVersion,
          status: o.status,
          code: o.code,
        })),
      ).toEqual([
        {
          method: 'GET',
          path: `/subscriptions/${SUB}/resourceGroups/rg-fedlink/providers/Microsoft.ContainerService/managedClusters/aks-1`,
          apiVersion: '2026-06-01',
          status: 200,
          code: undefined,
        },
        {
          method: 'GET',
          path: `/subscriptions/${SUB}/resourceGroups/rg-fedlink/providers/Microsoft.ContainerService/managedClusters/nope`,
          apiVersion: '2026-06-01',
          status: 404,
          code: 'ResourceNotFound',
        },
      ]);
      expect(emulator.operations[0]!.at).toBeGreaterThanOrEqual(Date.parse('2030-01-01T00:00:00Z'));
      expect(emulator.metrics()).toMatchObject({ armReads: 2, armWrites: 0, armDeletes: 0 });
    } finally {
      await emulator.close();
    }
  });

  it('state() of an estate is a copy: changing it changes nothing inside', async () => {
    const estate: Estate = estateOf([identity('id-a')]);
    const emulator = await startEmulator({ estate });
    try {
      emulator.state().resources[0]!.name = 'changed';
      estate.resources[0]!.name = 'changed-too';
      expect(emulator.state().resources[0]!.name).toBe('id-a');
    } finally {
      await emulator.close();
    }
  });
});
