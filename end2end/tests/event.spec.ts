// The event page: every column, the notification JSON pretty-printed in a collapsible block, as
// text. Both projects (the copy button, which needs JavaScript, is in event.hydrate.spec.ts).
import { expect, test } from '@playwright/test';
import { attachScreenshot, gotoUntil, publishNotification, unique } from './support';

test('shows every column and the pretty-printed JSON, collapsible', async ({ page }, testInfo) => {
  const host = unique('e2e-event-host');
  const published = await publishNotification({
    publisherId: `compute.${host}`,
    payload: { state: 'building', old_task_state: 'spawning', new_task_state: 'networking' },
  });
  // Find the event through search, then open it from its id cell.
  await gotoUntil(page, `/search?field=request&value=${published.requestId}&count=25`, async () => {
    await expect(page.getByRole('table', { name: /^Events with Request/ }).getByRole('link', { name: /^\d+$/ })).toBeVisible({ timeout: 1_000 });
  });
  await page.getByRole('table', { name: /^Events with Request/ }).getByRole('link', { name: /^\d+$/ }).click();
  await expect(page).toHaveURL(/\/events\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(published.eventType);

  const columns = page.getByRole('table', { name: 'Columns' });
  const value = (name: string) =>
    columns.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await expect(value('host')).toContainText(host);
  await expect(value('message_id')).toContainText(published.messageId);
  await expect(value('state')).toContainText('building');
  await expect(value('old_task')).toContainText('spawning');
  await expect(value('task')).toContainText('networking');
  await expect(value('routing_key')).toContainText('monitor.info');

  const json = page.getByLabel('Notification JSON');
  await expect(json).toBeVisible();
  await expect(json).toContainText(`"event_type": "${published.eventType}",`);
  await expect(json).toContainText(`  "payload": {\n    "instance_id": "${published.instanceId}",`);
  // Related pages.
  const related = page.getByRole('navigation', { name: 'Related pages' });
  await expect(related.getByRole('link', { name: `Host ${host}` })).toHaveAttribute('href', `/hosts/${host}`);
  await expect(related.getByRole('link', { name: `Request ${published.requestId}` })).toBeVisible();
  await attachScreenshot(page, testInfo, 'event');

  // <details>: collapsible with or without JavaScript.
  await page.getByText('Notification JSON', { exact: true }).click();
  await expect(json).toBeHidden();
  await page.getByText('Notification JSON', { exact: true }).click();
  await expect(json).toBeVisible();
});

test('an unknown event is a 404 page', async ({ page }) => {
  const response = await page.goto('/events/987654321');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('alert')).toHaveText('There is no event #987654321.');
});
