/**
 * The report as one self-contained HTML page (GET /api/report): summary counts, status filters and a
 * findings table. No external assets and no script (the status filter is pure CSS `:has()`), so it
 * works offline and under a script-free Content-Security-Policy. Every text is escaped: messages quote
 * tag values, which anyone with tag-write on an identity controls.
 *
 * Stable hooks for browser tests: `#summary` (with `data-pass|warn|fail`), `#summary-<status>`
 * (`data-count`), `#filter-<all|fail|warn|pass>` radio inputs, `#findings` table (`data-count`), one
 * `tr.finding` per finding with `data-status`, `data-check` and `data-resource-id`, a `.badge` with
 * `data-status` in it, and `#no-findings` when there are none.
 */
import { type FindingStatus } from './findings';
import { type Report } from './report';
import { shortResource } from './renderTable';

export interface HtmlOptions {
  /** Page title and heading; default `fedlink report`. */
  readonly title?: string;
  /** When the findings were gathered (the caller's clock: renderers are pure), shown under the heading. */
  readonly generatedAt?: string;
}

const STATUSES: readonly FindingStatus[] = ['fail', 'warn', 'pass'];

const CSS = `
:root { color-scheme: light dark; --fail: #c62828; --warn: #b26a00; --pass: #2e7d32; --line: #8884; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
#generated { color: GrayText; margin: 0 0 1rem; }
#summary { display: flex; gap: 1rem; margin: 1rem 0; }
#summary .count { border: 1px solid var(--line); border-radius: 6px; padding: .5rem 1rem; }
#summary .count strong { font-size: 1.3rem; margin-right: .3rem; }
#summary-fail strong { color: var(--fail); } #summary-warn strong { color: var(--warn); } #summary-pass strong { color: var(--pass); }
#filters { margin: 0 0 .75rem; } #filters label { margin-right: 1rem; cursor: pointer; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid var(--line); }
td.resource code { word-break: break-all; }
.badge { display: inline-block; min-width: 3.2em; text-align: center; border-radius: 4px; color: #fff; font-weight: 600; font-size: .8rem; padding: .1rem .4rem; }
.badge-fail { background: var(--fail); } .badge-warn { background: var(--warn); } .badge-pass { background: var(--pass); }
.remediation { margin-top: .3rem; color: GrayText; }
body:has(#filter-fail:checked) tr.finding:not([data-status="fail"]),
body:has(#filter-warn:checked) tr.finding:not([data-status="warn"]),
body:has(#filter-pass:checked) tr.finding:not([data-status="pass"]) { display: none; }
`;

/** Renders `report` as a complete HTML document. */
export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const title = options.title ?? 'fedlink report';
  const { summary } = report;
  const counts = STATUSES.map(
    (s) =>
      `<span class="count" id="summary-${s}" data-status="${s}" data-count="${summary[s]}"><strong>${summary[s]}</strong>${s}</span>`,
  ).join('\n    ');
  const filters = (['all', ...STATUSES] as const)
    .map((s) => {
      const n = s === 'all' ? report.findings.length : summary[s];
      return `<input type="radio" name="status-filter" id="filter-${s}" value="${s}"${s === 'all' ? ' checked' : ''}><label for="filter-${s}">${s === 'all' ? 'All' : s} (${n})</label>`;
    })
    .join('\n    ');
  const rows =
    report.findings.length === 0
      ? '<tr id="no-findings"><td colspan="4">No findings.</td></tr>'
      : report.findings
          .map((f) => {
            const remediation =
              f.remediation === undefined
                ? ''
                : `<div class="remediation"><span>Fix:</span> ${escape(f.remediation)}</div>`;
            // Findings arrive as JSON from durable outputs: even the status is escaped, not trusted.
            const status = escape(f.status);
            return (
              `<tr class="finding" data-status="${status}" data-check="${escape(f.check)}" data-resource-id="${escape(f.resourceId)}">` +
              `<td><span class="badge badge-${status}" data-status="${status}">${status.toUpperCase()}</span></td>` +
              `<td class="check"><code>${escape(f.check)}</code></td>` +
              `<td class="resource" title="${escape(f.resourceId)}"><code>${escape(shortResource(f.resourceId))}</code></td>` +
              `<td class="message">${escape(f.message)}${remediation}</td></tr>`
            );
          })
          .join('\n      ');
  const generated =
    options.generatedAt === undefined
      ? ''
      : `\n  <p id="generated">Generated ${escape(options.generatedAt)}</p>`;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escape(title)}</title>
  <style>${CSS}</style>
</head>
<body>
  <h1>${escape(title)}</h1>${generated}
  <section id="summary" aria-label="Summary" data-pass="${summary.pass}" data-warn="${summary.warn}" data-fail="${summary.fail}">
    ${counts}
  </section>
  <nav id="filters" aria-label="Filter by status">
    ${filters}
  </nav>
  <table id="findings" data-count="${report.findings.length}">
    <thead><tr><th scope="col">Status</th><th scope="col">Check</th><th scope="col">Resource</th><th scope="col">Message</th></tr></thead>
    <tbody>
      ${rows}
    </tbody>
  </table>
</body>
</html>
`;
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
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
