/**
 * At extreme rates (50% 429, 30% 5xx; docs/targets.md "Reliability targets" 1, issue #12 item 1) a run
 * ends with a clear "gave up" finding that names the cause, never a bare "run ended Failed". A file of
 * its own so that jest runs it beside chaos.test.ts.
 */
import { gaveUpReason } from '../../shared/reconcile/outcome';
import { eventViolations, runChaos } from './harness';

describe('extreme rates (50% 429, 30% 5xx)', () => {
  it('every run completes; what could not be done is a "gave up" finding naming the cause, never a bare "run ended Failed"', async () => {
    const seed = 2;
    const run = await runChaos({
      seed,
      // One of each kind of object: at these rates the SDK's real-time backoff after 5xx dominates.
      size: { identities: 1, clusters: 1, privateClusters: 1, providersPerType: 1, dnsEndpoints: 1 },
      faults: { seed, throttle429: 0.5, serverError500: 0.15, serverError503: 0.15, retryAfterSeconds: 1 },
      // No exact counts are asserted here, so the clock may run faster than the exact-count seeds'.
      scale: 50,
    });
    expect(run.output.runs.filter((r) => r.runtimeStatus !== 'Completed')).toEqual([]);
    const failed = run.output.report.findings.filter((f) => f.status === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.filter((f) => f.message.startsWith('run ended'))).toEqual([]);
    for (const f of failed)
      expect(f.message).toMatch(
        /gave up after \d+ (attempts|polls of a write still running): .*(SubscriptionRequestsThrottled|ServiceUnavailable|InternalServerError|429|500|503)/,
      );
    // Every accepted event's run says how it ended; a failed one carries the cause.
    expect(eventViolations(run)).toEqual([]);
    const failedEvents = (run.output.events ?? []).filter((e) => e.ended === 'failed');
    expect(failedEvents.length).toBeGreaterThan(0);
    for (const e of failedEvents) expect(e.endedReason).toMatch(/gave up after|: [A-Za-z]+: /);
  }, 240_000);
});

it('a scope activity that still fails after its retries gives up with the cause, not the Durable wrapping', () => {
  // What the orchestrator sees (sandbox/durable/activityRunner.ts: `${Reason} \n ${Details}`).
  const error = new Error(
    'Activity function \'scopeWork\' failed: scope of federation: 429 SubscriptionRequestsThrottled: Number of requests exceeded the limit. \n {"ClassName":"Error","StackTrace":"..."}',
  );
  expect(gaveUpReason(4, error)).toBe(
    'gave up after 4 attempts: scope of federation: 429 SubscriptionRequestsThrottled: Number of requests exceeded the limit.',
  );
  expect(gaveUpReason(4, new Error(''))).toBe(
    'gave up after 4 attempts: the activity failed without a message',
  );
});
