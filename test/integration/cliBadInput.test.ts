/**
 * Bad input found by trying the CLI, through the compiled CLI as a user runs it (dist/cli/main.js; jest's
 * globalSetup rebuilds dist/ when the source is newer): exit code 2, exactly one line on stderr naming the
 * file (or flag, or field path) and the problem, no stack trace, nothing on stdout — the run never starts,
 * so nothing reaches the emulator, let alone writes to it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { cluster, estate, event, identity, SUB } from '../helpers/scenario';

const CLI = resolve(__dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'fedlink-badinput-'));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    typeof content === 'string' || content instanceof Uint8Array ? content : JSON.stringify(content, null, 2),
  );
  return path;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function fedlinkLogging(level: string, ...args: string[]): Run {
  const started = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, FEDLINK_LOG_LEVEL: level },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}
const fedlink = (...args: string[]) => fedlinkLogging('warn', ...args);

/** Exit 2, nothing on stdout (no run, no report), exactly `fedlink: <line>` on stderr, no stack trace. */
function expectRefused(run: Run, line: string): void {
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr).toBe(`fedlink: ${line}\n`);
  expect(run.stdout).toBe('');
  expect(run.code).toBe(2);
}

const payments = identity('id-payments');
const aks = cluster('aks-badinput', 'bdbdbdbd-0000-4000-8000-000000000001');
/** An estate and a config that, with a cluster event, make fedlink write a FIC: what bad input must prevent. */
const goodEstate = file('estate.json', estate([payments, aks]));
const goodConfig = file(
  'fedlink.yaml',
  stringify({
    federation: { bindings: [{ name: 'p', identity: payments.id, serviceAccounts: ['payments/api'] }] },
  }),
);
const goodEvents = file('events.json', [event('Microsoft.Resources.ResourceWriteSuccess', aks.id)]);
const run = (...args: string[]) => fedlink('sandbox', 'run', '--json', ...args);
const withFaults = (spec: string) =>
  run('--estate', goodEstate, '--config', goodConfig, '--events', goodEvents, '--faults', spec);

/** `[[[…]]]` nested `levels` deep. */
const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
/** JSON text with one byte that is not UTF-8 (a Latin-1 é) at `offset`. */
function latin1(value: unknown): { bytes: Buffer; offset: number } {
  const text = JSON.stringify({ ...(value as object), description: 'café' });
  return { bytes: Buffer.from(text, 'latin1'), offset: text.indexOf('é') };
}

describe('fedlink with bad input: exit 2, one line on stderr, nothing written', () => {
  it('the good inputs these cases spoil do write (so a refusal is what prevents it)', () => {
    const ok = run('--estate', goodEstate, '--config', goodConfig, '--events', goodEvents);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { metrics: { armWrites: number } }).metrics.armWrites).toBe(1);
  });

  it('no arguments: the usage, on stderr', () => {
    const r = fedlink();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^usage:\n {2}fedlink plan /);
    expect(r.stderr).toMatch(
      /\nexit codes:\n {2}0 {2}success: .*\n {2}1 {2}a finding failed, .*\n {2}2 {2}bad input: .*\n$/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--instance-memory that is not a Flex Consumption size', () => {
    expectRefused(
      run(
        '--estate',
        goodEstate,
        '--config',
        goodConfig,
        '--events',
        goodEvents,
        '--instance-memory',
        '1000',
      ),
      '--instance-memory must be one of 512, 2048, 4096 (MB, the Flex Consumption sizes), got 1000',
    );
  });

  it('--faults naming a directory', () => {
    const folder = join(dir, 'faults.d');
    mkdirSync(folder);
    expectRefused(withFaults(folder), `fault spec ${folder}: is a directory, not a fault spec file`);
  });

  it('--faults naming a file that is not a fault spec: named, never quoted', () => {
    const env = file('.env', 'AZURE_CLIENT_SECRET=s3cr3t-value\n');
    const r = withFaults(env);
    expectRefused(
      r,
      `fault spec file ${env}: unknown fault item 1: a fault spec is JSON ({"throttle429": 0.1}) or key=value items with keys 403, 409, 429, 429-bare, 500, 503, 5xx, foreign, foreign-op, latency, reset, reset-after-write, retry-after, seed`,
    );
    expect(r.stderr).not.toMatch(/s3cr3t|AZURE_CLIENT_SECRET/);
  });

  it('--faults naming a JSON file that is not a fault spec: named, never quoted', () => {
    const creds = file('credentials.json', { clientSecret: 's3cr3t-value' });
    const r = withFaults(creds);
    expectRefused(
      r,
      `fault spec file ${creds}: invalid fault spec: (root): unknown key (a fault spec has throttle429, throttle429NoRetryAfter, serverError500, serverError503, forbidden403, anotherOperation409, connectionReset, connectionResetAfterWrite, extraLatency, extraLatencyMs, methods, path, rules, foreignFicWriter, foreignWriter, retryAfterSeconds, seed)`,
    );
    expect(r.stderr).not.toMatch(/s3cr3t|clientSecret/);
  });

  it('--faults 429= (an empty value is not 0)', () => {
    expectRefused(withFaults('429='), `fault spec "429=": '429=' needs a number, e.g. 429=0.1`);
  });

  it('--faults with a path pattern that would backtrack catastrophically, refused at once', () => {
    const spec = file('backtrack.json', { rules: [{ path: '(a+)+$', throttle429: 1 }] });
    const r = withFaults(spec);
    expectRefused(
      r,
      `fault spec file ${spec}: invalid fault spec: rules.0.path: path is a literal substring of the request path with * wildcards, not a regular expression (^ $ + ? [ ] { } | \\ are refused)`,
    );
    expect(r.ms).toBeLessThan(20_000);
  });

  it('a byte-order mark is accepted in estate, events, config and fault spec files', () => {
    const bom = (name: string, text: string) =>
      file(name, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    const ok = run(
      '--estate',
      bom('bom-estate.json', JSON.stringify(estate([payments, aks]))),
      '--config',
      bom(
        'bom-config.yaml',
        stringify({
          federation: { bindings: [{ name: 'p', identity: payments.id, serviceAccounts: ['payments/api'] }] },
        }),
      ),
      '--events',
      bom('bom-events.json', JSON.stringify([event('Microsoft.Resources.ResourceWriteSuccess', aks.id)])),
      '--faults',
      bom('bom-faults.json', '{"seed": 3}'),
    );
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { metrics: { armWrites: number } }).metrics.armWrites).toBe(1);
  });

  it('an estate that is not UTF-8', () => {
    const { bytes, offset } = latin1(estate([payments, aks]));
    const path = file('latin1-estate.json', bytes);
    expectRefused(
      run('--estate', path, '--config', goodConfig),
      `${path}: invalid estate: not valid UTF-8 (invalid byte sequence at byte ${offset})`,
    );
  });

  it('an events file that is not UTF-8', () => {
    const text = JSON.stringify([
      { ...event('Microsoft.Resources.ResourceWriteSuccess', aks.id), topic: 'café' },
    ]);
    const path = file('latin1-events.json', Buffer.from(text, 'latin1'));
    expectRefused(
      run('--estate', goodEstate, '--config', goodConfig, '--events', path),
      `events file ${path}: not valid UTF-8 (invalid byte sequence at byte ${text.indexOf('é')})`,
    );
  });

  it('a config that is not UTF-8', () => {
    const text = stringify({ federation: { bindings: [] } }) + '# café\n';
    const path = file('latin1-config.yaml', Buffer.from(text, 'latin1'));
    expectRefused(
      run('--estate', goodEstate, '--config', path),
      `invalid config ${path}: not valid UTF-8 (invalid byte sequence at byte ${text.indexOf('é')})`,
    );
  });

  it('an estate nested 5,000 levels deep', () => {
    const text = JSON.stringify(estate([{ ...payments, properties: 'DEEP' }])).replace('"DEEP"', deep(5000));
    const path = file('deep-estate.json', text);
    // Depth 65 is the 62nd '[': the estate, its resources and the resource are three levels.
    const column = text.indexOf('[[[') + 62;
    expectRefused(
      run('--estate', path, '--config', goodConfig),
      `${path}: invalid estate: nested deeper than 64 levels (at line 1, column ${column})`,
    );
  });

  it('an events file nested 5,000 levels deep', () => {
    const path = file('deep-events.json', deep(5000));
    expectRefused(
      run('--estate', goodEstate, '--config', goodConfig, '--events', path),
      `events file ${path}: nested deeper than 64 levels (at line 1, column 65)`,
    );
  });

  it('a config nested 5,000 levels deep (YAML flow style)', () => {
    const path = file('deep-config.yaml', `scope: ${deep(5000)}\n`);
    expectRefused(
      run('--estate', goodEstate, '--config', path),
      `invalid config ${path}: nested deeper than 64 levels`,
    );
  });

  it('an estate resource whose type contradicts its id', () => {
    const path = file(
      'wrong-type.json',
      estate([{ ...payments, type: 'Microsoft.ContainerService/managedClusters' }, aks]),
    );
    expectRefused(
      run('--estate', path, '--config', goodConfig),
      `${path}: invalid estate: resources.0: type 'Microsoft.ContainerService/managedClusters' contradicts its id, which names a Microsoft.ManagedIdentity/userAssignedIdentities`,
    );
  });

  it('an estate child resource (a FIC) whose type contradicts its id', () => {
    const fic = {
      id: `${payments.id}/federatedIdentityCredentials/fic-1`,
      name: 'fic-1',
      type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
      properties: {
        issuer: 'https://example.test/',
        subject: 'system:serviceaccount:a:b',
        audiences: ['api://AzureADTokenExchange'],
      },
    };
    const path = file('wrong-child-type.json', estate([payments, aks, fic]));
    expectRefused(
      run('--estate', path, '--config', goodConfig),
      `${path}: invalid estate: resources.2: type 'Microsoft.ManagedIdentity/userAssignedIdentities' contradicts its id, which names a Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials`,
    );
  });

  it('an estate resource id with a ".." resource group', () => {
    const id = payments.id.replace('/resourceGroups/rg-id/', '/resourceGroups/../');
    const path = file('dots-estate.json', estate([{ ...payments, id }, aks]));
    expectRefused(
      run('--estate', path, '--config', goodConfig),
      `${path}: invalid estate: resources.0: not an ARM resource id (resource group ".." is a "." or ".." path segment): ${JSON.stringify(id)}`,
    );
  });

  it('an estate resource id with a percent-encoded "%2e%2e" name', () => {
    const id = aks.id.replace(/aks-badinput$/, '%2e%2e');
    const path = file('dots-estate-2.json', estate([payments, { ...aks, id, name: '%2e%2e' }]));
    expectRefused(
      run('--estate', path, '--config', goodConfig),
      `${path}: invalid estate: resources.1: not an ARM resource id (resource name "%2e%2e" is a "." or ".." path segment): ${JSON.stringify(id)}`,
    );
  });

  it('a config binding identity with a "." resource name, reported with its field path and line', () => {
    const id = payments.id.replace(/id-payments$/, '.');
    const path = file(
      'dots-config.yaml',
      stringify({
        federation: { bindings: [{ name: 'p', identity: id, serviceAccounts: ['payments/api'] }] },
      }),
    );
    expectRefused(
      run('--estate', goodEstate, '--config', path, '--events', goodEvents),
      `invalid config ${path}: federation.bindings[0].identity: expected an ARM resource id of type Microsoft.ManagedIdentity/userAssignedIdentities, got something else (resource name "." is a "." or ".." path segment) (line 4)`,
    );
  });

  it('plan --cluster with a ".." segment', () => {
    const id = aks.id.replace(/aks-badinput$/, '..');
    expectRefused(
      fedlink('plan', '--cluster', id, '--sandbox', goodEstate, '--config', goodConfig),
      `--cluster: not a managed cluster resource id (resource name ".." is a "." or ".." path segment): ${id}`,
    );
  });

  it('an event whose subject has a ".." segment is ignored with the reason (exit 0), and nothing reaches ARM', () => {
    const bad = { ...event('Microsoft.Resources.ResourceWriteSuccess', aks.id) };
    const subject = `/subscriptions/${SUB}/resourcegroups/../providers/Microsoft.ContainerService/managedClusters/aks-badinput`;
    bad['subject'] = subject;
    (bad['data'] as Record<string, unknown>)['resourceUri'] = subject;
    // A subject that is not a resource id is suspect (malformed or spoofed): dropped with a warning and a finding.
    const r = fedlinkLogging(
      'debug',
      'sandbox',
      'run',
      '--json',
      '--estate',
      goodEstate,
      '--config',
      goodConfig,
      '--events',
      file('dots-events.json', [bad]),
    );
    expect(r.code).toBe(0);
    const ignored = r.stderr
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry['message'] === 'event dropped');
    expect(ignored).toHaveLength(1);
    expect(ignored[0]).toMatchObject({
      level: 'warn',
      message: 'event dropped',
      reason: `subject is not an ARM resource id (resource group ".." is a "." or ".." path segment): ${JSON.stringify(subject)}`,
    });
    const out = JSON.parse(r.stdout) as { operations: unknown[]; metrics: { armWrites: number } };
    expect(out.operations).toEqual([]);
    expect(out.metrics.armWrites).toBe(0);
  });
});
