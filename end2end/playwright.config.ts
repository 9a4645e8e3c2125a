// Browser tests for StackTach, run twice: `ssr` (JavaScript disabled: what the server renders)
// and `hydrate` (the wasm app takes over and the live feed goes over a websocket).
// `*.hydrate.spec.ts` files only make sense with JavaScript, so only the second project runs them.
//
// Each run gets its own environment, made once in the main process when this file is first
// loaded: a RabbitMQ vhost, a deployments file with a reachable and an unreachable deployment, and
// an empty SQLite database. Workers load this file again; they inherit the E2E_* variables and so
// reuse the same environment instead of making another.
//
// A second server runs `serve --auth basic` for auth.spec.ts, on its own port and database with
// no deployments (so it never competes for this run's queues); its users file is written by
// `stacktach user add` when it starts, with a password made for the run.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defineConfig } from '@playwright/test';
import { deleteE2eVhost, rabbitmqctl } from './global-teardown';

const REPO_ROOT = path.resolve(__dirname, '..');
const PORT = Number(process.env.E2E_PORT ?? 3117);
const BASE_URL = `http://127.0.0.1:${PORT}`;
// Override to test another build, e.g. E2E_SERVER_BIN=./target/release/stacktach.
const SERVER_BIN = process.env.E2E_SERVER_BIN ?? './target/debug/stacktach';
const AUTH_PORT = Number(process.env.E2E_AUTH_PORT ?? PORT + 1);
const AUTH_BASE_URL = `http://127.0.0.1:${AUTH_PORT}`;

/** The queues StackTach's v2 config binds for Nova; same for both deployments. */
const NOVA_TOPICS = {
  nova: [
    { queue: 'stacktach_monitor.info', routing_key: 'monitor.info' },
    { queue: 'stacktach_monitor.error', routing_key: 'monitor.error' },
  ],
};

function createRunEnvironment(suffix: string): void {
  const vhost = `st_e2e_${suffix}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `stacktach-e2e-${suffix}-`));
  const deploymentsFile = path.join(dir, 'deployments.json');
  const dbFile = path.join(dir, 'e2e.db');

  // Safety net for runs that never reach globalTeardown (--list, a server that fails to start).
  process.on('exit', () => {
    deleteE2eVhost();
    if (!process.env.E2E_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
  });
  process.env.E2E_VHOST = vhost;
  rabbitmqctl('add_vhost', vhost);
  rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');

  const deployment = {
    durable_queue: false,
    rabbit_userid: 'guest',
    rabbit_password: 'guest',
    rabbit_virtual_host: vhost,
    exit_on_exception: false,
    queue_name: 'stacktach',
    topics: NOVA_TOPICS,
  };
  const deployments = {
    deployments: [
      { name: 'e2e-cell-1', rabbit_host: '127.0.0.1', rabbit_port: 5672, ...deployment },
      // Nothing listens on port 1: this consumer never connects and keeps retrying.
      { name: 'e2e-unreachable', rabbit_host: '127.0.0.1', rabbit_port: 1, ...deployment },
      // Glance only (the usage specs' image usages, deletes and exists), on queues of its own.
      {
        name: 'e2e-glance',
        rabbit_host: '127.0.0.1',
        rabbit_port: 5672,
        ...deployment,
        topics: { glance: [{ queue: 'stacktach_glance.info', routing_key: 'notifications.info' }] },
      },
    ],
  };
  fs.writeFileSync(deploymentsFile, `${JSON.stringify(deployments, null, 2)}\n`);
  // An empty file is a valid SQLite database, so the server needs no create-if-missing option.
  fs.writeFileSync(dbFile, '');

  process.env.E2E_TMP_DIR = dir;
  process.env.E2E_DEPLOYMENTS_FILE = deploymentsFile;
  process.env.E2E_DATABASE_URL = `sqlite://${dbFile}`;
  process.env.E2E_AMQP_URL = `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`;
  process.env.E2E_BASE_URL = BASE_URL;

  // The basic-auth server's inputs (see the second webServer below).
  const authDeploymentsFile = path.join(dir, 'auth-deployments.json');
  const authDbFile = path.join(dir, 'auth.db');
  fs.writeFileSync(authDeploymentsFile, `${JSON.stringify({ deployments: [] })}\n`);
  fs.writeFileSync(authDbFile, '');
  process.env.E2E_AUTH_DEPLOYMENTS_FILE = authDeploymentsFile;
  process.env.E2E_AUTH_DATABASE_URL = `sqlite://${authDbFile}`;
  process.env.E2E_AUTH_USERS_FILE = path.join(dir, 'users');
  process.env.E2E_AUTH_USER = 'e2e-user';
  process.env.E2E_AUTH_PASSWORD = randomBytes(12).toString('hex');
  process.env.E2E_AUTH_BASE_URL = AUTH_BASE_URL;
}

if (!process.env.E2E_RUN) {
  process.env.E2E_RUN = randomBytes(4).toString('hex');
  createRunEnvironment(process.env.E2E_RUN);
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export default defineConfig({
  testDir: './tests',
  // The feed specs check that the event they publish is the newest row, so tests that publish
  // must not overlap. Two cores are busy enough with the server and Chromium anyway.
  workers: Number(process.env.E2E_WORKERS ?? 1),
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  reporter: 'list',
  globalTeardown: './global-teardown.ts',
  use: {
    baseURL: BASE_URL,
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium: Playwright cannot download its own browser on these machines.
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    {
      name: 'ssr',
      testIgnore: /.*\.hydrate\.spec\.ts$/,
      use: { javaScriptEnabled: false },
    },
    {
      name: 'hydrate',
      use: { javaScriptEnabled: true },
    },
    {
      // Benchmarks that print figures (bench/*.bench.ts, hydrated). Not part of the test suite:
      // `default: false` keeps plain `npx playwright test` from running them; run them with
      // `npx playwright test --project=bench` (scripts/bench-live.sh does, on a release build).
      name: 'bench',
      testDir: './bench',
      testMatch: /.*\.bench\.ts$/,
      default: false,
      use: { javaScriptEnabled: true },
    },
  ],
  webServer: [
    {
      command: [
        SERVER_BIN,
        'serve',
        '--deployments',
        shellQuote(process.env.E2E_DEPLOYMENTS_FILE ?? ''),
        '--database-url',
        shellQuote(process.env.E2E_DATABASE_URL ?? ''),
        '--listen',
        `127.0.0.1:${PORT}`,
      ].join(' '),
      // The server finds its site files under target/site, relative to its working directory.
      cwd: REPO_ROOT,
      url: `${BASE_URL}/healthz`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    },
    {
      // `serve --auth basic` for auth.spec.ts. The password reaches `user add` on its standard
      // input (printf is a shell builtin: it never shows in `ps`).
      command: [
        `printf '%s\\n' "$E2E_AUTH_PASSWORD" |`,
        SERVER_BIN,
        'user',
        'add',
        '"$E2E_AUTH_USER"',
        '--users-file',
        shellQuote(process.env.E2E_AUTH_USERS_FILE ?? ''),
        '--password-stdin',
        '&& exec',
        SERVER_BIN,
        'serve',
        '--no-consumers',
        '--auth',
        'basic',
        '--users-file',
        shellQuote(process.env.E2E_AUTH_USERS_FILE ?? ''),
        '--deployments',
        shellQuote(process.env.E2E_AUTH_DEPLOYMENTS_FILE ?? ''),
        '--database-url',
        shellQuote(process.env.E2E_AUTH_DATABASE_URL ?? ''),
        '--listen',
        `127.0.0.1:${AUTH_PORT}`,
      ].join(' '),
      cwd: REPO_ROOT,
      // /healthz stays open in every mode.
      url: `${AUTH_BASE_URL}/healthz`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    },
  ],
});
