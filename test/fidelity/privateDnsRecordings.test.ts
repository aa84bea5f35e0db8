/**
 * Fidelity: Private DNS virtual network link traffic recorded against real Azure, replayed request by
 * request against the emulator, with the recorded answers (status, body, the headers that matter)
 * written out here. Source: Azure/azure-cli
 * `src/azure-cli/azure/cli/command_modules/privatedns/tests/latest/recordings/` (read, not copied; the
 * recordings themselves are not in this repo). Names, subscription and api-version are the recordings'.
 * docs/azure-behaviour.md §9.3.
 */
import { VirtualClock } from '../../sandbox/clock';
import { type ArmResource } from '../../sandbox/estate';
import { type Emulator, startEmulator } from '../../sandbox/emulator';
import { estateOf, rawRequest, type RawResponse } from '../helpers/emulator';

const SUB = '00000000-0000-0000-0000-000000000000';
const RG = 'clitest_privatedns000001';
const ZONE = 'clitest.privatedns.com000002';
const VNET = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/clitestprivatednsvnet000003`;
const LINK = 'clitestprivatednslink000004';
const ZONE_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateDnsZones/${ZONE}`;
const LINK_PATH = `${ZONE_ID}/virtualNetworkLinks/${LINK}?api-version=2018-09-01`;
/** The request body `az network private-dns link vnet create -e false` sends (both recordings). */
const CREATE = {
  location: 'global',
  properties: { registrationEnabled: false, virtualNetwork: { id: VNET } },
};
/** The recordings poll after about 30 s; the emulator's operation takes that long in virtual time. */
const OPERATION_MS = 30_000;

const zone: ArmResource = {
  id: ZONE_ID,
  name: ZONE,
  type: 'Microsoft.Network/privateDnsZones',
  location: 'global',
  etag: '76ac5e56-77df-43e2-ac0c-e1d39defe506',
  properties: { provisioningState: 'Succeeded' },
};

function pathOf(url: unknown): string {
  const u = new URL(String(url));
  return u.pathname + u.search;
}

describe('fidelity: Private DNS link traffic recorded by azure-cli', () => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await startEmulator({
      estate: estateOf([zone], [SUB]),
      clock: new VirtualClock({ scale: 1 }),
      limits: 'off',
      latency: { lroMs: OPERATION_MS },
    });
  });
  afterEach(() => emulator.close());

  /** PUT/PATCH → the recorded `202 {}` with both polling URLs; returns the status URL's path. */
  async function accepted(r: RawResponse): Promise<string> {
    expect([r.status, r.body]).toEqual([202, {}]);
    expect(String(r.headers['azure-asyncoperation'])).toMatch(
      new RegExp(
        `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft\\.Network/privateDnsOperationStatuses/[^?]+\\?api-version=2018-09-01$`,
      ),
    );
    expect(String(r.headers['location'])).toMatch(
      new RegExp(
        `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft\\.Network/privateDnsOperationResults/[^?]+\\?api-version=2018-09-01$`,
      ),
    );
    const status = pathOf(r.headers['azure-asyncoperation']);
    // While it runs: 202 {"status":"InProgress"} with both URLs again.
    const running = await rawRequest(emulator, 'GET', status);
    expect([running.status, running.body]).toEqual([202, { status: 'InProgress' }]);
    expect(running.headers['azure-asyncoperation']).toBeDefined();
    expect(running.headers['location']).toBeDefined();
    emulator.clock.advance(OPERATION_MS);
    return status;
  }

  async function createLink(): Promise<Record<string, unknown>> {
    const status = await accepted(await rawRequest(emulator, 'PUT', LINK_PATH, CREATE));
    const done = await rawRequest(emulator, 'GET', status);
    expect([done.status, done.body]).toEqual([200, { status: 'Succeeded' }]);
    const link = await rawRequest(emulator, 'GET', LINK_PATH);
    expect(link.status).toBe(200);
    // The recorded body, keys and values; the etag is a quoted GUID-like string.
    expect(link.body).toEqual({
      id: `${ZONE_ID}/virtualNetworkLinks/${LINK}`,
      name: LINK,
      type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
      etag: expect.stringMatching(/^"[0-9a-f-]+"$/) as unknown,
      location: 'global',
      properties: {
        provisioningState: 'Succeeded',
        registrationEnabled: false,
        virtualNetwork: { id: VNET },
        virtualNetworkLinkState: 'Completed',
      },
    });
    return link.body as Record<string, unknown>;
  }

  it('test_PutLink_LinkExistsIfNoneMatchFailure_ExpectError.yaml: create succeeds; If-None-Match: * again is accepted (202 {}) and the operation fails PreconditionFailed', async () => {
    const before = await createLink();
    const status = await accepted(
      await rawRequest(emulator, 'PUT', LINK_PATH, CREATE, { 'if-none-match': '*' }),
    );
    const failed = await rawRequest(emulator, 'GET', status);
    expect([failed.status, failed.body]).toEqual([
      200,
      {
        error: {
          code: 'PreconditionFailed',
          message: `The Virtual Network link ${LINK} for the Private DNS zone ${ZONE} exists already and hence cannot be created again.`,
        },
        status: 'Failed',
      },
    ]);
    // Nothing changed.
    expect((await rawRequest(emulator, 'GET', LINK_PATH)).body).toEqual(before);
  });

  it('test_PatchLink_LinkExistsIfMatchFailure_ExpectError.yaml: PATCH with a stale If-Match is accepted (202 {}) and the operation fails PreconditionFailed', async () => {
    const before = await createLink();
    // The CLI's update sends the whole link back with the If-Match it was given.
    const status = await accepted(
      await rawRequest(
        emulator,
        'PATCH',
        LINK_PATH,
        { location: 'global', etag: before['etag'], properties: CREATE.properties },
        { 'if-match': '092c27b0-6bde-4b59-8877-4bf9c74f6d3d' },
      ),
    );
    const failed = await rawRequest(emulator, 'GET', status);
    expect([failed.status, failed.body]).toEqual([
      200,
      {
        error: {
          code: 'PreconditionFailed',
          message: `The Virtual Network link '${LINK}' for the Private DNS zone '${ZONE}' has been modified (etag mismatch).`,
        },
        status: 'Failed',
      },
    ]);
    expect((await rawRequest(emulator, 'GET', LINK_PATH)).body).toEqual(before);
  });

  it('test_PatchLink_LinkExistsIfMatchSuccess_ExpectLinkUpdated.yaml: PATCH with If-Match = the current (quoted) etag is accepted (202 {}) and succeeds with a new quoted etag', async () => {
    const before = await createLink();
    const status = await accepted(
      await rawRequest(
        emulator,
        'PATCH',
        LINK_PATH,
        { location: 'global', etag: before['etag'], properties: CREATE.properties },
        { 'if-match': String(before['etag']) },
      ),
    );
    expect((await rawRequest(emulator, 'GET', status)).body).toEqual({ status: 'Succeeded' });
    const after = (await rawRequest(emulator, 'GET', LINK_PATH)).body as Record<string, unknown>;
    expect(after).toEqual({ ...before, etag: expect.stringMatching(/^"[0-9a-f-]+"$/) as unknown });
    expect(after['etag']).not.toBe(before['etag']);
  });
});
