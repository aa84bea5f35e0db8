/**
 * Malformed config through `fedlink sandbox run`'s own input loading (runSandbox, the function the CLI
 * calls; its InputError is the CLI's exit code 2 with `fedlink: <message>` on stderr): bad YAML and JSON
 * shapes, unknown keys, rules and ids with wildcards that would approve or bind everything, ids pointing
 * outside scope. Each is refused with one line naming the file and the path, before any emulator starts,
 * so no ARM call can happen. Three of them also go through the compiled CLI as a user runs it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { InputError } from '../../sandbox/inputError';
import { runSandbox } from '../../sandbox/run';
import { estate, event, SUB, TENANT } from '../helpers/scenario';
import { aks, binding, configCases, payments } from './cases/config';
import { describeCounts } from './harness';

const CLI = resolve(__dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'fedlink-hostile-config-'));
let n = 0;
function file(content: string, ext: string): string {
  const path = join(dir, `c${++n}.${ext}`);
  writeFileSync(path, content);
  return path;
}

const estatePath = file(JSON.stringify(estate([payments, aks])), 'json');
const eventsPath = file(JSON.stringify([event('Microsoft.Resources.ResourceWriteSuccess', aks.id)]), 'json');
const CASES = configCases();

describe(`hostile config (${CASES.length}: ${describeCounts(CASES)})`, () => {
  it('the estate and events these configs spoil do write with a good config', async () => {
    const out = await runSandbox({
      estatePath,
      configPath: file(
        stringify({
          scope: { subscriptions: [SUB], tenants: [TENANT] },
          federation: { bindings: [binding] },
        }),
        'yaml',
      ),
      eventsPath,
    });
    expect(out.metrics.armWrites).toBe(1);
  });

  it.each(CASES.map((c) => [`${c.category}: ${c.name}`, c] as const))(
    '%s: bad input (exit 2), one line naming the problem, no run',
    async (_label, c) => {
      const configPath = file(c.input.text, c.input.ext);
      const error = await runSandbox({ estatePath, configPath, eventsPath }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InputError);
      const message = (error as InputError).message;
      expect(message).toContain(configPath);
      expect(message).toMatch(c.says);
      expect(message).not.toMatch(/\n/);
      expect(message.length).toBeLessThan(2000);
    },
  );

  it.each(
    CASES.filter((c) =>
      ['YAML alias bomb', 'requester subscription *', 'hub network in a subscription outside scope'].includes(
        c.name,
      ),
    ).map((c) => [c.name, c] as const),
  )('through the compiled CLI, %s: exit 2, one line on stderr, nothing on stdout', (_label, c) => {
    const configPath = file(c.input.text, c.input.ext);
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        'sandbox',
        'run',
        '--json',
        '--estate',
        estatePath,
        '--config',
        configPath,
        '--events',
        eventsPath,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^fedlink: [^\\n]*${c.says.source}[^\\n]*\\n$`));
    expect(r.status).toBe(2);
  });
});
