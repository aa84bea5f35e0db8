/**
 * Every citation of the project's own docs resolves, so a comment never points at a section that is not there.
 * The forms, in any tracked text file:
 *   docs/azure-behaviour.md §N.N     and every `§N` / `§N.N` anywhere: a numbered heading of docs/azure-behaviour.md
 *   docs/<doc>.md "Heading"          a heading of that doc, word for word
 *   docs/design.md invariant(s) N    a numbered point under "Invariants"; `docs/design.md rules`: the "Rules" heading
 *   docs/targets.md performance N    (or reliability / security) a numbered point under "<Kind> targets";
 *                                    `docs/targets.md limits`: "The limits the emulator enforces"
 *   docs/style.md N [and M]          a numbered point of docs/style.md
 *   docs/<doc>.md, docs/adr/NNNN-x.md  the file exists
 * The checker is a pure function of the files, so the first tests show it failing on wrong citations.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, trackedTextFiles } from '../../helpers/repoFiles';

interface DocIndex {
  readonly headings: ReadonlySet<string>;
  /** Numbered list points (`N. ` at the start of a line) under each heading; '' is the whole file. */
  readonly points: ReadonlyMap<string, ReadonlySet<number>>;
}

const CITED_DOCS = ['azure-behaviour', 'design', 'targets', 'style'] as const;
type CitedDoc = (typeof CITED_DOCS)[number];

/** Headings (without `#` and without a `N.` / `N.N` section number) and numbered points, code blocks skipped. */
function indexDoc(markdown: string): DocIndex & { readonly sections: ReadonlySet<string> } {
  const headings = new Set<string>();
  const sections = new Set<string>();
  const points = new Map<string, Set<number>>([['', new Set<number>()]]);
  let heading = '';
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const h = /^#{1,6}\s+(.*?)\s*$/.exec(line);
    if (h?.[1] !== undefined) {
      const numbered = /^(\d+(?:\.\d+)*)\.?\s+(.*)$/.exec(h[1]);
      if (numbered?.[1] !== undefined && numbered[2] !== undefined) {
        sections.add(numbered[1]);
        heading = numbered[2];
      } else {
        heading = h[1];
      }
      headings.add(heading);
      if (!points.has(heading)) points.set(heading, new Set());
      continue;
    }
    const p = /^(\d+)\.\s/.exec(line);
    if (p?.[1] !== undefined) {
      points.get(heading)?.add(Number(p[1]));
      points.get('')?.add(Number(p[1]));
    }
  }
  return { headings, sections, points };
}

type Docs = ReadonlyMap<CitedDoc, ReturnType<typeof indexDoc>>;

const NUMBER_LIST = String.raw`(\d+(?:\s*(?:,|and)\s*\d+)*)`;
const numbers = (list: string): number[] => (list.match(/\d+/g) ?? []).map(Number);

function checkTail(doc: CitedDoc, tail: string, index: ReturnType<typeof indexDoc>): string | undefined {
  const quoted = /^[`']?,?\s*"([^"\n]+)"/.exec(tail);
  if (quoted?.[1] !== undefined) {
    return index.headings.has(quoted[1]) ? undefined : `no heading "${quoted[1]}"`;
  }
  const pointsUnder = (heading: string, list: string, label: string): string | undefined => {
    const have = index.points.get(heading);
    if (have === undefined) return `no heading "${heading}"`;
    const missing = numbers(list).filter((n) => !have.has(n));
    return missing.length === 0 ? undefined : `no ${label} ${missing.join(', ')}`;
  };
  switch (doc) {
    case 'design': {
      const inv = new RegExp(String.raw`^,?\s*invariants?\s+${NUMBER_LIST}`).exec(tail);
      if (inv?.[1] !== undefined) return pointsUnder('Invariants', inv[1], 'invariant');
      if (/^,?\s*rules\b/.test(tail)) return index.headings.has('Rules') ? undefined : 'no heading "Rules"';
      return undefined;
    }
    case 'targets': {
      const t = new RegExp(String.raw`^,?\s*(performance|reliability|security)\s+${NUMBER_LIST}`).exec(tail);
      if (t?.[1] !== undefined && t[2] !== undefined) {
        const kind = t[1].charAt(0).toUpperCase() + t[1].slice(1);
        return pointsUnder(`${kind} targets`, t[2], `${t[1]} target`);
      }
      if (/^,?\s*limits\b/.test(tail)) {
        const limits = 'The limits the emulator enforces';
        return index.headings.has(limits) ? undefined : `no heading "${limits}"`;
      }
      return undefined;
    }
    case 'style': {
      const s = new RegExp(String.raw`^\s+${NUMBER_LIST}\b`).exec(tail);
      return s?.[1] !== undefined ? pointsUnder('', s[1], 'point') : undefined;
    }
    case 'azure-behaviour':
      return undefined; // its § numbers are checked wherever they appear
  }
}

/** Every citation that does not resolve, as `file:line: citation: why`. */
function brokenCitations(
  files: ReadonlyMap<string, string>,
  docs: Docs,
  fileExists: (path: string) => boolean,
): string[] {
  const broken: string[] = [];
  const azure = docs.get('azure-behaviour');
  for (const [file, text] of files) {
    text.split('\n').forEach((line, i) => {
      const where = `${file}:${i + 1}`;
      for (const m of line.matchAll(/§(\d+(?:\.\d+)?)/g)) {
        if (m[1] !== undefined && azure?.sections.has(m[1]) !== true) {
          broken.push(`${where}: §${m[1]}: no such section in docs/azure-behaviour.md`);
        }
      }
      for (const m of line.matchAll(/docs\/(azure-behaviour|design|targets|style)\.md/g)) {
        const doc = m[1] as CitedDoc;
        const tail = line.slice(m.index + m[0].length);
        const index = docs.get(doc);
        if (index === undefined) {
          broken.push(`${where}: docs/${doc}.md does not exist`);
          continue;
        }
        const why = checkTail(doc, tail, index);
        if (why !== undefined) broken.push(`${where}: docs/${doc}.md${tail.slice(0, 24)}: ${why}`);
      }
      for (const m of line.matchAll(/\b(docs\/(?:adr\/\d{4}-[a-z0-9-]+|[A-Za-z-]+)\.md)\b/g)) {
        if (m[1] !== undefined && !fileExists(m[1])) broken.push(`${where}: ${m[1]} does not exist`);
      }
    });
  }
  return broken;
}

function loadDocs(): Docs {
  const docs = new Map<CitedDoc, ReturnType<typeof indexDoc>>();
  for (const doc of CITED_DOCS) {
    const path = join(repoRoot, 'docs', `${doc}.md`);
    if (existsSync(path)) docs.set(doc, indexDoc(readFileSync(path, 'utf8')));
  }
  return docs;
}

const exists = (path: string): boolean => existsSync(join(repoRoot, path));

describe('citations of the project docs', () => {
  const docs = loadDocs();

  it('the checker reports each kind of wrong citation', () => {
    const wrong = new Map([
      [
        'shared/x.ts',
        [
          '// docs/azure-behaviour.md §1.9, then §10',
          '// docs/design.md "No such heading" and docs/design.md invariants 2, 7',
          '// docs/targets.md performance 7; docs/targets.md security 1 and 4',
          '// docs/style.md 26 and docs/adr/0099-missing.md and docs/nothing.md',
        ].join('\n'),
      ],
    ]);
    expect(brokenCitations(wrong, docs, exists)).toEqual([
      'shared/x.ts:1: §1.9: no such section in docs/azure-behaviour.md',
      'shared/x.ts:1: §10: no such section in docs/azure-behaviour.md',
      'shared/x.ts:2: docs/design.md "No such heading" and d: no heading "No such heading"',
      'shared/x.ts:2: docs/design.md invariants 2, 7: no invariant 7',
      'shared/x.ts:3: docs/targets.md performance 7; docs/tar: no performance target 7',
      'shared/x.ts:3: docs/targets.md security 1 and 4: no security target 4',
      'shared/x.ts:4: docs/style.md 26 and docs/adr/0099-mi: no point 26',
      'shared/x.ts:4: docs/adr/0099-missing.md does not exist',
      'shared/x.ts:4: docs/nothing.md does not exist',
    ]);
  });

  it('the checker accepts each kind of right citation', () => {
    const right = new Map([
      [
        'shared/y.ts',
        [
          '// docs/azure-behaviour.md §1.5, §6.4 and §9 (and bare §2.2)',
          '// docs/design.md "Sandbox run"; docs/design.md invariants 1, 2, 4; docs/design.md rules',
          '// docs/targets.md reliability 4, docs/targets.md limits, docs/targets.md "The limits the emulator enforces"',
          '// docs/style.md 1 and 11; docs/style.md 25; docs/adr/0003-identity-write-lock.md; docs/ARCHITECTURE.md',
        ].join('\n'),
      ],
    ]);
    expect(brokenCitations(right, docs, exists)).toEqual([]);
  });

  it('the cited docs keep the numbering the code relies on', () => {
    const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
    const sorted = (s: ReadonlySet<number> | undefined): number[] => [...(s ?? [])].sort((a, b) => a - b);
    expect(sorted(docs.get('style')?.points.get(''))).toEqual(range(25));
    expect(sorted(docs.get('design')?.points.get('Invariants'))).toEqual(range(6));
    expect(sorted(docs.get('targets')?.points.get('Performance targets'))).toEqual(range(6));
    expect(sorted(docs.get('targets')?.points.get('Reliability targets'))).toEqual(range(4));
    expect(sorted(docs.get('targets')?.points.get('Security targets'))).toEqual(range(3));
    const sections = [...(docs.get('azure-behaviour')?.sections ?? [])];
    expect(sections.filter((s) => !s.includes('.'))).toEqual(range(9).map(String));
  });

  it('every citation in the repository resolves', () => {
    const files = trackedTextFiles();
    files.delete('test/unit/project/citations.test.ts'); // its wrong citations above are on purpose
    for (const file of [...files.keys()])
      if (file.startsWith('test/fixtures/azure/') && file.endsWith('.json')) files.delete(file);
    expect(files.size).toBeGreaterThan(100);
    expect(brokenCitations(files, docs, exists)).toEqual([]);
  });
});
