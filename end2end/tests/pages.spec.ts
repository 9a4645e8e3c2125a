// The host, tenant, request and instance pages, server-rendered (both projects).
import { expect, test } from '@playwright/test';
import { attachScreenshot, eventTable, gotoUntil, publishNotifications, unique } from './support';

test('host and tenant pages: recent events and error counts', async ({ page }, testInfo) => {
  const host = unique('e2e-page-host');
  const tenantId = unique('e2etenant');
  const [, , error] = await publishNotifications([
    { publisherId: `compute.${host}`, tenantId, eventType: 'compute.instance.update' },
    { publisherId: `compute.${host}`, tenantId, eventType: 'compute.instance.update' },
    { publisherId: `compute.${host}`, tenantId, routingKey: 'monitor.error', eventType: 'compute.instance.create.error' },
  ]);
  for (const [path, heading] of [
    [`/hosts/${host}`, `Host ${host}`],
    [`/tenants/${tenantId}`, `Tenant ${tenantId}`],
  ]) {
    const recent = eventTable(page, 'Recent events');
    // The page's queries may straddle the commit of the batch: load until all show it.
    await gotoUntil(page, path, async () => {
      await expect(recent.dataRows).toHaveCount(3, { timeout: 1_000 });
      await expect(page.getByText('1 errors in the last hour, 1 in the last 24 hours')).toBeVisible({ timeout: 1_000 });
    });
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    const errors = eventTable(page, 'Recent errors');
    await expect(errors.dataRows).toHaveCount(1);
    await expect(errors.dataRows.first()).toContainText(error.eventType);
    const counts = page.getByRole('table', { name: 'Events by type' });
    await expect(counts.getByRole('row', { name: 'compute.instance.update 2 0' })).toBeVisible();
    await expect(counts.getByRole('row', { name: 'compute.instance.create.error 1 1' })).toBeVisible();
    await attachScreenshot(page, testInfo, path.startsWith('/hosts') ? 'host' : 'tenant');
  }
});

test('request and instance pages: events in order, duration, lifecycle, timings, KPI, usage', async ({
  page,
}, testInfo) => {
  const instanceId = unique('e2e-inst');
  const requestId = unique('req-e2e');
  const now = Date.now();
  const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000);
  await publishNotifications([
    { instanceId, requestId, eventType: 'compute.instance.update', publisherId: 'api.e2e-api-01', timestamp: at(40) },
    { instanceId, requestId, eventType: 'compute.instance.create.start', timestamp: at(35), payload: { state: 'building' } },
    { instanceId, requestId, eventType: 'compute.instance.update', timestamp: at(20), payload: { state: 'building' } },
    { instanceId, requestId, eventType: 'compute.instance.create.end', timestamp: at(5) },
    { instanceId, eventType: 'compute.instance.reboot.start', timestamp: at(2), payload: { new_task_state: 'rebooting' } },
  ]);

  const events = eventTable(page, 'Request events');
  await gotoUntil(page, `/requests/${requestId}`, async () => {
    await expect(events.dataRows).toHaveCount(4, { timeout: 1_000 });
  });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Request ${requestId}`);
  await expect(page.getByText('End to end: 35.000 s over 4 events')).toBeVisible();
  await expect(page.getByText(/^KPI \(API entry to the last \.end\): 35\.000 s/)).toBeVisible();
  await expect(events.dataRows.first()).toContainText('compute.instance.update');
  await expect(events.dataRows.last()).toContainText('compute.instance.create.end');
  await attachScreenshot(page, testInfo, 'request');

  await page.getByRole('link', { name: instanceId }).first().click();
  await expect(page).toHaveURL(new RegExp(`/instances/${instanceId}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Instance ${instanceId}`);
  await expect(page.getByLabel('Lifecycle')).toHaveText('State: active · task: —');
  const timings = page.getByRole('table', { name: 'Timings' });
  await expect(timings.getByRole('row', { name: /^compute\.instance\.create \. .* 30\.000 s$/ })).toBeVisible();
  await expect(timings.getByRole('row', { name: /^compute\.instance\.reboot S / })).toBeVisible();
  const requests = page.getByRole('table', { name: 'Requests' });
  await expect(requests.getByRole('row', { name: new RegExp(`^${requestId} .* 35\\.000 s$`) })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Usage' }).getByRole('cell', { name: 'usage', exact: true })).toBeVisible();
  const all = eventTable(page, 'Instance events');
  await expect(all.dataRows).toHaveCount(5);
  await expect(all.dataRows.last()).toContainText('compute.instance.reboot.start');
  await attachScreenshot(page, testInfo, 'instance');
});
