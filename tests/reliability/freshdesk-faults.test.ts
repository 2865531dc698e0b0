// Freshdesk faults against the real service: errors at a set rate, a 5 s stall, the
// mock killed mid-run. The service answers 502/504 within its timeout, never hangs, reports the
// outage in health while it lasts, stops hammering the API (circuit breaker), and recovers.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildService } from '../../stack/child-service.ts';
import { startStack } from '../../stack/start-stack.ts';
import type { StartedStack } from '../../stack/start-stack.ts';
import { getJson, sendWebhook, spawnMockOn, waitForStatus, waitPortClosed } from './fixtures/stack-traffic.ts';
import type { Answer } from './fixtures/stack-traffic.ts';

const SECRET = 'test_secret_key_12345';
const TIMEOUT_MS = 1000; // FRESHDESK_TIMEOUT_MS
const SLACK_MS = 1500; // scheduling noise on a loaded 2-core machine

interface MockStats {
  get_ticket: number;
  create_note: number;
  injected_errors: number;
  stalled: number;
}
interface Circuit {
  state: string;
  opened_count: number;
  rejected_count: number;
}
interface Metrics {
  webhook_metrics: { success_count: number; failure_count: number };
  freshdesk_circuit: Circuit;
}

const stacks: StartedStack[] = [];
const mocks: ChildService[] = [];
afterAll(async () => {
  await Promise.all(stacks.map((s) => s.stop()));
  await Promise.all(mocks.map((m) => m.stop(2000)));
});

async function stackWith(webhookEnv: Record<string, string>, mockEnv: Record<string, string>): Promise<StartedStack> {
  const stack = await startStack({
    secret: SECRET,
    webhookEnv: {
      RATE_LIMIT_ALGORITHM: 'off',
      FRESHDESK_CACHE_TTL_MS: '0',
      FRESHDESK_TIMEOUT_MS: String(TIMEOUT_MS),
      LOG_LEVEL: 'warn',
      ...webhookEnv,
    },
    mockEnv: { FRESHDESK_LATENCY_MS: '5', FRESHDESK_LATENCY_DISTRIBUTION: 'fixed', LOG_LEVEL: 'warn', ...mockEnv },
  });
  stacks.push(stack);
  return stack;
}

const tally = (answers: Answer[]) => {
  const counts: Record<string, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
};

/** Sends one webhook every `gapMs` until `untilMs` after start; returns answers with their send offsets. */
async function paced(stack: StartedStack, gapMs: number, untilMs: number, during?: (atMs: number) => Promise<void>) {
  const started = performance.now();
  const pending: Promise<Answer & { sentAtMs: number }>[] = [];
  for (let i = 0; i * gapMs < untilMs && i < 1000; i++) {
    const wait = started + i * gapMs - performance.now();
    if (wait > 0) await sleep(wait);
    const sentAtMs = performance.now() - started;
    pending.push(sendWebhook(stack.webhookUrl, SECRET, 15_000).then((a) => ({ ...a, sentAtMs })));
    await during?.(sentAtMs);
  }
  return Promise.all(pending);
}

describe('Freshdesk faults', () => {
  it('errors at a 30 % rate: every webhook is 200 or 502, each 502 explained by an injected error or the open circuit', async () => {
    const stack = await stackWith(
      { FRESHDESK_BREAKER_THRESHOLD: '8', FRESHDESK_BREAKER_COOLDOWN_MS: '300' },
      { FRESHDESK_ERROR_RATE: '0.3', FRESHDESK_SEED: '42' },
    );
    const stats0 = (await getJson<MockStats>(`${stack.freshdeskUrl}/__mock/stats`)).body;
    const metrics0 = (await getJson<Metrics>(stack.metricsUrl)).body;
    const answers: Answer[] = [];
    for (let batch = 0; batch < 25; batch++) {
      answers.push(...(await Promise.all(Array.from({ length: 4 }, () => sendWebhook(stack.webhookUrl, SECRET)))));
    }
    const stats = (await getJson<MockStats>(`${stack.freshdeskUrl}/__mock/stats`)).body;
    const metrics = (await getJson<Metrics>(stack.metricsUrl)).body;
    const counts = tally(answers);
    const injected = stats.injected_errors - stats0.injected_errors;
    const rejected = metrics.freshdesk_circuit.rejected_count - metrics0.freshdesk_circuit.rejected_count;
    console.log(`[reliability] 30 % errors: ${JSON.stringify(counts)}, injected ${injected}, refused by the open circuit ${rejected}`);

    expect(answers).toHaveLength(100);
    expect((counts['200'] ?? 0) + (counts['502'] ?? 0)).toBe(100);
    expect(counts['502']).toBeGreaterThan(0);
    expect(counts['502']).toBe(injected + rejected);
    expect(counts['200']).toBe(stats.create_note - stats0.create_note);
    expect(metrics.webhook_metrics.success_count - metrics0.webhook_metrics.success_count).toBe(counts['200']);
    expect(metrics.webhook_metrics.failure_count - metrics0.webhook_metrics.failure_count).toBe(counts['502']);
    for (const a of answers) expect(a.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });

  it('a 5 s stall: 504 within the timeout, health reports the open circuit, the stalled API sees few calls, then recovery', async () => {
    const stack = await stackWith({ FRESHDESK_BREAKER_THRESHOLD: '3', FRESHDESK_BREAKER_COOLDOWN_MS: '1000' }, {});
    const port = Number(new URL(stack.freshdeskUrl).port);
    process.kill(stack.pids.mock, 'SIGKILL');
    expect(await waitPortClosed(`${stack.freshdeskUrl}/health`)).toBe(true);
    // The same mock, now holding every API call of its first 5 s.
    const mock = await spawnMockOn(port, join(stack.logFiles.mock, '..', 'mock-stall.log'), {
      FRESHDESK_LATENCY_MS: '5',
      FRESHDESK_LATENCY_DISTRIBUTION: 'fixed',
      FRESHDESK_STALL_WINDOWS: '0+5000',
    });
    mocks.push(mock);
    const stallEndsAt = performance.now() + 5000;

    const healthDuring: number[] = [];
    const answers = await paced(stack, 250, 4000, async (atMs) => {
      if (atMs > 2000 && healthDuring.length < 3) healthDuring.push((await getJson(stack.healthUrl)).status);
    });
    const stats = (await getJson<MockStats>(`${stack.freshdeskUrl}/__mock/stats`)).body;
    const metrics = (await getJson<Metrics>(stack.metricsUrl)).body;
    const counts = tally(answers);
    console.log(
      `[reliability] stall: ${answers.length} webhooks ${JSON.stringify(counts)}, API calls that reached the stalled mock: ${stats.stalled}, refused by the circuit: ${metrics.freshdesk_circuit.rejected_count}, health ${healthDuring.join(',')}`,
    );

    expect(answers).toHaveLength(16);
    expect((counts['504'] ?? 0) + (counts['502'] ?? 0)).toBe(16); // none processed, none hung
    expect(counts['504']).toBeGreaterThanOrEqual(3);
    for (const a of answers) expect(a.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(healthDuring).toContain(503);
    // Without the breaker all 16 would wait at the mock; with it: those sent before the circuit
    // opened (about TIMEOUT_MS / 250 ms + threshold) plus one trial per cooldown.
    expect(stats.stalled).toBeLessThanOrEqual(12);
    expect(metrics.freshdesk_circuit.rejected_count).toBeGreaterThanOrEqual(16 - stats.stalled);

    await sleep(Math.max(0, stallEndsAt - performance.now()));
    expect(await waitForStatus(stack.healthUrl, 200, 10_000)).toBe(true);
    // One at a time: the half-open circuit lets a single trial through, whose success closes it.
    const after: Answer[] = [];
    for (let i = 0; i < 5; i++) after.push(await sendWebhook(stack.webhookUrl, SECRET));
    expect(after.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await getJson<Metrics>(stack.metricsUrl)).body.freshdesk_circuit.state).toBe('closed');
  });

  it('the mock killed mid-run: 502 at once while it is gone, health 503, and full recovery when it returns', async () => {
    const stack = await stackWith({ FRESHDESK_BREAKER_THRESHOLD: '3', FRESHDESK_BREAKER_COOLDOWN_MS: '500' }, {});
    const port = Number(new URL(stack.freshdeskUrl).port);
    let killedAt = Infinity;
    let backAt = Infinity;
    const health: { atMs: number; status: number }[] = [];
    const respawn = { started: false };

    const answers = await paced(stack, 200, 9000, async (atMs) => {
      if (atMs >= 1500 && killedAt === Infinity) {
        process.kill(stack.pids.mock, 'SIGKILL');
        killedAt = atMs;
      }
      if (atMs >= 2500 && atMs < 3500) health.push({ atMs, status: (await getJson(stack.healthUrl)).status });
      if (atMs >= 3500 && !respawn.started) {
        respawn.started = true;
        void spawnMockOn(port, join(stack.logFiles.mock, '..', 'mock-back.log'), {
          FRESHDESK_LATENCY_MS: '5',
          FRESHDESK_LATENCY_DISTRIBUTION: 'fixed',
        }).then((mock) => {
          mocks.push(mock);
          backAt = atMs;
        });
      }
    });
    const counts = tally(answers);
    console.log(
      `[reliability] mock killed at ${killedAt.toFixed(0)} ms, back by ${backAt.toFixed(0)}+ ms: ${answers.length} webhooks ${JSON.stringify(counts)}; health while down ${health.map((h) => h.status).join(',')}`,
    );

    expect(answers).toHaveLength(45);
    expect(answers.every((a) => [200, 502, 504].includes(a.status))).toBe(true);
    for (const a of answers) expect(a.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(answers.filter((a) => a.sentAtMs < killedAt - 300).every((a) => a.status === 200)).toBe(true);
    const whileDown = answers.filter((a) => a.sentAtMs > killedAt + 200 && a.sentAtMs < 3500);
    expect(whileDown.length).toBeGreaterThanOrEqual(5);
    expect(whileDown.every((a) => a.status === 502)).toBe(true);
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((h) => h.status === 503)).toBe(true);
    expect(backAt).toBeLessThan(8000); // the mock came back while we were still sending
    expect(answers.slice(-5).map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await waitForStatus(stack.healthUrl, 200, 5000)).toBe(true);
  });
});
