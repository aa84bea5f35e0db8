/** Human-readable output of a RunResult for the terminal (`--output table`). */
import { type RunResult } from '../functions/contracts';
import { buildReport, renderTable } from '../shared/validation/report';

const SIGN = { create: '+', update: '~', delete: '-' } as const;

export function renderRun(result: RunResult, options: { findings?: boolean } = {}): string {
  const lines: string[] = [];
  const verb = result.mode === 'plan' ? 'would' : 'did';
  lines.push(
    `${result.mode.toUpperCase()} ${describeTarget(result)}: ${result.status}${result.reason ? ` (${result.reason})` : ''}`,
  );
  for (const identity of result.identities) {
    const name = identity.identityId.split('/').pop() ?? identity.identityId;
    const kept = [
      identity.unchanged ? `${identity.unchanged} in place` : '',
      identity.adopted ? `${identity.adopted} adopted (not fedlink's)` : '',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(
      `  identity ${name}: ${identity.status}, ${identity.writes.length} write(s) ${verb} happen${kept ? `; ${kept}` : ''}`,
    );
    for (const w of identity.writes) {
      lines.push(`    ${SIGN[w.kind]} ${w.kind} ${w.name}  issuer=${w.issuer}  subject=${w.subject}`);
    }
  }
  const c = result.counts;
  lines.push(
    `  total: ${c.creates} create, ${c.updates} update, ${c.deletes} delete; ${c.unchanged} in place, ${c.adopted} adopted`,
  );
  if (options.findings !== false && result.findings.length > 0) {
    lines.push('', renderTable(buildReport(result.findings)));
  }
  return lines.join('\n');
}

function describeTarget(result: RunResult): string {
  switch (result.target.kind) {
    case 'cluster':
      return `cluster ${result.target.clusterId}`;
    case 'identity':
      return `identity ${result.target.identityId}`;
    case 'fleet':
      return 'fleet';
  }
}
