// The home page: configured deployments with their consumer state, and links to their live feeds.
// Runs in both projects (server-rendered only, and hydrated).
import { expect, test } from '@playwright/test';
import {
  attachScreenshot,
  deploymentRow,
  deploymentsTable,
  gotoUntil,
  liveFeed,
  publishNotification,
} from './support';

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
  await expect(table.getByRole('columnheader')).toHaveText([
    'Deployment',
    'State',
    'Consumers',
    'Events/min',
    'Errors (1 h)',
    'Last event',
  ]);
  // v2's Commands box is on the home page too.
  const commands = page.getByRole('search', { name: 'Search events' });
  await expect(commands.getByLabel('Field')).toHaveValue('instance');
  await expect(commands.getByLabel('Include updates')).toBeChecked();
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

test('counts a deployment\'s recent events and errors, and links to its last event', async ({
  page,
}, testInfo) => {
  const published = await publishNotification({ routingKey: 'monitor.error' });
  const row = deploymentRow(page, 'e2e-cell-1');
  await gotoUntil(page, '/', async () => {
    await expect(row.getByRole('cell').nth(3)).not.toHaveText('0', { timeout: 1_000 });
    await expect(row.getByRole('cell').nth(4)).not.toHaveText('0', { timeout: 1_000 });
  });
  // The error count links to the deployment's live feed of errors only.
  await row.getByRole('cell').nth(4).getByRole('link').click();
  await expect(page).toHaveURL(/\/live\?deployment=\d+&errors=1$/);
  await expect(liveFeed(page).rowWith(published.eventType)).toBeVisible();
  await expect(page.getByLabel('Errors only')).toBeChecked();
  await attachScreenshot(page, testInfo, 'live-errors-only');
});
