/**
 * The repository's own text files, for the project tests that read the whole tree (citations, self-containment).
 * `git ls-files` when the tree is a git checkout; otherwise (an exported tarball) a walk that skips what is
 * never committed (node_modules, dist, coverage, .git).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../..');

const NEVER_COMMITTED = new Set(['node_modules', 'dist', 'coverage', '.git']);

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (NEVER_COMMITTED.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(relative(repoRoot, path).split('\\').join('/'));
  }
}

/** Repository-relative paths (forward slashes) of the tracked files that exist in the working tree. */
export function trackedFiles(): string[] {
  const git = spawnSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' });
  let files: string[];
  if (git.status === 0 && git.stdout.length > 0) {
    files = git.stdout.split('\0').filter((f) => f !== '');
  } else {
    files = [];
    walk(repoRoot, files);
  }
  return files.filter((f) => existsSync(join(repoRoot, f))).sort();
}

/** Tracked text files and their contents (files holding a NUL byte are binary and left out). */
export function trackedTextFiles(): Map<string, string> {
  const texts = new Map<string, string>();
  for (const file of trackedFiles()) {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    if (!text.includes('\0')) texts.set(file, text);
  }
  return texts;
}
