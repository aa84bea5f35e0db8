/**
 * The reconcile engine with a capability of the test's own (no FICs): what the runner does with each
 * step's answers, classified by the one ARM error table, and how outcomes fold into a RunResult.
 */
import { type AzureGateway } from '../../../shared/azure/gateway';
import { ArmError, classify } from '../../../shared/azure/errors';
import { configSchema } from '../../../shared/config/schema';
import { silentLogger } from '../../../shared/core/log';
import { type Capability, type CapabilityEnv } from '../../../shared/reconcile/capability';
import { gaveUp, mergeRounds, resultOf, summarize } from '../../../shared/reconcile/outcome';
import { createRegistry } from '../../../shared/reconcile/registry';
import { scopeWork, syncWork } from '../../../shared/reconcile/runner';
import { targetFor } from '../../../shared/reconcile/target';
import { type Outcome, type WorkItem } from '../../../shared/reconcile/types';

function armError(status: number, code: string): ArmError {
  const { classification, rule } = classify(status, code);
  return new ArmError({ status, code, message: `${code} happened`, classification, rule });
}

type Link = { readonly kind: 'link' | 'unlink'; readonly lockKey: string; readonly name: string };

/** A capability over an in-memory set of links; `failOn` makes the write of that name throw. */
function linkCapability(state: Map<string, Set<string>>, failOn: Map<string, ArmError> = new Map()) {
  const cap: Capability<{ want: string[] }, string[], Link, null> = {
    name: 'links',
    targets: ['subscription', 'fleet'],
    failures: {
      check: 'links.apply',
      stages: { observe: 'list links', prepare: 'prepare links', act: 'write link' },
      remediation: 'fix the links',
      giveUpRemediation: 'wait for the next check',
    },
    scope: () => Promise.reject(armError(403, 'AuthorizationFailed')),
    observe: (_env, item) => Promise.resolve([...(state.get(item.resourceId) ?? [])].sort()),
    prepare: () => Promise.resolve(null),
    plan: (item, observed) => ({
      actions: item.payload.want
        .filter((w) => !observed.includes(w))
        .map((name) => ({ kind: 'link' as const, lockKey: item.lockKey, name })),
      findings: [],
      kept: { unchanged: item.payload.want.filter((w) => observed.includes(w)).length },
    }),
    act: (_env, item, action) => {
      const error = failOn.get(action.name);
      if (error) return Promise.reject(error);
      state.set(item.resourceId, new Set([...(state.get(item.resourceId) ?? []), action.name]));
      return Promise.resolve();
    },
    validate: (item, observed, pending) =>
      item.payload.want.map((w) => ({
        check: 'links.present',
        resourceId: `${item.resourceId}/${w}`,
        status: observed.includes(w)
          ? ('pass' as const)
          : pending.some((p) => p.name === w)
            ? ('warn' as const)
            : ('fail' as const),
        message: w,
      })),
  };
  return cap;
}

const env: CapabilityEnv = {
  azure: {} as AzureGateway,
  config: configSchema.parse({}),
  log: silentLogger,
};
const item: WorkItem<{ want: string[] }> = {
  capability: 'links',
  resourceId: '/subscriptions/s/resourceGroups/rg/providers/Test.Links/hubs/Hub-A',
  lockKey: 'hub-a:1',
  payload: { want: ['a', 'b', 'c'] },
};

describe('the runner', () => {
  it('writes, reads back and validates; counts are keyed by action kind plus the no-write kinds', async () => {
    const state = new Map([[item.resourceId, new Set(['a'])]]);
    const [outcome] = await syncWork(linkCapability(state), env, 'apply', [item]);
    expect(outcome).toMatchObject({ status: 'changed', counts: { link: 2, unchanged: 1 } });
    expect(outcome!.findings.map((f) => f.status)).toEqual(['pass', 'pass', 'pass']);
    expect([...state.get(item.resourceId)!].sort()).toEqual(['a', 'b', 'c']);
  });

  it('a capability whose writes tell the result validates that, with no second observe', async () => {
    const state = new Map([[item.resourceId, new Set(['a'])]]);
    let observes = 0;
    const base = linkCapability(state);
    const cap: typeof base = {
      ...base,
      observe: (e, i) => {
        observes++;
        return base.observe(e, i);
      },
      // Claims one link fewer than it wrote: the validation must judge this, not a fresh read.
      written: (_item, observed, done) => [...observed, ...done.map((a) => a.name)].filter((n) => n !== 'c'),
    };
    const [outcome] = await syncWork(cap, env, 'apply', [item]);
    expect(observes).toBe(1);
    expect(outcome).toMatchObject({ status: 'changed', counts: { link: 2, unchanged: 1 } });
    expect(outcome!.findings.map((f) => [f.message, f.status])).toEqual([
      ['a', 'pass'],
      ['b', 'pass'],
      ['c', 'fail'],
    ]);
  });

  it('plan mode writes nothing and reports the pending writes', async () => {
    const state = new Map([[item.resourceId, new Set(['a'])]]);
    const [outcome] = await syncWork(linkCapability(state), env, 'plan', [item]);
    expect(outcome).toMatchObject({ status: 'planned', counts: { link: 2, unchanged: 1 } });
    expect([...state.get(item.resourceId)!]).toEqual(['a']);
  });

  it('keeps the writes that succeeded before a terminal failure, and the failure carries its cause', async () => {
    const state = new Map<string, Set<string>>();
    const cap = linkCapability(state, new Map([['b', armError(400, 'BadRequest')]]));
    const [outcome] = await syncWork(cap, env, 'apply', [item]);
    expect(outcome!.status).toBe('failed');
    expect(outcome!.actions.map((a) => (a as Link).name)).toEqual(['a']);
    expect(outcome!.counts).toEqual({ link: 1 });
    expect(outcome!.reason).toBe('write link: BadRequest: BadRequest happened');
    expect(outcome!.findings).toEqual([
      expect.objectContaining({
        check: 'links.apply',
        status: 'fail',
        message: 'write link failed: 400 BadRequest BadRequest happened',
      }),
    ]);
  });

  it('a transient failure asks for a retry with its Retry-After and keeps the writes made', async () => {
    const state = new Map<string, Set<string>>();
    const conflict = armError(409, 'ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity');
    const [outcome] = await syncWork(linkCapability(state, new Map([['c', conflict]])), env, 'apply', [item]);
    expect(outcome).toMatchObject({ status: 'retry', counts: { link: 2 }, retryAfterSeconds: 5 });
    // The next round finds a and b in place and writes c: the run reports all three writes.
    const [next] = await syncWork(linkCapability(state), env, 'apply', [item]);
    const merged = mergeRounds(outcome, next!, 'apply');
    expect(merged.actions.map((a) => (a as Link).name)).toEqual(['a', 'b', 'c']);
    expect(merged.counts).toEqual({ link: 3, unchanged: 2 });
  });

  it('an item that never stops failing transiently gives up with the last cause and its writes', () => {
    const last: Outcome = {
      capability: 'links',
      resourceId: item.resourceId,
      status: 'retry',
      actions: [{ kind: 'link', lockKey: 'hub-a:1' }],
      counts: { link: 1 },
      findings: [],
      reason: 'write link: 409: busy',
    };
    const out = gaveUp(item, last, 5, { check: 'links.apply', giveUpRemediation: 'later' });
    expect(out).toMatchObject({ status: 'failed', counts: { link: 1 }, reason: 'write link: 409: busy' });
    expect(out.findings[0]?.message).toBe('gave up after 5 attempts: write link: 409: busy');
  });

  it('a terminal error in scope becomes a failed part whose finding carries the cause', async () => {
    const scope = await scopeWork(linkCapability(new Map()), env, { kind: 'fleet' });
    expect(scope).toEqual({
      kind: 'fail',
      reason: 'scope of links: AuthorizationFailed: AuthorizationFailed happened',
      findings: [],
    });
    const result = resultOf(
      { kind: 'fleet' },
      'apply',
      [{ capability: 'links', ...scope, kind: 'fail', reason: scope.kind === 'fail' ? scope.reason : '' }],
      'fedlink:drift',
    );
    expect(result.status).toBe('failed');
    expect(result.findings).toEqual([
      expect.objectContaining({
        check: 'reconcile.scope',
        resourceId: 'fedlink:drift',
        status: 'fail',
        message: 'links: scope of links: AuthorizationFailed: AuthorizationFailed happened',
      }),
    ]);
  });

  it('a transient error in scope is thrown, so Durable retries the activity', async () => {
    const cap = {
      ...linkCapability(new Map()),
      scope: () => Promise.reject(armError(503, 'ServiceUnavailable')),
    };
    await expect(scopeWork(cap, env, { kind: 'fleet' })).rejects.toThrow('ServiceUnavailable happened');
  });
});

/**
 * A capability whose write of `slow` is long-running: `act` starts it and answers `pending` with a
 * poller state; each `resume` polls once, and the write completes after `pollsToFinish` polls (or
 * `resumeError` is thrown by the poll, as a failed operation's error is).
 */
function slowCapability(
  state: Map<string, Set<string>>,
  opts: { slow: string; pollsToFinish: number; resumeError?: ArmError },
) {
  const calls = { acts: [] as string[], resumes: [] as string[] };
  let polls = 0;
  const base = linkCapability(state);
  const cap: typeof base = {
    ...base,
    act: (envArg, it, action) => {
      calls.acts.push(action.name);
      if (action.name !== opts.slow) return base.act(envArg, it, action);
      return Promise.resolve({
        kind: 'pending',
        state: `{"state":{"op":"${action.name}"}}`,
        retryAfterSeconds: 60,
      });
    },
    resume: (_env, it, { action, state: saved }) => {
      calls.resumes.push(`${action.name}:${saved}`);
      if (opts.resumeError) return Promise.reject(opts.resumeError);
      polls++;
      if (polls < opts.pollsToFinish)
        return Promise.resolve({ kind: 'pending', state: saved, retryAfterSeconds: 30 });
      state.set(it.resourceId, new Set([...(state.get(it.resourceId) ?? []), action.name]));
      return Promise.resolve();
    },
  };
  return { cap, calls };
}

describe('long-running writes (docs/style.md 24)', () => {
  it('a write still running stops the item as pending with the poller state; resuming polls, never writes again', async () => {
    const state = new Map<string, Set<string>>();
    const { cap, calls } = slowCapability(state, { slow: 'b', pollsToFinish: 2 });
    const [first] = await syncWork(cap, env, 'apply', [item]);
    expect(first).toMatchObject({
      status: 'pending',
      counts: { link: 1 },
      retryAfterSeconds: 60,
      pending: { action: { kind: 'link', name: 'b' }, state: '{"state":{"op":"b"}}', retryAfterSeconds: 60 },
    });
    expect(first!.actions.map((a) => (a as Link).name)).toEqual(['a']);

    const [second] = await syncWork(cap, env, 'apply', [{ ...item, pending: first!.pending! }]);
    expect(second).toMatchObject({ status: 'pending', retryAfterSeconds: 30, actions: [] });

    const [third] = await syncWork(cap, env, 'apply', [{ ...item, pending: second!.pending! }]);
    expect(third!.status).toBe('changed');
    expect(third!.actions.map((a) => (a as Link).name)).toEqual(['b', 'c']);
    expect(calls.acts).toEqual(['a', 'b', 'c']);
    expect(calls.resumes).toEqual(['b:{"state":{"op":"b"}}', 'b:{"state":{"op":"b"}}']);
    const merged = mergeRounds(mergeRounds(first, second!, 'apply'), third!, 'apply');
    expect(merged.actions.map((a) => (a as Link).name)).toEqual(['a', 'b', 'c']);
    expect([...state.get(item.resourceId)!].sort()).toEqual(['a', 'b', 'c']);
  });

  it('a resumed write that finishes the plan is `changed`, validated on the state read after it', async () => {
    const state = new Map([[item.resourceId, new Set(['a', 'c'])]]);
    const { cap, calls } = slowCapability(state, { slow: 'b', pollsToFinish: 1 });
    // The plan that started b saw a and c in place: its tallies are reported, not the later plan's
    // (which counts b itself as unchanged).
    const pending = {
      action: { kind: 'link', lockKey: item.lockKey, name: 'b' },
      state: 's',
      retryAfterSeconds: 60,
      kept: { unchanged: 2 },
    };
    const [outcome] = await syncWork(cap, env, 'apply', [{ ...item, pending }]);
    expect(outcome).toEqual(
      expect.objectContaining({ status: 'changed', counts: { link: 1, unchanged: 2 } }),
    );
    expect(outcome!.findings.map((f) => f.status)).toEqual(['pass', 'pass', 'pass']);
    expect(calls.acts).toEqual([]);
  });

  it('an operation that fails terminally is a failed outcome with its cause; a transient poll failure keeps the state', async () => {
    const pending = {
      action: { kind: 'link', lockKey: item.lockKey, name: 'b' },
      state: 's',
      retryAfterSeconds: 60,
    };
    const refused = slowCapability(new Map(), {
      slow: 'b',
      pollsToFinish: 1,
      resumeError: armError(400, 'BadRequest'),
    });
    const [failed] = await syncWork(refused.cap, env, 'apply', [{ ...item, pending }]);
    expect(failed).toMatchObject({ status: 'failed', reason: 'write link: BadRequest: BadRequest happened' });
    expect(failed!.pending).toBeUndefined();
    expect(refused.calls.acts).toEqual([]);

    const flaky = slowCapability(new Map(), {
      slow: 'b',
      pollsToFinish: 1,
      resumeError: armError(503, 'ServiceUnavailable'),
    });
    const [retry] = await syncWork(flaky.cap, env, 'apply', [{ ...item, pending }]);
    expect(retry).toMatchObject({ status: 'retry', pending });
  });

  it('plan mode never resumes or writes', async () => {
    const { cap, calls } = slowCapability(new Map(), { slow: 'b', pollsToFinish: 1 });
    const [outcome] = await syncWork(cap, env, 'plan', [item]);
    expect(outcome!.status).toBe('planned');
    expect(calls).toEqual({ acts: [], resumes: [] });
  });
});

describe('run results', () => {
  it('an empty scope completes converged with its findings (no fan-out needed)', () => {
    const result = resultOf(
      { kind: 'fleet' },
      'plan',
      [{ capability: 'links', kind: 'proceed', outcomes: [], findings: [] }],
      'x',
    );
    expect(result).toEqual({
      target: { kind: 'fleet' },
      mode: 'plan',
      status: 'converged',
      passes: 1,
      outcomes: [],
      findings: [],
      counts: {},
    });
  });

  it('a coalesced rerun reports the writes of every pass', () => {
    const wrote: Outcome = {
      capability: 'links',
      resourceId: 'r',
      status: 'changed',
      actions: [{ kind: 'link', lockKey: 'k' }],
      counts: { link: 1, unchanged: 2 },
      findings: [],
    };
    const converged: Outcome = { ...wrote, status: 'converged', actions: [], counts: { unchanged: 3 } };
    const target = targetFor(
      'cluster',
      '/subscriptions/S/resourceGroups/RG/providers/Microsoft.ContainerService/managedClusters/AKS-Prod',
    );
    const first = summarize(target, 'apply', [wrote], []);
    const second = summarize(target, 'apply', [converged], [], { passes: 1, counts: { link: 1 } });
    expect(first).toMatchObject({ status: 'changed', passes: 1, counts: { link: 1, unchanged: 2 } });
    expect(second).toMatchObject({ status: 'changed', passes: 2, counts: { link: 1, unchanged: 3 } });
  });

  it('targets are lower-cased at the edge', () => {
    expect(
      targetFor(
        'cluster',
        '/subscriptions/S/resourceGroups/RG/providers/Microsoft.ContainerService/managedClusters/AKS-Prod/',
      ),
    ).toEqual({
      kind: 'cluster',
      resourceId:
        '/subscriptions/s/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/aks-prod',
    });
  });
});

describe('the capability registry', () => {
  it('dispatches by name and by target kind, and refuses a name twice', () => {
    const cap = linkCapability(new Map());
    const registry = createRegistry([cap]);
    expect(registry.get('links')).toBe(cap);
    expect(registry.forTarget('fleet')).toEqual(['links']);
    expect(registry.forTarget('cluster')).toEqual([]);
    expect(() => registry.get('nope')).toThrow('no capability named "nope" (registered: links)');
    expect(() => createRegistry([cap, cap])).toThrow('capability "links" is registered twice');
  });
});
