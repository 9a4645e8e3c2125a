// v2's Commands box: field, value, include updates, count (25/100/250/All, All paged by id), with
// the results at a real URL. Both projects: the form is a plain GET form.
import { expect, test } from '@playwright/test';
import { attachScreenshot, eventTable, gotoUntil, publishNotifications, unique } from './support';

test('searches by instance, pages through the results, and leaves out updates on request', async ({
  page,
}, testInfo) => {
  const instanceId = unique('e2e-search-inst');
  const events = Array.from({ length: 30 }, (_, i) => ({
    instanceId,
    eventType: i % 10 === 0 ? 'compute.instance.update' : `compute.instance.e2e.search${i}`,
  }));
  await publishNotifications(events);
  const results = eventTable(page, `Events with Instance = ${instanceId}`);

  await page.goto('/search');
  const form = page.getByRole('search', { name: 'Search events' });
  await form.getByLabel('Field').selectOption({ label: 'Instance' });
  await form.getByLabel('Value').fill(instanceId);
  await form.getByLabel('Count').selectOption('25');
  await expect(async () => {
    await form.getByRole('button', { name: 'Search' }).click();
    await expect(results.dataRows).toHaveCount(25, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(page).toHaveURL(new RegExp(`/search\\?field=instance&value=${instanceId}&updates=1&count=25`));
  await expect(results.dataRows.first()).toContainText('compute.instance.e2e.search29');
  await attachScreenshot(page, testInfo, 'search-results');

  // The next page continues by id, with the 5 oldest.
  await page.getByRole('link', { name: 'Older rows →' }).click();
  await expect(page).toHaveURL(/before=\d+/);
  await expect(results.dataRows).toHaveCount(5);
  await expect(results.dataRows.last()).toContainText('compute.instance.update');
  await expect(page.getByRole('link', { name: 'Older rows →' })).toHaveCount(0);

  // Without compute.instance.update, All on one page.
  await page.goto('/search');
  await form.getByLabel('Value').fill(instanceId);
  await form.getByLabel('Include updates').uncheck();
  await form.getByLabel('Count').selectOption({ label: 'All' });
  await form.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/count=all/);
  await expect(results.dataRows).toHaveCount(27);
  await expect(results.rowWith('compute.instance.update')).toHaveCount(0);
  // The form keeps what was asked.
  await expect(form.getByLabel('Include updates')).not.toBeChecked();
  await expect(form.getByLabel('Value')).toHaveValue(instanceId);
});

test('an unknown field is refused with a message, not a query', async ({ page }) => {
  await page.goto('/search?field=json&value=x');
  await expect(page.getByRole('alert')).toHaveText('There is no searchable field called "json".');
  await expect(page.getByRole('table')).toHaveCount(0);
});

test('searching by host, tenant, request, event and deployment', async ({ page }) => {
  const host = unique('e2e-search-host');
  const tenantId = unique('e2etenant');
  const [n] = await publishNotifications([{ publisherId: `compute.${host}`, tenantId }]);
  const cases: [string, string, string][] = [
    ['host', host, 'Host'],
    ['tenant', tenantId, 'Tenant'],
    ['request', n.requestId, 'Request'],
    ['event', n.eventType, 'Event'],
  ];
  for (const [field, value, label] of cases) {
    const results = eventTable(page, `Events with ${label} = ${value}`);
    await gotoUntil(page, `/search?field=${field}&value=${encodeURIComponent(value)}&count=25`, async () => {
      await expect(results.dataRows).toHaveCount(1, { timeout: 1_000 });
    });
    await expect(results.dataRows.first()).toContainText(n.eventType);
  }
  await page.goto(`/search?field=deployment&value=e2e-cell-1&count=100&updates=1`);
  await expect(eventTable(page, 'Events with Deployment = e2e-cell-1').rowWith(n.eventType)).toBeVisible();
});
