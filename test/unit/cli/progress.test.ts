/**
 * The CLI's progress line (cli/progress.ts): one line rewritten in place on a terminal, cleared before
 * results; nothing at all when stderr is not a terminal. And `--output` (cli/output.ts).
 */
import { createProgress, describeStatus, ProgressState } from '../../../cli/progress';
import { outputFormat } from '../../../cli/output';
import { InputError } from '../../../sandbox/inputError';

function stream(isTTY: boolean, columns = 60) {
  const writes: string[] = [];
  return { isTTY, columns, writes, write: (t: string) => (writes.push(t), true) };
}

describe('progress', () => {
  it('writes nothing when stderr is not a terminal', () => {
    const s = stream(false);
    const p = createProgress(s, () => 0);
    p.observer({ type: 'instanceStarted', instanceId: 'fedlink:cli:fleet', name: 'driftCheck' });
    p.status({ phase: 'syncing', capability: 'federation', done: 1, total: 2 }, 'Running');
    p.done();
    expect(s.writes).toEqual([]);
  });

  it('rewrites one line on a terminal, at most every 100 ms, and clears it when done', () => {
    const s = stream(true, 200);
    let now = 1000;
    const p = createProgress(s, () => now);
    p.observer({ type: 'instanceStarted', instanceId: 'fedlink:cli:fleet', name: 'driftCheck' });
    p.observer({ type: 'activityStarted', instanceId: 'fedlink:cli:fleet', name: 'scopeWork', taskId: 0 });
    now += 150;
    p.observer({
      type: 'customStatus',
      instanceId: 'fedlink:cli:fleet',
      name: 'driftCheck',
      customStatus: { phase: 'syncing', capability: 'federation', batches: 1, items: 3 },
    });
    p.done();
    p.done();
    expect(s.writes).toEqual([
      '\r\u001b[2Kfedlink: 0.0s orchestrations 0/1',
      '\r\u001b[2Kfedlink: 0.1s syncing federation 3 item(s) · orchestrations 0/1 · activities 0 done, 1 running',
      '\r\u001b[2K',
    ]);
    expect(s.writes.join('')).not.toContain('\n');
  });

  it('fits the terminal width and shows the polled custom status of a run in the app', () => {
    const s = stream(true);
    const p = createProgress(s, () => 0);
    p.status({ phase: 'waiting', reason: 'cluster aks-1 is Updating \u001b[31m', attempt: 2 }, 'Running');
    expect(s.writes[0]).toBe('\r\u001b[2Kfedlink: 0.0s waiting (cluster aks-1 is Updating ?[31m) at…');
    expect(s.writes[0]!.length - '\r\u001b[2K'.length).toBe(59);
  });

  it('describes the custom status the orchestrations set, and nothing else', () => {
    expect(describeStatus({ phase: 'syncing', capability: 'dns', done: 4, total: 10, rounds: 1 })).toBe(
      'syncing dns 4/10',
    );
    expect(describeStatus({ phase: 'done', status: 'converged' })).toBe('done converged');
    expect(describeStatus('Running')).toBeUndefined();
    expect(describeStatus(null)).toBeUndefined();
  });

  it('counts failed activities and timers', () => {
    const st = new ProgressState();
    st.apply({ type: 'activityStarted', instanceId: 'i', name: 'syncWork', taskId: 1 });
    st.apply({
      type: 'activityCompleted',
      instanceId: 'i',
      name: 'syncWork',
      taskId: 1,
      ok: false,
      durationMs: 5,
    });
    st.apply({ type: 'timerCreated', instanceId: 'i', name: 'reconcile', timerId: 2, fireAt: 'x' });
    expect(st.line()).toBe('activities 1 done, 0 running, 1 failed · 1 timer(s)');
  });
});

describe('--output', () => {
  it('defaults to table, takes json, and --json as its short form', () => {
    expect(outputFormat({})).toBe('table');
    expect(outputFormat({ output: 'json' })).toBe('json');
    expect(outputFormat({ json: true })).toBe('json');
    expect(outputFormat({ json: true, output: 'json' })).toBe('json');
  });

  it('refuses an unknown format and a contradiction (exit 2)', () => {
    expect(() => outputFormat({ output: 'yaml' })).toThrow(
      new InputError('--output must be table or json, not "yaml"'),
    );
    expect(() => outputFormat({ output: 'table', json: true })).toThrow(InputError);
  });
});
