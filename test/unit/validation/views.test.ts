/**
 * The report's views come from findings alone: subjects make matrices and lists, a capability without
 * subjects (private link today) still gets a list by its check prefix, and every name is escaped.
 */
import { type Finding } from '../../../shared/validation/findings';
import { MAX_MATRIX_CELLS } from '../../../shared/validation/renderHtml';
import { buildReport, renderHtml } from '../../../shared/validation/report';
import { capabilityGroups, cellKey, reportViews } from '../../../shared/validation/views';

const ID = '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers';
const fleet = (row: string, column: string, state: string, status: Finding['status']): Finding => ({
  check: 'federation.fic-present',
  resourceId: `${ID}/Microsoft.ManagedIdentity/userAssignedIdentities/${column}/federatedIdentityCredentials/${row}-${state}`,
  status,
  message: `${row} × ${column}: ${state}`,
  subject: { view: 'fleet', rowKind: 'cluster', row, columnKind: 'identity', column, state },
});
const connection = (name: string, check: string, status: Finding['status']): Finding => ({
  check,
  resourceId: `${ID}/Microsoft.KeyVault/vaults/kv/privateEndpointConnections/${name}`,
  status,
  message: `connection ${name}`,
});

describe('reportViews', () => {
  it('builds a matrix with sorted rows and columns, the worst finding of a cell deciding its state', () => {
    const findings = buildReport(
      [
        fleet('aks-b', 'id-x', 'present', 'pass'),
        fleet('aks-a', 'id-y', 'planned', 'warn'),
        fleet('aks-a', 'id-x', 'present', 'pass'),
        fleet('aks-a', 'id-x', 'near-miss', 'fail'),
      ],
      { full: true },
    ).findings;
    const [view] = reportViews(findings);
    expect(view?.kind).toBe('matrix');
    if (view?.kind !== 'matrix') throw new Error('not a matrix');
    expect(view.rows).toEqual(['aks-a', 'aks-b']);
    expect(view.columns).toEqual(['id-x', 'id-y']);
    expect(view.cells.get(cellKey('aks-a', 'id-x'))).toMatchObject({
      state: 'near-miss',
      status: 'fail',
      states: ['near-miss', 'present'],
    });
    expect(view.cells.get(cellKey('aks-b', 'id-y'))).toBeUndefined();
  });

  it('groups findings by capability prefix', () => {
    const groups = capabilityGroups([
      connection('pe-1', 'privatelink.decision', 'pass'),
      fleet('aks-a', 'id-x', 'present', 'pass'),
      connection('pe-2', 'privatelink.decided-elsewhere', 'warn'),
    ]);
    expect(groups.map((g) => [g.capability, g.summary])).toEqual([
      ['federation', { pass: 1, warn: 0, fail: 0 }],
      ['privatelink', { pass: 1, warn: 1, fail: 0 }],
    ]);
  });
});

describe('renderHtml views', () => {
  it('renders a matrix cell per pair with data hooks, and a list for a capability that gives no subjects', () => {
    const html = renderHtml(
      buildReport(
        [
          fleet('aks-a', 'id-x', 'present', 'pass'),
          fleet('aks-b', 'id-y', 'refused', 'fail'),
          connection('pe-pending', 'privatelink.decision', 'warn'),
          connection('pe-approved', 'privatelink.decided', 'pass'),
        ],
        { full: true },
      ),
    );
    expect(html).toContain('<table class="matrix" data-view="fleet" data-rows="2" data-columns="2">');
    expect(html).toMatch(
      /<td class="cell" data-row="aks-b" data-column="id-y" data-state="refused" data-status="fail"/,
    );
    expect(html).toContain('<td class="cell" data-row="aks-a" data-column="id-y" data-state="none">');
    expect(html).toContain('<table class="list" data-view="privatelink" data-count="2">');
    expect(html).toContain(
      '<tr class="list-row" data-row="kv/pe-pending" data-state="decision" data-status="warn">',
    );
    expect(html).toContain(
      '<tr class="list-row" data-row="kv/pe-approved" data-state="decided" data-status="pass">',
    );
    expect(html).not.toContain('id="history"');
  });

  it('by default builds the matrix from the problems, and says how many passes it counted instead', () => {
    const html = renderHtml(
      buildReport([
        fleet('aks-a', 'id-x', 'present', 'pass'),
        fleet('aks-a', 'id-z', 'present', 'pass'),
        fleet('aks-b', 'id-y', 'refused', 'fail'),
        fleet('aks-c', 'id-x', 'planned', 'warn'),
        connection('pe-approved', 'privatelink.decided', 'pass'),
      ]),
    );
    // aks-a and id-z only passed: no row, no column for them.
    expect(html).toContain('<table class="matrix" data-view="fleet" data-rows="2" data-columns="2">');
    expect(html).toMatch(/<td class="cell" data-row="aks-b" data-column="id-y" data-state="refused"/);
    expect(html).toContain(
      '<td class="cell" data-row="aks-b" data-column="id-x" data-state="none"><span aria-label="nothing to fix">',
    );
    expect(html).toContain('data-passes-not-listed="2"');
    expect(html).toContain('2 passing finding(s) of federation are counted, not drawn here');
    // privatelink passed only: no view, but its count in the capability table.
    expect(html).not.toContain('data-view="privatelink"');
    expect(html).toContain('<tr data-capability="privatelink" data-pass="1">');
  });

  it('draws a full report matrix of more than MAX_MATRIX_CELLS pairs from its problems only', () => {
    const side = Math.ceil(Math.sqrt(MAX_MATRIX_CELLS)) + 1;
    const findings = Array.from({ length: side }, (_, i) => fleet(`aks-${i}`, `id-${i}`, 'present', 'pass'));
    findings.push(fleet('aks-0', 'id-1', 'refused', 'fail'));
    const html = renderHtml(buildReport(findings, { full: true }));
    expect(html).toContain('<table class="matrix" data-view="fleet" data-rows="1" data-columns="1">');
    expect(html).toContain(`data-passes-not-listed="${side}"`);
    expect(html).toContain('the findings table lists them');
    expect(html.match(/<tr class="finding"/g)).toHaveLength(side + 1);
    // Under the limit the full matrix is drawn.
    const small = renderHtml(buildReport(findings.slice(0, 3), { full: true }));
    expect(small).toContain('<table class="matrix" data-view="fleet" data-rows="3" data-columns="3">');
  });

  it('lists the run history when given, newest first as given', () => {
    const html = renderHtml(buildReport([]), {
      runId: 'fedlink:drift',
      history: [
        { runId: 'run-2', generatedAt: '2026-11-23T11:00:00.000Z' },
        { runId: 'run-1', generatedAt: '2026-11-23T10:00:00.000Z' },
      ],
    });
    expect([...html.matchAll(/<tr class="run" data-run-id="([^"]+)">/g)].map((m) => m[1])).toEqual([
      'run-2',
      'run-1',
    ]);
    expect(html).toContain('run <code>fedlink:drift</code>');
  });

  it('escapes hostile names in every view, attribute and the history', () => {
    const evil = '<script>alert(1)</script>"\'&';
    const html = renderHtml(
      buildReport([
        fleet(evil, evil, evil, 'fail'),
        { ...connection(evil, `privatelink.${evil}`, 'warn') },
        { ...connection('x', `${evil}.decided`, 'warn') },
      ]),
      { history: [{ runId: evil, generatedAt: evil, href: `javascript:${evil}` }], title: evil },
    );
    expect(html.match(/<script/gi)).toHaveLength(1);
    expect(html).not.toMatch(/<\/script>"/);
    expect(html).toContain('data-row="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"');
    expect(html).not.toContain('javascript:');
  });
});
