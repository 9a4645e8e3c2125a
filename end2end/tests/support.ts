// Shared helpers for the specs: publishing Nova notifications into this run's RabbitMQ vhost, the
// page landmarks of StackTach's UI contract (by role and accessible name), and screenshots.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';

/** Exchange and routing keys of the `e2e-cell-1` deployment (see playwright.config.ts). */
export const NOVA_EXCHANGE = 'nova';
export type NovaRoutingKey = 'monitor.info' | 'monitor.error';

export interface NotificationOverrides {
  eventType?: string;
  routingKey?: NovaRoutingKey;
  instanceId?: string;
  requestId?: string;
  tenantId?: string;
  publisherId?: string;
  priority?: string;
  timestamp?: Date;
  /** Merged into the generated payload. */
  payload?: Record<string, unknown>;
  /** How long to keep republishing while no queue is bound yet (the consumer is starting). */
  routeTimeoutMs?: number;
}

export interface PublishedNotification {
  routingKey: NovaRoutingKey;
  eventType: string;
  instanceId: string;
  requestId: string;
  messageId: string;
  tenantId: string;
  body: Record<string, unknown>;
}

/** The AMQP URL of this run's vhost, exported by playwright.config.ts. */
export function amqpUrl(): string {
  const url = process.env.E2E_AMQP_URL;
  if (!url) throw new Error('E2E_AMQP_URL is not set: run the specs through playwright.config.ts');
  return url;
}

/** Nova's timestamp format: UTC, `YYYY-MM-DD HH:MM:SS.ffffff`. */
export function novaTimestamp(date: Date = new Date()): string {
  const iso = date.toISOString(); // 2026-11-01T12:34:56.789Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The notification `overrides` describe, ready to publish. */
export function buildNotification(overrides: NotificationOverrides = {}): PublishedNotification {
  const routingKey = overrides.routingKey ?? 'monitor.info';
  const eventType =
    overrides.eventType ?? `compute.instance.e2e.${randomBytes(6).toString('hex')}`;
  const instanceId = overrides.instanceId ?? randomUUID();
  const requestId = overrides.requestId ?? `req-${randomUUID()}`;
  const tenantId = overrides.tenantId ?? 'e2etenant';
  const messageId = randomUUID();
  const body: Record<string, unknown> = {
    event_type: eventType,
    publisher_id: overrides.publisherId ?? 'compute.e2e-host-01',
    timestamp: novaTimestamp(overrides.timestamp),
    message_id: messageId,
    priority: overrides.priority ?? (routingKey === 'monitor.error' ? 'ERROR' : 'INFO'),
    _context_request_id: requestId,
    _context_project_id: tenantId,
    payload: {
      instance_id: instanceId,
      tenant_id: tenantId,
      state: 'active',
      ...overrides.payload,
    },
  };
  return { eventType, instanceId, requestId, messageId, tenantId, body, routingKey };
}

interface RawMessage {
  routingKey: string;
  messageId: string;
  content: Buffer;
}

/**
 * Publishes messages to a topic exchange (`nova` unless given) of this run's vhost on one confirm channel
 * and waits for the broker's confirms.
 *
 * Messages are published `mandatory`: while the server's consumer has not bound its queue yet,
 * the broker returns them and we publish them again (up to `routeTimeoutMs`), so a spec can
 * publish right after the server starts without losing events.
 */
export async function publishRaw(
  messages: RawMessage[],
  routeTimeoutMs = 20_000,
  exchange: string = NOVA_EXCHANGE,
): Promise<void> {
  const connection = await connect(amqpUrl());
  try {
    const channel = await connection.createConfirmChannel();
    const returned = new Set<string>();
    channel.on('return', (message) => {
      returned.add(String(message.properties.messageId));
    });
    // Must match the server's declaration: durable follows the deployment's durable_queue (false).
    await channel.assertExchange(exchange, 'topic', { durable: false });
    const deadline = Date.now() + routeTimeoutMs;
    let pending = messages;
    for (;;) {
      for (const m of pending) {
        channel.publish(exchange, m.routingKey, m.content, {
          mandatory: true,
          contentType: 'application/json',
          messageId: m.messageId,
        });
      }
      // A return for an unroutable message arrives before its confirm.
      await channel.waitForConfirms();
      pending = pending.filter((m) => returned.delete(m.messageId));
      if (pending.length === 0) break;
      if (Date.now() > deadline) {
        throw new Error(
          `No queue is bound for ${exchange} in vhost ${process.env.E2E_VHOST ?? '?'}: is the server's consumer connected?`,
        );
      }
      await sleep(250);
    }
    await channel.close();
  } finally {
    await connection.close();
  }
}

/** Publishes one realistic Nova notification and waits for the broker's confirm. */
export async function publishNotification(
  overrides: NotificationOverrides = {},
): Promise<PublishedNotification> {
  const [published] = await publishNotifications([overrides], overrides.routeTimeoutMs);
  return published;
}

/** Publishes many notifications on one channel (fast), in order. */
export async function publishNotifications(
  list: NotificationOverrides[],
  routeTimeoutMs?: number,
): Promise<PublishedNotification[]> {
  const built = list.map(buildNotification);
  await publishRaw(
    built.map((n) => ({
      routingKey: n.routingKey,
      messageId: n.messageId,
      content: Buffer.from(JSON.stringify(n.body)),
    })),
    routeTimeoutMs,
  );
  return built;
}

/** Publishes bytes as they are (a message the server must quarantine, say). */
export async function publishBytes(content: Buffer, routingKey: NovaRoutingKey = 'monitor.info') {
  await publishRaw([{ routingKey, messageId: randomUUID(), content }]);
}

/** A unique, readable name for this test's host, instance or request. */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Loads `url` until `ready(page)` passes (events are stored asynchronously after publishing). */
export async function gotoUntil(page: Page, url: string, ready: (page: Page) => Promise<void>) {
  await expect(async () => {
    await page.goto(url);
    await ready(page);
  }).toPass({ timeout: 15_000, intervals: [250, 500, 1_000] });
}

/** An event table by its accessible name, and its body rows (newest first). */
export function eventTable(page: Page, name: string) {
  const table = page.getByRole('table', { name, exact: true });
  return {
    table,
    dataRows: table.getByRole('row').filter({ has: page.getByRole('cell') }),
    rowWith: (text: string) =>
      table.getByRole('row').filter({ has: page.getByRole('cell'), hasText: text }),
  };
}

/** The home page's table of configured deployments. */
export function deploymentsTable(page: Page): Locator {
  return page.getByRole('table', { name: 'Deployments' });
}

/** The row of one deployment in the Deployments table, found by its link. */
export function deploymentRow(page: Page, name: string): Locator {
  return deploymentsTable(page)
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name, exact: true }) });
}

/** The live feed landmarks shared by `/` and `/live`. */
export function liveFeed(page: Page) {
  const region = page.getByRole('region', { name: 'Live feed' });
  const table = region.getByRole('table', { name: 'Live events' });
  return {
    region,
    table,
    /** `snapshot` as rendered by the server, `live` once hydrated with the websocket open. */
    status: page.getByRole('status', { name: 'Live feed connection' }),
    /** Body rows only (the header row has column headers, not cells); newest first. */
    dataRows: table.getByRole('row').filter({ has: page.getByRole('cell') }),
    /** The data row whose text contains `text` (an event type, say). */
    rowWith: (text: string) =>
      table.getByRole('row').filter({ has: page.getByRole('cell'), hasText: text }),
  };
}

export const LIVE_EVENT_COLUMNS = [
  '#',
  'Deployment',
  'Source',
  'Tenant',
  'Service',
  'Host',
  'Event',
  'Instance',
  'When',
];

/**
 * Keeps a full-page screenshot as an artifact of the test, beside Playwright's own final one:
 * written to the test's output folder (end2end/test-results/<test>/<name>.png) and attached.
 */
export async function attachScreenshot(page: Page, testInfo: TestInfo, name: string) {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/**
 * Stores a report in this run's database as a report job does (`json_reports`: name, version,
 * period, creation time, JSON text) and returns its id. The SQLite file is written with the
 * `sqlite3` shell (with a busy timeout, beside the running server); values are SQL-quoted here.
 */
export function storeReport(report: {
  name: string;
  version: number;
  periodStart: Date;
  periodEnd: Date;
  json: unknown;
}): number {
  const url = process.env.E2E_DATABASE_URL ?? '';
  if (!url.startsWith('sqlite://')) throw new Error(`storeReport needs the SQLite database, not ${url}`);
  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const micros = (d: Date) => String(d.getTime() * 1000);
  const sql =
    'INSERT INTO json_reports (period_start, period_end, created, name, version, json) VALUES (' +
    [
      micros(report.periodStart),
      micros(report.periodEnd),
      micros(new Date()),
      quote(report.name),
      String(Math.trunc(report.version)),
      quote(JSON.stringify(report.json)),
    ].join(', ') +
    '); SELECT last_insert_rowid();';
  const out = execFileSync('sqlite3', ['-cmd', '.timeout 10000', url.slice('sqlite://'.length), sql], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return Number(out.trim().split('\n').pop());
}
