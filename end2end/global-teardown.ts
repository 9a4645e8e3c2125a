// Removes the RabbitMQ vhost that playwright.config.ts created for this run.
//
// Runs in Playwright's main process, before the web server is stopped. playwright.config.ts also
// calls `deleteE2eVhost` when the main process exits, for runs that never reach global teardown
// (`--list`, a failed web server start, Ctrl-C); the env flag makes the second call a no-op.
import { execFileSync } from 'node:child_process';

/** Runs `rabbitmqctl` synchronously; throws with its output when it fails. */
export function rabbitmqctl(...args: string[]): void {
  const command = process.env.RABBITMQCTL ?? 'rabbitmqctl';
  try {
    execFileSync(command, args, { stdio: 'pipe', timeout: 30_000 });
  } catch (error) {
    const e = error as { stderr?: Buffer; stdout?: Buffer; message: string };
    const output = `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`.trim();
    throw new Error(`${command} ${args.join(' ')} failed: ${output || e.message}`);
  }
}

/** Deletes this run's vhost once; later calls (and failures) only log. */
export function deleteE2eVhost(): void {
  const vhost = process.env.E2E_VHOST;
  if (!vhost || process.env.E2E_VHOST_DELETED) return;
  process.env.E2E_VHOST_DELETED = '1';
  try {
    rabbitmqctl('delete_vhost', vhost);
  } catch (error) {
    console.warn(`Could not delete RabbitMQ vhost ${vhost}: ${(error as Error).message}`);
  }
}

export default async function globalTeardown(): Promise<void> {
  deleteE2eVhost();
}
