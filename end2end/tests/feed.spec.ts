// Stored notifications in the live feed as the server renders it (both projects). With JavaScript
// disabled the page is a snapshot; the websocket behaviour is in feed.hydrate.spec.ts.
import { expect, test, type Page } from '@playwright/test';
import {
  attachScreenshot,
  deploymentsTable,
  LIVE_EVENT_COLUMNS,
  liveFeed,
  publishNotification,
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
