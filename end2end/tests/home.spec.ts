// The home page: configured deployments with their consumer state, and links to their live feeds.
// Runs in both projects (server-rendered only, and hydrated).
import { expect, test } from '@playwright/test';
import { attachScreenshot, deploymentRow, deploymentsTable, liveFeed } from './support';

test('lists the configured deployments and the All feed', async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'StackTach' })).toBeVisible();

  const table = deploymentsTable(page);
  await expect(table).toBeVisible();
  for (const name of ['e2e-cell-1', 'e2e-unreachable']) {
    await expect(table.getByRole('link', { name, exact: true })).toHaveAttribute(
      'href',
      /\/live\?deployment=[^&]+$/,
    );
  }
  await expect(table.getByRole('link', { name: 'All', exact: true })).toHaveAttribute(
    'href',
    /\/live$/,
  );
  await attachScreenshot(page, testInfo, 'home');
});

test('shows each consumer state: connected, and retrying for the unreachable broker', async ({
  page,
}, testInfo) => {
  await page.goto('/');
  // The consumers start with the server; reload until their states have settled.
  await expect(async () => {
    await page.reload();
    await expect(
      deploymentRow(page, 'e2e-cell-1').getByRole('cell', { name: 'connected', exact: true }),
    ).toBeVisible({ timeout: 1_000 });
    await expect(
      deploymentRow(page, 'e2e-unreachable').getByRole('cell', { name: /^(re)?connecting$/ }),
    ).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000, intervals: [250, 500, 1_000] });
  await attachScreenshot(page, testInfo, 'home-consumer-states');
});

test('follows a deployment link to its live feed', async ({ page }, testInfo) => {
  await page.goto('/');
  await deploymentsTable(page).getByRole('link', { name: 'e2e-cell-1', exact: true }).click();

  await expect(page).toHaveURL(/\/live\?deployment=[^&]+$/);
  await expect(
    page.getByRole('heading', { level: 1, name: 'Live feed — e2e-cell-1' }),
  ).toBeVisible();
  await expect(liveFeed(page).table).toBeVisible();
  await attachScreenshot(page, testInfo, 'live-e2e-cell-1');
});

test('follows the All link to the feed of every deployment', async ({ page }, testInfo) => {
  await page.goto('/');
  await deploymentsTable(page).getByRole('link', { name: 'All', exact: true }).click();

  await expect(page).toHaveURL(/\/live$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Live feed — All' })).toBeVisible();
  await expect(liveFeed(page).table).toBeVisible();
  await attachScreenshot(page, testInfo, 'live-all');
});
