/**
 * docs/targets.md "Reliability targets" 4, generated: every orchestration of every capability stopped
 * after each completion it consumed and in the middle of each activity (writes done, result lost),
 * resumed, ends in the clean run's state without a completed write repeated (./harness.ts).
 * The event scenarios run every point; the fleet drift check a deterministic sample (the full sweep:
 * `npm run bench:crash`).
 */
import {
  type CrashPoint,
  describePoint,
  repeatedWrites,
  samplePoints,
  type SweepResult,
  sweep,
  type WriteRecord,
} from './harness';
import { FLEET_SCENARIO, SCENARIOS } from './scenarios';

/** Fleet points run in npm test (the rest: bench/crash.ts). */
const FLEET_SAMPLE = 12;

function summary(name: string, r: SweepResult): string {
  const count = (kind: CrashPoint['kind']) => r.points.filter((p) => p.kind === kind).length;
  const ran = r.ran.length === r.points.length ? 'all run' : `${r.ran.length} run (sampled)`;
  const early =
    r.endedEarly.length > 0 ? `; ended before a provider operation finished: ${r.endedEarly.join('; ')}` : '';
  return `${name}: ${r.points.length} crash points (${count('afterEpisode')} after episodes, ${count('midActivity')} mid-activity), ${ran}; clean run: ${r.clean.writes.length} writes, ${r.clean.activityExecutions} activity executions${early}`;
}

/** A run must write something in each capability's scenario, or the sweep proves nothing. */
function successfulWrites(r: SweepResult): WriteRecord[] {
  return r.clean.writes.filter((w) => w.status >= 200 && w.status < 300);
}

describe('crash safety, generated from the histories', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s: every crash point resumes to the same end state, no completed write repeated',
    async (_name, scenario) => {
      const result = await sweep(scenario);
      console.log(summary(scenario.name, result));
      expect(successfulWrites(result).length).toBeGreaterThan(0);
      expect(result.points.some((p) => p.kind === 'midActivity')).toBe(true);
      expect(result.points.some((p) => p.kind === 'afterEpisode')).toBe(true);
      expect(result.ran).toHaveLength(result.points.length);
      expect(result.problems).toEqual([]);
    },
    240_000,
  );

  it(`${FLEET_SCENARIO.name}: a deterministic sample of ${FLEET_SAMPLE} crash points`, async () => {
    const result = await sweep(FLEET_SCENARIO, { sample: FLEET_SAMPLE });
    console.log(summary(FLEET_SCENARIO.name, result));
    // Every capability wrote in the clean run: FICs, connection approvals, VNet links and zone groups.
    const objects = successfulWrites(result).map((w) => w.object);
    for (const kind of [
      /\/federatedidentitycredentials\//,
      /\/privateendpointconnections\//,
      /\/virtualnetworklinks\//,
      /\/privatednszonegroups\//,
    ])
      expect(objects.some((o) => kind.test(o))).toBe(true);
    expect(result.ran.map(describePoint)).toEqual(
      samplePoints(result.points, FLEET_SAMPLE).map(describePoint),
    );
    expect(result.problems).toEqual([]);
  }, 240_000);
});

describe('repeatedWrites (the definition the sweep applies)', () => {
  const w = (method: string, object: string, status: number, body = ''): WriteRecord => ({
    method,
    object,
    status,
    body,
  });

  it('flags a successful write sent again with the same body, and a second successful delete', () => {
    expect(
      repeatedWrites([
        w('PUT', '/a', 200, '{"x":1}'),
        w('DELETE', '/b', 200),
        w('PUT', '/a', 200, '{"x":1}'),
      ]),
    ).toEqual(['PUT /a completed twice with the same body (200, then 200)']);
    expect(repeatedWrites([w('PUT', '/a', 201, '{"x":1}'), w('PUT', '/a', 200, '{"x":1}')])).toEqual([
      'long-running PUT /a re-issued (first answered 201, again 200) instead of resuming its poller',
    ]);
    expect(repeatedWrites([w('DELETE', '/b', 200), w('DELETE', '/b', 204)])).toEqual([
      'DELETE /b completed twice with the same body (200, then 204)',
    ]);
  });

  it('flags a long-running PUT re-issued whatever its second answer; allows a retry of a write that failed, and a changed body', () => {
    expect(repeatedWrites([w('PUT', '/l', 202, '{"v":1}'), w('PUT', '/l', 409, '{"v":1}')])).toEqual([
      'long-running PUT /l re-issued (first answered 202, again 409) instead of resuming its poller',
    ]);
    expect(
      repeatedWrites([
        w('PUT', '/a', 429, '{"x":1}'),
        w('PUT', '/a', 200, '{"x":1}'),
        w('PUT', '/a', 200, '{"x":2}'),
        w('PUT', '/c', 200, '{"x":1}'),
      ]),
    ).toEqual([]);
  });
});
