import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoadTest } from '../../helpers/engine/load-test.ts';
import {
  defaultTicketIdStart,
  LoadTestOptionError,
  MAX_TOTAL_REQUESTS,
  plannedDurationMs,
  validateOptions,
  type LoadTestOptions,
} from '../../helpers/engine/options.ts';
import { okAfter, startTestServer, type TestServer } from './test-server.ts';

const valid: LoadTestOptions = { url: 'http://127.0.0.1:8801/webhook/freshdesk', secret: 's3cret', totalRequests: 10 };

function errorFor(overrides: Record<string, unknown>): LoadTestOptionError {
  try {
    validateOptions({ ...valid, ...overrides } as LoadTestOptions);
  } catch (error) {
    if (error instanceof LoadTestOptionError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(overrides)} to be rejected`);
}

describe('validateOptions', () => {
  it.each([
    [{ requestsPerSecond: 0 }, 'requestsPerSecond', /got 0; expected a finite number > 0 .*omit it for burst mode/],
    [{ requestsPerSecond: -5 }, 'requestsPerSecond', /got -5/],
    [{ requestsPerSecond: Number.NaN }, 'requestsPerSecond', /got NaN/],
    [{ requestsPerSecond: Number.POSITIVE_INFINITY }, 'requestsPerSecond', /got Infinity/],
    [{ secret: undefined }, 'secret', /got undefined; expected a non-empty string/],
    [{ secret: '' }, 'secret', /got ""/],
    [{ url: 'not a url' }, 'url', /got "not a url"; expected an absolute http:\/\/ or https:\/\/ URL/],
    [{ url: 'ftp://127.0.0.1/x' }, 'url', /got "ftp:\/\/127\.0\.0\.1\/x"/],
    [{ totalRequests: 0 }, 'totalRequests', /got 0; expected a positive integer up to 10000000/],
    [{ totalRequests: 2.5 }, 'totalRequests', /got 2\.5/],
    [{ totalRequests: '100' }, 'totalRequests', /got "100"/],
    [{ concurrency: 0 }, 'concurrency', /positive integer/],
    [{ timeoutMs: -1 }, 'timeoutMs', /got -1/],
    [{ maxDurationMs: 0 }, 'maxDurationMs', /got 0/],
    [{ ticketIdStart: -1 }, 'ticketIdStart', /integer >= 0/],
    [{ signal: {} }, 'signal', /AbortSignal/],
    [{ payload: { ticket_id: 1 } }, 'payload', /a function/],
    [{ signatureHeader: 'bad header' }, 'signatureHeader', /header name/],
    [{ headers: { 'content-length': '5' } }, 'headers.content-length', /computed by the engine/],
    [{ headers: { 'x-freshdesk-signature': 'abc' } }, 'headers.x-freshdesk-signature', /computed by the engine/],
    [{ headers: { 'x-ok': 'a\r\nb' } }, 'headers.x-ok', /without CR, LF/],
    [{ progressIntervalMs: 1 }, 'progressIntervalMs', />= 10/],
    [{ captureHeaders: 'retry-after' }, 'captureHeaders', /an array of response header names/],
    [{ captureHeaders: ['bad header'] }, 'captureHeaders', /an array of response header names/],
    [{ requests_per_second: 5 }, 'requests_per_second', /no such option; known options are url, secret, totalRequests, requestsPerSecond/],
  ])('rejects %j naming %s', (overrides, option, message) => {
    const error = errorFor(overrides);
    expect(error.option).toBe(option);
    expect(error.message).toContain(`invalid option "${option}"`);
    expect(error.message).toMatch(message);
  });

  it('fills defaults', () => {
    const before = Date.now();
    const o = validateOptions(valid);
    // The first ticket id comes from the clock: 1000 ids per ms, so runs in a row never overlap.
    expect(o.ticketIdStart).toBeGreaterThanOrEqual(defaultTicketIdStart(before));
    expect(o.ticketIdStart).toBeLessThanOrEqual(defaultTicketIdStart(Date.now()));
    expect(defaultTicketIdStart(2_000_000_000_000 + 1) - defaultTicketIdStart(2_000_000_000_000)).toBe(1000);
    expect(Number.isSafeInteger(defaultTicketIdStart(999_999_999_999) + 10_000_000)).toBe(true);
    expect(o).toMatchObject({
      origin: 'http://127.0.0.1:8801',
      path: '/webhook/freshdesk',
      requestsPerSecond: null,
      concurrency: 10, // min(totalRequests, 256)
      timeoutMs: 30_000,
      maxDurationMs: null,
      signatureHeader: 'X-Freshdesk-Signature',
      headers: { 'content-type': 'application/json' },
      progressIntervalMs: 5000,
      progress: false,
    });
    expect(o.isSuccess(200)).toBe(true);
    expect(o.isSuccess(201)).toBe(false);
    expect(o.checkBody).toBeNull(); // bodies are not read unless asked
    expect(validateOptions({ ...valid, totalRequests: 1000 }).concurrency).toBe(256);
    expect(validateOptions({ ...valid, url: 'http://127.0.0.1:1/a?b=c' }).path).toBe('/a?b=c');
  });

  it('makes progress snapshots by default only for runs planned over 10 s, unless told otherwise, and always for onProgress', () => {
    const long = { ...valid, totalRequests: 100, requestsPerSecond: 5 }; // 19.8 s
    const short = { ...valid, totalRequests: 20, requestsPerSecond: 5 }; // 3.8 s
    expect(validateOptions(long).progress).toBe(true);
    expect(validateOptions(short).progress).toBe(false);
    expect(validateOptions({ ...long, progress: false }).progress).toBe(false);
    expect(validateOptions({ ...short, progress: true }).progress).toBe(true);
    expect(validateOptions({ ...short, onProgress: () => {} }).progress).toBe(true);
    expect(validateOptions({ ...short, progress: false, onProgress: () => {} }).progress).toBe(true);
  });
});

describe('validateOptions with stages', () => {
  const ramp = [
    { durationMs: 1000, targetRps: 200 },
    { durationMs: 500, targetRps: 200 },
  ];
  const staged = { url: valid.url, secret: valid.secret, stages: ramp };

  function stagedError(overrides: Record<string, unknown>): LoadTestOptionError {
    return errorFor({ totalRequests: undefined, stages: ramp, ...overrides });
  }

  it('plans the integral of the rates: count, no constant rate, defaults from the count, planned duration', () => {
    const o = validateOptions(staged);
    expect(o.totalRequests).toBe(200);
    expect(o.requestsPerSecond).toBeNull();
    expect(o.schedule).toMatchObject({ mode: 'stages', count: 200 });
    expect(o.stages?.stages.map((s) => s.plannedRequests)).toEqual([100, 100]);
    expect(o.concurrency).toBe(200); // min(planned requests, 256)
    expect(plannedDurationMs(ramp)).toBe(1500);
    // Progress by default for runs planned over 10 s: the stages' duration decides.
    expect(o.progress).toBe(false);
    expect(validateOptions({ ...staged, stages: [{ durationMs: 11_000, targetRps: 1 }] }).progress).toBe(true);
    expect(validateOptions({ ...staged, startRps: 100 }).totalRequests).toBe(250);
  });

  it.each([
    [{ requestsPerSecond: 10 }, 'requestsPerSecond', /no requestsPerSecond with stages .*: drop requestsPerSecond, or drop stages/],
    [{ totalRequests: 200 }, 'totalRequests', /no totalRequests with stages \(.*200 requests here\): drop totalRequests, or drop stages/],
    [{ stages: [] }, 'stages', /got \[\]; expected a non-empty array of \{ durationMs, targetRps \}/],
    [{ stages: 'ramp' }, 'stages', /a non-empty array/],
    [{ stages: [{ durationMs: 0, targetRps: 5 }] }, 'stages[0].durationMs', /got 0; expected a finite number of milliseconds > 0/],
    [{ stages: [...ramp, { durationMs: Number.POSITIVE_INFINITY, targetRps: 5 }] }, 'stages[2].durationMs', /got Infinity/],
    [{ stages: [{ durationMs: 10, targetRps: -1 }] }, 'stages[0].targetRps', /got -1; expected a finite number >= 0/],
    [{ stages: [{ durationMs: 10, targetRps: Number.NaN }] }, 'stages[0].targetRps', /got NaN/],
    [{ stages: [{ durationMs: 10 }] }, 'stages[0].targetRps', /got undefined/],
    [{ stages: [{ duration: 10, target: 5 }] }, 'stages[0].duration', /no such field; a stage is \{ durationMs, targetRps \}/],
    [{ stages: [null] }, 'stages[0]', /an object \{ durationMs, targetRps \}/],
    [{ stages: [{ durationMs: 1000, targetRps: 0 }] }, 'stages', /plan at least one request/],
    [
      { stages: [{ durationMs: 25 * 3600 * 1000, targetRps: 0.01 }] },
      'stages',
      /at most 86400000 ms \(24 h\) in all; these last 90000000 ms/,
    ],
    [
      { stages: [{ durationMs: 3600 * 1000, targetRps: 6000 }] },
      'stages',
      new RegExp(`integrate to at most ${MAX_TOTAL_REQUESTS} requests .*these plan 10800000: shorten`),
    ],
    [{ startRps: -1 }, 'startRps', /a finite number >= 0/],
  ])('rejects %j naming %s', (overrides, option, message) => {
    const error = stagedError(overrides);
    expect(error.option).toBe(option);
    expect(error.message).toContain(`invalid option "${option}"`);
    expect(error.message).toMatch(message);
  });

  it('refuses startRps without stages, and asks for totalRequests or stages when neither is given', () => {
    expect(errorFor({ startRps: 5 }).message).toMatch(/invalid option "startRps": got 5; expected no startRps without stages/);
    expect(errorFor({ totalRequests: undefined }).message).toMatch(
      /"totalRequests": got undefined; expected a positive integer .*or stages instead/,
    );
  });
});

describe('runLoadTest with invalid options', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(okAfter(0));
  });
  afterAll(() => server.close());

  it('rejects before sending any request', async () => {
    await expect(runLoadTest({ url: server.url, secret: 's', totalRequests: 5, requestsPerSecond: -1 })).rejects.toThrow(
      LoadTestOptionError,
    );
    await expect(runLoadTest({ url: server.url, secret: '', totalRequests: 5 })).rejects.toThrow(/"secret"/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requests).toBe(0);
    expect(server.connections).toBe(0);
  });
});
