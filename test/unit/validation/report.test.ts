import { type Finding } from '../../../shared/validation/findings';
import {
  asReport,
  buildReport,
  renderHtml,
  renderHtmlParts,
  renderJson,
  renderTable,
} from '../../../shared/validation/report';
import { clusterId, identityId } from '../federation/fixtures';

const PAY = identityId('id-payments');
const AKS = clusterId('aks-prod-eastus');
const FIC = `${PAY}/federatedIdentityCredentials/fedlink-aks-prod-eastus-payments-api-986f550fb43b`;

const pass: Finding = {
  check: 'federation.fic-present',
  resourceId: FIC,
  status: 'pass',
  message: 'federated credential fedlink-aks-prod-eastus-payments-api-986f550fb43b trusts aks-prod-eastus',
};
const warn: Finding = {
  check: 'federation.cluster-oidc',
  resourceId: AKS,
  status: 'warn',
  message: 'cluster aks-prod-eastus has workload identity disabled',
  remediation: 'az aks update --enable-workload-identity',
};
const fail: Finding = {
  check: 'federation.identity-capacity',
  resourceId: PAY,
  status: 'fail',
  message: 'identity id-payments would need 21 federated credentials; Azure allows 20',
  remediation: 'Delete unused credentials.',
};
const failEarlier: Finding = {
  ...fail,
  check: 'federation.binding-identity',
  message: 'binding "p": identity not found among the identities in scope',
};

describe('buildReport', () => {
  it('orders fail, warn, pass, then by resource id and check, and counts each', () => {
    const report = buildReport([pass, warn, fail, failEarlier], { full: true });
    expect(report).toEqual({
      summary: { pass: 1, warn: 1, fail: 2 },
      passesByCheck: { [pass.check]: 1 },
      listed: 'all',
      findings: [failEarlier, fail, warn, pass],
    });
  });

  it('counts passes without listing them when asked for problems only, adding counts made elsewhere', () => {
    const report = buildReport([pass, warn, fail], {
      full: false,
      passCounts: { [pass.check]: 4, other: 2 },
    });
    expect(report).toEqual({
      summary: { pass: 7, warn: 1, fail: 1 },
      passesByCheck: { [pass.check]: 5, other: 2 },
      listed: 'problems',
      findings: [fail, warn],
    });
  });

  it('is independent of input order and keeps identical findings once', () => {
    expect(buildReport([fail, pass, warn, { ...fail }, failEarlier, pass])).toEqual(
      buildReport([failEarlier, warn, pass, fail]),
    );
  });

  it('orders resource ids case-insensitively, as ARM compares them', () => {
    const upper: Finding = { ...pass, resourceId: AKS.toUpperCase() };
    const lower: Finding = { ...pass, resourceId: `${AKS}-z`.toLowerCase() };
    expect(buildReport([lower, upper], { full: true }).findings).toEqual([upper, lower]);
  });

  it('reports nothing for no findings', () => {
    expect(buildReport([])).toEqual({
      summary: { pass: 0, warn: 0, fail: 0 },
      passesByCheck: {},
      listed: 'problems',
      findings: [],
    });
  });

  it('by default lists the problems and counts the passes per check, exactly', () => {
    const passes = Array.from({ length: 7 }, (_, i) => ({ ...pass, resourceId: `${FIC}-${i}` }));
    const other: Finding = { ...pass, check: 'dns.link', resourceId: AKS };
    const report = buildReport([...passes, other, warn, fail]);
    expect(report).toEqual({
      summary: { pass: 8, warn: 1, fail: 1 },
      passesByCheck: { [pass.check]: 7, 'dns.link': 1 },
      listed: 'problems',
      findings: [fail, warn],
    });
    expect(buildReport([...passes, other, warn, fail], { full: true }).findings).toHaveLength(10);
  });
});

describe('asReport', () => {
  it('reads a report stored before passes were counted as one that lists everything', () => {
    expect(asReport({ summary: { pass: 1, warn: 0, fail: 1 }, findings: [pass, fail] })).toEqual({
      summary: { pass: 1, warn: 0, fail: 1 },
      passesByCheck: { [pass.check]: 1 },
      listed: 'all',
      findings: [pass, fail],
    });
    const current = buildReport([pass, fail]);
    expect(asReport(JSON.parse(JSON.stringify(current)))).toEqual(current);
    expect(asReport({ findings: 'no' })).toBeUndefined();
    expect(asReport(null)).toBeUndefined();
  });
});

describe('renderJson', () => {
  it('is the report as pretty JSON, round-tripping exactly', () => {
    const report = buildReport([pass, fail]);
    const json = renderJson(report);
    expect(JSON.parse(json)).toEqual(report);
    expect(json.startsWith('{\n  "summary": {\n    "pass": 1,\n    "warn": 0,\n    "fail": 1\n  },')).toBe(
      true,
    );
  });
});

describe('renderTable', () => {
  it('aligns columns, shortens resource ids to their names, puts the fix under the message', () => {
    expect(renderTable(buildReport([pass, warn, fail], { full: true }))).toBe(
      [
        '1 fail, 1 warn, 1 pass',
        '',
        'STATUS  CHECK                         RESOURCE                                                       MESSAGE',
        'FAIL    federation.identity-capacity  id-payments                                                    identity id-payments would need 21 federated credentials; Azure allows 20',
        '                                                                                                     fix: Delete unused credentials.',
        'WARN    federation.cluster-oidc       aks-prod-eastus                                                cluster aks-prod-eastus has workload identity disabled',
        '                                                                                                     fix: az aks update --enable-workload-identity',
        'PASS    federation.fic-present        id-payments/fedlink-aks-prod-eastus-payments-api-986f550fb43b  federated credential fedlink-aks-prod-eastus-payments-api-986f550fb43b trusts aks-prod-eastus',
        '',
      ].join('\n'),
    );
  });

  it('says so when there are no findings', () => {
    expect(renderTable(buildReport([], { full: true }))).toBe('0 fail, 0 warn, 0 pass\nno findings\n');
    expect(renderTable(buildReport([]))).toBe('0 fail, 0 warn, 0 pass\nno problems\n');
  });

  it('lists the problems and a "passing" block of counts per check when passes are not listed', () => {
    const dns: Finding = { ...pass, check: 'dns.link', resourceId: AKS };
    expect(renderTable(buildReport([pass, { ...pass, resourceId: `${FIC}2` }, dns, warn]))).toBe(
      [
        '0 fail, 1 warn, 3 pass',
        '',
        'STATUS  CHECK                    RESOURCE         MESSAGE',
        'WARN    federation.cluster-oidc  aks-prod-eastus  cluster aks-prod-eastus has workload identity disabled',
        '                                                  fix: az aks update --enable-workload-identity',
        '',
        'passing (counted, not listed; --full lists them):',
        '  dns.link                1',
        '  federation.fic-present  2',
        '',
      ].join('\n'),
    );
    expect(renderTable(buildReport([pass]))).toBe(
      '0 fail, 0 warn, 1 pass\nno problems\npassing (counted, not listed; --full lists them):\n  federation.fic-present  1\n',
    );
  });

  it('shows a resource that is not an ARM id as it is', () => {
    expect(
      renderTable(
        buildReport([
          {
            check: 'run.completed',
            resourceId: 'fedlink:drift',
            status: 'fail',
            message: 'run ended Failed',
          },
        ]),
      ),
    ).toContain('FAIL    run.completed  fedlink:drift  run ended Failed');
  });

  it('never passes terminal control or bidi characters through (tag values are user-controlled)', () => {
    const hostile: Finding = {
      ...warn,
      message: 'tag value \u001b[2J\u001b]0;pwned\u0007 and \u202eevil',
      remediation: 'line1\nline2',
    };
    const text = renderTable(buildReport([hostile]));
    // Only the newlines between rows may remain.
    expect([...text].filter((c) => c !== '\n' && (c < ' ' || c === '\u007f' || c === '\u202e'))).toEqual([]);
    expect(text).toContain('tag value \\u001b[2J\\u001b]0;pwned\\u0007 and \\u202eevil');
    expect(text).toContain('fix: line1\\u000aline2');
  });
});

describe('renderHtml', () => {
  const html = renderHtml(buildReport([pass, warn, fail], { full: true }), {
    generatedAt: '2026-11-23T10:00:00Z',
  });

  it('is one self-contained document: no external assets, one inline script of its own', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/<link|src=|https?:\/\/(?!learn)/i);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<script>\n(function () {');
    expect(html).toContain('<p id="generated">Generated 2026-11-23T10:00:00Z</p>');
  });

  it('exposes stable hooks: summary counts, filters, one row per finding with data attributes and a badge', () => {
    expect(html).toContain(
      '<section id="summary" aria-label="Summary" data-pass="1" data-warn="1" data-fail="1" data-listed="all">',
    );
    expect(html).toContain(
      '<span class="count" id="summary-fail" data-status="fail" data-count="1"><strong>1</strong>fail</span>',
    );
    for (const s of ['all', 'fail', 'warn', 'pass']) expect(html).toContain(`id="filter-${s}"`);
    expect(html).toContain('<table id="findings" data-count="3" data-listed="all">');
    const rows = [
      ...html.matchAll(
        /<tr class="finding" data-status="(\w+)" data-check="([^"]+)" data-capability="federation" data-resource-id="([^"]+)">/g,
      ),
    ].map((m) => [m[1], m[2], m[3]]);
    expect(rows).toEqual([
      ['fail', 'federation.identity-capacity', PAY],
      ['warn', 'federation.cluster-oidc', AKS],
      ['pass', 'federation.fic-present', FIC],
    ]);
    expect(html).toContain('<span class="badge badge-fail" data-status="fail">FAIL</span>');
    expect(html).toContain('<div class="remediation"><span>Fix:</span> Delete unused credentials.</div>');
    expect(html).not.toContain('id="no-findings"');
  });

  it('escapes every text and attribute', () => {
    const hostile: Finding = {
      check: 'federation.identity-tags',
      resourceId: `${PAY}"><img src=x onerror=alert(1)>`,
      status: 'fail',
      message: `identity id-payments: tag fedlink-service-accounts has entries that are not namespace/serviceaccount: "<script>alert('x')</script>" & more`,
      remediation: '</td></tr></table><script>alert(2)</script>',
    };
    const page = renderHtml(buildReport([hostile]));
    // The page's own filter script is the only one.
    expect(page.match(/<script/gi)).toHaveLength(1);
    expect(page).not.toContain('<img');
    expect(page).toContain('&quot;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot; &amp; more');
    expect(page).toContain(`data-resource-id="${PAY}&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"`);
  });

  it('by default shows the pass counts by check and per capability, and lists no pass', () => {
    const dns: Finding = { ...pass, check: 'dns.link', resourceId: AKS };
    const page = renderHtml(buildReport([pass, { ...pass, resourceId: `${FIC}2` }, dns, warn]));
    expect(page).toContain('data-pass="3" data-warn="1" data-fail="0" data-listed="problems"');
    expect(page).toContain('<li data-check="dns.link" data-count="1">');
    expect(page).toContain('<li data-check="federation.fic-present" data-count="2">');
    expect(page).toContain('counted, not listed');
    // dns has only passes: it still has its row, with its count.
    expect(page).toContain('<tr data-capability="dns" data-pass="1">');
    expect(page).toContain('<tr data-capability="federation" data-pass="2">');
    expect(page).toContain('<table id="findings" data-count="1" data-listed="problems">');
    expect(page).toContain('pass (3, not listed)');
    expect(page.match(/<tr class="finding"/g)).toHaveLength(1);
  });

  it('is the same page when its rows are written between the parts', () => {
    const report = buildReport([pass, warn, fail], { full: true });
    const parts = renderHtmlParts(report, { generatedAt: '2026-11-23T10:00:00Z' });
    expect(`${parts.head}${report.findings.map((f) => parts.row(f)).join('\n      ')}${parts.tail}`).toBe(
      html,
    );
    // Streamed: the views and counts from the short report, the table announced with every row.
    const streamed = renderHtmlParts(buildReport([pass, warn, fail]), {}, { count: 3 });
    expect(streamed.head).toContain('<table id="findings" data-count="3" data-listed="all">');
    expect(streamed.head).toContain('pass (1)');
  });

  it('shows an empty state with zero counts', () => {
    const page = renderHtml(buildReport([]));
    expect(page).toContain('<tr id="no-findings"><td colspan="4">No findings.</td></tr>');
    expect(page).toContain('data-pass="0" data-warn="0" data-fail="0"');
    expect(page).toContain('<title>fedlink report</title>');
  });
});
