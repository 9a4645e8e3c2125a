// The timings page: per-operation statistics with an SVG histogram, and the slowest requests of
// the last day (both projects).
import { expect, test } from '@playwright/test';
import { attachScreenshot, gotoUntil, publishNotifications, unique } from './support';

test('per-operation count, percentiles and histogram; slowest requests', async ({ page }, testInfo) => {
  const op = `compute.instance.${unique('e2eop').replace('-', '')}`;
  const now = Date.now();
  const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000);
  const runs = [2, 4, 6].map((seconds, i) => ({ instanceId: unique('e2e-timing'), seconds, i }));
  const slow = unique('req-e2e-slow');
  await publishNotifications([
    ...runs.flatMap(({ instanceId, seconds, i }) => [
      { instanceId, eventType: `${op}.start`, timestamp: at(100 + i) },
      { instanceId, eventType: `${op}.end`, timestamp: at(100 + i - seconds) },
    ]),
    // A request that took two hours, from its API entry to its last .end.
    { instanceId: runs[0].instanceId, requestId: slow, eventType: 'compute.instance.update', publisherId: 'api.e2e-api-01', timestamp: at(7_200) },
    { instanceId: runs[0].instanceId, requestId: slow, eventType: `${op}.start`, timestamp: at(7_100) },
    { instanceId: runs[0].instanceId, requestId: slow, eventType: `${op}.end`, timestamp: at(0) },
  ]);
  const ops = page.getByRole('table', { name: 'Operations' });
  const row = ops.getByRole('row').filter({ has: page.getByRole('cell', { name: op, exact: true }) });
  await gotoUntil(page, '/timings', async () => {
    await expect(row.getByRole('cell').nth(1)).toHaveText('4', { timeout: 1_000 });
  });
  // count, min, average, p50, p95, p99, max
  const expected = [op, '4', '2.000 s', '29m 38s', '4.000 s', '1h 58m 20s', '1h 58m 20s', '1h 58m 20s'];
  for (const [i, text] of expected.entries()) {
    await expect(row.getByRole('cell').nth(i)).toHaveText(text);
  }
  await expect(row.getByRole('img', { name: `Durations of ${op}` })).toBeVisible();
  const slowest = page.getByRole('table', { name: 'Slowest requests' });
  await expect(slowest.getByRole('row').filter({ hasText: slow })).toContainText('2h 00m 00s');
  await attachScreenshot(page, testInfo, 'timings');
  // The window is a URL.
  await page.getByRole('navigation', { name: 'Time window' }).getByRole('link', { name: '1h' }).click();
  await expect(page).toHaveURL(/\/timings\?window=1h$/);
});
