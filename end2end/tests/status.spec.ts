// The status page: consumers, database, and the quarantine with its stored bytes viewable as text
// and hex (both projects).
import { expect, test } from '@playwright/test';
import { attachScreenshot, gotoUntil, publishBytes } from './support';

test('lists consumers and the database, and shows quarantined bytes as text', async ({ page }, testInfo) => {
  // Earlier specs (and the other project) may have quarantined messages already: wait until the
  // count grows by ours, so the newest row (first) is the one this test published.
  const heading = page.getByRole('heading', { name: /^Quarantine \(\d+ messages\)$/ });
  await page.goto('/status');
  const before = Number((await heading.textContent())?.match(/\d+/)?.[0] ?? '0');
  const marker = `not json ${Date.now()} <b>bold?</b>`;
  await publishBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(marker)]));

  const quarantine = page.getByRole('table', { name: 'Quarantine' });
  await gotoUntil(page, '/status', async () => {
    await expect(heading).toHaveText(`Quarantine (${before + 1} messages)`, { timeout: 1_000 });
  });
  const consumers = page.getByRole('table', { name: 'Consumers' });
  const nova = consumers.getByRole('row').filter({ hasText: 'e2e-cell-1' });
  await expect(nova.getByRole('cell', { name: 'connected', exact: true })).toBeVisible();
  await expect(consumers.getByRole('row').filter({ hasText: 'e2e-unreachable' }).getByRole('cell', { name: /connecting$/ })).toBeVisible();
  await expect(page.getByLabel('Database')).toContainText(/Database: sqlite, [\d.]+ (KiB|MiB)/);
  await attachScreenshot(page, testInfo, 'status');

  await quarantine.getByRole('row').nth(1).getByRole('link').click();
  await expect(page).toHaveURL(/\/status\/quarantine\/\d+$/);
  await expect(page.getByLabel('Body as text')).toHaveText(`\u{fffd}\u{fffd}${marker}`);
  await expect(page.getByLabel('Body as hex')).toContainText('00000000  ff fe 6e 6f 74 20 6a 73 6f 6e');
  await expect(page.getByRole('table', { name: 'Message' })).toContainText('monitor.info');
  await attachScreenshot(page, testInfo, 'quarantined');
});

test('shows the verifier section: exists per status of both services', async ({ page }) => {
  await page.goto('/status');
  await expect(page.getByRole('heading', { name: 'Verifier', exact: true })).toBeVisible();
  const verifier = page.getByRole('table', { name: 'Verifier' });
  await expect(verifier.getByRole('columnheader')).toHaveText([
    'Service', 'New', 'In progress', 'Verified', 'Reconciled', 'Failed', 'Last pass', 'Took', 'Lag',
  ]);
  await expect(verifier.getByRole('row').filter({ hasText: /^nova/ })).toHaveCount(1);
  await expect(verifier.getByRole('row').filter({ hasText: /^glance/ })).toHaveCount(1);
  // The e2e server runs no verifier (no --verifier-config): the counts are the database's.
  await expect(page.getByText('The verifier is not running in this process')).toBeVisible();
});
