/**
 * A fresh clone passes on its own: nothing in the repository reads (or points code at) a file outside it.
 * Flagged in every tracked text file except the prose of `docs/*.md` and `test/fixtures/azure/README.md`:
 *   - an absolute path under the machine's work folder;
 *   - a relative path (`../...`) that climbs out of the repository from the file that holds it;
 *   - a `..` segment followed by a `shared` segment, and the `fixtures` and `docs` folders of a `shared`
 *     folder: those only exist outside the repository (the repository's own `shared/` has neither), so such
 *     a path can only mean the outside copy, whatever directory it is resolved from.
 * The checker is a pure function of the files, so the first test shows it failing.
 */
import { dirname, posix } from 'node:path';
import { trackedTextFiles } from '../../helpers/repoFiles';

const EXEMPT = (file: string): boolean =>
  /^docs\/[^/]+\.md$/.test(file) || file === 'test/fixtures/azure/README.md';

// Built from pieces so that this file does not match its own patterns.
const WORK_ROOT = new RegExp(String.raw`(?<![\w.:/-])\/${'work'}\/`);
const OUTSIDE_FOLDERS = new RegExp(String.raw`(?<![\w-])${'shared'}\/(?:${'fixtures'}|${'docs'})\b`);
const DOTDOT_SHARED = new RegExp(String.raw`['"]\.\.['"]\s*,\s*['"]${'shared'}['"]`);
const SHARED = 'shared';
const RELATIVE = /(?<![\w.@/-])((?:\.\.\/)+)([\w.@-]*)/g;

function outsideReferences(files: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const [file, text] of files) {
    if (EXEMPT(file)) continue;
    text.split('\n').forEach((line, i) => {
      const where = `${file}:${i + 1}`;
      if (WORK_ROOT.test(line)) found.push(`${where}: absolute path outside the repository`);
      if (OUTSIDE_FOLDERS.test(line) || DOTDOT_SHARED.test(line)) {
        found.push(`${where}: the reference folders outside the repository`);
      }
      for (const m of line.matchAll(RELATIVE)) {
        const target = posix.normalize(posix.join(dirname(file), `${m[1] ?? ''}${m[2] ?? ''}`));
        if (target === '..' || target.startsWith('../')) {
          found.push(`${where}: ${m[0]} leaves the repository`);
        }
      }
    });
  }
  return found;
}

describe('the repository reads nothing outside itself', () => {
  it('the checker flags each way of reaching outside', () => {
    const files = new Map([
      ['test/helpers/a.ts', `readFileSync('${['', 'work', 'shared', 'x.json'].join('/')}')`],
      ['functions/b.ts', "import { x } from '../../shared/core/log';"],
      ['test/unit/c.ts', `const p = join(root, '..', '${SHARED}');`],
      ['test/helpers/d.ts', `const dir = '${['..', SHARED, 'fixtures'].join('/')}';`],
      ['README.md', 'See [the brief](../../DESIGN.md).'],
    ]);
    expect(outsideReferences(files)).toEqual([
      'test/helpers/a.ts:1: absolute path outside the repository',
      'functions/b.ts:1: ../../shared leaves the repository',
      'test/unit/c.ts:1: the reference folders outside the repository',
      'test/helpers/d.ts:1: the reference folders outside the repository',
      'README.md:1: ../../DESIGN.md leaves the repository',
    ]);
  });

  it('the checker leaves the repository-internal paths and the exempt prose alone', () => {
    const files = new Map([
      ['functions/b.ts', "import { x } from '../shared/core/log';"],
      ['test/unit/project/e.ts', "const root = resolve(__dirname, '../../..');"],
      ['sandbox/emulator/f.ts', "import { y } from '../../shared/core/resourceId';"],
      ['docs/design.md', `copied from ${['', 'work', 'shared', 'docs'].join('/')}`],
      ['test/fixtures/azure/README.md', `was ${[SHARED, 'fixtures'].join('/')}`],
    ]);
    expect(outsideReferences(files)).toEqual([]);
  });

  it('no tracked file points outside the repository', () => {
    const files = trackedTextFiles();
    expect(files.size).toBeGreaterThan(100);
    expect(outsideReferences(files)).toEqual([]);
  });
});
