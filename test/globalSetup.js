/**
 * Jest global setup: tests that spawn the compiled CLI or demo must never run a build older than the
 * source. Rebuild dist/ (tsc -p tsconfig.build.json) whenever any compiled input is newer than the last
 * build's stamp, and start from an empty dist/ so a deleted module cannot linger.
 */
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const SOURCES = ['functions', 'shared', 'cli', 'sandbox', 'bench'];
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];
const STAMP = join(ROOT, 'dist', '.build-stamp');

function newestMtimeMs(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file changes its folder's mtime
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

module.exports = async function globalSetup() {
  const inputs = [...SOURCES, ...CONFIGS].map((p) => join(ROOT, p)).filter((p) => existsSync(p));
  const newestInput = Math.max(...inputs.map(newestMtimeMs));
  if (existsSync(STAMP) && statSync(STAMP).mtimeMs >= newestInput) return;
  process.stderr.write('\njest: dist/ is older than the source; rebuilding (tsc -p tsconfig.build.json)\n');
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
};
