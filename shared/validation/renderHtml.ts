/**
 * The report as one self-contained HTML page (GET /api/report): summary counts, the views capabilities
 * place their findings in (a fleet matrix of clusters × identities, DNS links per zone and hub…), a
 * section per capability, the findings with their fixes, and the run history when a report store is
 * configured. No external assets. The status filter is pure CSS `:has()`, so it works without script;
 * a little inline script adds the capability and text filters. Every text is escaped: messages and
 * names quote resource names and tag values, which anyone with write access to them controls.
 *
 * By default the report lists the problems and counts the passes: the page then says so (`data-listed`
 * on `#summary` and `#findings`: `problems` or `all`) and shows `#passes-by-check` (one
 * `li[data-check][data-count]` per check), the pass counts per capability, and builds its views from the
 * problems (see renderMatrix).
 *
 * Stable hooks for browser tests: `#summary` (with `data-pass|warn|fail`), `#summary-<status>`
 * (`data-count`), `#filter-<all|fail|warn|pass>` radio inputs, `#filter-capability` (select) and
 * `#filter-text` (search), `#findings` table (`data-count`), one `tr.finding` per finding with
 * `data-status`, `data-check`, `data-capability` and `data-resource-id`, a `.badge` with `data-status`
 * in it, and `#no-findings` when there are none. Views: `table.matrix[data-view]` with one `td.cell`
 * per row × column carrying `data-row`, `data-column`, `data-state` (`none` where no finding is) and
 * `data-status`; `table.list[data-view]` with `tr.list-row` (`data-row`, `data-state`, `data-status`);
 * `#capabilities` with `tr[data-capability]`; `#history` with `tr.run[data-run-id]`.
 */
import { type Finding, type FindingStatus } from './findings';
import { type Report } from './report';
import { shortResource } from './renderTable';
import {
  type CapabilityGroup,
  capabilityGroups,
  capabilityOf,
  cellKey,
  reportViews,
  type ListRow,
  type ListView,
  type MatrixView,
} from './views';

/** One earlier run, as the report store lists it. */
export interface HistoryEntry {
  readonly runId: string;
  readonly generatedAt: string;
  /** Where its report can be read, when the caller serves it. */
  readonly href?: string;
}

export interface HtmlOptions {
  /** Page title and heading; default `fedlink report`. */
  readonly title?: string;
  /** When the findings were gathered (the caller's clock: renderers are pure), shown under the heading. */
  readonly generatedAt?: string;
  /** The run the report is of. */
  readonly runId?: string;
  /** Recent runs, newest first (the report store's `listRecent`); the section is left out when undefined. */
  readonly history?: readonly HistoryEntry[];
}

/**
 * The page in three parts, for a findings table written row by row (GET /api/report?full=true streams
 * the stored full list between `head` and `tail` without holding it): `renderHtml` is
 * `head + rows.map(row).join('\n      ') + tail`.
 */
export interface HtmlParts {
  readonly head: string;
  row(finding: Finding): string;
  readonly tail: string;
}

/**
 * Where the findings table's rows come from when they are not `report.findings`: a stream of every
 * finding of the run (`count` of them), while the views and counts come from `report`.
 */
export interface StreamedRows {
  readonly count: number;
}

const STATUSES: readonly FindingStatus[] = ['fail', 'warn', 'pass'];

/**
 * The most row × column pairs a matrix of every finding is drawn with (about 2 MB of cells). Past it, a
 * full report's matrix shows its problems only, as the default one does: 1,000 × 5,000 pairs would be
 * 190 MB of page at the reference fleet (docs/targets.md performance), which no browser shows usefully.
 */
export const MAX_MATRIX_CELLS = 20_000;

const CSS = `
:root { color-scheme: light dark; --fail: #c62828; --warn: #b26a00; --pass: #2e7d32; --none: #8888; --line: #8884; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem; max-width: 90rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; } h2 { font-size: 1.1rem; margin: 2rem 0 .5rem; }
#generated { color: GrayText; margin: 0 0 1rem; }
#summary { display: flex; gap: 1rem; margin: 1rem 0; }
#summary .count { border: 1px solid var(--line); border-radius: 6px; padding: .5rem 1rem; }
#summary .count strong { font-size: 1.3rem; margin-right: .3rem; }
#summary-fail strong { color: var(--fail); } #summary-warn strong { color: var(--warn); } #summary-pass strong { color: var(--pass); }
#toc a { margin-right: 1rem; }
#passes-by-check { margin: 0 0 1rem; } #passes-by-check ul { display: inline; padding: 0; margin: 0 0 0 .5rem; }
#passes-by-check li { display: inline-block; white-space: nowrap; margin-right: 1rem; color: var(--pass); } #passes-by-check code { color: CanvasText; }
#filters { margin: 0 0 .75rem; display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: center; }
#filters label { cursor: pointer; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid var(--line); }
td.resource code { word-break: break-all; }
table.matrix { width: auto; } table.matrix td.cell { text-align: center; border: 1px solid var(--line); }
table.matrix thead th { writing-mode: horizontal-tb; white-space: nowrap; }
.cell[data-status="fail"] { background: color-mix(in srgb, var(--fail) 18%, transparent); }
.cell[data-status="warn"] { background: color-mix(in srgb, var(--warn) 18%, transparent); }
.cell[data-status="pass"] { background: color-mix(in srgb, var(--pass) 14%, transparent); }
.cell[data-state="none"] { color: var(--none); }
.state { font-weight: 600; } .more { color: GrayText; font-size: .8rem; }
.badge { display: inline-block; min-width: 3.2em; text-align: center; border-radius: 4px; color: #fff; font-weight: 600; font-size: .8rem; padding: .1rem .4rem; }
.badge-fail { background: var(--fail); } .badge-warn { background: var(--warn); } .badge-pass { background: var(--pass); }
.remediation { margin-top: .3rem; color: GrayText; }
.legend { color: GrayText; margin: .25rem 0 .5rem; }
body:has(#filter-fail:checked) tr.finding:not([data-status="fail"]),
body:has(#filter-warn:checked) tr.finding:not([data-status="warn"]),
body:has(#filter-pass:checked) tr.finding:not([data-status="pass"]) { display: none; }
`;

// The capability and text filters: hide findings rows that do not match. Runs after the table exists.
const SCRIPT = `
(function () {
  var cap = document.getElementById('filter-capability');
  var text = document.getElementById('filter-text');
  function apply() {
    var c = cap.value, t = text.value.trim().toLowerCase();
    document.querySelectorAll('tr.finding').forEach(function (row) {
      var ok = (c === '' || row.getAttribute('data-capability') === c) &&
        (t === '' || row.textContent.toLowerCase().indexOf(t) >= 0 ||
          row.getAttribute('data-resource-id').toLowerCase().indexOf(t) >= 0);
      row.hidden = !ok;
    });
  }
  cap.addEventListener('change', apply);
  text.addEventListener('input', apply);
  document.querySelectorAll('a[data-filter-capability]').forEach(function (a) {
    a.addEventListener('click', function () { cap.value = a.getAttribute('data-filter-capability'); apply(); });
  });
  apply();
})();
`;

/** Renders `report` as a complete HTML document. */
export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const parts = renderHtmlParts(report, options);
  const rows =
    report.findings.length === 0
      ? '<tr id="no-findings"><td colspan="4">No findings.</td></tr>'
      : report.findings.map((f) => parts.row(f)).join('\n      ');
  return `${parts.head}${rows}${parts.tail}`;
}

/**
 * The page around its findings rows. With `streamed`, the table is announced with `streamed.count` rows
 * of every status (the caller writes them), and `report` gives the views, the counts and the summary.
 */
export function renderHtmlParts(
  report: Report,
  options: HtmlOptions = {},
  streamed?: StreamedRows,
): HtmlParts {
  const title = options.title ?? 'fedlink report';
  const { summary } = report;
  const passesByCheck = report.passesByCheck ?? {};
  // Passes are listed in the table when the report lists them or the caller streams every finding.
  const passesListed = streamed !== undefined || report.listed !== 'problems';
  const counts = STATUSES.map(
    (s) =>
      `<span class="count" id="summary-${s}" data-status="${s}" data-count="${summary[s]}"><strong>${summary[s]}</strong>${s}</span>`,
  ).join('\n    ');
  // The views are built from the listed findings: by default the problems only (see renderMatrix). A
  // full report's matrix of more than MAX_MATRIX_CELLS pairs is built from its problems too.
  const problemsOnly = new Set<string>();
  const views = [...reportViews(report.findings), ...fallbackLists(report.findings)].flatMap((v) => {
    if (report.listed === 'problems') {
      problemsOnly.add(v.id);
      return [v];
    }
    if (v.kind !== 'matrix' || v.rows.length * v.columns.length <= MAX_MATRIX_CELLS) return [v];
    problemsOnly.add(v.id);
    const problems = reportViews(report.findings.filter((f) => f.status !== 'pass')).find(
      (p) => p.id === v.id,
    );
    return problems ? [problems] : [];
  });
  const groups = capabilitySummaries(report.findings, passesByCheck);
  const toc = [
    ...views.map((v) => `<a href="#view-${escape(v.id)}">${escape(viewTitle(v))}</a>`),
    groups.length > 0 ? '<a href="#capabilities">By capability</a>' : '',
    '<a href="#findings-section">Findings</a>',
    options.history ? '<a href="#history">Run history</a>' : '',
  ].filter(Boolean);
  const generated =
    options.generatedAt === undefined && options.runId === undefined
      ? ''
      : `\n  <p id="generated">${[
          options.generatedAt === undefined ? '' : `Generated ${escape(options.generatedAt)}`,
          options.runId === undefined ? '' : `run <code>${escape(options.runId)}</code>`,
        ]
          .filter(Boolean)
          .join(', ')}</p>`;
  const head = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escape(title)}</title>
  <style>${CSS}</style>
</head>
<body>
  <header>
  <h1>${escape(title)}</h1>${generated}
  <section id="summary" aria-label="Summary" data-pass="${summary.pass}" data-warn="${summary.warn}" data-fail="${summary.fail}" data-listed="${passesListed ? 'all' : 'problems'}">
    ${counts}
  </section>
  ${renderPassesByCheck(passesByCheck, passesListed)}
  <nav id="toc" aria-label="Sections">${toc.join(' ')}</nav>
  </header>
  <main>
  ${views.map((v) => (v.kind === 'matrix' ? renderMatrix(v, !problemsOnly.has(v.id), passesByCheck, passesListed) : renderList(v))).join('\n  ')}
  ${renderCapabilities(groups)}
  ${renderFindingsHead(
    report,
    groups.map((g) => g.capability),
    passesListed,
    streamed?.count ?? report.findings.length,
  )}`;
  const tail = `
    </tbody>
    </table>
  </section>
  ${options.history ? renderHistory(options.history) : ''}
  </main>
  <script>${SCRIPT}</script>
</body>
</html>
`;
  return { head, row: findingRow, tail };
}

/**
 * Passing findings per check: how many passed, whether or not they are listed, so a converged fleet's
 * page still says what was checked (`#passes-by-check`, one `li[data-check][data-count]` per check).
 */
function renderPassesByCheck(passesByCheck: Readonly<Record<string, number>>, listed: boolean): string {
  const counts = Object.entries(passesByCheck)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => compare(a, b));
  if (counts.length === 0) return '';
  const items = counts
    .map(
      ([check, n]) =>
        `<li data-check="${escape(check)}" data-count="${n}"><code>${escape(check)}</code> ${n}</li>`,
    )
    .join('');
  const note = listed
    ? 'Passing, by check:'
    : 'Passing, by check (counted, not listed; <code>?full=true</code> lists every finding):';
  return `<section id="passes-by-check" aria-label="Passing by check" data-listed="${listed ? 'all' : 'problems'}"><span class="legend">${note}</span><ul>${items}</ul></section>`;
}

function viewTitle(v: MatrixView | ListView): string {
  const title = v.kind === 'matrix' ? `${plural(v.rowKind)} × ${plural(v.columnKind)}` : plural(v.rowKind);
  return `${capitalise(title)} (${v.id})`;
}

/**
 * A matrix of what is listed. By default that is the problems: the rows are the clusters (zones…) with a
 * warn or fail finding and the columns the identities (hubs…) with one, so a broken cluster shows as a
 * full row and a broken identity as a full column, which is what an operator acts on; a pair without a
 * cell has nothing to fix (it passed or is not bound). A matrix of every pair would be 1,000 × 5,000 cells
 * at the reference fleet (docs/targets.md performance): megabytes of green nobody reads. The legend says
 * how many passes of the view's capability were counted instead.
 */
function renderMatrix(
  v: MatrixView,
  passesListed = true,
  passesByCheck: Readonly<Record<string, number>> = {},
  tableListsPasses = false,
): string {
  const id = escape(v.id);
  const where = tableListsPasses ? 'the findings table lists them' : '<code>?full=true</code> lists them';
  const capabilities = new Set(
    [...v.cells.values()].flatMap((c) => c.findings.map((f) => capabilityOf(f.check))),
  );
  const passes = Object.entries(passesByCheck)
    .filter(([check]) => capabilities.has(capabilityOf(check)))
    .reduce((sum, [, n]) => sum + n, 0);
  const empty = passesListed ? 'no finding' : 'nothing to fix';
  const head = v.columns.map((c) => `<th scope="col">${escape(c)}</th>`).join('');
  const rows = v.rows
    .map((r) => {
      const cells = v.columns
        .map((c) => {
          const cell = v.cells.get(cellKey(r, c));
          const attrs = `data-row="${escape(r)}" data-column="${escape(c)}"`;
          if (cell === undefined)
            return `<td class="cell" ${attrs} data-state="none"><span aria-label="${empty}">·</span></td>`;
          const more = cell.states.length > 1 ? ` <span class="more">+${cell.states.length - 1}</span>` : '';
          const detail = cell.findings.map((f) => `${f.status}: ${f.message}`).join('\n');
          return `<td class="cell" ${attrs} data-state="${escape(cell.state)}" data-status="${escape(cell.status)}" data-states="${escape(cell.states.join(' '))}" title="${escape(detail)}"><span class="state">${escape(cell.state)}</span>${more}</td>`;
        })
        .join('');
      return `<tr><th scope="row">${escape(r)}</th>${cells}</tr>`;
    })
    .join('\n      ');
  const states = [...new Set([...v.cells.values()].map((c) => c.state))].sort();
  return `<section id="view-${id}" aria-labelledby="view-${id}-title">
    <h2 id="view-${id}-title">${escape(viewTitle(v))}</h2>
    <p class="legend">Each cell: the state of the ${escape(v.rowKind)} × ${escape(v.columnKind)} pair (${states.map(escape).join(', ') || 'none'}); hover for the findings, · where there is ${empty}.</p>${
      passesListed
        ? ''
        : `
    <p class="legend" data-passes-not-listed="${passes}">Only ${escape(plural(v.rowKind))} and ${escape(plural(v.columnKind))} with a warn or fail finding are shown; ${passes} passing finding(s) of ${[...capabilities].sort().map(escape).join(', ')} are counted, not drawn here (${where}).</p>`
    }
    <table class="matrix" data-view="${id}" data-rows="${v.rows.length}" data-columns="${v.columns.length}">
    <caption class="legend">${escape(capitalise(plural(v.rowKind)))} down, ${escape(plural(v.columnKind))} across</caption>
    <thead><tr><th scope="col">${escape(v.rowKind)} \\ ${escape(v.columnKind)}</th>${head}</tr></thead>
    <tbody>
      ${rows}
    </tbody>
    </table>
  </section>`;
}

function renderList(v: ListView): string {
  const id = escape(v.id);
  const rows = v.rows.map((r: ListRow) => {
    const messages = r.findings.map((f) => `<div>${escape(f.message)}</div>`).join('');
    return `<tr class="list-row" data-row="${escape(r.row)}" data-state="${escape(r.state)}" data-status="${escape(r.status)}"><th scope="row">${escape(r.row)}</th><td><span class="badge badge-${escape(r.status)}" data-status="${escape(r.status)}">${escape(r.state)}</span></td><td>${messages}</td></tr>`;
  });
  return `<section id="view-${id}" aria-labelledby="view-${id}-title">
    <h2 id="view-${id}-title">${escape(viewTitle(v))}</h2>
    <table class="list" data-view="${id}" data-count="${v.rows.length}">
    <thead><tr><th scope="col">${escape(capitalise(v.rowKind))}</th><th scope="col">State</th><th scope="col">Findings</th></tr></thead>
    <tbody>
      ${rows.join('\n      ')}
    </tbody>
    </table>
  </section>`;
}

/**
 * A capability that places none of its findings in a view still gets a list: one row per resource, its
 * state the check's name after the prefix (`privatelink.decided-elsewhere` → `decided-elsewhere`).
 * Run-level checks (`run.`, `event.`, `reconcile.`) are about runs, not resources, and stay in the
 * findings table.
 */
function fallbackLists(findings: readonly Finding[]): ListView[] {
  const RUN_LEVEL = new Set(['run', 'event', 'reconcile']);
  const withViews = new Set(findings.filter((f) => f.subject).map((f) => capabilityOf(f.check)));
  const out: ListView[] = [];
  for (const g of capabilityGroups(findings)) {
    if (withViews.has(g.capability) || RUN_LEVEL.has(g.capability) || g.capability === g.findings[0]?.check)
      continue;
    const byResource = new Map<string, Finding[]>();
    for (const f of g.findings) {
      const key = f.resourceId.toLowerCase();
      byResource.set(key, [...(byResource.get(key) ?? []), f]);
    }
    const rows = [...byResource.values()].map((members): ListRow => {
      const worst = members[0]!; // report order: worst first
      return {
        row: shortResource(worst.resourceId),
        state: worst.check.slice(g.capability.length + 1),
        status: worst.status,
        findings: members,
      };
    });
    out.push({ kind: 'list', id: g.capability, rowKind: `${g.capability} resource`, rows });
  }
  return out;
}

/**
 * Per capability: fail and warn from the listed findings (problems are always listed), pass from the
 * pass counts (listed or not), so a capability whose findings all passed still has its row.
 */
function capabilitySummaries(
  findings: readonly Finding[],
  passesByCheck: Readonly<Record<string, number>>,
): CapabilityGroup[] {
  const groups = new Map(capabilityGroups(findings).map((g) => [g.capability, g]));
  const passes = new Map<string, number>();
  for (const [check, n] of Object.entries(passesByCheck))
    passes.set(capabilityOf(check), (passes.get(capabilityOf(check)) ?? 0) + n);
  for (const capability of passes.keys())
    if (!groups.has(capability))
      groups.set(capability, { capability, summary: { pass: 0, warn: 0, fail: 0 }, findings: [] });
  return [...groups.values()]
    .sort((a, b) => compare(a.capability, b.capability))
    .map((g) => ({ ...g, summary: { ...g.summary, pass: passes.get(g.capability) ?? g.summary.pass } }));
}

function renderCapabilities(groups: readonly CapabilityGroup[]): string {
  if (groups.length === 0) return '';
  const rows = groups
    .map((g) => {
      const c = escape(g.capability);
      return `<tr data-capability="${c}" data-pass="${g.summary.pass}"><th scope="row"><a href="#findings-section" data-filter-capability="${c}">${c}</a></th><td>${g.summary.fail}</td><td>${g.summary.warn}</td><td>${g.summary.pass}</td></tr>`;
    })
    .join('\n      ');
  return `<section id="capabilities" aria-labelledby="capabilities-title">
    <h2 id="capabilities-title">By capability</h2>
    <table>
    <thead><tr><th scope="col">Capability</th><th scope="col">Fail</th><th scope="col">Warn</th><th scope="col">Pass</th></tr></thead>
    <tbody>
      ${rows}
    </tbody>
    </table>
  </section>`;
}

function renderFindingsHead(
  report: Report,
  capabilities: readonly string[],
  passesListed: boolean,
  count: number,
): string {
  const { summary } = report;
  const filters = (['all', ...STATUSES] as const)
    .map((s) => {
      const n = s === 'all' ? count : summary[s];
      const note = s === 'pass' && !passesListed ? ', not listed' : '';
      return `<span><input type="radio" name="status-filter" id="filter-${s}" value="${s}"${s === 'all' ? ' checked' : ''}><label for="filter-${s}">${s === 'all' ? 'All' : s} (${n}${note})</label></span>`;
    })
    .join('\n    ');
  const options = capabilities.map((c) => `<option value="${escape(c)}">${escape(c)}</option>`).join('');
  return `<section id="findings-section" aria-labelledby="findings-title">
    <h2 id="findings-title">${passesListed ? 'Findings and fixes' : 'Problems and fixes'}</h2>
    <div id="filters" role="group" aria-label="Filter findings">
    ${filters}
    <label for="filter-capability">Capability</label>
    <select id="filter-capability"><option value="">all</option>${options}</select>
    <label for="filter-text">Search</label>
    <input type="search" id="filter-text" placeholder="name, check or text">
    </div>
    <table id="findings" data-count="${count}" data-listed="${passesListed ? 'all' : 'problems'}">
    <thead><tr><th scope="col">Status</th><th scope="col">Check</th><th scope="col">Resource</th><th scope="col">Message and fix</th></tr></thead>
    <tbody>
      `;
}

/** One `tr.finding`: every text escaped (findings arrive as JSON from durable outputs and stores). */
function findingRow(f: Finding): string {
  const remediation =
    f.remediation === undefined
      ? ''
      : `<div class="remediation"><span>Fix:</span> ${escape(f.remediation)}</div>`;
  // Even the status is escaped, not trusted.
  const status = escape(f.status);
  return (
    `<tr class="finding" data-status="${status}" data-check="${escape(f.check)}" data-capability="${escape(capabilityOf(f.check))}" data-resource-id="${escape(f.resourceId)}">` +
    `<td><span class="badge badge-${status}" data-status="${status}">${status.toUpperCase()}</span></td>` +
    `<td class="check"><code>${escape(f.check)}</code></td>` +
    `<td class="resource" title="${escape(f.resourceId)}"><code>${escape(shortResource(f.resourceId))}</code></td>` +
    `<td class="message">${escape(f.message)}${remediation}</td></tr>`
  );
}

function renderHistory(history: readonly HistoryEntry[]): string {
  const rows =
    history.length === 0
      ? '<tr><td colspan="2">No runs stored yet.</td></tr>'
      : history
          .map((h) => {
            const run =
              // Only a path or an http(s) URL becomes a link: never javascript: or data:.
              h.href === undefined || !/^(\/(?!\/)|https?:\/\/)/i.test(h.href)
                ? `<code>${escape(h.runId)}</code>`
                : `<a href="${escape(h.href)}"><code>${escape(h.runId)}</code></a>`;
            return `<tr class="run" data-run-id="${escape(h.runId)}"><td><time datetime="${escape(h.generatedAt)}">${escape(h.generatedAt)}</time></td><td>${run}</td></tr>`;
          })
          .join('\n      ');
  return `<section id="history" aria-labelledby="history-title">
    <h2 id="history-title">Run history</h2>
    <table>
    <thead><tr><th scope="col">Finished</th><th scope="col">Run</th></tr></thead>
    <tbody>
      ${rows}
    </tbody>
    </table>
  </section>`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function plural(word: string): string {
  if (/(s|x|ch|sh)$/.test(word)) return `${word}es`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for element content and double- or single-quoted attributes. */
export function escape(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
