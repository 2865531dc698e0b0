// The contract target (tests/targets/contract_service.py) behaves as the original service of
// /work/shared/contract.md: real Python processes started through startContractTarget, on 127.0.0.1.
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { contractTargetArgs, startContractTarget, type ContractTarget, type ContractTargetOptions } from '../../targets/contract-target.ts';

const SECRET = 'test_secret_key_12345';
const FAST: ContractTargetOptions = { processingMs: [1, 2] };

const started: ContractTarget[] = [];
afterAll(async () => {
  await Promise.all(started.map((target) => target.stop()));
});

async function start(options: ContractTargetOptions = {}): Promise<ContractTarget> {
  const target = await startContractTarget({ ...FAST, ...options });
  started.push(target);
  return target;
}

const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

let nextTicket = 1000;
const flat = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ ticket_id: String(nextTicket++), event: 'ticket_created', ticket_subject: 'Load Test Ticket', ...overrides });

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // Parsed JSON, read field by field by the assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: () => any;
}

async function post(target: ContractTarget, body: string, signature: string | null = sign(body)): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-freshdesk-signature'] = signature;
  const response = await request(target.webhookUrl, { method: 'POST', headers, body });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: () => JSON.parse(text) };
}

async function get(url: string): Promise<Answer> {
  const response = await request(url);
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: () => JSON.parse(text) };
}

const metricsOf = async (target: ContractTarget) => (await get(target.metricsUrl)).json();

describe('contract target: answers of the original', () => {
  let target: ContractTarget;
  beforeAll(async () => {
    target = await start({ rateLimit: 'none' });
  });

  it('metrics before the first success: the original document, percentiles null, api_latencies {}', async () => {
    const fresh = await start({ rateLimit: 'none' });
    const response = await get(fresh.metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    const doc = response.json();
    expect(Object.keys(doc).sort()).toEqual(
      ['alerts', 'error_metrics', 'journey_metrics', 'performance_metrics', 'uptime_seconds', 'webhook_metrics'].sort(),
    );
    expect(doc.webhook_metrics).toEqual({
      success_count: 0,
      failure_count: 0,
      success_rate_percent: 0,
      processing_times: { p50: null, p95: null, p99: null, average: null, count: null },
    });
    expect(doc.performance_metrics).toEqual({ slow_operation_count: 0, api_latencies: {} });
    expect(doc).toMatchObject({ journey_metrics: {}, error_metrics: {}, alerts: [] });
    expect(typeof doc.uptime_seconds).toBe('number');

    expect((await post(fresh, flat())).status).toBe(200);
    const after = await metricsOf(fresh);
    const times = after.webhook_metrics.processing_times;
    expect(after.webhook_metrics).toMatchObject({ success_count: 1, failure_count: 0, success_rate_percent: 100 });
    expect(times.count).toBe(1);
    for (const key of ['p50', 'p95', 'p99', 'average']) expect(Number.isInteger(times[key])).toBe(true);
    expect(after.performance_metrics.api_latencies).toEqual({});
    expect(JSON.stringify(after)).not.toMatch(/memory|pool|rss|heap/i);
  });

  it('health is always 200 healthy; unknown paths 404 Not Found', async () => {
    const health = await get(target.healthUrl);
    expect(health.status).toBe(200);
    const body = health.json();
    expect(body).toMatchObject({ status: 'healthy', service: 'webhook_server' });
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
    const missing = await get(`${target.baseUrl}/nowhere`);
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ detail: 'Not Found' });
  });

  it('processes both payload shapes (string and numeric ticket_id), echoing ticket and event', async () => {
    const flatAnswer = await post(target, JSON.stringify({ ticket_id: '55001', event: 'note_added' }));
    expect(flatAnswer.status).toBe(200);
    expect(flatAnswer.json()).toEqual({ status: 'processed', ticket_id: '55001', event: 'note_added' });
    const wrapped = JSON.stringify({ freshdesk_webhook: { ticket_id: 1228307, ticket_subject: 'Refund request' } });
    const wrappedAnswer = await post(target, wrapped);
    expect(wrappedAnswer.status).toBe(200);
    expect(wrappedAnswer.json()).toEqual({ status: 'processed', ticket_id: 1228307, event: 'ticket_created' });
  });

  it('401 for a bad or missing signature, 500 for a body that is not JSON, 400 without ticket_id', async () => {
    const before = (await metricsOf(target)).webhook_metrics;
    const body = flat();
    const bad = await post(target, body, sign(body, 'another secret'));
    expect(bad.status).toBe(401);
    expect(bad.json()).toEqual({ detail: 'Invalid webhook signature' });
    const missing = await post(target, body, null);
    expect(missing.status).toBe(401);
    expect(missing.json()).toEqual({ detail: 'Invalid webhook signature' });

    const notJson = await post(target, 'this is not json {');
    expect(notJson.status).toBe(500);
    expect(notJson.json()).toEqual({ detail: 'Internal Server Error' });

    const noTicket = await post(target, JSON.stringify({ event: 'ticket_created' }));
    expect(noTicket.status).toBe(400);
    expect(noTicket.json()).toHaveProperty('detail');

    const after = (await metricsOf(target)).webhook_metrics;
    expect(after.failure_count - before.failure_count).toBe(4);
    expect(after.success_count).toBe(before.success_count);
  });

  it('a duplicate (same ticket and event) is answered 200 and not counted as a success', async () => {
    const body = flat({ ticket_id: '77001', event: 'ticket_created' });
    expect((await post(target, body)).json()).toMatchObject({ status: 'processed' });
    const before = (await metricsOf(target)).webhook_metrics;
    const duplicate = await post(target, body);
    expect(duplicate.status).toBe(200);
    expect(duplicate.json()).toEqual({ status: 'duplicate', message: 'Duplicate event ignored' });
    // The same ticket as a number is the same ticket; another event of it is not a duplicate.
    expect((await post(target, JSON.stringify({ ticket_id: 77001, event: 'ticket_created' }))).json().status).toBe('duplicate');
    expect((await post(target, JSON.stringify({ ticket_id: '77001', event: 'note_added' }))).json().status).toBe('processed');
    const after = (await metricsOf(target)).webhook_metrics;
    expect(after.success_count - before.success_count).toBe(1);
    expect(after.failure_count).toBe(before.failure_count);
  });

  it('unsupported events and non-refund ticket_updated are answered 200 ignored, not counted', async () => {
    const before = (await metricsOf(target)).webhook_metrics;
    const unsupported = await post(target, flat({ event: 'ticket_deleted' }));
    expect(unsupported.status).toBe(200);
    expect(unsupported.json()).toEqual({ status: 'ignored' });
    const notRefund = await post(target, flat({ event: 'ticket_updated', ticket_subject: 'Printer on fire' }));
    expect(notRefund.json()).toEqual({ status: 'ignored' });
    const refund = await post(target, flat({ event: 'ticket_updated', ticket_subject: 'Please REFUND me' }));
    expect(refund.json()).toMatchObject({ status: 'processed', event: 'ticket_updated' });
    const after = (await metricsOf(target)).webhook_metrics;
    expect(after.success_count - before.success_count).toBe(1);
    expect(after.failure_count).toBe(before.failure_count);
  });
});

describe('contract target: concurrency', () => {
  it('a burst of 40 new connections is processed in parallel (no listen-backlog stall)', async () => {
    const target = await start({ rateLimit: 'none', processingMs: [200, 200] });
    const t0 = performance.now();
    const answers = await Promise.all(Array.from({ length: 40 }, () => post(target, flat())));
    const elapsed = performance.now() - t0;
    expect(answers.map((answer) => answer.status)).toEqual(Array(40).fill(200));
    // Serial would take 8 s; a backlog of 5 loses SYNs and waits 1 s for their retransmit.
    expect(elapsed).toBeLessThan(950);
    expect((await metricsOf(target)).webhook_metrics.success_count).toBe(40);
  });
});

describe('contract target: sliding-window rate limit', () => {
  it('admits exactly N, refuses the next with 429 and no Retry-After; refusals do not extend the window', async () => {
    const target = await start({ rateLimit: '5/2s' });
    const statuses: number[] = [];
    // Unsigned requests count too: the limiter runs before the signature check.
    statuses.push((await post(target, flat(), null)).status);
    for (let i = 0; i < 4; i++) statuses.push((await post(target, flat())).status);
    const lastAdmittedAt = performance.now();
    expect(statuses).toEqual([401, 200, 200, 200, 200]);

    const refused = await post(target, flat());
    expect(refused.status).toBe(429);
    expect(refused.json()).toEqual({ detail: 'Rate limit exceeded: 5 requests per 2 seconds' });
    expect(refused.headers['retry-after']).toBeUndefined();
    expect(Object.keys(refused.headers).filter((name) => /ratelimit|rate-limit/i.test(name))).toEqual([]);

    // Five refusals well inside the window: were they counted, they would fill the next window.
    await sleep(900);
    for (let i = 0; i < 5; i++) expect((await post(target, flat())).status).toBe(429);

    // Once the admitted five have left the window, exactly five are admitted again.
    await sleep(Math.max(0, lastAdmittedAt + 2_150 - performance.now()));
    const again: number[] = [];
    for (let i = 0; i < 6; i++) again.push((await post(target, flat())).status);
    expect(again).toEqual([200, 200, 200, 200, 200, 429]);

    const metrics = (await metricsOf(target)).webhook_metrics;
    expect(metrics).toMatchObject({ success_count: 9, failure_count: 1 + 1 + 5 + 1 });
  });

  it('--retry-after: whole seconds until the oldest admitted request leaves, at least 1', async () => {
    const target = await start({ rateLimit: '3/2s', retryAfter: true });
    for (let i = 0; i < 3; i++) expect((await post(target, flat())).status).toBe(200);
    const refused = await post(target, flat());
    expect(refused.status).toBe(429);
    expect(refused.json()).toEqual({ detail: 'Rate limit exceeded: 3 requests per 2 seconds' });
    expect(['1', '2']).toContain(refused.headers['retry-after']);
  });
});

describe('contract target: variants of other webhook servers', () => {
  it('badSignatureStatus 500 answers a wrong HMAC with 500', async () => {
    const target = await start({ badSignatureStatus: 500, rateLimit: 'none' });
    const body = flat();
    const bad = await post(target, body, 'ab'.repeat(32));
    expect(bad.status).toBe(500);
    expect(bad.json()).toEqual({ detail: 'Invalid webhook signature' });
    expect((await post(target, body)).status).toBe(200);
  });

  it('acceptStatus 202: an empty 202 at once, success_count counted when processing finishes', async () => {
    const target = await start({ acceptStatus: 202, processingMs: [300, 300], rateLimit: 'none' });
    const body = flat();
    const accepted = await post(target, body);
    expect(accepted.status).toBe(202);
    expect(accepted.text).toBe('');
    expect(accepted.headers['content-length']).toBe('0');
    expect((await metricsOf(target)).webhook_metrics.success_count).toBe(0);
    // The checks still come first: a duplicate is answered 200, a bad signature 401.
    expect((await post(target, body)).json()).toEqual({ status: 'duplicate', message: 'Duplicate event ignored' });
    expect((await post(target, flat(), 'bad')).status).toBe(401);

    let success = 0;
    const deadline = performance.now() + 3_000;
    for (let i = 0; i < 60 && success < 1 && performance.now() < deadline; i++) {
      await sleep(50);
      success = (await metricsOf(target)).webhook_metrics.success_count;
    }
    expect(success).toBe(1);
    const times = (await metricsOf(target)).webhook_metrics.processing_times;
    expect(times.count).toBe(1);
    expect(times.p50).toBeGreaterThanOrEqual(300);
  });

  it('metrics: false answers GET /webhook/metrics with 404; health and webhooks still work', async () => {
    const target = await start({ metrics: false, rateLimit: 'none' });
    const metrics = await get(target.metricsUrl);
    expect(metrics.status).toBe(404);
    expect(metrics.json()).toEqual({ detail: 'Not Found' });
    expect((await get(target.healthUrl)).status).toBe(200);
    expect((await post(target, flat())).status).toBe(200);
  });
});

describe('startContractTarget', () => {
  it('passes its options as flags, always on 127.0.0.1 and a free port', () => {
    expect(
      contractTargetArgs({
        rateLimit: 'none',
        retryAfter: true,
        acceptStatus: 202,
        badSignatureStatus: 500,
        metrics: false,
        processingMs: [1, 2],
        secret: 's',
        seed: 7,
      }),
    ).toEqual([
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--parent-pid',
      String(process.pid),
      '--rate-limit',
      'none',
      '--retry-after',
      '--accept-status',
      '202',
      '--bad-signature-status',
      '500',
      '--no-metrics',
      '--processing-ms',
      '1-2',
      '--secret',
      's',
      '--seed',
      '7',
    ]);
  });

  it('stop() ends the process (and may be called twice); a bad flag rejects with stderr', async () => {
    const target = await startContractTarget(FAST);
    expect((await get(target.healthUrl)).status).toBe(200);
    await target.stop();
    await target.stop();
    expect(() => process.kill(target.pid, 0)).toThrow();
    await expect(startContractTarget({ rateLimit: 'lots' })).rejects.toThrow(/exited before listening[\s\S]*--rate-limit/);
  });

  it('a custom secret signs with that key', async () => {
    const target = await start({ secret: 'other_secret', rateLimit: 'none' });
    const body = flat();
    expect((await post(target, body)).status).toBe(401);
    expect((await post(target, body, sign(body, 'other_secret'))).status).toBe(200);
  });
});
