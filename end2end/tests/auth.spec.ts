// `serve --auth basic` (the second web server of playwright.config.ts): a browser given the
// user's credentials sees the pages, and once hydrated its live feed connects over the websocket
// (the upgrade carries the same credentials); a browser without them gets the 401 whose
// `WWW-Authenticate: Basic` makes a real browser prompt (headless Chromium, which cannot
// prompt, fails the navigation instead). Runs in both projects.
//
// No spec here sends a wrong password: failures are limited per client (ten a minute), and every
// browser of the run comes from 127.0.0.1. The integration tests cover wrong passwords and the limit.
import { expect, test, type Browser } from '@playwright/test';
import { attachScreenshot, liveFeed } from './support';

/** The basic-auth server and its user, exported by playwright.config.ts. */
function authServer() {
  const baseURL = process.env.E2E_AUTH_BASE_URL;
  const username = process.env.E2E_AUTH_USER;
  const password = process.env.E2E_AUTH_PASSWORD;
  if (!baseURL || !username || !password) {
    throw new Error('E2E_AUTH_* are not set: run the specs through playwright.config.ts');
  }
  return { baseURL, username, password };
}

/** A context on the basic-auth server, with or without the user's credentials. */
async function context(browser: Browser, javaScriptEnabled: boolean, withCredentials: boolean) {
  const { baseURL, username, password } = authServer();
  return browser.newContext({
    baseURL,
    javaScriptEnabled,
    ...(withCredentials ? { httpCredentials: { username, password } } : {}),
  });
}

test('a browser with the credentials sees the pages', async (
  { browser, javaScriptEnabled },
  testInfo,
) => {
  const ctx = await context(browser, javaScriptEnabled, true);
  const page = await ctx.newPage();
  const home = await page.goto('/');
  expect(home?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1, name: 'StackTach' })).toBeVisible();
  if (javaScriptEnabled) {
    // Hydrated: the feed's websocket opened, so its upgrade was let in too.
    await expect(liveFeed(page).status).toHaveText('live', { timeout: 20_000 });
  }
  await attachScreenshot(page, testInfo, 'auth-home');

  const status = await page.goto('/status');
  expect(status?.status()).toBe(200);
  const api = await page.request.get('/api/v1/deployments');
  expect(api.status()).toBe(200);
  await ctx.close();
});

test('a browser without credentials is refused', async ({ browser, javaScriptEnabled }) => {
  const ctx = await context(browser, javaScriptEnabled, false);
  const page = await ctx.newPage();
  // Headless Chromium cannot show the login prompt the 401 asks for: it cancels it and
  // fails the navigation, so the page never shows what the server holds.
  const navigation = await page.goto('/').then(
    (response) => `loaded with status ${response?.status()}`,
    (error: Error) => error.message,
  );
  expect(navigation).toContain('ERR_INVALID_AUTH_CREDENTIALS');
  await expect(page.getByRole('heading', { level: 1, name: 'StackTach' })).toHaveCount(0);
  const home = await page.request.get('/');
  expect(home.status()).toBe(401);
  expect(home.headers()['www-authenticate']).toContain('Basic realm="StackTach"');
  expect(await home.text()).toBe('Authentication required.\n');
  for (const path of ['/status', '/api/v1/deployments', '/metrics']) {
    const refused = await page.request.get(path);
    expect(refused.status(), path).toBe(401);
  }
  // Load balancers still get their probe.
  const health = await page.request.get('/healthz');
  expect(health.status()).toBe(200);
  await ctx.close();
});
