// The Usage section (both projects): nova launches, deletes and exists and glance image usages,
// deletes and exists, published through the broker as Nova and Glance send them; the verifier run
// once (`stacktach verify --once`) so one exists fails with its reason; the progress overview,
// the failed exists, the filtered tables and their drill-down links.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import {
  attachScreenshot,
  gotoUntil,
  novaTimestamp,
  publishNotifications,
  publishRaw,
} from './support';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SERVER_BIN = process.env.E2E_SERVER_BIN ?? './target/debug/stacktach';
const DAY = 86_400_000;
/** beforeAll's page is not made by the page fixture, so it gets no baseURL. */
const BASE = process.env.E2E_BASE_URL ?? '';

/** One audit period per project run, at random in the past, so counts per period are exact. */
const periodStart = Date.UTC(1990, 0, 1) + Math.floor(Math.random() * 10_000) * DAY;
const periodEnd = periodStart + DAY;
const at = (ms: number) => novaTimestamp(new Date(ms));
const hex = () => randomBytes(8).toString('hex');

const tenant = hex();
const owner = hex();
/** Launched, exists: verifies. */
const okId = randomUUID();
/** Launched, deleted, exists with deleted_at: verifies. */
const deletedId = randomUUID();
/** An exists whose launch was never seen: fails. */
const lostId = randomUUID();
const okImage = randomUUID();
const deletedImage = randomUUID();
const launchedAt = periodStart - 3 * DAY + 1_000;
const deletedAt = periodStart + 3_600_000;
let launchRequest = '';

async function publishNova() {
  const flavor = { instance_type_id: '2', instance_flavor_id: 'm1.small' };
  const period = { audit_period_beginning: at(periodStart), audit_period_ending: at(periodEnd) };
  const launch = (instanceId: string) => {
    const requestId = `req-${randomUUID()}`;
    return [
      { instanceId, requestId, tenantId: tenant, eventType: 'compute.instance.create.start', payload: { ...flavor, launched_at: '' } },
      { instanceId, requestId, tenantId: tenant, eventType: 'compute.instance.create.end', payload: { ...flavor, launched_at: at(launchedAt) } },
    ];
  };
  const okLaunch = launch(okId);
  launchRequest = okLaunch[0].requestId;
  await publishNotifications([
    ...okLaunch,
    ...launch(deletedId),
    {
      instanceId: deletedId,
      tenantId: tenant,
      eventType: 'compute.instance.delete.end',
      payload: { ...flavor, launched_at: at(launchedAt), deleted_at: at(deletedAt), terminated_at: at(deletedAt) },
    },
    ...[okId, deletedId, lostId].map((instanceId) => ({
      instanceId,
      tenantId: tenant,
      eventType: 'compute.instance.exists',
      payload: {
        ...flavor,
        ...period,
        launched_at: at(launchedAt),
        ...(instanceId === deletedId ? { deleted_at: at(deletedAt) } : {}),
      },
    })),
  ]);
}

async function publishGlance() {
  const body = (eventType: string, payload: Record<string, unknown>) => ({
    event_type: eventType,
    publisher_id: 'glance-api.e2e',
    timestamp: at(Date.now()),
    message_id: randomUUID(),
    priority: 'INFO',
    payload,
  });
  const created = at(launchedAt);
  const image = (id: string, extra: Record<string, unknown> = {}) => ({
    id, owner, size: 4_194_304, created_at: created, status: 'active', ...extra,
  });
  const bodies = [
    body('image.activate', image(okImage)),
    body('image.activate', image(deletedImage)),
    body('image.delete', image(deletedImage, { status: 'deleted', deleted_at: at(deletedAt) })),
    body('image.exists', {
      owner,
      audit_period_beginning: at(periodStart),
      audit_period_ending: at(periodEnd),
      images: [{ id: okImage, created_at: created, deleted_at: null, size: 4_194_304 }],
    }),
  ];
  await publishRaw(
    bodies.map((b) => ({
      routingKey: 'notifications.info',
      messageId: String(b.message_id),
      content: Buffer.from(JSON.stringify(b)),
    })),
    20_000,
    'glance',
  );
}

/** `stacktach verify --once` on this run's database, notifications off. */
function verifyOnce() {
  const dir = process.env.E2E_TMP_DIR ?? '';
  const config = path.join(dir, `verifier-${randomBytes(3).toString('hex')}.json`);
  fs.writeFileSync(
    config,
    JSON.stringify({
      tick_time: 1,
      settle_time: 1,
      settle_units: 'minutes',
      pool_size: 1,
      enable_notifications: false,
      validation_level: 'basic',
      flavor_field_name: 'instance_type_id',
      rabbit: {
        durable_queue: false,
        host: '127.0.0.1',
        port: 5672,
        userid: 'guest',
        password: 'guest',
        virtual_host: process.env.E2E_VHOST ?? '/',
        topics: { nova: ['notifications.info'], glance: ['notifications.info'] },
      },
    }),
  );
  execFileSync(
    SERVER_BIN,
    ['verify', '--once', '--config', config, '--database-url', process.env.E2E_DATABASE_URL ?? ''],
    { cwd: REPO_ROOT, stdio: 'pipe', timeout: 60_000 },
  );
}

const table = (page: Page, name: string) => page.getByRole('table', { name, exact: true });
const rowWith = (page: Page, name: string, text: string) =>
  table(page, name).getByRole('row').filter({ hasText: text });

test.beforeAll(async ({ browser }) => {
  await publishNova();
  await publishGlance();
  // Stored once every exists (the last messages of each exchange) is listed.
  const page = await browser.newPage();
  await gotoUntil(page, `${BASE}/usage/nova/exists?tenant=${tenant}`, async (p) => {
    await expect(table(p, 'Nova exists').getByRole('row')).toHaveCount(4, { timeout: 1_000 });
  });
  await gotoUntil(page, `${BASE}/usage/glance/exists?owner=${owner}`, async (p) => {
    await expect(table(p, 'Glance image exists').getByRole('row')).toHaveCount(2, { timeout: 1_000 });
  });
  await page.close();
  verifyOnce();
});

test('the overview counts the period by status and drills down to its failed exists', async ({ page }, testInfo) => {
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
  await expect(page).toHaveURL(/\/usage$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Usage');
  const progress = table(page, 'Nova verifier progress');
  await expect(progress.getByRole('columnheader')).toHaveText([
    'Audit period', 'Total', 'pending', 'verifying', 'verified', 'reconciled', 'failed',
    'sent_unverified', 'sent_verifying', 'sent_failed', 'unsent', '2xx', '3xx', '4xx', '5xx', 'other', 'Done',
  ]);
  const period = progress.getByRole('row').filter({ hasText: at(periodEnd).slice(0, 19) });
  // Total 3: two verified, one failed, none sent yet.
  await expect(period.getByRole('cell')).toHaveText(['3', '0', '0', '2', '0', '1', '0', '0', '0', '3', '0', '0', '0', '0', '0', '100.0 %']);
  const glance = table(page, 'Glance verifier progress').getByRole('row').filter({ hasText: at(periodEnd).slice(0, 19) });
  await expect(glance.getByRole('cell').nth(0)).toHaveText('1');
  await expect(glance.getByRole('cell').nth(3)).toHaveText('1');
  await attachScreenshot(page, testInfo, 'usage-overview');

  await period.getByRole('cell').nth(5).getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/usage/nova/exists\\?status=failed&period=${periodEnd * 1000}$`));
  const failed = table(page, 'Nova exists');
  await expect(failed.getByRole('row')).toHaveCount(2);
  await expect(failed.getByRole('row').nth(1)).toContainText(lostId);
  await expect(failed.getByRole('row').nth(1)).toContainText("Couldn't find InstanceUsage");
});

test('failed exists show their reason and link to the instance', async ({ page }, testInfo) => {
  await page.goto('/usage');
  await page.getByRole('navigation', { name: 'Usage section' }).getByRole('link', { name: 'Failed exists' }).click();
  await expect(page).toHaveURL(/\/usage\/failed\?service=nova$/);
  const row = rowWith(page, 'Failed Nova exists', lostId);
  await expect(row).toHaveCount(1);
  await expect(row.getByRole('cell').nth(10)).toContainText("Couldn't find InstanceUsage");
  await expect(row.getByRole('link', { name: 'failed', exact: true })).toHaveAttribute('href', '/usage/nova/exists?status=failed');
  await expect(row.getByRole('link', { name: tenant })).toHaveAttribute('href', `/tenants/${tenant}`);
  await expect(rowWith(page, 'Failed Nova exists', okId)).toHaveCount(0);
  await attachScreenshot(page, testInfo, 'usage-failed');
  // The status choices are URLs.
  await page.getByRole('navigation', { name: 'Failed status' }).getByRole('link', { name: 'sent_failed' }).click();
  await expect(page).toHaveURL(/\/usage\/failed\?service=nova&status=sent_failed$/);
  await expect(rowWith(page, 'Failed Nova exists', lostId)).toHaveCount(0);

  await page.goto('/usage/failed?service=nova');
  await rowWith(page, 'Failed Nova exists', lostId).getByRole('link', { name: lostId }).click();
  await expect(page).toHaveURL(`/instances/${lostId}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Instance ${lostId}`);
});

test('nova tables filter by instance, tenant and status; cells drill down', async ({ page }, testInfo) => {
  await page.goto('/usage/nova/launches');
  const form = page.getByRole('search', { name: 'Filter Nova launches' });
  await form.getByLabel('Instance').fill(okId);
  await form.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(new RegExp(`/usage/nova/launches\\?instance=${okId}&tenant=$`));
  const launches = table(page, 'Nova launches');
  await expect(launches.getByRole('row')).toHaveCount(2);
  await expect(launches.getByRole('columnheader')).toHaveText(['Id', 'Instance', 'Tenant', 'Request', 'Launched', 'Type', 'Flavor', 'OS']);
  const launch = launches.getByRole('row').nth(1);
  await expect(launch.getByRole('cell').nth(4)).toHaveText(`${at(launchedAt).slice(0, 19)}.000000`);
  await expect(launch.getByRole('cell').nth(5)).toHaveText('2');
  await expect(launch.getByRole('cell').nth(6)).toHaveText('m1.small');
  await expect(launch.getByRole('link', { name: launchRequest })).toHaveAttribute('href', `/requests/${launchRequest}`);
  await attachScreenshot(page, testInfo, 'usage-launches');

  await page.goto(`/usage/nova/deletes?instance=${deletedId}`);
  const deletes = table(page, 'Nova deletes');
  await expect(deletes.getByRole('row')).toHaveCount(2);
  await expect(deletes.getByRole('row').nth(1).getByRole('cell').nth(3)).toHaveText(`${at(deletedAt).slice(0, 19)}.000000`);
  await deletes.getByRole('row').nth(1).getByRole('link', { name: /^#\d+$/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Event #\d+: compute\.instance\.delete\.end$/);

  await page.goto(`/usage/nova/exists?tenant=${tenant}`);
  const exists = page.getByRole('search', { name: 'Filter Nova exists' });
  await exists.getByLabel('Status').selectOption('verified');
  await exists.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(new RegExp(`/usage/nova/exists\\?instance=&tenant=${tenant}&status=verified$`));
  const verified = table(page, 'Nova exists');
  await expect(verified.getByRole('row')).toHaveCount(3);
  await expect(verified.getByRole('row').filter({ hasText: okId })).toContainText('verified');
  await expect(verified.getByRole('row').filter({ hasText: deletedId })).toContainText(at(deletedAt).slice(0, 19));
  await page.getByRole('link', { name: 'Clear' }).click();
  await expect(page).toHaveURL(/\/usage\/nova\/exists$/);
  // An unknown status is refused with a message, not a query.
  await page.goto('/usage/nova/exists?status=bogus');
  await expect(page.getByRole('alert')).toContainText('There is no exists status called "bogus"');
  await page.goto('/usage/cinder/exists');
  await expect(page.getByRole('alert')).toHaveText('There is no such usage table.');
});

test('glance image usages, deletes and exists; the image page', async ({ page }, testInfo) => {
  await page.goto(`/usage/glance/launches?owner=${owner}`);
  const usages = table(page, 'Glance image usages');
  await expect(usages.getByRole('row')).toHaveCount(3);
  const ok = usages.getByRole('row').filter({ hasText: okImage });
  await expect(ok.getByRole('cell').nth(4)).toHaveText('4.0 MiB');
  await expect(ok.getByRole('link', { name: owner })).toHaveAttribute('href', `/tenants/${owner}`);

  await page.goto(`/usage/glance/exists?uuid=${okImage}`);
  const exists = table(page, 'Glance image exists');
  await expect(exists.getByRole('row')).toHaveCount(2);
  await expect(exists.getByRole('row').nth(1).getByRole('link', { name: 'verified' })).toBeVisible();
  await attachScreenshot(page, testInfo, 'usage-glance-exists');

  await page.goto(`/usage/glance/deletes?uuid=${deletedImage}`);
  const deletes = table(page, 'Glance image deletes');
  await expect(deletes.getByRole('row')).toHaveCount(2);
  await deletes.getByRole('link', { name: deletedImage }).click();
  await expect(page).toHaveURL(`/images/${deletedImage}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Image ${deletedImage}`);
  await expect(table(page, 'Glance image usages').getByRole('row')).toHaveCount(2);
  await expect(table(page, 'Glance image deletes').getByRole('row')).toHaveCount(2);
  await expect(page.getByText('None.')).toBeVisible();
  await attachScreenshot(page, testInfo, 'usage-image');
});
