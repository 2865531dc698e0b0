// The bad-input corpus: over 200 hostile requests against the real service from
// startStack. Each must get its documented 4xx (never a 5xx), the service must stay healthy
// with flat memory, and the metrics must count every one as a failure exactly once.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readUntilSettled } from '../helpers/service/index.ts';
import { startStack } from '../../stack/start-stack.ts';
import type { StartedStack } from '../../stack/start-stack.ts';
import { head, rawExchange } from './fixtures/raw-http.ts';
import type { RawAnswer } from './fixtures/raw-http.ts';

const SECRET = 'test_secret_key_12345';
const PATH = '/webhook/freshdesk';
const BODY_LIMIT = 64 * 1024;
const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;

interface Case {
  name: string;
  chunks: (string | Buffer)[];
  status: number;
  /** Refused by the HTTP server before the route ('client'), or answered by the route. */
  countedBy: 'route' | 'client';
  gapMs?: number;
}

const hmac = (secret: string, body: Buffer | string) => createHmac('sha256', secret).update(body);
const sig = (body: Buffer | string) => hmac(SECRET, body).digest('hex');

function request(
  body: Buffer | string,
  opts: { signature?: string | null; contentType?: string | null; headers?: Record<string, string | number> } = {},
): Buffer {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const headers: Record<string, string | number> = { Connection: 'close', 'Content-Length': bytes.length, ...opts.headers };
  if (opts.contentType !== null) headers['Content-Type'] = opts.contentType ?? 'application/json';
  const signature = opts.signature === undefined ? sig(bytes) : opts.signature;
  if (signature !== null) headers['X-Freshdesk-Signature'] = signature;
  return Buffer.concat([Buffer.from(head('POST', PATH, headers), 'latin1'), bytes]);
}

let ticket = 900_000;
const flat = (extra: Record<string, unknown> = {}) => JSON.stringify({ ticket_id: String(ticket++), event: 'ticket_created', ...extra });
const wrapped = (extra: Record<string, unknown> = {}) => JSON.stringify({ freshdesk_webhook: { ticket_id: ticket++, ...extra } });

/** The corpus: built fresh per pass so no two requests share a ticket id. */
function corpus(): Case[] {
  const cases: Case[] = [];
  const add = (name: string, chunks: Case['chunks'], status: number, countedBy: Case['countedBy'] = 'route') =>
    cases.push({ name, chunks, status, countedBy });

  // Signatures: every wrong form, over both payload shapes.
  for (const [shape, make] of [
    ['flat', flat],
    ['wrapped', wrapped],
  ] as const) {
    for (let i = 0; i < 3; i++) {
      const body = make();
      const good = sig(body);
      add(`${shape}#${i} signature missing`, [request(body, { signature: null })], 401);
      add(`${shape}#${i} signature empty`, [request(body, { signature: '' })], 401);
      add(`${shape}#${i} signature truncated`, [request(body, { signature: good.slice(0, 40) })], 401);
      add(`${shape}#${i} signature one char short`, [request(body, { signature: good.slice(0, 63) })], 401);
      add(`${shape}#${i} signature upper-case hex`, [request(body, { signature: good.toUpperCase() })], 401);
      add(`${shape}#${i} signature base64`, [request(body, { signature: hmac(SECRET, body).digest('base64') })], 401);
      add(`${shape}#${i} signature with sha256= prefix`, [request(body, { signature: `sha256=${good}` })], 401);
      add(`${shape}#${i} signature for another body`, [request(body, { signature: sig(make()) })], 401);
      add(`${shape}#${i} signature with another secret`, [request(body, { signature: hmac('another_secret', body).digest('hex') })], 401);
      add(`${shape}#${i} signature of the empty body`, [request(body, { signature: sig('') })], 401);
      add(
        `${shape}#${i} signature sha1 of the body`,
        [request(body, { signature: createHmac('sha1', SECRET).update(body).digest('hex') })],
        401,
      );
    }
  }

  // Bodies that are not JSON (correctly signed, so only the parse can refuse them).
  const valid = flat();
  const malformed = [
    '',
    ' ',
    '{',
    '}',
    '{"ticket_id":',
    '{"ticket_id": "1",}',
    "{'ticket_id': '1'}",
    'ticket_id=1',
    'null null',
    'undefined',
    'NaN',
    '{"a":1}{"b":2}',
    '<xml/>',
  ];
  for (const text of malformed) add(`malformed ${JSON.stringify(text)}`, [request(text)], 400);
  for (let cut = 1; cut < valid.length; cut += Math.ceil(valid.length / 12)) {
    add(`truncated to ${cut} bytes`, [request(valid.slice(0, cut))], 400);
  }

  // Invalid UTF-8 inside an otherwise valid payload.
  const utf8 = {
    'lone 0xff': [0xff],
    'overlong slash': [0xc0, 0xaf],
    'surrogate half': [0xed, 0xa0, 0x80],
    'cut 3-byte char': [0xe2, 0x82],
    'continuation alone': [0x80],
    '0xfe 0xff': [0xfe, 0xff],
  };
  for (const [name, bytes] of Object.entries(utf8)) {
    const body = Buffer.concat([Buffer.from(`{"ticket_id":"${ticket++}","event":"`), Buffer.from(bytes), Buffer.from('"}')]);
    add(`invalid UTF-8: ${name}`, [request(body)], 400);
  }

  // JSON that is not an object.
  for (const text of ['[]', '[{"ticket_id":"1"}]', 'null', 'true', 'false', '0', '1', '"1000"', '""', '{}']) {
    add(`JSON ${text}`, [request(text)], 422);
  }

  // Deep nesting: 10,000 levels, as the whole body and under each field.
  const deepArray = '['.repeat(10_000) + ']'.repeat(10_000);
  const deepObject = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
  add('10,000 nested arrays', [request(deepArray)], 422);
  add('10,000 nested objects', [request(deepObject)], 422);
  add('ticket_id nested 10,000 deep', [request(`{"ticket_id":${deepArray}}`)], 422);
  add('event nested 10,000 deep', [request(`{"ticket_id":"${ticket++}","event":${deepObject}}`)], 422);
  add('freshdesk_webhook nested 10,000 deep', [request(`{"freshdesk_webhook":${deepObject}}`)], 422);

  // ticket_id of every odd kind, flat and wrapped.
  const oddIds: unknown[] = [
    -1,
    1.5,
    -0.5,
    1e300,
    2 ** 53 + 2,
    null,
    true,
    false,
    [],
    [1],
    {},
    { $gt: 0 },
    '',
    ' 1',
    '1 ',
    '-1',
    '+1',
    '1.5',
    '0x10',
    '1e3',
    '123456789012345678901',
    'abc',
    '١٢٣',
    '１２３',
    '12\u0000',
    '1\n',
    'NaN',
    'Infinity',
    '1,000',
    '1_000',
  ];
  for (const id of oddIds) {
    add(`flat ticket_id ${JSON.stringify(id)}`, [request(JSON.stringify({ ticket_id: id, event: 'ticket_created' }))], 422);
    add(`wrapped ticket_id ${JSON.stringify(id)}`, [request(JSON.stringify({ freshdesk_webhook: { ticket_id: id } }))], 422);
  }
  add('no ticket_id at all', [request(JSON.stringify({ event: 'ticket_created' }))], 422);
  add('wrapped without ticket_id', [request(JSON.stringify({ freshdesk_webhook: { ticket_subject: 'x' } }))], 422);

  // Wrong types for every validated field.
  for (const value of [1, 0, null, true, [], {}, '', 'x'.repeat(101), ['ticket_created']]) {
    add(`event ${JSON.stringify(value).slice(0, 20)}`, [request(flat({ event: value }))], 422);
  }
  for (const value of [1, null, false, [], {}, 'x'.repeat(101)]) {
    add(`triggered_at ${JSON.stringify(value).slice(0, 20)}`, [request(flat({ triggered_at: value }))], 422);
  }
  for (const value of ['1000', 1000, null, true, [], [{ ticket_id: 1 }]]) {
    add(`freshdesk_webhook ${JSON.stringify(value)}`, [request(JSON.stringify({ freshdesk_webhook: value }))], 422);
  }

  // Content types.
  const contentTypes = [
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'text/json',
    'application/jsonp',
    'application/json-patch+json',
    'application/octet-stream',
    'image/png',
    'json',
  ];
  for (const type of contentTypes) add(`Content-Type ${type}`, [request(flat(), { contentType: type })], 415);
  add('no Content-Type', [request(flat(), { contentType: null })], 415);

  // Size: over the limit, and a Content-Length that lies.
  const huge = JSON.stringify({ ticket_id: String(ticket++), pad: 'x'.repeat(BODY_LIMIT + 1024) });
  add('body over the limit', [request(huge)], 413);
  add(
    'body twice the limit, wrapped',
    [request(JSON.stringify({ freshdesk_webhook: { ticket_id: ticket++, pad: 'y'.repeat(2 * BODY_LIMIT) } }))],
    413,
  );
  const small = flat();
  add(
    'Content-Length claims 10 MiB',
    [
      Buffer.concat([
        Buffer.from(
          head('POST', PATH, {
            Connection: 'close',
            'Content-Type': 'application/json',
            'Content-Length': 10 * 1024 * 1024,
            'X-Freshdesk-Signature': sig(small),
          }),
        ),
        Buffer.from(small),
      ]),
    ],
    413,
  );
  add(
    'Content-Length claims more than is sent',
    [
      Buffer.concat([
        Buffer.from(
          head('POST', PATH, {
            Connection: 'close',
            'Content-Type': 'application/json',
            'Content-Length': small.length + 100,
            'X-Freshdesk-Signature': sig(small),
          }),
        ),
        Buffer.from(small),
      ]),
    ],
    408,
  );
  add(
    'Content-Length not a number',
    [head('POST', PATH, { Connection: 'close', 'Content-Type': 'application/json', 'Content-Length': 'abc' }) + small],
    400,
    'client',
  );
  add(
    'Content-Length and Transfer-Encoding both',
    [
      head('POST', PATH, {
        Connection: 'close',
        'Content-Type': 'application/json',
        'Content-Length': small.length,
        'Transfer-Encoding': 'chunked',
      }) + small,
    ],
    400,
    'client',
  );

  // Chunked bodies.
  const chunked = (body: string, signature: string, size = body.length.toString(16)) =>
    head('POST', PATH, {
      Connection: 'close',
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'X-Freshdesk-Signature': signature,
    }) + `${size}\r\n${body}\r\n0\r\n\r\n`;
  const chunkBody = flat();
  add('chunked, wrong signature', [chunked(chunkBody, sig('other'))], 401);
  add('chunked, malformed JSON', [chunked('{"ticket_id"', sig('{"ticket_id"'))], 400);
  add('chunked, over the limit', [chunked(huge, sig(huge))], 413);
  add('chunked, invalid chunk size', [chunked(chunkBody, sig(chunkBody), 'zz')], 400);
  add(
    'chunked, never finished',
    [
      head('POST', PATH, {
        Connection: 'close',
        'Content-Type': 'application/json',
        'Transfer-Encoding': 'chunked',
        'X-Freshdesk-Signature': sig(chunkBody),
      }) + `${chunkBody.length.toString(16)}\r\n${chunkBody}\r\n`,
    ],
    408,
  );

  // Malformed HTTP.
  add('not HTTP at all', ['\u0000\u0001\u0002 garbage\r\n\r\n'], 400, 'client');
  add('header without a colon', [`POST ${PATH} HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n`], 400, 'client');
  return cases;
}

/** Slow clients: the head trickled byte by byte, and a connection that never sends anything. */
function slowCases(): Case[] {
  const body = flat();
  const trickle = request(body).toString('latin1');
  return [
    ...Array.from({ length: 4 }, (_, i): Case => ({
      name: `headers byte by byte #${i}`,
      chunks: [...trickle],
      gapMs: 50,
      status: 408,
      countedBy: 'client',
    })),
    { name: 'connects and sends nothing', chunks: [], status: 408, countedBy: 'client' },
  ];
}

async function runAll(port: number, cases: Case[], parallel: number): Promise<RawAnswer[]> {
  const answers: RawAnswer[] = new Array(cases.length);
  let next = 0;
  async function worker() {
    while (next < cases.length) {
      const i = next++;
      const c = cases[i]!;
      answers[i] = await rawExchange(port, c.chunks, { gapMs: c.gapMs ?? 0, capMs: 20_000 });
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker));
  return answers;
}

async function metrics(stack: StartedStack) {
  const response = await fetch(stack.metricsUrl, { signal: AbortSignal.timeout(5000) });
  return (await response.json()) as {
    webhook_metrics: { success_count: number; failure_count: number; client_error_count: number };
    process: { rss_bytes: number; heap_used_bytes: number };
  };
}

/** The metrics once the request counters have stopped moving (see readUntilSettled). */
function settledMetrics(stack: StartedStack) {
  const counters = ['success_count', 'failure_count', 'client_error_count'] as const;
  return readUntilSettled(
    () => metrics(stack),
    (a, b) => counters.every((key) => a.webhook_metrics[key] === b.webhook_metrics[key]),
  );
}

let stack: StartedStack;
let port: number;

beforeAll(async () => {
  stack = await startStack({
    secret: SECRET,
    webhookEnv: {
      RATE_LIMIT_ALGORITHM: 'off',
      BODY_LIMIT_BYTES: String(BODY_LIMIT),
      HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      LOG_LEVEL: 'warn',
    },
    mockEnv: { FRESHDESK_LATENCY_MS: '0', FRESHDESK_SEED: '1' },
  });
  port = Number(new URL(stack.webhookUrl).port);
});
afterAll(async () => stack?.stop());

describe('bad-input corpus against the running service', () => {
  it('answers every one of 200+ bad requests with its documented 4xx and counts each as one failure', async () => {
    const cases = [...corpus(), ...slowCases()];
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const before = await settledMetrics(stack);
    const answers = await runAll(port, cases, 8);

    const wrong = cases
      .map((c, i) => ({ c, a: answers[i]! }))
      .filter(({ c, a }) => a.status !== c.status)
      .map(({ c, a }) => `${c.name}: expected ${c.status}, got ${a.status || a.error} ${a.text.slice(0, 120)}`);
    expect(wrong).toEqual([]);
    expect(answers.filter((a) => a.status >= 500)).toHaveLength(0);
    // Slow clients are cut off by the server's deadlines, not by our 20 s cap.
    const slow = answers.filter((_, i) => cases[i]!.status === 408);
    for (const a of slow) expect(a.elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 5000);

    const health = await fetch(stack.healthUrl, { signal: AbortSignal.timeout(5000) });
    expect(health.status).toBe(200);
    const after = await settledMetrics(stack);
    const clientCases = cases.filter((c) => c.countedBy === 'client').length;
    expect(after.webhook_metrics.failure_count - before.webhook_metrics.failure_count).toBe(cases.length);
    expect(after.webhook_metrics.client_error_count - before.webhook_metrics.client_error_count).toBe(clientCases);
    expect(after.webhook_metrics.success_count - before.webhook_metrics.success_count).toBe(0);
    console.log(
      `[reliability] bad input: ${cases.length} requests (${clientCases} refused before routing), all 4xx, counted ${cases.length} failures`,
    );
  });

  it('memory stays flat over 5 more passes of the corpus', async () => {
    const passes = 5;
    await runAll(port, corpus(), 8); // warm-up pass
    const first = await settledMetrics(stack);
    let sent = 0;
    for (let pass = 0; pass < passes; pass++) {
      const cases = corpus();
      sent += cases.length;
      const answers = await runAll(port, cases, 8);
      expect(answers.filter((a) => a.status >= 500 || a.status === 0)).toHaveLength(0);
    }
    const last = await settledMetrics(stack);
    const growthMb = (last.process.rss_bytes - first.process.rss_bytes) / 2 ** 20;
    console.log(
      `[reliability] rss ${(first.process.rss_bytes / 2 ** 20).toFixed(1)} -> ${(last.process.rss_bytes / 2 ** 20).toFixed(1)} MiB over ${sent} bad requests`,
    );
    expect(last.webhook_metrics.failure_count - first.webhook_metrics.failure_count).toBe(sent);
    expect(growthMb).toBeLessThan(40);
  });
});
