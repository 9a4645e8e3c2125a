// Untrusted notification content is always text: keys and values holding markup, a </script>,
// a </title> and javascript: URLs show as text on every page, no dialog fires, no element is
// injected, and the Content-Security-Policy reports no violation. Both projects; the hydrated
// one also checks rows pushed over the websocket (built in the browser).
import { expect, test, type Page } from '@playwright/test';
import { attachScreenshot, buildNotification, gotoUntil, liveFeed, publishRaw, unique } from './support';

const EVIL = `<img src=x onerror=alert(1)></title></script><script>alert(2)</script>"'><svg onload=alert(3)>`;
const JS_URL = 'javascript:alert(4)';

type Watched = Window & { __cspViolations?: string[] };

/** Records dialogs, CSP violations (event and console) and page errors for the whole test. */
function watch(page: Page) {
  const problems: string[] = [];
  page.on('dialog', async (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}

/** The violations the init script recorded on the current document (none without JavaScript). */
async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => true).catch(() => false))) return [];
  return page.evaluate(() => (window as Watched).__cspViolations ?? []);
}

/** Publishes the hostile notification; returns what to look for. */
async function publishHostile(host: string) {
  const n = buildNotification({
    eventType: `compute.instance.${EVIL}`,
    publisherId: `compute.${host}`,
    instanceId: JS_URL,
    tenantId: EVIL,
    payload: { [EVIL]: EVIL, [JS_URL]: JS_URL },
  });
  await publishRaw([{ routingKey: 'monitor.info', messageId: n.messageId, content: Buffer.from(JSON.stringify(n.body)) }]);
  return n;
}

/** No element came from the payload, every link stays on the site, and (with JavaScript) the
 * page's CSP saw no violation. */
async function expectNothingInjected(page: Page, problems: string[]) {
  await expect(page.getByRole('img')).toHaveCount(0);
  await expect(page.locator('[onerror], [onload]')).toHaveCount(0);
  for (const link of await page.getByRole('link').all()) {
    const href = (await link.getAttribute('href')) ?? '';
    expect(href.startsWith('/'), `link ${href}`).toBe(true);
  }
  problems.push(...(await violations(page)).map((v) => `violation: ${v}`));
}

test('hostile notification content is text on every page, with no CSP violation', async ({ page }, testInfo) => {
  const problems = watch(page);
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const w = window as Watched;
      (w.__cspViolations ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const host = unique('e2e-xss-host');
  const n = await publishHostile(host);

  // The event page: columns, related links and the JSON, all text.
  await gotoUntil(page, `/search?field=host&value=${host}&count=25`, async () => {
    await expect(page.getByRole('table', { name: `Events with Host = ${host}` }).getByRole('link', { name: /^\d+$/ })).toBeVisible({ timeout: 1_000 });
  });
  await expect(page.getByRole('cell', { name: `compute.instance.${EVIL}` })).toBeVisible();
  await expectNothingInjected(page, problems);
  await page.getByRole('link', { name: /^\d+$/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(new RegExp(`^Event #\\d+: compute\\.instance\\.`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(EVIL);
  await expect(page.getByLabel('Notification JSON')).toContainText(`"${EVIL.replace(/"/g, '\\"')}": "`);
  await expect(page.getByLabel('Notification JSON')).toContainText(`"${JS_URL}": "${JS_URL}"`);
  await expect(page).toHaveTitle(new RegExp(`^Event #\\d+: compute\\.instance\\.<img src=x`));
  await expectNothingInjected(page, problems);
  await attachScreenshot(page, testInfo, 'xss-event');

  // Drill-down on the tenant, the host page, the instance (a javascript: URL) page.
  await page.getByRole('navigation', { name: 'Related pages' }).getByRole('link', { name: `Tenant ${EVIL}` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Tenant ${EVIL}`);
  await expectNothingInjected(page, problems);
  await page.goto(`/hosts/${host}`);
  await expect(page.getByRole('table', { name: 'Recent events' }).getByRole('cell', { name: JS_URL })).toBeVisible();
  await page.getByRole('table', { name: 'Recent events' }).getByRole('link', { name: JS_URL }).click();
  await expect(page).toHaveURL(/\/events\?field=instance&value=javascript%3Aalert%284%29&around=\d+/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Rows with Instance = ${JS_URL}`);
  await expectNothingInjected(page, problems);
  await page.getByRole('link', { name: 'Instance page' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Instance ${JS_URL}`);
  await expectNothingInjected(page, problems);

  // The live feed, server-rendered; and, once hydrated, a hostile row pushed over the socket.
  const feed = liveFeed(page);
  await page.goto(`/live?host=${host}`);
  await expect(feed.rowWith(n.eventType)).toBeVisible();
  if (testInfo.project.use.javaScriptEnabled !== false) {
    await expect(feed.status).toHaveText('live', { timeout: 20_000 });
    const pushed = await publishHostile(host);
    await expect(feed.dataRows).toHaveCount(2);
    await expect(feed.dataRows.first()).toContainText(pushed.tenantId);
  }
  await expectNothingInjected(page, problems);
  await attachScreenshot(page, testInfo, 'xss-live');

  expect(problems).toEqual([]);
});
