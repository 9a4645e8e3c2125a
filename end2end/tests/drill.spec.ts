// Drill-down from every cell ("more rows like this", v2's details view): same value, or ±1 minute
// of the clicked row, which is highlighted; real URLs. Both projects.
import { expect, test } from '@playwright/test';
import { attachScreenshot, eventTable, gotoUntil, publishNotifications, unique } from './support';

test('a host cell drills to rows of that host; a When cell to rows within a minute', async ({
  page,
}, testInfo) => {
  const host = unique('e2e-drill-host');
  // Far in the past and 10-minute aligned at random, so no other test's (or project's) events
  // fall within a minute of these.
  const t0 = Date.UTC(2020, 0, 1) + Math.floor(Math.random() * 100_000) * 600_000;
  const [first, middle, late] = await publishNotifications([
    { publisherId: `compute.${host}`, timestamp: new Date(t0) },
    { publisherId: `compute.${host}`, timestamp: new Date(t0 + 30_000) },
    { publisherId: `compute.${host}`, timestamp: new Date(t0 + 150_000) },
  ]);
  const search = eventTable(page, `Events with Host = ${host}`);
  await gotoUntil(page, `/search?field=host&value=${host}&count=25`, async () => {
    await expect(search.dataRows).toHaveCount(3, { timeout: 1_000 });
  });

  // Every cell of the row links to more rows like it.
  const row = search.rowWith(middle.eventType);
  await expect(row.getByRole('link')).toHaveCount(9);
  const id = (await row.getByRole('cell').first().textContent())?.trim() ?? '';
  await row.getByRole('link', { name: host, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/events\\?field=host&value=${host}&around=${id}#ev-${id}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Rows with Host = ${host}`);
  const drill = eventTable(page, `Events with Host = ${host}`);
  await expect(drill.dataRows).toHaveCount(3);
  await expect(drill.rowWith(middle.eventType)).toHaveAttribute('aria-current', 'true');
  await expect(drill.rowWith(first.eventType)).not.toHaveAttribute('aria-current', 'true');
  await expect(drill.rowWith(middle.eventType)).toBeInViewport();
  await expect(page.getByRole('link', { name: 'Host page' })).toHaveAttribute('href', `/hosts/${host}`);
  await attachScreenshot(page, testInfo, 'drill-host');

  // When: ±1 minute of the clicked row (the first, 30 s before, is in; the last, 2 min after, is out).
  await drill.rowWith(middle.eventType).getByRole('cell').last().getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/events\\?field=when&around=${id}#ev-${id}$`));
  const window = eventTable(page, `Events within one minute of event ${id}`);
  await expect(window.dataRows).toHaveCount(2);
  await expect(window.dataRows.nth(0)).toContainText(middle.eventType);
  await expect(window.dataRows.nth(1)).toContainText(first.eventType);
  await expect(window.rowWith(late.eventType)).toHaveCount(0);
  await expect(window.rowWith(middle.eventType)).toHaveAttribute('aria-current', 'true');
  await attachScreenshot(page, testInfo, 'drill-when');

  // The id cell opens the event itself.
  await window.rowWith(first.eventType).getByRole('link', { name: /^\d+$/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(new RegExp(`^Event #\\d+: ${first.eventType}$`));
});
