/**
 * The long-running-write seam (shared/azure/lro.ts, docs/style.md 24) with the real
 * @azure/arm-privatedns client and its core-lro v3 poller against the emulator: the initial PUT in one
 * "activity", then polls from the serialized state in fresh pollers (as a later activity builds one),
 * never a second PUT; a refusal arrives through the operation status and is thrown by the poll.
 */
import { PrivateDnsManagementClient, restorePoller } from '@azure/arm-privatedns';
import { toArmError } from '../../shared/azure/errors';
import { pollLro, retryAfterOf, startLro } from '../../shared/azure/lro';
import { VirtualClock } from '../../sandbox/clock';
import { type ArmResource } from '../../sandbox/estate';
import { type Emulator, startEmulator } from '../../sandbox/emulator';
import { estateOf, RG, sdkOptions, SUB } from '../helpers/emulator';

const zoneId = (name: string) =>
  `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateDnsZones/${name}`;
const HUB = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/hub`;
const zone = (name: string): ArmResource => ({
  id: zoneId(name),
  name,
  type: 'Microsoft.Network/privateDnsZones',
  location: 'global',
  properties: { provisioningState: 'Succeeded' },
});

let emulator: Emulator;
afterEach(() => emulator.close());

async function start(resources: ArmResource[]): Promise<() => PrivateDnsManagementClient> {
  emulator = await startEmulator({
    estate: estateOf(resources),
    clock: new VirtualClock({ scale: 1 }),
    limits: 'off',
    latency: { lroMs: 120_000 },
  });
  // A fresh client per "activity": nothing survives between them but the serialized state.
  return () => new PrivateDnsManagementClient(emulator.credential, SUB, sdkOptions(emulator));
}

function begin(dns: PrivateDnsManagementClient, zoneName: string, linkName: string) {
  let retryAfter: number | undefined;
  const poller = dns.virtualNetworkLinks.createOrUpdate(
    RG,
    zoneName,
    linkName,
    { location: 'global', virtualNetwork: { id: HUB }, registrationEnabled: false },
    { onResponse: (raw) => void (retryAfter = retryAfterOf(raw.headers, Date.now())) },
  );
  return startLro(poller, () => retryAfter);
}

const resume = (dns: PrivateDnsManagementClient, state: string) =>
  restorePoller(dns, state, dns.virtualNetworkLinks.createOrUpdate);

const puts = () => emulator.operations.filter((o) => o.method === 'PUT').length;

it('starts the PUT, hands back the poller state and Retry-After, and resumes it by polling only', async () => {
  const client = await start([zone('privatelink.vaultcore.azure.net')]);
  const first = await begin(client(), 'privatelink.vaultcore.azure.net', 'fedlink-hub');
  expect(first).toMatchObject({ kind: 'pending', retryAfterSeconds: 120 });
  if (first.kind !== 'pending') throw new Error('expected pending');
  expect(JSON.parse(first.state)).toMatchObject({ state: { status: 'running' } });

  const second = await pollLro(resume(client(), first.state), first.retryAfterSeconds);
  expect(second.kind).toBe('pending');

  emulator.clock.advance(121_000);
  const third = await pollLro(
    resume(client(), second.kind === 'pending' ? second.state : first.state),
    first.retryAfterSeconds,
  );
  expect(third).toEqual({ kind: 'done' });
  expect(puts()).toBe(1);
  const link = emulator.getResource(
    `${zoneId('privatelink.vaultcore.azure.net')}/virtualNetworkLinks/fedlink-hub`,
  );
  expect(link?.properties).toMatchObject({
    provisioningState: 'Succeeded',
    virtualNetworkLinkState: 'Completed',
  });
});

it('a refusal arrives through the operation status: the poll throws it, classified terminal with its code', async () => {
  const other = zoneId('privatelink.uksouth.azmk8s.io').replace(
    `/resourceGroups/${RG}/`,
    '/resourceGroups/rg-aks-nodes/',
  );
  const client = await start([
    zone('privatelink.uksouth.azmk8s.io'),
    { ...zone('privatelink.uksouth.azmk8s.io'), id: other },
    {
      id: `${other}/virtualNetworkLinks/existing`,
      name: 'existing',
      type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
      location: 'global',
      properties: {
        virtualNetwork: { id: HUB },
        registrationEnabled: false,
        virtualNetworkLinkState: 'Completed',
        provisioningState: 'Succeeded',
      },
    },
  ]);
  const first = await begin(client(), 'privatelink.uksouth.azmk8s.io', 'fedlink-hub');
  if (first.kind !== 'pending')
    throw new Error('expected pending: Azure answers 202 {} and fails the operation');
  emulator.clock.advance(121_000);
  const error = await pollLro(resume(client(), first.state), 60).then(
    () => undefined,
    (e: unknown) => e,
  );
  const arm = toArmError(error);
  expect(arm).toMatchObject({ code: 'BadRequest', classification: 'terminal' });
  expect(arm.message).toContain(
    'A virtual network cannot be linked to multiple zones with overlapping namespaces',
  );
  expect(puts()).toBe(1);
});
