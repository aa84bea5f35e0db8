/**
 * VirtualClock.following (sandbox/clock.ts): a clock that keeps another's time, as the benchmark's
 * emulator process keeps the worker's (sandbox/emulator/process.ts).
 */
import { VirtualClock } from '../../../sandbox/clock';

it('a following clock reads the same virtual time, at the same scale, and follows the jumps it is sent', async () => {
  const origin = new VirtualClock({ scale: 50 });
  origin.advance(10_000);
  await new Promise((r) => setTimeout(r, 20));
  const follower = VirtualClock.following(origin.origin());
  const jumps: number[] = [];
  origin.onJump((jumped) => {
    jumps.push(jumped);
    follower.jumpTo(jumped);
  });
  // Within a few real milliseconds of each other (the two reads are not at the same instant).
  expect(Math.abs(follower.now() - origin.now())).toBeLessThan(5 * 50);
  expect(follower.scale).toBe(50);
  origin.advance(3_600_000);
  expect(jumps).toEqual([3_610_000]);
  expect(Math.abs(follower.now() - origin.now())).toBeLessThan(5 * 50);
  // A jump the follower already has, or one behind it, changes nothing.
  follower.jumpTo(1);
  expect(Math.abs(follower.now() - origin.now())).toBeLessThan(5 * 50);
});

it('a sleeper on the following clock wakes on the jump that passes its deadline', async () => {
  const origin = new VirtualClock({ scale: 1 });
  const follower = VirtualClock.following(origin.origin());
  origin.onJump((jumped) => follower.jumpTo(jumped));
  let woke = false;
  const sleeping = follower.sleep(60_000).then(() => (woke = true));
  origin.advance(30_000);
  await Promise.resolve();
  expect(woke).toBe(false);
  origin.advance(30_001);
  await sleeping;
  expect(woke).toBe(true);
});
