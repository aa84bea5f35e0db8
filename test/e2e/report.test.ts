/**
 * The report page in a real browser (headless Chromium from the npm package @sparticuz/chromium,
 * through playwright-core: test/helpers/browser.ts): a fleet run on the sandbox with one identity over the FIC limit,
 * then GET /api/report as a person would open it, the counts read off the page (passes counted per
 * check, problems listed), the status filter clicked, and the full page (`?full=true`) with every pair.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser } from 'playwright-core';
import { ficResource } from '../../sandbox/builders';
import { startApiServer, type ApiServer } from '../../sandbox/httpServer';
import { silentLogger } from '../../shared/core/log';
import { launchChromium } from '../helpers/browser';
import { cluster, identity, running, type Running } from '../helpers/scenario';

let sandbox: Running;
let api: ApiServer;
let browser: Browser;

beforeAll(async () => {
  const ok = identity('id-ok');
  const full = identity('id-full');
  const existing = Array.from({ length: 20 }, (_, i) =>
    ficResource(
      full.id,
      `handmade-${i}`,
      'https://token.actions.githubusercontent.com',
      `repo:org/app:environment:e${i}`,
    ),
  );
  sandbox = await running(
    [ok, full, cluster('aks-report', 'fafafafa-0000-4000-8000-000000000001'), ...existing],
    {
      federation: {
        bindings: [
          { name: 'ok', identity: ok.id, serviceAccounts: ['web/frontend'] },
          { name: 'full', identity: full.id, serviceAccounts: ['web/backend'] },
        ],
      },
    },
  );
  // The report store the drift check keeps its report and every finding in, as in Azure (FEDLINK_REPORTS_URL).
  api = await startApiServer({
    client: sandbox.host.client,
    log: silentLogger,
    reports: sandbox.deps.reports!,
  });
  const res = await fetch(`${api.url}/api/runs?code=${api.key}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scope: { all: true }, mode: 'apply' }),
  });
  const { id } = (await res.json()) as { id: string };
  for (let i = 0; i < 400; i++) {
    const status = (await (
      await fetch(`${api.url}/api/runs/${encodeURIComponent(id)}?code=${api.key}`)
    ).json()) as { runtimeStatus: string };
    if (status.runtimeStatus === 'Completed') break;
    await new Promise((r) => setTimeout(r, 25));
  }
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await sandbox?.close();
});

it('shows the summary, the problems and the pass counts, and filters the findings by status', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(5_000);
  await page.goto(`${api.url}/api/report?code=${api.key}`);
  expect(await page.title()).toContain('fedlink');
  const fail = Number(await page.getAttribute('#summary', 'data-fail'));
  const pass = Number(await page.getAttribute('#summary', 'data-pass'));
  expect(fail).toBeGreaterThanOrEqual(1);
  expect(pass).toBeGreaterThanOrEqual(1);
  expect(await page.textContent('#summary-fail')).toContain(String(fail));

  // Passes are counted per check, not listed.
  expect(await page.getAttribute('#summary', 'data-listed')).toBe('problems');
  const counted: number[] = [];
  for (const li of await page.locator('#passes-by-check li').all())
    counted.push(Number(await li.getAttribute('data-count')));
  expect(counted.reduce((a, b) => a + b, 0)).toBe(pass);
  expect(await page.textContent('#passes-by-check')).toContain('federation.fic-present');
  expect(await page.locator('tr.finding[data-status="pass"]').count()).toBe(0);
  expect(await page.getAttribute('#capabilities tr[data-capability="federation"]', 'data-pass')).toBe(
    String(counted.reduce((a, b) => a + b, 0)),
  );

  const capacity = page.locator('tr.finding[data-status="fail"]', { hasText: 'id-full' });
  expect(await capacity.count()).toBeGreaterThanOrEqual(1);
  expect(await capacity.first().textContent()).toContain('21');

  await page.click('label[for="filter-fail"]');
  expect(await page.locator('tr.finding:visible').count()).toBe(fail);
  await page.click('label[for="filter-all"]');
  expect(await page.locator('tr.finding:visible').count()).toBe(
    Number(await page.getAttribute('#findings', 'data-count')),
  );

  // The fleet matrix of the problems: id-ok passed, so it has no column; the legend says what was counted.
  const cell = (identityName: string) =>
    page.locator(
      `table.matrix[data-view="fleet"] td.cell[data-row="aks-report"][data-column="${identityName}"]`,
    );
  expect(await cell('id-full').getAttribute('data-state')).toBe('refused');
  expect(await cell('id-full').getAttribute('data-status')).toBe('fail');
  expect(await cell('id-full').textContent()).toContain('refused');
  expect(await page.locator('table.matrix[data-view="fleet"] th[scope="col"]').allTextContents()).toEqual([
    'cluster \\ identity',
    'id-full',
  ]);
  expect(
    Number(await page.getAttribute('#view-fleet [data-passes-not-listed]', 'data-passes-not-listed')),
  ).toBe(counted.reduce((a, b) => a + b, 0));

  // The capability filter (inline script) and the text search narrow the findings table.
  await page.selectOption('#filter-capability', 'federation');
  expect(await page.locator('tr.finding:visible').count()).toBe(
    await page.locator('tr.finding[data-capability="federation"]').count(),
  );
  await page.fill('#filter-text', 'id-full');
  const matching = await page.locator('tr.finding:visible').count();
  expect(matching).toBeGreaterThanOrEqual(1);
  for (const text of await page.locator('tr.finding:visible').allTextContents())
    expect(text).toContain('id-full');
  await page.fill('#filter-text', '');

  mkdirSync(resolve(__dirname, '../../test-results'), { recursive: true });
  await page.screenshot({ path: resolve(__dirname, '../../test-results/report.png'), fullPage: true });
});

it('lists every finding with full=true, streamed from the report store: every pass is a row', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(5_000);
  await page.goto(`${api.url}/api/report?full=true&code=${api.key}`);
  const pass = Number(await page.getAttribute('#summary', 'data-pass'));
  expect(pass).toBeGreaterThanOrEqual(1);
  expect(await page.getAttribute('#summary', 'data-listed')).toBe('all');
  await page.click('label[for="filter-pass"]');
  expect(await page.locator('tr.finding:visible').count()).toBe(pass);
  expect(await page.locator('tr.finding[data-status="fail"]:visible').count()).toBe(0);
  // id-ok's passing credential is listed now (the streamed page lists rows; its matrix stays the problems').
  expect(
    await page.locator('tr.finding[data-status="pass"]:visible', { hasText: 'id-ok' }).count(),
  ).toBeGreaterThanOrEqual(1);
});
