/**
 * The lint rules that keep the layers apart and the orchestrators deterministic (docs/style.md 1 and 11),
 * checked on probe sources written where the rules apply, so that a weakened rule fails here.
 * ESLint runs as a child process (its flat config loads through dynamic import, which jest's VM
 * refuses) on real files, because type-aware rules need the file in the TypeScript project.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

const PROBES: readonly { folder: string; source: string; rule: string | null }[] = [
  {
    folder: 'functions/orchestrations',
    source: 'export const t = Date.now();',
    rule: 'no-restricted-properties',
  },
  {
    folder: 'functions/orchestrations',
    source: 'export const t = new Date();',
    rule: 'no-restricted-syntax',
  },
  {
    folder: 'functions/orchestrations',
    source: 'export const r = Math.random();',
    rule: 'no-restricted-properties',
  },
  {
    folder: 'functions/orchestrations',
    source: 'export const e = process.env.X;',
    rule: 'no-restricted-globals',
  },
  {
    folder: 'functions/orchestrations',
    source:
      "import { ManagedServiceIdentityClient } from '@azure/arm-msi';\nexport const c = ManagedServiceIdentityClient;",
    rule: 'no-restricted-imports',
  },
  {
    folder: 'functions/orchestrations',
    source: "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;",
    rule: 'no-restricted-imports',
  },
  {
    folder: 'shared/federation',
    source: "import * as df from 'durable-functions';\nexport const x = df;",
    rule: 'no-restricted-imports',
  },
  {
    folder: 'shared/validation',
    source: "import { app } from '@azure/functions';\nexport const x = app;",
    rule: 'no-restricted-imports',
  },
  {
    folder: 'shared/federation',
    source:
      "import { ContainerServiceClient } from '@azure/arm-containerservice';\nexport const x = ContainerServiceClient;",
    rule: 'no-restricted-imports',
  },
  {
    folder: 'shared/validation',
    source: "import { CHECKS } from '../federation/checkIds';\nexport const x = CHECKS;",
    rule: 'no-restricted-imports',
  },
  {
    folder: 'shared/validation',
    source:
      "import { checkIdentityFederation } from '../federation/checks';\nexport const x = checkIdentityFederation;",
    rule: 'no-restricted-imports',
  },
  {
    folder: 'shared/validation',
    source: "import { DNS_CHECKS } from '../dns/checkIds';\nexport const x = DNS_CHECKS;",
    rule: 'no-restricted-imports',
  },
  {
    folder: 'shared/validation',
    source: "import { CHECKS } from '../privatelink/checks';\nexport const x = CHECKS;",
    rule: 'no-restricted-imports',
  },
  {
    folder: 'shared/reconcile',
    source: "import { federation } from '../federation/capability';\nexport const x = federation;",
    rule: 'no-restricted-imports',
  },
  {
    folder: 'shared/reconcile',
    source: "import { capabilities } from '../capabilities';\nexport const x = capabilities;",
    rule: 'no-restricted-imports',
  },
  {
    folder: 'shared/reconcile',
    source: "import * as df from 'durable-functions';\nexport const x = df;",
    rule: 'no-restricted-imports',
  },
  // What those layers may do: no rule hit.
  {
    folder: 'shared/federation',
    source: "import { buildReport } from '../validation/report';\nexport const x = buildReport;",
    rule: null,
  },
  {
    folder: 'shared/reconcile',
    source: "import { type Finding } from '../validation/findings';\nexport type F = Finding;",
    rule: null,
  },
  {
    folder: 'functions/orchestrations',
    source: 'export const at = (ms: number): Date => new Date(ms + 1000);',
    rule: null,
  },
  {
    folder: 'shared/azure',
    source:
      "import { ContainerServiceClient } from '@azure/arm-containerservice';\nexport const x = ContainerServiceClient;",
    rule: null,
  },
];

interface LintResult {
  filePath: string;
  messages: { ruleId: string | null; message: string }[];
}

let results: Map<string, string[]>;

beforeAll(() => {
  const files = PROBES.map((p, i) => join(root, p.folder, `__lint_probe_${i}.ts`));
  try {
    PROBES.forEach((p, i) => writeFileSync(files[i]!, p.source + '\n'));
    const run = spawnSync(
      process.execPath,
      [resolve(root, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', '--no-warn-ignored', ...files],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
    const parsed = JSON.parse(run.stdout) as LintResult[];
    results = new Map(
      parsed.map((r) => [r.filePath, r.messages.map((m) => m.ruleId ?? `parse: ${m.message}`)]),
    );
  } finally {
    for (const f of files) rmSync(f, { force: true });
  }
}, 120_000);

it.each(PROBES.map((p, i) => [p.folder, p.source.split('\n').pop() ?? '', p.rule, i] as const))(
  '%s: `%s` → %s',
  (folder, _source, rule, i) => {
    const hits = results.get(join(root, folder, `__lint_probe_${i}.ts`));
    expect(hits).toBeDefined();
    if (rule === null) expect(hits).toEqual([]);
    else expect(hits).toContain(rule);
  },
);
