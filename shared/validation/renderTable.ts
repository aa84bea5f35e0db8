/**
 * The report as plain text for a terminal: a summary line, then one aligned row per finding with its
 * remediation on the line below. No colours (the caller may not be a TTY) and no control characters:
 * messages quote tag values and other strings anyone with tag-write can set, and a raw escape sequence
 * would let them rewrite the operator's terminal.
 */
import { parseResourceId } from '../core/resourceId';
import { type Report } from './report';

const HEADERS = ['STATUS', 'CHECK', 'RESOURCE', 'MESSAGE'] as const;

/**
 * Renders `report` as aligned plain text, ending with a newline. When passes are counted but not listed
 * (the default), a short "passing" block says how many passed per check, so a converged fleet still
 * shows what was checked.
 */
export function renderTable(report: Report): string {
  const { pass, warn, fail } = report.summary;
  const lines = [`${fail} fail, ${warn} warn, ${pass} pass`];
  const passing = passingBlock(report);
  if (report.findings.length === 0)
    return `${lines[0]}\n${report.listed === 'problems' ? 'no problems' : 'no findings'}\n${passing}`;
  const rows = report.findings.map((f) => ({
    cells: [
      f.status.toUpperCase(),
      clean(f.check),
      clean(shortResource(f.resourceId)),
      clean(f.message),
    ] as const,
    remediation: f.remediation === undefined ? undefined : clean(f.remediation),
  }));
  const widths = [0, 1, 2].map((i) => Math.max(HEADERS[i]!.length, ...rows.map((r) => r.cells[i]!.length)));
  const indent = widths.reduce((sum, w) => sum + w + 2, 0);
  const row = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c))
      .join('  ')
      .trimEnd();
  lines.push('', row(HEADERS));
  for (const r of rows) {
    lines.push(row(r.cells));
    if (r.remediation !== undefined) lines.push(`${' '.repeat(indent)}fix: ${r.remediation}`);
  }
  return `${lines.join('\n')}\n${passing === '' ? '' : `\n${passing}`}`;
}

/** `passing (counted, not listed; --full lists them):` and one `check  n` line per check; '' when listed. */
function passingBlock(report: Report): string {
  const counts = Object.entries(report.passesByCheck ?? {}).filter(([, n]) => n > 0);
  if (report.listed !== 'problems' || counts.length === 0) return '';
  counts.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const width = Math.max(...counts.map(([check]) => clean(check).length));
  return `passing (counted, not listed; --full lists them):\n${counts
    .map(([check, n]) => `  ${clean(check).padEnd(width)}  ${n}`)
    .join('\n')}\n`;
}

/**
 * `id-payments/fedlink-aks-…` for a FIC id: the names after the provider, which is what people
 * recognise; the full id is in the JSON and HTML reports. Anything that is not an ARM id is shown as is.
 */
export function shortResource(resourceId: string): string {
  try {
    const parsed = parseResourceId(resourceId);
    if (parsed.segments.length > 0) return parsed.segments.map((s) => s.name).join('/');
    return parsed.resourceGroup ?? parsed.subscriptionId;
  } catch {
    return resourceId;
  }
}

// C0/C1 controls (escape sequences) and invisible/bidi format characters (Trojan Source style reordering).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

function clean(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
