/**
 * The emulator in a process of its own (sandbox/emulator/process.ts), as the benchmark runs it
 * (dist/bench/emulatorChild.js generates the fleet there): real SDK clients reach it, its clock keeps the
 * worker's virtual time and follows the worker's jumps, and it goes away when closed.
 */
import { resolve } from 'node:path';
import { createArmClients } from '../../shared/azure/clients';
import { type FleetFigures, subscriptionOf } from '../../bench/fleet';
import { VirtualClock } from '../../sandbox/clock';
import { type EmulatorProcess, startEmulatorProcess } from '../../sandbox/emulator/process';

const SCRIPT = resolve(__dirname, '../../dist/bench/emulatorChild.js');
const SCALE = 20;

let emulator: EmulatorProcess<FleetFigures>;
let clock: VirtualClock;

beforeAll(async () => {
  emulator = await startEmulatorProcess<FleetFigures>({
    script: SCRIPT,
    args: { clusters: 2, identities: 4, subscriptions: 1, drift: 0, seed: 1 },
    clock: () => (clock = new VirtualClock({ scale: SCALE })),
  });
}, 30_000);

afterAll(() => emulator.close());

it('serves the fleet it generated to the real SDK clients, and hands the worker its figures', async () => {
  expect(emulator.extra.options).toMatchObject({ clusters: 2, identities: 4, subscriptions: 1 });
  expect(emulator.extra.config.scope.subscriptions).toEqual([subscriptionOf(0)]);
  const clients = createArmClients({
    credential: emulator.credential,
    endpoint: emulator.endpoint,
    caPem: emulator.caPem,
  });
  const names: string[] = [];
  for await (const identity of clients
    .forSubscription(subscriptionOf(0))
    .msi.userAssignedIdentities.listBySubscription())
    names.push(identity.name!);
  expect(names).toHaveLength(4);
  const metrics = await emulator.metrics();
  expect(metrics.armReads).toBeGreaterThanOrEqual(1);
  expect(metrics.throttled429).toBe(0);
});

it("keeps the worker's virtual time, jumps included: a request is recorded at the worker's now", async () => {
  clock.advance(6 * 3_600_000);
  const before = clock.now();
  const clients = createArmClients({
    credential: emulator.credential,
    endpoint: emulator.endpoint,
    caPem: emulator.caPem,
  });
  const sub = clients.forSubscription(subscriptionOf(0));
  for await (const _ of sub.msi.userAssignedIdentities.listBySubscription()) break;
  const after = clock.now();
  const ops = await emulator.operations();
  const last = ops[ops.length - 1]!;
  // One real millisecond of each side's reading is `SCALE` virtual ones.
  expect(last.at).toBeGreaterThanOrEqual(before - 2 * SCALE);
  expect(last.at).toBeLessThanOrEqual(after + 2 * SCALE);
  expect(last).not.toHaveProperty('body');
});

it('reports its own peak RSS, and refuses queries once closed', async () => {
  expect(await emulator.peakRssMb()).toBeGreaterThan(20);
  await emulator.close();
  await expect(emulator.metrics()).rejects.toThrow(/exited/);
});
