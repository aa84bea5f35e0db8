/**
 * Private DNS (docs/azure-behaviour.md §5, §9.3) through the real @azure/arm-privatedns client and its
 * poller: link LROs (create, PATCH, delete), refusals that arrive through the operation status
 * (preconditions, conflicts, overlapping namespaces, registration, per-zone limits), zone counters, record
 * sets, and private endpoint zone groups writing their A records into the right zone.
 *
 * Changed with the stricter emulator: link preconditions and conflicts used to be synchronous 412/409
 * answers; Azure accepts the write (202 `{}`) and fails the operation (Azure/azure-cli privatedns
 * recordings, cited per test), so these tests now expect the poller to reject.
 */
import { NetworkManagementClient } from '@azure/arm-network';
import { PrivateDnsManagementClient, type VirtualNetworkLink } from '@azure/arm-privatedns';
import { RestError } from '@azure/core-rest-pipeline';
import { VirtualClock } from '../../sandbox/clock';
import { type ArmResource } from '../../sandbox/estate';
import { type Emulator, startEmulator } from '../../sandbox/emulator';
import { capture, estateOf, rawRequest, RG, sdkOptions, SUB } from '../helpers/emulator';

// Recordings cited below: Azure/azure-cli src/azure-cli/azure/cli/command_modules/privatedns/tests/latest/recordings/.
const HUB_RG = 'rg-hub';
const ZONE_NAME = 'privatelink.vaultcore.azure.net';
const zoneId = (name: string, rg = RG): string =>
  `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Network/privateDnsZones/${name}`;
const ZONE = zoneId(ZONE_NAME);
const vnet = (n: string): string =>
  `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/${n}`;

function zone(name: string, rg = RG): ArmResource {
  return {
    id: zoneId(name, rg),
    name,
    type: 'Microsoft.Network/privateDnsZones',
    location: 'global',
    etag: 'z-1',
    properties: { provisioningState: 'Succeeded' },
  };
}

function linkIn(
  zoneResourceId: string,
  name: string,
  vnetName: string,
  extra: Record<string, unknown> = {},
): ArmResource {
  return {
    id: `${zoneResourceId}/virtualNetworkLinks/${name}`,
    name,
    type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
    location: 'global',
    etag: `"etag-${name}"`,
    properties: {
      virtualNetwork: { id: vnet(vnetName) },
      registrationEnabled: false,
      virtualNetworkLinkState: 'Completed',
      provisioningState: 'Succeeded',
      ...extra,
    },
  };
}

const link = (name: string, vnetName: string, extra: Record<string, unknown> = {}): ArmResource =>
  linkIn(ZONE, name, vnetName, extra);

const params = (vnetName: string, registrationEnabled = false): VirtualNetworkLink => ({
  location: 'global',
  virtualNetwork: { id: vnet(vnetName) },
  registrationEnabled,
});

async function fails(p: Promise<unknown>): Promise<[number | undefined, string | undefined]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RestError) return [e.statusCode, e.code];
    throw e;
  }
  throw new Error('expected a failure');
}

/** The message the SDK poller rejects with when the operation status says Failed (core-lro). */
async function lroFailure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RestError) throw new Error(`expected the operation to fail, got HTTP ${e.statusCode}`);
    return (e as Error).message;
  }
  throw new Error('expected the operation to fail');
}

const failedWith = (code: string, message: string): string =>
  `The long-running operation has failed. ${code}. ${message}`;

describe('emulator: private DNS', () => {
  let emulator: Emulator;
  let dns: PrivateDnsManagementClient;

  async function start(
    resources: ArmResource[],
    limits: Parameters<typeof startEmulator>[0]['limits'] = 'off',
    lroMs = 5000,
    scale = 100,
  ): Promise<void> {
    emulator = await startEmulator({
      estate: estateOf(resources),
      clock: new VirtualClock({ scale }),
      limits,
      latency: { lroMs },
    });
    dns = new PrivateDnsManagementClient(
      emulator.credential,
      SUB,
      sdkOptions(emulator, { retryOptions: { maxRetries: 0 } }),
    );
  }
  afterEach(() => emulator.close());

  const stored = (id: string): ArmResource | undefined => emulator.getResource(id);
  const linksOf = (zid: string): string[] =>
    emulator
      .state()
      .resources.filter((r) => r.id.toLowerCase().startsWith(`${zid.toLowerCase()}/virtualnetworklinks/`))
      .map((r) => r.name)
      .sort();

  it('a link is InProgress until its operation completes in virtual time; then Succeeded/Completed and the zone counts it', async () => {
    // 100 s virtual = 1 s real at this clock: room to read the link while the operation runs.
    await start([zone(ZONE_NAME)], 'off', 100_000);
    const seen = capture(dns.pipeline);
    const poller = dns.virtualNetworkLinks.createOrUpdate(RG, ZONE_NAME, 'hub', params('hub', true));
    await poller.submitted();
    // Recorded (test_PutLink_LinkExistsIfNoneMatchFailure_ExpectError.yaml, first link PUT): 202 with `{}`.
    expect([seen[0]!.status, seen[0]!.body]).toEqual([202, {}]);
    expect(seen[0]!.headers['azure-asyncoperation']).toMatch(/\/privateDnsOperationStatuses\//);
    expect(seen[0]!.headers['location']).toMatch(/\/privateDnsOperationResults\//);
    const during = await dns.virtualNetworkLinks.get(RG, ZONE_NAME, 'hub');
    expect([during.provisioningState, during.virtualNetworkLinkState]).toEqual(['Creating', 'InProgress']);
    emulator.clock.advance(100_000);
    const done = await poller;
    expect([done.provisioningState, done.virtualNetworkLinkState, done.registrationEnabled]).toEqual([
      'Succeeded',
      'Completed',
      true,
    ]);
    // Link etags are quoted strings, as recorded ("8801e9aa-...").
    expect(done.etag).toMatch(/^"[0-9a-f-]{36}"$/);
    expect(stored(`${ZONE}/virtualNetworkLinks/hub`)?.['properties']).toEqual({
      virtualNetwork: { id: vnet('hub') },
      registrationEnabled: true,
      virtualNetworkLinkState: 'Completed',
      provisioningState: 'Succeeded',
    });
    const z = await dns.privateZones.get(RG, ZONE_NAME);
    expect([
      z.numberOfVirtualNetworkLinks,
      z.numberOfVirtualNetworkLinksWithRegistration,
      z.numberOfRecordSets,
    ]).toEqual([1, 1, 1]);
  });

  it('If-None-Match: * on an existing link: 202, then the operation fails PreconditionFailed with the recorded message; the link is untouched', async () => {
    // Recorded: test_PutLink_LinkExistsIfNoneMatchFailure_ExpectError.yaml (its second link PUT).
    const before = link('hub', 'hub', { registrationEnabled: true });
    await start([zone(ZONE_NAME), before]);
    const seen = capture(dns.pipeline);
    const message = await lroFailure(
      dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(RG, ZONE_NAME, 'hub', params('other'), {
        ifNoneMatch: '*',
      }),
    );
    const recorded = `The Virtual Network link hub for the Private DNS zone ${ZONE_NAME} exists already and hence cannot be created again.`;
    expect(message).toBe(failedWith('PreconditionFailed', recorded));
    expect([seen[0]!.method, seen[0]!.status, seen[0]!.body]).toEqual(['PUT', 202, {}]);
    expect(seen[seen.length - 1]!.body).toEqual({
      error: { code: 'PreconditionFailed', message: recorded },
      status: 'Failed',
    });
    expect(seen.map((s) => s.status)).not.toContain(412);
    expect(stored(before.id)).toEqual(before);
    expect(emulator.metrics().preconditionFailed412).toBe(0);
  });

  it('If-Match with a stale etag fails through the operation (PUT and PATCH), the current etag succeeds; If-Match on an absent link fails too', async () => {
    // Recorded: test_PatchLink_LinkExistsIfMatchFailure_ExpectError.yaml (the PATCH with a wrong If-Match).
    const before = link('hub', 'hub');
    await start([zone(ZONE_NAME), before]);
    const mismatch = failedWith(
      'PreconditionFailed',
      `The Virtual Network link 'hub' for the Private DNS zone '${ZONE_NAME}' has been modified (etag mismatch).`,
    );
    expect(
      await lroFailure(
        dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(RG, ZONE_NAME, 'hub', params('hub'), {
          ifMatch: '"stale"',
        }),
      ),
    ).toBe(mismatch);
    expect(
      await lroFailure(
        dns.virtualNetworkLinks.beginUpdateAndWait(
          RG,
          ZONE_NAME,
          'hub',
          { tags: { a: 'b' } },
          { ifMatch: '"stale"' },
        ),
      ),
    ).toBe(mismatch);
    // The unquoted form of the right etag is not the etag (compared exactly; ASSUMED).
    expect(
      await lroFailure(
        dns.virtualNetworkLinks.beginUpdateAndWait(
          RG,
          ZONE_NAME,
          'hub',
          { tags: {} },
          { ifMatch: 'etag-hub' },
        ),
      ),
    ).toBe(mismatch);
    expect(stored(before.id)).toEqual(before);
    expect(
      await lroFailure(
        dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(RG, ZONE_NAME, 'new', params('new'), {
          ifMatch: '*',
        }),
      ),
    ).toMatch(/^The long-running operation has failed\. PreconditionFailed\. /);
    expect(stored(`${ZONE}/virtualNetworkLinks/new`)).toBeUndefined();

    const updated = await dns.virtualNetworkLinks.beginUpdateAndWait(
      RG,
      ZONE_NAME,
      'hub',
      { tags: { team: 'net' } },
      { ifMatch: '"etag-hub"' },
    );
    expect([updated.provisioningState, updated.tags]).toEqual(['Succeeded', { team: 'net' }]);
    expect(updated.etag).not.toBe('"etag-hub"');
    expect(updated.etag).toMatch(/^"[0-9a-f-]{36}"$/);
    const again = await dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(
      RG,
      ZONE_NAME,
      'hub',
      params('hub'),
      {
        ifMatch: updated.etag!,
      },
    );
    expect(again.provisioningState).toBe('Succeeded');
    expect(stored(before.id)?.['etag']).toBe(again.etag);
  });

  it('PATCH is an LRO like PUT (202 {}): tags and registration merge, the network stays; an absent link is 404', async () => {
    const before = link('hub', 'hub', { resolutionPolicy: 'Default' });
    await start([zone(ZONE_NAME), { ...before, tags: { old: '1' } }], 'off', 100_000);
    const seen = capture(dns.pipeline);
    const poller = dns.virtualNetworkLinks.update(RG, ZONE_NAME, 'hub', {
      tags: { team: 'net' },
      registrationEnabled: true,
    });
    await poller.submitted();
    expect([seen[0]!.method, seen[0]!.status, seen[0]!.body]).toEqual(['PATCH', 202, {}]);
    expect((await dns.virtualNetworkLinks.get(RG, ZONE_NAME, 'hub')).provisioningState).toBe('Updating');
    emulator.clock.advance(100_000);
    const done = await poller;
    expect([done.provisioningState, done.virtualNetworkLinkState]).toEqual(['Succeeded', 'Completed']);
    const now = stored(before.id)!;
    expect(now['tags']).toEqual({ team: 'net' });
    expect(now['properties']).toEqual({
      virtualNetwork: { id: vnet('hub') },
      registrationEnabled: true,
      resolutionPolicy: 'Default',
      virtualNetworkLinkState: 'Completed',
      provisioningState: 'Succeeded',
    });
    expect(
      await fails(dns.virtualNetworkLinks.beginUpdateAndWait(RG, ZONE_NAME, 'absent', { tags: {} })),
    ).toEqual([404, 'ResourceNotFound']);
  });

  it('one virtual network cannot be linked to two zones with the same name: BadRequest through the operation', async () => {
    // MicrosoftDocs/azure-aks-docs#212 (message), Azure/ARO-RP#796 (reported as a failed operation).
    const other = zone('privatelink.eastus.azmk8s.io', HUB_RG);
    const mine = zone('privatelink.eastus.azmk8s.io');
    await start([other, mine, linkIn(other.id, 'hub', 'hub')]);
    const message = await lroFailure(
      dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(
        RG,
        'privatelink.eastus.azmk8s.io',
        'hub',
        params('hub'),
      ),
    );
    expect(message).toBe(
      failedWith(
        'BadRequest',
        "A virtual network cannot be linked to multiple zones with overlapping namespaces. You tried to link virtual network with 'privatelink.eastus.azmk8s.io' and 'privatelink.eastus.azmk8s.io' zones.",
      ),
    );
    expect(linksOf(mine.id)).toEqual([]);
    expect(linksOf(other.id)).toEqual(['hub']);
    // Another network may link it.
    await dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(
      RG,
      'privatelink.eastus.azmk8s.io',
      'spoke',
      params('spoke'),
    );
    expect(linksOf(mine.id)).toEqual(['spoke']);
  });

  it('a parent zone and its subzone count as overlapping (UNVERIFIED, the stricter reading); an unrelated zone links', async () => {
    const parent = zone('privatelink.eastus.azmk8s.io', HUB_RG);
    const sub = zone('team1.privatelink.eastus.azmk8s.io');
    const west = zone('privatelink.westus.azmk8s.io');
    await start([parent, sub, west, linkIn(parent.id, 'hub', 'hub')]);
    expect(
      await lroFailure(
        dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(
          RG,
          'team1.privatelink.eastus.azmk8s.io',
          'hub',
          params('hub'),
        ),
      ),
    ).toMatch(
      /^The long-running operation has failed\. BadRequest\. A virtual network cannot be linked to multiple zones with overlapping namespaces\./,
    );
    expect(linksOf(sub.id)).toEqual([]);
    const ok = await dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(
      RG,
      'privatelink.westus.azmk8s.io',
      'hub',
      params('hub'),
    );
    expect(ok.provisioningState).toBe('Succeeded');
    expect(linksOf(west.id)).toEqual(['hub']);
  });

  it('a second link of the same network to the same zone: Conflict through the operation (message ASSUMED)', async () => {
    await start([zone(ZONE_NAME), link('hub', 'hub')]);
    const poller = await dns.virtualNetworkLinks.beginCreateOrUpdate(RG, ZONE_NAME, 'hub-2', params('hub'));
    expect(poller.getOperationState().status).toBe('running');
    expect(await lroFailure(poller.pollUntilDone())).toMatch(
      /^The long-running operation has failed\. Conflict\. /,
    );
    expect(linksOf(ZONE)).toEqual(['hub']);
  });

  it('one registration zone per virtual network: Conflict for a PUT and for a PATCH that turns registration on', async () => {
    // Message: Azure/terraform-azurerm-caf-enterprise-scale#157.
    const a = zone('corp.internal', HUB_RG);
    const b = zone('lab.internal');
    await start([a, b, linkIn(a.id, 'hub', 'hub', { registrationEnabled: true })]);
    const conflict = failedWith(
      'Conflict',
      "A virtual network can only be linked to 1 Private DNS zone(s) with auto-registration enabled; conflicting Private DNS zone is 'corp.internal'.",
    );
    expect(
      await lroFailure(
        dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(RG, 'lab.internal', 'hub', params('hub', true)),
      ),
    ).toBe(conflict);
    expect(linksOf(b.id)).toEqual([]);
    // Resolution only is fine; turning registration on later is refused the same way.
    await dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(RG, 'lab.internal', 'hub', params('hub'));
    expect(
      await lroFailure(
        dns.virtualNetworkLinks.beginUpdateAndWait(RG, 'lab.internal', 'hub', { registrationEnabled: true }),
      ),
    ).toBe(conflict);
    expect(
      (stored(`${b.id}/virtualNetworkLinks/hub`)?.['properties'] as Record<string, unknown>)[
        'registrationEnabled'
      ],
    ).toBe(false);
  });

  it('per-zone limits: the 1,001st link and the 101st registration link fail through the operation (codes ASSUMED)', async () => {
    const full = zone('full.internal');
    const reg = zone('reg.internal');
    const links = [
      ...Array.from({ length: 1000 }, (_, i) => linkIn(full.id, `l${i}`, `v${i}`)),
      ...Array.from({ length: 100 }, (_, i) =>
        linkIn(reg.id, `r${i}`, `rv${i}`, { registrationEnabled: true }),
      ),
    ];
    await start([full, reg, ...links]);
    expect(
      await lroFailure(
        dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(RG, 'full.internal', 'one-more', params('x')),
      ),
    ).toBe(
      failedWith(
        'BadRequest',
        'The Private DNS zone full.internal already has the maximum number of virtual network links (1000).',
      ),
    );
    expect(linksOf(full.id)).toHaveLength(1000);
    // Updating an existing link of a full zone is fine.
    await dns.virtualNetworkLinks.beginUpdateAndWait(RG, 'full.internal', 'l0', { tags: { k: 'v' } });
    expect(stored(`${full.id}/virtualNetworkLinks/l0`)?.['tags']).toEqual({ k: 'v' });

    expect(
      await lroFailure(
        dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(RG, 'reg.internal', 'r100', params('rv100', true)),
      ),
    ).toBe(
      failedWith(
        'BadRequest',
        'The Private DNS zone reg.internal already has the maximum number of virtual network links with auto-registration enabled (100).',
      ),
    );
    expect(linksOf(reg.id)).toHaveLength(100);
    await dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(
      RG,
      'reg.internal',
      'r100',
      params('rv100', false),
    );
    expect(linksOf(reg.id)).toHaveLength(101);
    const z = await dns.privateZones.get(RG, 'reg.internal');
    expect([z.numberOfVirtualNetworkLinks, z.numberOfVirtualNetworkLinksWithRegistration]).toEqual([
      101, 100,
    ]);
  });

  it('delete is an LRO too; absent is 204', async () => {
    await start([zone(ZONE_NAME), link('hub', 'hub')]);
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

  it.each<[string, Record<string, unknown>]>([
    [
      'a location other than global',
      { location: 'eastus', properties: { virtualNetwork: { id: vnet('x') } } },
    ],
    ['no virtual network', { location: 'global', properties: {} }],
    [
      'a virtual network id of another type',
      { location: 'global', properties: { virtualNetwork: { id: ZONE } } },
    ],
  ])('refuses %s synchronously: 400 BadRequest (ASSUMED synchronous)', async (_what, body) => {
    await start([zone(ZONE_NAME), link('hub', 'hub')]);
    const r = await rawRequest(
      emulator,
      'PUT',
      `${ZONE}/virtualNetworkLinks/other?api-version=2024-06-01`,
      body,
    );
    expect([r.status, (r.body as { error: { code: string } }).error.code]).toEqual([400, 'BadRequest']);
    expect(linksOf(ZONE)).toEqual(['hub']);
  });

  it('a write while the link operation runs: 409 AnotherOperationInProgress', async () => {
    await start([zone(ZONE_NAME)]);
    const body = { location: 'global', properties: { virtualNetwork: { id: vnet('hub') } } };
    const first = await rawRequest(
      emulator,
      'PUT',
      `${ZONE}/virtualNetworkLinks/hub?api-version=2024-06-01`,
      body,
    );
    expect([first.status, first.body]).toEqual([202, {}]);
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
    // Wall-clock time, so the real time the three requests take does not count against the wait.
    await start([zone(ZONE_NAME)], { privateDnsLinkWritesPerZone: { burst: 2, perSecond: 1 / 60 } }, 5000, 1);
    const put = (
      n: string,
    ): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> =>
      rawRequest(emulator, 'PUT', `${ZONE}/virtualNetworkLinks/${n}?api-version=2024-06-01`, {
        location: 'global',
        properties: { virtualNetwork: { id: vnet(n) } },
      });
    expect((await put('a')).status).toBe(202);
    expect((await put('b')).status).toBe(202);
    const third = await put('c');
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(59);
  });

  it('record sets: PUT 201/200 (name lower-cased, fqdn), list by type, delete 200/204, invalid addresses refused', async () => {
    await start([zone(ZONE_NAME)]);
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

describe('emulator: private endpoint DNS zone groups write records relative to the zone that holds each fqdn', () => {
  let emulator: Emulator;
  afterEach(() => emulator.close());

  const ACR_ZONE = zoneId('privatelink.azurecr.io', HUB_RG);
  const KV_ZONE = zoneId('privatelink.vaultcore.azure.net', HUB_RG);
  const AKS_ZONE = zoneId('privatelink.eastus.azmk8s.io', HUB_RG);
  const AKS_HOST = 'aks-prod-1a2b3c4d.5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9';

  function endpoint(name: string, dnsConfigs: { fqdn: string; ip: string }[]): ArmResource {
    return {
      id: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateEndpoints/${name}`,
      name,
      type: 'Microsoft.Network/privateEndpoints',
      location: 'eastus',
      properties: {
        provisioningState: 'Succeeded',
        customDnsConfigs: dnsConfigs.map((d) => ({ fqdn: d.fqdn, ipAddresses: [d.ip] })),
      },
    };
  }

  /** The A records of a zone as `name → addresses`. */
  function aRecords(zid: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const r of emulator.state().resources) {
      if (!r.id.toLowerCase().startsWith(`${zid.toLowerCase()}/a/`)) continue;
      const p = r.properties as { aRecords: { ipv4Address: string }[]; fqdn: string };
      out[r.name] = p.aRecords.map((a) => a.ipv4Address);
      expect(p.fqdn).toBe(`${r.name}.${zid.split('/').pop()!}.`);
    }
    return out;
  }

  it('ACR: the registry and its regional data endpoint both land in privatelink.azurecr.io, nothing in the other zone; delete removes them', async () => {
    const pe = endpoint('pe-acr', [
      { fqdn: 'myreg.azurecr.io', ip: '10.2.0.4' },
      { fqdn: 'myreg.eastus.data.azurecr.io', ip: '10.2.0.5' },
    ]);
    emulator = await startEmulator({
      estate: estateOf([
        pe,
        zone('privatelink.azurecr.io', HUB_RG),
        zone('privatelink.vaultcore.azure.net', HUB_RG),
      ]),
      clock: new VirtualClock({ scale: 100 }),
      limits: 'off',
      latency: { lroMs: 200 },
    });
    const network = new NetworkManagementClient(emulator.credential, SUB, sdkOptions(emulator));
    const seen = capture(network.pipeline);
    const group = await network.privateDnsZoneGroups.createOrUpdate(RG, 'pe-acr', 'default', {
      privateDnsZoneConfigs: [
        { name: 'acr', privateDnsZoneId: ACR_ZONE },
        { name: 'kv', privateDnsZoneId: KV_ZONE },
      ],
    });
    expect(group.provisioningState).toBe('Succeeded');
    // The request has the spec example's shape (network.PrivateEndpointDnsZoneGroupCreate.json).
    expect(seen[0]!.method).toBe('PUT');
    expect(aRecords(ACR_ZONE)).toEqual({ myreg: ['10.2.0.4'], 'myreg.eastus.data': ['10.2.0.5'] });
    expect(aRecords(KV_ZONE)).toEqual({});
    expect(
      group.privateDnsZoneConfigs?.map((c) => [c.name, c.recordSets?.map((r) => r.recordSetName)]),
    ).toEqual([
      ['acr', ['myreg', 'myreg.eastus.data']],
      ['kv', []],
    ]);
    expect(group.privateDnsZoneConfigs?.[0]?.recordSets?.[1]).toEqual({
      fqdn: 'myreg.eastus.data.privatelink.azurecr.io',
      ipAddresses: ['10.2.0.5'],
      recordSetName: 'myreg.eastus.data',
      recordType: 'A',
    });
    await network.privateDnsZoneGroups.delete(RG, 'pe-acr', 'default');
    expect(aRecords(ACR_ZONE)).toEqual({});
  });

  it('ACR with the regional data zone configured too: each fqdn goes into the most specific zone that holds it (ASSUMED)', async () => {
    const dataZone = zoneId('eastus.data.privatelink.azurecr.io', HUB_RG);
    const pe = endpoint('pe-acr', [
      { fqdn: 'myreg.azurecr.io', ip: '10.2.0.4' },
      { fqdn: 'myreg.eastus.data.azurecr.io', ip: '10.2.0.5' },
    ]);
    emulator = await startEmulator({
      estate: estateOf([
        pe,
        zone('privatelink.azurecr.io', HUB_RG),
        zone('eastus.data.privatelink.azurecr.io', HUB_RG),
      ]),
      clock: new VirtualClock({ scale: 100 }),
      limits: 'off',
      latency: { lroMs: 200 },
    });
    const network = new NetworkManagementClient(emulator.credential, SUB, sdkOptions(emulator));
    await network.privateDnsZoneGroups.createOrUpdate(RG, 'pe-acr', 'default', {
      privateDnsZoneConfigs: [
        { name: 'acr', privateDnsZoneId: ACR_ZONE },
        { name: 'data', privateDnsZoneId: dataZone },
      ],
    });
    expect(aRecords(ACR_ZONE)).toEqual({ myreg: ['10.2.0.4'] });
    expect(aRecords(dataZone)).toEqual({ myreg: ['10.2.0.5'] });
  });

  it('AKS: the API server record is <prefix>-<hash>.<guid> in privatelink.<region>.azmk8s.io; a zone that no fqdn falls in gets nothing', async () => {
    const pe = endpoint('pe-aks', [{ fqdn: `${AKS_HOST}.privatelink.eastus.azmk8s.io`, ip: '10.3.0.4' }]);
    const westZone = zoneId('privatelink.westus.azmk8s.io', HUB_RG);
    emulator = await startEmulator({
      estate: estateOf([
        pe,
        zone('privatelink.eastus.azmk8s.io', HUB_RG),
        zone('privatelink.westus.azmk8s.io', HUB_RG),
      ]),
      clock: new VirtualClock({ scale: 100 }),
      limits: 'off',
      latency: { lroMs: 200 },
    });
    const network = new NetworkManagementClient(emulator.credential, SUB, sdkOptions(emulator));
    await network.privateDnsZoneGroups.createOrUpdate(RG, 'pe-aks', 'default', {
      privateDnsZoneConfigs: [
        { name: 'west', privateDnsZoneId: westZone },
        { name: 'east', privateDnsZoneId: AKS_ZONE },
      ],
    });
    expect(aRecords(AKS_ZONE)).toEqual({ [AKS_HOST]: ['10.3.0.4'] });
    expect(aRecords(westZone)).toEqual({});
    // Dropping the zone from the group removes its records.
    await network.privateDnsZoneGroups.createOrUpdate(RG, 'pe-aks', 'default', {
      privateDnsZoneConfigs: [{ name: 'west', privateDnsZoneId: westZone }],
    });
    expect(aRecords(AKS_ZONE)).toEqual({});
  });
});
