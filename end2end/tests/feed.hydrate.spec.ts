// The live feed after hydration: new events arrive over the websocket, newest first, without a
// page reload. Hydrated project only (needs JavaScript).
import { expect, test, type Page, type WebSocketRoute } from '@playwright/test';
import {
  attachScreenshot,
  deploymentsTable,
  liveFeed,
  publishNotification,
  publishNotifications,
  unique,
} from './support';

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

/** Opens a live feed of a fresh host and waits for its socket. */
async function liveHost(page: Page, query = '') {
  const host = unique('e2e-live-host');
  await page.goto(`/live?host=${host}${query}`);
  const feed = liveFeed(page);
  await expect(feed.status).toHaveText('live', { timeout: 20_000 });
  return { host, feed, publisherId: `compute.${host}` };
}

test('only rows matching the filter are pushed', async ({ page }) => {
  const { feed, publisherId } = await liveHost(page);
  const [other, mine] = await publishNotifications([
    { publisherId: 'compute.e2e-not-this-host' },
    { publisherId },
  ]);
  await expect(feed.rowWith(mine.eventType)).toBeVisible({ timeout: 5_000 });
  await expect(feed.rowWith(other.eventType)).toHaveCount(0);
  await expect(feed.dataRows).toHaveCount(1);
});

test('pause holds new rows without losing them; resume shows them', async ({ page }, testInfo) => {
  const { feed, publisherId } = await liveHost(page);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Resume' })).toHaveAttribute('aria-pressed', 'true');
  const published = await publishNotifications([{ publisherId }, { publisherId }, { publisherId }]);
  await expect(page.getByText('3 new rows held while paused')).toBeVisible({ timeout: 5_000 });
  await expect(feed.dataRows).toHaveCount(0);
  await attachScreenshot(page, testInfo, 'live-paused');
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(feed.dataRows).toHaveCount(3);
  await expect(feed.dataRows.first()).toContainText(published[2].eventType);
  await expect(feed.dataRows.last()).toContainText(published[0].eventType);
  await expect(page.getByText(/held while paused/)).toHaveCount(0);
});

test('the buffer is bounded: rows beyond it are counted as skipped, never silently lost', async ({
  page,
}, testInfo) => {
  const { feed, publisherId } = await liveHost(page, '&rows=2');
  await page.getByRole('button', { name: 'Pause' }).click();
  const published = await publishNotifications(Array.from({ length: 5 }, () => ({ publisherId })));
  await expect(page.getByRole('alert')).toHaveText('3 rows skipped (this page fell behind)', { timeout: 5_000 });
  await expect(page.getByText('2 new rows held while paused')).toBeVisible();
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(feed.dataRows).toHaveCount(2);
  await expect(feed.dataRows.first()).toContainText(published[4].eventType);
  // Without a pause, the table keeps its newest rows (older ones were shown, so not "skipped").
  const more = await publishNotifications([{ publisherId }, { publisherId }]);
  await expect(feed.dataRows.first()).toContainText(more[1].eventType, { timeout: 5_000 });
  await expect(feed.dataRows).toHaveCount(2);
  await expect(page.getByRole('alert')).toHaveText('3 rows skipped (this page fell behind)');
  await attachScreenshot(page, testInfo, 'live-skipped');
});

test('oldest first puts new rows at the bottom', async ({ page }) => {
  const { feed, publisherId } = await liveHost(page, '&order=oldest');
  const [a] = await publishNotifications([{ publisherId }]);
  await expect(feed.dataRows).toHaveCount(1, { timeout: 5_000 });
  const [b] = await publishNotifications([{ publisherId }]);
  await expect(feed.dataRows).toHaveCount(2, { timeout: 5_000 });
  await expect(feed.dataRows.first()).toContainText(a.eventType);
  await expect(feed.dataRows.last()).toContainText(b.eventType);
});

test('reading older rows, the scroll position holds while new rows arrive on top', async ({
  page,
}, testInfo) => {
  const host = unique('e2e-scroll-host');
  const publisherId = `compute.${host}`;
  await publishNotifications(Array.from({ length: 120 }, () => ({ publisherId })));
  const feed = liveFeed(page);
  await expect(async () => {
    await page.goto(`/live?host=${host}&rows=500`);
    await expect(feed.dataRows).toHaveCount(120, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(feed.status).toHaveText('live', { timeout: 20_000 });
  // Scroll so that row 60 is near the top of the viewport, and note where it is.
  const reading = feed.dataRows.nth(60);
  await reading.scrollIntoViewIfNeeded();
  await page.mouse.wheel(0, 200);
  const before = await reading.boundingBox();
  const text = await reading.textContent();
  await publishNotifications(Array.from({ length: 5 }, () => ({ publisherId })));
  await expect(feed.dataRows).toHaveCount(125, { timeout: 5_000 });
  // The same row, now 5 further down the table, is where it was on screen.
  const moved = feed.dataRows.nth(65);
  expect(await moved.textContent()).toBe(text);
  const after = await moved.boundingBox();
  expect(Math.abs((after?.y ?? 0) - (before?.y ?? 0)), 'the row being read did not move').toBeLessThan(2);
  await expect(moved).toBeInViewport();
  await attachScreenshot(page, testInfo, 'live-scroll-held');
});

test('following the newest rows, the page keeps a screen of them and the older ones come back on scrolling', async ({
  page,
}) => {
  const host = unique('e2e-window-host');
  const publisherId = `compute.${host}`;
  const older = await publishNotifications(Array.from({ length: 120 }, () => ({ publisherId })));
  const feed = liveFeed(page);
  // A bound of 130: the 15 new rows push the 5 oldest out.
  await expect(async () => {
    await page.goto(`/live?host=${host}&rows=130`);
    await expect(feed.dataRows).toHaveCount(120, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(feed.status).toHaveText('live', { timeout: 20_000 });
  const newer = await publishNotifications(Array.from({ length: 15 }, () => ({ publisherId })));
  await expect(feed.rowWith(newer[14].eventType)).toBeVisible({ timeout: 5_000 });
  // At the top, the page holds a screen of rows and a few more (720 px: 36), not all 130.
  const inPage = await feed.dataRows.count();
  expect(inPage, 'rows kept in the page while following').toBeLessThan(50);
  expect(inPage).toBeGreaterThanOrEqual(36);
  // Scrolling down brings the rest back, in order, down to the bound.
  await expect(async () => {
    await page.mouse.wheel(0, 3_000);
    await expect(feed.dataRows).toHaveCount(130, { timeout: 500 });
  }).toPass({ timeout: 10_000 });
  const events = await feed.dataRows.evaluateAll((rows) => rows.map((r) => r.children[6]?.textContent ?? ''));
  const expected = [...older.slice(5), ...newer].map((n) => n.eventType).reverse();
  expect(events).toEqual(expected);
});

test('the id column shows ids of ten digits whole', async ({ page }) => {
  const host = unique('e2e-idwidth-host');
  await publishNotifications([{ publisherId: `compute.${host}` }]);
  const feed = liveFeed(page);
  await expect(async () => {
    await page.goto(`/live?host=${host}`);
    await expect(feed.dataRows).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  // The stored ids here are small: give the row's id cell a ten-digit one and measure it.
  const cut = await feed.dataRows.first().evaluate((row) => {
    const cell = row.children[0] as HTMLElement;
    (cell.firstElementChild as HTMLElement).textContent = '1234567890';
    return cell.scrollWidth > cell.clientWidth;
  });
  expect(cut, 'a ten-digit id is cut with an ellipsis').toBe(false);
});

test('after a dropped connection the feed resumes from the last id it saw', async ({ page }) => {
  const routes: WebSocketRoute[] = [];
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  await page.routeWebSocket(/\/live\/ws/, async (ws) => {
    routes.push(ws);
    if (routes.length > 1) await gate;
    ws.connectToServer();
  });
  const { feed, publisherId } = await liveHost(page);
  const [first] = await publishNotifications([{ publisherId }]);
  await expect(feed.rowWith(first.eventType)).toBeVisible({ timeout: 5_000 });
  const lastId = (await feed.dataRows.first().getByRole('cell').first().textContent())?.trim();

  await routes[0].close();
  await expect.poll(() => routes.length, { timeout: 10_000 }).toBe(2);
  // Committed while the page was disconnected.
  const [missed] = await publishNotifications([{ publisherId }]);
  await page.waitForTimeout(500);
  expect(routes[1].url()).toContain(`after=${lastId}&host=`);
  release();
  await expect(feed.rowWith(missed.eventType)).toBeVisible({ timeout: 5_000 });
  await expect(feed.dataRows).toHaveCount(2);
  await expect(feed.status).toHaveText('live');
});
