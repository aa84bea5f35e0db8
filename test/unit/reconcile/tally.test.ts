/**
 * What a fleet check carries instead of every outcome and passing finding (docs/design.md "Run result"),
 * and reading its full findings back from the work store (shared/reconcile/workDocs.ts).
 */
import {
  addTallies,
  compactOutcome,
  resultOf,
  splitPasses,
  tallyOutcomes,
} from '../../../shared/reconcile/outcome';
import { type Outcome } from '../../../shared/reconcile/types';
import { runFindings, workDocs, runDir } from '../../../shared/reconcile/workDocs';
import { type Finding } from '../../../shared/validation/findings';
import { createMemoryWorkStore } from '../../../shared/workStore/memory';
import { WorkStoreError } from '../../../shared/workStore/store';

const pass = (check: string, resourceId: string): Finding => ({
  check,
  resourceId,
  status: 'pass',
  message: 'ok',
});
const warn: Finding = { check: 'c.warn', resourceId: '/r/2', status: 'warn', message: 'look' };
const fail: Finding = { check: 'c.fail', resourceId: '/r/3', status: 'fail', message: 'broken' };

function outcome(resourceId: string, status: Outcome['status'], findings: Finding[], writes = 0): Outcome {
  const actions = Array.from({ length: writes }, () => ({ kind: 'create', lockKey: 'k' }));
  return {
    capability: 'federation',
    resourceId,
    status,
    actions,
    counts: writes > 0 ? { create: writes, unchanged: 1 } : { unchanged: 2 },
    findings,
  };
}

it('splits passes into counts by check and keeps warn and fail findings as they are', () => {
  expect(splitPasses([pass('a', '/1'), warn, pass('a', '/2'), pass('b', '/1'), fail])).toEqual({
    problems: [warn, fail],
    passCounts: { a: 2, b: 1 },
  });
});

it('a compact outcome counts its passes (added to any counted before) and keeps everything else', () => {
  const o = { ...outcome('/r/1', 'changed', [pass('a', '/r/1'), warn], 2), passed: { a: 1 } };
  expect(compactOutcome(o)).toEqual({ ...o, findings: [warn], passed: { a: 2 } });
  expect(compactOutcome(outcome('/r/1', 'converged', []))).not.toHaveProperty('passed');
});

it('a batch tally counts every item and lists only the failed and refused ones', () => {
  const outcomes = [
    outcome('/r/1', 'converged', [pass('a', '/r/1')]),
    outcome('/r/2', 'changed', [pass('a', '/r/2'), warn], 2),
    outcome('/r/3', 'failed', [fail], 1),
    outcome('/r/4', 'refused', []),
  ].map(compactOutcome);
  const folded = tallyOutcomes(outcomes);
  expect(folded.tally).toEqual({
    items: { converged: 1, changed: 1, failed: 1, refused: 1 },
    counts: { unchanged: 6, create: 3 },
    writes: 3,
    passCounts: { a: 2 },
  });
  expect(folded.outcomes.map((o) => o.resourceId)).toEqual(['/r/3', '/r/4']);
  expect(folded.findings).toEqual([warn]);
  expect(addTallies(folded.tally, folded.tally, undefined)).toEqual({
    items: { converged: 2, changed: 2, failed: 2, refused: 2 },
    counts: { unchanged: 12, create: 6 },
    writes: 6,
    passCounts: { a: 4 },
  });
});

it('a fleet result from tallies: status from writes and failures, passes counted, problems listed', () => {
  const ok = tallyOutcomes(
    [outcome('/r/1', 'converged', []), outcome('/r/2', 'changed', [], 1)].map(compactOutcome),
  );
  const changed = resultOf(
    { kind: 'fleet' },
    'apply',
    [{ capability: 'federation', kind: 'proceed', outcomes: ok.outcomes, findings: [warn], tally: ok.tally }],
    'fedlink:drift',
  );
  expect(changed).toMatchObject({
    status: 'changed',
    outcomes: [],
    findings: [warn],
    items: { converged: 1, changed: 1 },
    counts: { unchanged: 3, create: 1 },
  });
  const converged = tallyOutcomes([outcome('/r/1', 'converged', [pass('a', '/r/1')])].map(compactOutcome));
  expect(
    resultOf(
      { kind: 'fleet' },
      'apply',
      [
        { capability: 'federation', kind: 'proceed', outcomes: [], findings: [], tally: converged.tally },
        {
          capability: 'dns',
          kind: 'skip',
          reason: 'no hubs',
          findings: [],
          tally: { ...converged.tally, items: {}, counts: {}, writes: 0, passCounts: { s: 1 } },
        },
      ],
      'fedlink:drift',
    ),
  ).toMatchObject({ status: 'converged', passCounts: { a: 1, s: 1 }, findings: [] });
  const bad = tallyOutcomes([outcome('/r/9', 'failed', [fail])].map(compactOutcome));
  expect(
    resultOf(
      { kind: 'fleet' },
      'apply',
      [
        {
          capability: 'federation',
          kind: 'proceed',
          outcomes: bad.outcomes,
          findings: bad.findings,
          tally: bad.tally,
        },
      ],
      'fedlink:drift',
    ),
  ).toMatchObject({ status: 'failed', findings: [fail], outcomes: [{ resourceId: '/r/9' }] });
});

it('reads every finding of a run back from the work store, in the order of its documents, and says when they are gone', async () => {
  const store = createMemoryWorkStore();
  const dir = runDir('fedlink:drift', 'ABC123');
  expect(dir).toBe('runs/fedlink:drift/abc123/');
  const scope = workDocs.scope(dir, 'privateLink');
  const out = workDocs.outcomes(workDocs.chunk(dir, 'privateLink', 0), 0);
  expect([scope, out]).toEqual([
    'runs/fedlink:drift/abc123/privatelink/scope',
    'runs/fedlink:drift/abc123/privatelink/chunk-0/out-0',
  ]);
  await store.put(scope, { findings: [pass('s', '/r/0')] });
  await store.put(out, { outcomes: [outcome('/r/1', 'changed', [pass('a', '/r/1'), warn], 1)] });
  const read: Finding[] = [];
  for await (const f of runFindings(store, [scope, out])) read.push(f);
  expect(read).toEqual([pass('s', '/r/0'), pass('a', '/r/1'), warn]);

  await store.deletePrefix(dir);
  const again = runFindings(store, [scope]);
  await expect(again.next()).rejects.toThrow(WorkStoreError);
});
