/**
 * `npm start -- --once` as a user runs it (the compiled demo), and the committed examples/ files
 * still being what the demo estate generates.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXAMPLES_DIR, exampleFiles } from '../../sandbox/demo/examples';

it('the scripted demo federates the new cluster, re-checks with zero writes and exits 0', () => {
  const run = spawnSync(process.execPath, [resolve(__dirname, '../../dist/sandbox/demo/main.js'), '--once'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('A new cluster appears: aks-prod-westus3');
  expect(run.stdout).toMatch(/start +reconcile fedlink:cluster:aks-prod-westus3/);
  expect(run.stdout).toContain('total: 4 create, 0 update, 0 delete; 4 in place, 1 adopted');
  expect(run.stdout).toContain('planned writes: 0; ARM writes during the check: 0');
  expect(run.stdout).toMatch(/0 fail, 1 warn, \d+ pass/);
});

it.each(Object.keys(exampleFiles()))('examples/%s matches the demo estate (npm run examples)', (name) => {
  expect(readFileSync(join(EXAMPLES_DIR, name), 'utf8')).toBe(exampleFiles()[name]);
});
