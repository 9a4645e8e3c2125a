// The Reports pages (both projects): stored reports listed newest first and filtered by name; a
// report rendered as tables in v2's layouts (summary objects, header rows, `x_headers` beside `x`,
// nested objects), its untrusted text shown as text; the KPI summary's percentile chart; the raw
// JSON at /stacky/report/<id>/.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { expect, test } from '@playwright/test';
import { attachScreenshot, gotoUntil, publishNotifications, storeReport } from './support';

const SERVER_BIN = process.env.E2E_SERVER_BIN ?? './target/debug/stacktach';

const run = randomBytes(4).toString('hex');
const kpiName = `summary for region: e2e-${run}`;
const auditName = `nova usage audit e2e-${run}`;
const hostile = '<img src=x onerror="document.title=\'owned\'">';
const periodStart = new Date(Date.UTC(2021, 5, 1));
const periodEnd = new Date(Date.UTC(2021, 5, 1, 23, 59, 59));

const kpi = [
  { percentile: 97, pct: 0.015, hours: 24, region: null, cells: ['e2e-cell-1'], total: 7, failure_grand_total: 1 },
  ['Operation', 'Image', 'OS Type', 'Min', 'Max', 'Med', '97%', 'Requests', '4xx', '% 4xx', '5xx', '% 5xx'],
  ['create', 'base', 'linux', '5s', '01:02:03', '1:05s', '10:00s', 4, 0, 0.0, 1, 25.0],
  ['resize', 'snap', hostile, '30s', '2:00s', '1:00s', '1:30s', 3, 0, 0, 0, 0],
];
const audit = {
  summary: {
    verifier: { periodic: { count: 3, verified: 2, failed: 1 } },
    launch_summary: { new_launches: 2, old_launches: 1, failures: 1 },
  },
  exist_fail_headers: ['Exists Row ID', 'Error Description', 'Cell', 'Host'],
  exist_fails: [[17, "Couldn't find InstanceUsage using {'instance': 'i-1'}", 'e2e-cell-1', 'compute-1']],
  launch_fail_headers: ['Launch Row ID', 'Error Description', 'Cell', 'Host'],
  launch_fails: [],
};
let kpiId = 0;
let auditId = 0;

test.beforeAll(() => {
  kpiId = storeReport({ name: kpiName, version: 4, periodStart, periodEnd, json: kpi });
  auditId = storeReport({ name: auditName, version: 7, periodStart, periodEnd, json: audit });
});

test('lists stored reports newest first and filters them by name', async ({ page }, testInfo) => {
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
  await expect(page).toHaveURL(/\/reports$/);
  const reports = page.getByRole('table', { name: 'Stored reports' });
  await expect(reports.getByRole('columnheader')).toHaveText(['Id', 'Name', 'Version', 'Period', 'Created', 'JSON']);
  // Newest first: the audit was stored after the summary.
  const ids = (await reports.getByRole('row').locator('td:first-child').allTextContents()).map(Number);
  expect(ids.indexOf(auditId)).toBeLessThan(ids.indexOf(kpiId));
  const kpiRow = reports.getByRole('row').filter({ hasText: kpiName });
  await expect(kpiRow.getByRole('cell')).toHaveText([
    String(kpiId), `${kpiName} (all)`, '4', '2021-06-01 00:00:00.000000 – 2021-06-01 23:59:59.000000', /^\d{4}-/, 'raw',
  ]);
  await expect(kpiRow.getByRole('link', { name: 'raw' })).toHaveAttribute('href', `/stacky/report/${kpiId}/`);
  await attachScreenshot(page, testInfo, 'reports');

  const form = page.getByRole('search', { name: 'Filter reports' });
  await form.getByLabel('Name').selectOption(auditName);
  await form.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(`/reports?name=${auditName.replace(/ /g, '+')}`);
  await expect(reports.getByRole('row')).toHaveCount(2);
  await expect(reports.getByRole('row').nth(1)).toContainText(auditName);
  await reports.getByRole('link', { name: auditName }).click();
  await expect(page).toHaveURL(`/reports/${auditId}`);
});

test('the KPI summary: percentile chart, tables, untrusted text as text, raw JSON', async ({ page, request }, testInfo) => {
  await page.goto(`/reports/${kpiId}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Report #${kpiId}: ${kpiName}`);
  const details = page.getByRole('table', { name: 'Report details' });
  await expect(details.getByRole('row').filter({ hasText: 'Version' }).getByRole('cell')).toHaveText('4');
  const chart = page.getByRole('img', { name: 'Durations per operation: min, median, 97% and max' });
  await expect(chart).toBeVisible();
  // Four bars per operation: min, median, 97 %, max.
  await expect(chart.locator('rect')).toHaveCount(8);
  // Labels longer than 36 characters are cut; their tooltip has them whole.
  const long = `resize · snap · ${hostile}`;
  await expect(chart.locator('text.op')).toHaveText(['create · base · linux', `${long.slice(0, 35)}…`]);
  await expect(chart.locator('g.op > title').nth(1)).toHaveText(long);
  await expect(chart.locator('rect.pct').first().locator('title')).toHaveText('create · base · linux: 97% 10m 00s');

  const summary = page.getByRole('table', { name: 'Report contents item 1' });
  await expect(summary.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'total', exact: true }) }).getByRole('cell')).toHaveText('7');
  await expect(summary.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'region', exact: true }) }).getByRole('cell')).toHaveText('null');
  const rows = page.getByRole('table', { name: 'Report contents item 2' });
  await expect(rows.getByRole('columnheader')).toHaveText(kpi[1] as string[]);
  await expect(rows.getByRole('row')).toHaveCount(3);
  await expect(rows.getByRole('row').nth(2).getByRole('cell').nth(2)).toHaveText(hostile);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await expect(page).not.toHaveTitle('owned');
  await attachScreenshot(page, testInfo, 'report-kpi');

  await expect(page.getByRole('link', { name: 'Raw JSON' })).toHaveAttribute('href', `/stacky/report/${kpiId}/`);
  const raw = await request.get(`/stacky/report/${kpiId}/`);
  expect(raw.status()).toBe(200);
  expect(await raw.json()).toEqual(kpi);
});

test('a usage audit: headers paired with their rows, nested summaries, no chart', async ({ page }, testInfo) => {
  await page.goto(`/reports/${auditId}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Report #${auditId}: ${auditName}`);
  await expect(page.getByRole('img')).toHaveCount(0);
  const fails = page.getByRole('table', { name: 'exist_fails' });
  await expect(fails.getByRole('columnheader')).toHaveText(audit.exist_fail_headers);
  await expect(fails.getByRole('row').nth(1).getByRole('cell')).toHaveText(audit.exist_fails[0].map(String));
  await expect(page.getByRole('table', { name: 'launch_fails' }).getByRole('row')).toHaveCount(1);
  const periodic = page.getByRole('table', { name: 'periodic' });
  await expect(periodic.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'failed', exact: true }) }).getByRole('cell')).toHaveText('1');
  await expect(page.getByRole('table', { name: 'launch_summary' })).toContainText('new_launches');
  await attachScreenshot(page, testInfo, 'report-audit');

  await page.goto('/reports/999999999');
  await expect(page.getByRole('alert')).toHaveText('There is no report #999999999.');
  await page.goto('/reports/abc');
  await expect(page.getByRole('alert')).toHaveText('Report ids are numbers.');
});

test('a KPI summary built by `stacktach report summary --store` renders with its chart', async ({ page }, testInfo) => {
  // A day of its own in the past: one request that creates an instance in 6 seconds.
  const day = Date.UTC(2019, 0, 1) + Math.floor(Math.random() * 1_000) * 86_400_000;
  const instanceId = randomUUID();
  const requestId = `req-${randomUUID()}`;
  const at = (s: number) => new Date(day + 36_000_000 + s * 1000);
  await publishNotifications([
    { instanceId, requestId, eventType: 'compute.instance.update', publisherId: 'api.e2e-api-01', timestamp: at(0) },
    { instanceId, requestId, eventType: 'compute.instance.create.start', timestamp: at(1) },
    { instanceId, requestId, eventType: 'compute.instance.create.end', timestamp: at(6) },
  ]);
  await gotoUntil(page, `/instances/${instanceId}`, async (p) => {
    await expect(p.getByRole('table', { name: 'Instance events' }).getByRole('row')).toHaveCount(4, { timeout: 1_000 });
  });
  const out = execFileSync(
    SERVER_BIN,
    ['report', 'summary', '--date', new Date(day).toISOString().slice(0, 10), '--store',
      '--database-url', process.env.E2E_DATABASE_URL ?? ''],
    { cwd: path.resolve(__dirname, '..', '..'), encoding: 'utf8', timeout: 60_000 },
  );
  const id = Number(out.trim().split('\n').pop());
  expect(id).toBeGreaterThan(0);

  await page.goto('/reports?name=summary+for+region%3A+all');
  await page.getByRole('table', { name: 'Stored reports' }).getByRole('link', { name: String(id), exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Report #${id}: summary for region: all`);
  const chart = page.getByRole('img', { name: 'Durations per operation: min, median, 97% and max' });
  await expect(chart.locator('text.op')).toHaveCount(1);
  await expect(chart.locator('text.op')).toContainText('create');
  await expect(chart.locator('rect')).toHaveCount(4);
  await expect(chart.locator('rect.max title')).toHaveText(/: Max 6\.000 s$/);
  const rows = page.getByRole('table', { name: 'Report contents item 2' });
  await expect(rows.getByRole('columnheader').first()).toHaveText('Operation');
  await expect(rows.getByRole('row').nth(1).getByRole('cell').first()).toHaveText('create');
  await attachScreenshot(page, testInfo, 'report-summary-built');
});
