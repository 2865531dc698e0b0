// The stack as real processes: startStack/stop, graceful SIGTERM with requests in flight,
// no orphans when the parent dies, and clear failures when a service cannot start.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, spawnService } from '../../../stack/child-service.ts';
import type { ChildService } from '../../../stack/child-service.ts';
import { isAlive, waitGone } from '../../support/processes.ts';
import { startStack } from '../../../stack/start-stack.ts';
import { sign } from '../../../stack/webhook/signature.ts';

const SECRET = 'test_secret_key_12345';
const WEBHOOK_MAIN = join(REPO_ROOT, 'stack', 'webhook', 'main.ts');
const MOCK_MAIN = join(REPO_ROOT, 'stack', 'freshdesk-mock', 'main.ts');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function killIfAlive(pid: number): void {
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function signedPost(url: string, ticketId: string): Promise<Response> {
  const body = JSON.stringify({ ticket_id: ticketId, event: 'ticket_created', triggered_at: new Date().toISOString() });
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-freshdesk-signature': sign(SECRET, body) },
    body,
    signal: AbortSignal.timeout(15_000),
  });
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'stack-test-'));
}

describe('startStack', () => {
  it('brings the mock and the webhook up on loopback, and stop() leaves no process', async () => {
    const logDir = tmp();
    const stack = await startStack({ logDir, mockEnv: { FRESHDESK_LATENCY_MS: '0' } });
    cleanups.push(() => {
      killIfAlive(stack.pids.webhook);
      killIfAlive(stack.pids.mock);
    });
    expect(stack.webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook\/freshdesk$/);
    expect(stack.freshdeskUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.secret).toBe(SECRET);
    expect(stack.logFiles).toEqual({ webhook: join(logDir, 'webhook.log'), mock: join(logDir, 'freshdesk-mock.log') });
    expect(isAlive(stack.pids.webhook) && isAlive(stack.pids.mock)).toBe(true);

    expect((await fetch(stack.healthUrl)).status).toBe(200);
    const response = await signedPost(stack.webhookUrl, '910001');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'processed', ticket_id: '910001' });
    const metrics = (await (await fetch(stack.metricsUrl)).json()) as { webhook_metrics: { success_count: number } };
    expect(metrics.webhook_metrics.success_count).toBe(1);

    await stack.stop();
    expect(isAlive(stack.pids.webhook)).toBe(false);
    expect(isAlive(stack.pids.mock)).toBe(false);
    expect(readFileSync(stack.logFiles.webhook, 'utf8')).toContain('webhook: stopped');
    expect(readFileSync(stack.logFiles.mock, 'utf8')).toContain('freshdesk-mock: stopped');
    await stack.stop(); // idempotent
  });

  it('leaves no orphans when its parent process is killed without stop()', async () => {
    const logDir = tmp();
    const parent = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'tests/unit/stack/fixtures/stack-parent.ts'), logDir], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(() => killIfAlive(parent.pid!));
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: parent.stdout! }).once('line', resolve);
      parent.once('exit', (code) => reject(new Error(`parent exited early with ${code}`)));
    });
    const { pids } = JSON.parse(line) as { pids: { webhook: number; mock: number } };
    cleanups.push(() => {
      killIfAlive(pids.webhook);
      killIfAlive(pids.mock);
    });
    expect(isAlive(pids.webhook) && isAlive(pids.mock)).toBe(true);

    parent.kill('SIGKILL');
    await waitGone([pids.webhook, pids.mock], 10_000);
    expect(isAlive(pids.webhook), 'webhook outlived its parent').toBe(false);
    expect(isAlive(pids.mock), 'mock outlived its parent').toBe(false);
    expect(readFileSync(join(logDir, 'webhook.log'), 'utf8')).toContain('parent process went away');
  });

  it('fails with the tail of the log when a service cannot start, and stops what it started', async () => {
    const logDir = tmp();
    const started = performance.now();
    await expect(startStack({ logDir, webhookEnv: { RATE_LIMIT_CAPACITY: 'many' } })).rejects.toThrow(
      /webhook failed to start: exited with code 1[\s\S]*last lines of .*webhook\.log[\s\S]*RATE_LIMIT_CAPACITY="many" is invalid/,
    );
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(readFileSync(join(logDir, 'freshdesk-mock.log'), 'utf8')).toContain('freshdesk-mock: stopped');
  });
});

describe('webhook process', () => {
  it('refuses to start without WEBHOOK_SECRET: a clear message and exit code 1', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', WEBHOOK_MAIN], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: '0' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('webhook: refusing to start: WEBHOOK_SECRET is not set');
  });

  it('on SIGTERM finishes the requests in flight with 200, refuses new ones, and exits 0 within 10 s', async () => {
    const logDir = tmp();
    const base = { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0' };
    const services: ChildService[] = [];
    cleanups.push(async () => {
      for (const service of services) await service.stop(2000);
    });
    const mock = await spawnService({
      name: 'freshdesk-mock',
      entry: MOCK_MAIN,
      env: { ...base, FRESHDESK_LATENCY_MS: '400', FRESHDESK_LATENCY_DISTRIBUTION: 'fixed', LOG_LEVEL: 'warn' },
      logFile: join(logDir, 'mock.log'),
      startTimeoutMs: 15_000,
    });
    services.push(mock);
    const webhook = await spawnService({
      name: 'webhook',
      entry: WEBHOOK_MAIN,
      env: { ...base, WEBHOOK_SECRET: SECRET, FRESHDESK_URL: `http://127.0.0.1:${mock.port}`, RATE_LIMIT_ALGORITHM: 'off' },
      logFile: join(logDir, 'webhook.log'),
      startTimeoutMs: 15_000,
    });
    services.unshift(webhook);
    const url = `http://127.0.0.1:${webhook.port}/webhook/freshdesk`;

    // Eight requests, each needing two 400 ms Freshdesk calls; wait until all are inside.
    const inFlight = Array.from({ length: 8 }, (_, i) => signedPost(url, String(920_000 + i)));
    const statsUrl = `http://127.0.0.1:${mock.port}/__mock/stats`;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const stats = (await (await fetch(statsUrl)).json()) as { get_ticket: number };
      if (stats.get_ticket >= 8) break;
      await sleep(20);
    }

    const signalled = performance.now();
    process.kill(webhook.pid, 'SIGTERM');
    const logFile = join(logDir, 'webhook.log');
    while (!readFileSync(logFile, 'utf8').includes('shutting down') && performance.now() - signalled < 5000) await sleep(10);
    const late = await signedPost(url, '929999').then(
      (response) => response.status,
      () => 'connection refused',
    );

    const responses = await Promise.all(inFlight);
    const { code } = await webhook.exited;
    const shutdownMs = performance.now() - signalled;

    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ status: string }>;
    expect(bodies.every((b) => b.status === 'processed')).toBe(true);
    expect(late).not.toBe(200);
    expect(code).toBe(0);
    expect(shutdownMs).toBeLessThan(10_000);
  });
});
