// The event page's copy button (it needs JavaScript: hydrated project only).
import { expect, test } from '@playwright/test';
import { attachScreenshot, gotoUntil, publishNotification } from './support';

test('copies the notification JSON to the clipboard', async ({ page, context }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const published = await publishNotification();
  await gotoUntil(page, `/search?field=request&value=${published.requestId}&count=25`, async () => {
    await expect(page.getByRole('table', { name: /^Events with Request/ }).getByRole('link', { name: /^\d+$/ })).toBeVisible({ timeout: 1_000 });
  });
  await page.getByRole('table', { name: /^Events with Request/ }).getByRole('link', { name: /^\d+$/ }).click();
  await page.getByRole('button', { name: 'Copy JSON' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Copied.' })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(JSON.parse(copied)).toMatchObject({ event_type: published.eventType, message_id: published.messageId });
  expect(copied).toBe(await page.getByLabel('Notification JSON').textContent());
  await attachScreenshot(page, testInfo, 'event-copied');
});
