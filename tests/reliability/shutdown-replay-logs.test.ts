// Graceful shutdown under load reconciled with METRICS_SNAPSHOT_PATH, replay of a signed body,
// and no secret or signature in any log.
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { startStack } from '../../stack/start-stack.ts';
import { waitGone } from '../support/processes.ts';
import type { StartedStack } from '../../stack/start-stack.ts';
import type { MetricsSnapshot } from '../../stack/webhook/snapshot.ts';
import { getJson, sendWebhook } from './fixtures/stack-traffic.ts';
import type { Answer } from './fixtures/stack-traffic.ts';

const SECRET = 'test_secret_key_12345';
const API_KEY = 'test_freshdesk_api_key';
const stacks: StartedStack[] = [];
afterAll(async () => {
  await Promise.all(stacks.map((s) => s.stop()));
});

async function stackWith(webhookEnv: Record<string, string>, mockEnv: Record<string, string>): Promise<StartedStack> {
  const stack = await startStack({
    secret: SECRET,
    webhookEnv: { RATE_LIMIT_ALGORITHM: 'off', ...webhookEnv },
    mockEnv: { FRESHDESK_LATENCY_DISTRIBUTION: 'fixed', ...mockEnv },
  });
  stacks.push(stack);
  return stack;
}

/** 50 webhooks in flight (each on its own connection), then SIGTERM to the webhook. */
async function sigtermUnderLoad(stack: StartedStack, inFlight: number, settleMs: number) {
  const answers = Array.from({ length: inFlight }, () => sendWebhook(stack.webhookUrl, SECRET, 20_000));
  await sleep(settleMs);
  const signalledAt = performance.now();
  process.kill(stack.pids.webhook, 'SIGTERM');
  await sleep(100);
  // Arriving after the signal: the listener is closed, so these must fail to connect.
  const late = await Promise.all(Array.from({ length: 5 }, () => sendWebhook(stack.webhookUrl, SECRET, 5000)));
  const settled = await Promise.all(answers);
  const gone = await waitGone([stack.pids.webhook], 15_000);
  return { answers: settled, late, gone, secondsToSettle: (performance.now() - signalledAt) / 1000 };
}

describe('graceful shutdown under load', () => {
  it('SIGTERM with 50 requests in flight: all finish with 200, and the snapshot counts exactly those 200s', async () => {
    const snapshotPath = join(mkdtempSync(join(tmpdir(), 'shutdown-')), 'metrics.json');
    const stack = await stackWith({ METRICS_SNAPSHOT_PATH: snapshotPath }, { FRESHDESK_LATENCY_MS: '700' });
    const { answers, late, gone } = await sigtermUnderLoad(stack, 50, 400);
    expect(gone).toBe(true);
    const ok = answers.filter((a) => a.status === 200).length;
    const noAnswer = answers.filter((a) => a.status === 0);
    console.log(
      `[reliability] SIGTERM with 50 in flight: ${ok} answered 200, ${noAnswer.length} connection errors, late arrivals ${late.map((a) => a.error ?? a.status).join(',')}`,
    );

    expect(answers.every((a) => a.status === 200 || (a.status === 0 && a.error !== 'TimeoutError'))).toBe(true);
    expect(ok).toBe(50); // the shutdown timeout (8 s) is far above the 1.4 s these need
    expect(late.every((a) => a.status === 0 && a.error === 'ECONNREFUSED')).toBe(true);
    const snapshot = JSON.parse(readFileSync(snapshotPath, 'utf8')) as MetricsSnapshot;
    expect(snapshot.snapshot.exit_code).toBe(0);
    expect(snapshot.snapshot.pid).toBe(stack.pids.webhook);
    expect(snapshot.webhook_metrics.success_count).toBe(ok); // zero 200s unaccounted for
    expect(snapshot.webhook_metrics.failure_count).toBe(0);
  });

  it('shutdown timeout passed: the clients see connection errors (not silence), and the exit-1 snapshot counts no 200', async () => {
    const snapshotPath = join(mkdtempSync(join(tmpdir(), 'shutdown-')), 'metrics.json');
    const stack = await stackWith({ METRICS_SNAPSHOT_PATH: snapshotPath, SHUTDOWN_TIMEOUT_MS: '500' }, { FRESHDESK_LATENCY_MS: '5000' });
    const { answers, gone, secondsToSettle } = await sigtermUnderLoad(stack, 50, 400);
    expect(gone).toBe(true);
    const errors = [...new Set(answers.map((a) => a.error ?? String(a.status)))];
    console.log(`[reliability] shutdown timeout: 50 in flight ended in ${secondsToSettle.toFixed(1)} s as ${errors.join(',')}`);
    expect(answers.filter((a) => a.status === 0)).toHaveLength(50);
    expect(answers.some((a) => a.error === 'TimeoutError')).toBe(false); // each client learnt it at once
    expect(secondsToSettle).toBeLessThan(5);
    const snapshot = JSON.parse(readFileSync(snapshotPath, 'utf8')) as MetricsSnapshot;
    expect(snapshot.snapshot.exit_code).toBe(1);
    expect(snapshot.webhook_metrics.success_count).toBe(0);
  });
});

describe('replay and secrets', () => {
  it('the same signed body 10 times within the window is processed once; no secret or signature reaches a log', async () => {
    const stack = await stackWith({ LOG_LEVEL: 'trace' }, { FRESHDESK_LATENCY_MS: '20', LOG_LEVEL: 'trace' });
    const statsUrl = `${stack.freshdeskUrl}/__mock/stats`;
    const before = (await getJson<{ create_note: number }>(statsUrl)).body.create_note;

    const body = JSON.stringify({ ticket_id: '424242', event: 'ticket_created', triggered_at: '2026-11-27T10:00:00.000Z' });
    const signature = createHmac('sha256', SECRET).update(body).digest('hex');
    const send = async () => {
      const response = await request(stack.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-freshdesk-signature': signature },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      return ((await response.body.json()) as { status: string }).status;
    };
    const concurrent = await Promise.all(Array.from({ length: 5 }, send));
    const sequential: string[] = [];
    for (let i = 0; i < 5; i++) sequential.push(await send());
    const statuses = [...concurrent, ...sequential];
    expect(statuses.filter((s) => s === 'processed')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(9);
    expect((await getJson<{ create_note: number }>(statsUrl)).body.create_note - before).toBe(1);

    // More traffic that carries credentials: valid, wrong and near-miss signatures.
    const sent: string[] = [signature];
    const others: Answer[] = [];
    for (let i = 0; i < 5; i++) others.push(await sendWebhook(stack.webhookUrl, SECRET));
    for (const wrong of [signature.toUpperCase(), signature.slice(0, 40), createHmac('sha256', 'x').update(body).digest('hex')]) {
      sent.push(wrong);
      const response = await request(stack.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-freshdesk-signature': wrong },
        body,
      });
      expect(response.statusCode).toBe(401);
      await response.body.dump();
    }
    expect(others.every((a) => a.status === 200)).toBe(true);
    await stack.stop(); // flush both logs

    const logs = readFileSync(stack.logFiles.webhook, 'utf8') + readFileSync(stack.logFiles.mock, 'utf8');
    const lines = logs.split('\n').filter(Boolean).length;
    expect(lines).toBeGreaterThan(30); // trace level logged every request: the grep below has material
    const basic = Buffer.from(`${API_KEY}:X`).toString('base64');
    const leaks = [SECRET, basic, ...sent].filter((s) => logs.toLowerCase().includes(s.toLowerCase()));
    expect(leaks).toEqual([]);
    expect(existsSync(stack.logFiles.webhook)).toBe(true);
    console.log(
      `[reliability] replay: 1 processed, 9 duplicates; ${lines} log lines, none with the secret, the API key's auth or any of ${sent.length} signatures`,
    );
  });
});
