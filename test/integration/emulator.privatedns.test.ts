/**
 * Private DNS (docs/azure-behaviour.md §5) through the real @azure/arm-privatedns client: link LROs (create,
 * delete), conditional writes, refusals, zone counters, record sets, and the per-zone link limit.
 */
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { RestError } from '@azure/core-rest-pipeline';
import { VirtualClock } from '../../sandbox/clock';
import { type ArmResource } from '../../sandbox/estate';
import { type Emulator, startEmulator } from '../../sandbox/emulator';
import { capture, estateOf, rawRequest, RG, sdkOptions, SUB } from '../helpers/emulator';

const ZONE_NAME = 'privatelink.vaultcore.azure.net';
const ZONE = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateDnsZones/${ZONE_NAME}`;
const vnet = (n: string): string =>
  `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/${n}`;
const zone: ArmResource = {
  id: ZONE,
  name: ZONE_NAME,
  type: 'Microsoft.Network/privateDnsZones',
  location: 'global',
  etag: 'z-1',
  properties: { provisioningState: 'Succeeded' },
};

function link(name: string, vnetName: string, extra: Record<string, unknown> = {}): ArmResource {
  return {
    id: `${ZONE}/virtualNetworkLinks/${name}`,
    name,
    type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
    location: 'global',
    etag: `etag-${name}`,
    properties: {
      virtualNetwork: { id: vnet(vnetName) },
      registrationEnabled: false,
      virtualNetworkLinkState: 'Completed',
      provisioningState: 'Succeeded',
      ...extra,
    },
  };
}

async function fails(p: Promise<unknown>): Promise<[number | undefined, string | undefined]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RestError) return [e.statusCode, e.code];
    throw e;
  }
  throw new Error('expected a failure');
}

describe('emulator: private DNS', () => {
  let emulator: Emulator;
  let dns: PrivateDnsManagementClient;

  async function start(
    resources: ArmResource[],
    limits: Parameters<typeof startEmulator>[0]['limits'] = 'off',
  ): Promise<void> {
    emulator = await startEmulator({
      estate: estateOf(resources),
      clock: new VirtualClock({ scale: 100 }),
      limits,
      latency: { lroMs: 5000 },
    });
    dns = new PrivateDnsManagementClient(
      emulator.credential,
      SUB,
      sdkOptions(emulator, { retryOptions: { maxRetries: 0 } }),
    );
  }
  afterEach(() => emulator.close());

  it('a link is InProgress until its operation completes in virtual time; then the zone counts it', async () => {
    await start([zone]);
    const poller = dns.virtualNetworkLinks.createOrUpdate(RG, ZONE_NAME, 'hub', {
      location: 'global',
      virtualNetwork: { id: vnet('hub') },
      registrationEnabled: true,
    });
    await poller.submitted();
    const during = await dns.virtualNetworkLinks.get(RG, ZONE_NAME, 'hub');
    expect([during.provisioningState, during.virtualNetworkLinkState]).toEqual(['Creating', 'InProgress']);
    emulator.clock.advance(5000);
    const done = await poller;
    expect([done.provisioningState, done.virtualNetworkLinkState, done.registrationEnabled]).toEqual([
      'Succeeded',
      'Completed',
      true,
    ]);
    const z = await dns.privateZones.get(RG, ZONE_NAME);
    expect([
      z.numberOfVirtualNetworkLinks,
      z.numberOfVirtualNetworkLinksWithRegistration,
      z.numberOfRecordSets,
    ]).toEqual([1, 1, 1]);
  });

  it('If-None-Match: * refuses to overwrite; If-Match needs the current etag (412 PreconditionFailed, UNVERIFIED code)', async () => {
    await start([zone, link('hub', 'hub')]);
    const body = { location: 'global', virtualNetwork: { id: vnet('hub') }, registrationEnabled: false };
    expect(
      await fails(dns.virtualNetworkLinks.createOrUpdate(RG, ZONE_NAME, 'hub', body, { ifNoneMatch: '*' })),
    ).toEqual([412, 'PreconditionFailed']);
    expect(
      await fails(dns.virtualNetworkLinks.createOrUpdate(RG, ZONE_NAME, 'hub', body, { ifMatch: 'stale' })),
    ).toEqual([412, 'PreconditionFailed']);
    expect(
      await fails(dns.virtualNetworkLinks.createOrUpdate(RG, ZONE_NAME, 'new', body, { ifMatch: '*' })),
    ).toEqual([412, 'PreconditionFailed']);
    const poller = dns.virtualNetworkLinks.createOrUpdate(RG, ZONE_NAME, 'hub', body, {
      ifMatch: 'etag-hub',
    });
    await poller.submitted();
    emulator.clock.advance(5000);
    const updated = await poller;
    expect(updated.etag).not.toBe('etag-hub');
    expect(emulator.metrics().preconditionFailed412).toBe(3);
  });

  it('delete is an LRO too; absent is 204', async () => {
    await start([zone, link('hub', 'hub')]);
    const seen = capture(dns.pipeline);
    const poller = dns.virtualNetworkLinks.delete(RG, ZONE_NAME, 'hub');
    await poller.submitted();
    expect(seen[0]!.status).toBe(202);
    expect(seen[0]!.headers['location']).toMatch(/privateDnsOperationResults/);
    emulator.clock.advance(5000);
    await poller;
    expect(emulator.getResource(`${ZONE}/virtualNetworkLinks/hub`)).toBeUndefined();
    const again = await rawRequest(
      emulator,
      'DELETE',
      `${ZONE}/virtualNetworkLinks/hub?api-version=2024-06-01`,
    );
    expect(again.status).toBe(204);
  });

  it.each<[string, Record<string, unknown>, number, string]>([
    [
      'a location other than global',
      { location: 'eastus', properties: { virtualNetwork: { id: vnet('x') } } },
      400,
      'BadRequest',
    ],
    ['no virtual network', { location: 'global', properties: {} }, 400, 'BadRequest'],
    [
      'a virtual network id of another type',
      { location: 'global', properties: { virtualNetwork: { id: ZONE } } },
      400,
      'BadRequest',
    ],
    [
      'a virtual network the zone already links (UNVERIFIED code)',
      { location: 'global', properties: { virtualNetwork: { id: vnet('hub') } } },
      409,
      'Conflict',
    ],
  ])('refuses %s', async (_what, body, status, code) => {
    await start([zone, link('hub', 'hub')]);
    const r = await rawRequest(
      emulator,
      'PUT',
      `${ZONE}/virtualNetworkLinks/other?api-version=2024-06-01`,
      body,
    );
    expect([r.status, (r.body as { error: { code: string } }).error.code]).toEqual([status, code]);
  });

  it('a write while the link operation runs: 409 AnotherOperationInProgress', async () => {
    await start([zone]);
    const body = { location: 'global', properties: { virtualNetwork: { id: vnet('hub') } } };
    expect(
      (await rawRequest(emulator, 'PUT', `${ZONE}/virtualNetworkLinks/hub?api-version=2024-06-01`, body))
        .status,
    ).toBe(201);
    const clash = await rawRequest(
      emulator,
      'PUT',
      `${ZONE}/virtualNetworkLinks/hub?api-version=2024-06-01`,
      body,
    );
    expect([clash.status, (clash.body as { error: { code: string } }).error.code]).toEqual([
      409,
      'AnotherOperationInProgress',
    ]);
  });

  it('limits link writes per zone (60/min): the next one gets 429 with Retry-After', async () => {
    await start([zone], { privateDnsLinkWritesPerZone: { burst: 2, perSecond: 1 / 60 } });
    const put = (
      n: string,
    ): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> =>
      rawRequest(emulator, 'PUT', `${ZONE}/virtualNetworkLinks/${n}?api-version=2024-06-01`, {
        location: 'global',
        properties: { virtualNetwork: { id: vnet(n) } },
      });
    expect((await put('a')).status).toBe(201);
    expect((await put('b')).status).toBe(201);
    const third = await put('c');
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(59);
  });

  it('record sets: PUT 201/200 (name lower-cased, fqdn), list by type, delete 200/204, invalid addresses refused', async () => {
    await start([zone]);
    const seen = capture(dns.pipeline);
    const created = await dns.recordSets.createOrUpdate(RG, ZONE_NAME, 'A', 'MyVault', {
      ttl: 10,
      aRecords: [{ ipv4Address: '10.1.0.4' }],
    });
    expect([created.name, created.fqdn, created.isAutoRegistered]).toEqual([
      'myvault',
      `myvault.${ZONE_NAME}.`,
      false,
    ]);
    await dns.recordSets.createOrUpdate(RG, ZONE_NAME, 'A', 'myvault', {
      ttl: 10,
      aRecords: [{ ipv4Address: '10.1.0.5' }],
    });
    expect(seen.map((s) => s.status)).toEqual([201, 200]);
    const names: (string | undefined)[] = [];
    for await (const r of dns.recordSets.listByType(RG, ZONE_NAME, 'A')) names.push(r.name);
    expect(names).toEqual(['myvault']);
    expect((await dns.privateZones.get(RG, ZONE_NAME)).numberOfRecordSets).toBe(2);
    expect(
      await fails(
        dns.recordSets.createOrUpdate(RG, ZONE_NAME, 'A', 'bad', {
          aRecords: [{ ipv4Address: '10.1.0.256' }],
        }),
      ),
    ).toEqual([400, 'BadRequest']);
    await dns.recordSets.delete(RG, ZONE_NAME, 'A', 'myvault');
    await dns.recordSets.delete(RG, ZONE_NAME, 'A', 'myvault');
    expect(seen.slice(-2).map((s) => s.status)).toEqual([200, 204]);
  });
});
