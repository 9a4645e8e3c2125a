// The live feed after hydration: new events arrive over the websocket, newest first, without a
// page reload. Hydrated project only (needs JavaScript).
import { expect, test, type Page } from '@playwright/test';
import { attachScreenshot, deploymentsTable, liveFeed, publishNotification } from './support';

type MarkedWindow = Window & { __stacktachE2eMarker?: string };

/** Marks the current document; the mark survives client-side updates but not a reload. */
async function markDocument(page: Page, value: string) {
  await page.evaluate((v) => {
    (window as MarkedWindow).__stacktachE2eMarker = v;
  }, value);
}

async function documentMark(page: Page): Promise<string | undefined> {
  return page.evaluate(() => (window as MarkedWindow).__stacktachE2eMarker);
}

/** Collects uncaught page errors (a wasm panic or a broken bundle shows up here). */
function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

test('a new event arrives over the websocket without a reload', async ({ page }, testInfo) => {
  const pageErrors = collectPageErrors(page);
  const feed = liveFeed(page);

  await page.goto('/');
  await expect(feed.status).toHaveText('live', { timeout: 20_000 });
  await markDocument(page, 'home');

  const published = await publishNotification();
  const row = feed.rowWith(published.eventType);
  await expect(row).toBeVisible({ timeout: 5_000 });
  await expect(row).toContainText(published.instanceId);
  await expect(row).toContainText('e2e-cell-1');

  expect(await documentMark(page), 'the page must not have reloaded').toBe('home');
  await expect(feed.dataRows.first()).toContainText(published.eventType);
  await expect(feed.status).toHaveText('live');
  await attachScreenshot(page, testInfo, 'home-live-event');
  expect(pageErrors).toEqual([]);
});

test('a deployment feed receives that deployment\'s events live', async ({ page }, testInfo) => {
  const pageErrors = collectPageErrors(page);
  const feed = liveFeed(page);

  await page.goto('/');
  await deploymentsTable(page).getByRole('link', { name: 'e2e-cell-1', exact: true }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Live feed — e2e-cell-1' }),
  ).toBeVisible();
  await expect(feed.status).toHaveText('live', { timeout: 20_000 });
  await markDocument(page, 'cell-1');

  const published = await publishNotification({ routingKey: 'monitor.error' });
  await expect(feed.rowWith(published.eventType)).toBeVisible({ timeout: 5_000 });
  await expect(feed.dataRows.first()).toContainText(published.eventType);
  expect(await documentMark(page), 'the page must not have reloaded').toBe('cell-1');
  await attachScreenshot(page, testInfo, 'live-e2e-cell-1-live-event');
  expect(pageErrors).toEqual([]);
});
