// Stored notifications in the live feed as the server renders it (both projects). With JavaScript
// disabled the page is a snapshot; the websocket behaviour is in feed.hydrate.spec.ts.
import { expect, test, type Page } from '@playwright/test';
import {
  attachScreenshot,
  deploymentsTable,
  LIVE_EVENT_COLUMNS,
  gotoUntil,
  liveFeed,
  publishNotification,
  publishNotifications,
  unique,
} from './support';

/** Loads `url` until the feed shows a row containing `text` (the event is stored asynchronously). */
async function gotoUntilRow(page: Page, url: string, text: string) {
  await expect(async () => {
    await page.goto(url);
    await expect(liveFeed(page).rowWith(text)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 10_000, intervals: [250, 500, 1_000] });
}

test('a published notification appears in the live events table', async ({ page }, testInfo) => {
  const published = await publishNotification();
  const feed = liveFeed(page);

  await gotoUntilRow(page, '/', published.eventType);

  const row = feed.rowWith(published.eventType);
  await expect(row).toContainText(published.instanceId);
  await expect(row).toContainText('e2e-cell-1');
  await expect(feed.table.getByRole('columnheader')).toHaveText(LIVE_EVENT_COLUMNS);
  await expect(feed.dataRows.first()).toContainText(published.eventType);

  if (testInfo.project.use.javaScriptEnabled === false) {
    await expect(feed.status).toHaveText('snapshot');
  } else {
    await expect(feed.status).toHaveText('live', { timeout: 20_000 });
  }
  await attachScreenshot(page, testInfo, 'home-with-event');
});

test('the All feed and the deployment feed show the event; another deployment does not', async ({
  page,
}, testInfo) => {
  const published = await publishNotification();
  const feed = liveFeed(page);

  await gotoUntilRow(page, '/', published.eventType);
  await deploymentsTable(page).getByRole('link', { name: 'All', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Live feed — All' })).toBeVisible();
  await expect(feed.rowWith(published.eventType)).toContainText(published.instanceId);
  await attachScreenshot(page, testInfo, 'live-all-with-event');

  await page.goto('/');
  await deploymentsTable(page).getByRole('link', { name: 'e2e-cell-1', exact: true }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Live feed — e2e-cell-1' }),
  ).toBeVisible();
  await expect(feed.rowWith(published.eventType)).toContainText(published.instanceId);
  await attachScreenshot(page, testInfo, 'live-e2e-cell-1-with-event');

  await page.goto('/');
  await deploymentsTable(page).getByRole('link', { name: 'e2e-unreachable', exact: true }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Live feed — e2e-unreachable' }),
  ).toBeVisible();
  await expect(feed.table).toBeVisible();
  await expect(feed.rowWith(published.eventType)).toHaveCount(0);
  await attachScreenshot(page, testInfo, 'live-e2e-unreachable');
});

test('filters are applied on the server and the filtered feed is a URL', async ({
  page,
}, testInfo) => {
  const host = unique('e2e-filter-host');
  const [info, error, other] = await publishNotifications([
    { publisherId: `compute.${host}` },
    { publisherId: `compute.${host}`, routingKey: 'monitor.error' },
    { publisherId: 'compute.e2e-somewhere-else' },
  ]);
  const feed = liveFeed(page);
  await gotoUntil(page, '/live', async () => {
    await expect(feed.rowWith(other.eventType)).toBeVisible({ timeout: 1_000 });
  });

  const form = page.getByRole('form', { name: 'Filter the live feed' });
  await form.getByLabel('Host').fill(host);
  await form.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`/live\\?.*host=${host}`));
  await expect(feed.rowWith(info.eventType)).toBeVisible();
  await expect(feed.rowWith(error.eventType)).toBeVisible();
  await expect(feed.rowWith(other.eventType)).toHaveCount(0);
  await expect(feed.dataRows).toHaveCount(2);
  // Error rows are marked, and "errors only" keeps just them.
  await expect(feed.rowWith(error.eventType).getByRole('cell', { name: 'monitor.error' })).toBeVisible();
  await form.getByLabel('Errors only').check();
  await form.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/errors=1/);
  await expect(feed.dataRows).toHaveCount(1);
  await expect(feed.dataRows.first()).toContainText(error.eventType);

  // Oldest first is a URL too.
  await page.goto(`/live?host=${host}&order=oldest`);
  await expect(feed.dataRows.first()).toContainText(info.eventType);
  await expect(feed.dataRows.last()).toContainText(error.eventType);
  await attachScreenshot(page, testInfo, 'live-filtered');
});
