// The Freshdesk mock: routes, basic auth, seeded latency, injected faults and stalls.
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildMockApp } from '../../../stack/freshdesk-mock/app.ts';
import { mockConfig, mockConfigFromEnv } from '../../../stack/freshdesk-mock/config.ts';
import type { MockConfig } from '../../../stack/freshdesk-mock/config.ts';
import { parseStallWindows, stallDelay } from '../../../stack/freshdesk-mock/faults.ts';
import { createLatency } from '../../../stack/freshdesk-mock/latency.ts';
import { seededRandom } from '../../../stack/freshdesk-mock/random.ts';

const KEY = 'test_freshdesk_api_key';
const auth = (key = KEY) => ({ authorization: `Basic ${Buffer.from(`${key}:X`).toString('base64')}` });
const apps: FastifyInstance[] = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

function makeMock(overrides: Partial<MockConfig> = {}, now?: () => number): FastifyInstance {
  const app = buildMockApp(mockConfig({ apiKey: KEY, ...overrides }), { logger: false, now });
  apps.push(app);
  return app;
}

describe('freshdesk mock routes', () => {
  it('reads, updates and annotates tickets with basic auth, counting each call', async () => {
    const app = makeMock();
    const ticket = await app.inject({ method: 'GET', url: '/api/v2/tickets/1228307', headers: auth() });
    expect(ticket.statusCode).toBe(200);
    expect(ticket.json()).toMatchObject({ id: 1228307, subject: 'Ticket 1228307' });
    const updated = await app.inject({ method: 'PUT', url: '/api/v2/tickets/5', headers: auth(), payload: { status: 4, tags: ['auto'] } });
    expect(updated.json()).toMatchObject({ id: 5, status: 4, tags: ['auto'] });
    const note = await app.inject({ method: 'POST', url: '/api/v2/tickets/5/notes', headers: auth(), payload: { body: 'hello' } });
    expect(note.statusCode).toBe(201);
    expect(note.json()).toMatchObject({ ticket_id: 5, body: 'hello', private: true });
    const stats = (await app.inject({ method: 'GET', url: '/__mock/stats' })).json();
    expect(stats).toMatchObject({ get_ticket: 1, update_ticket: 1, create_note: 1, unauthorized: 0 });
  });

  it('401 without credentials or with another key; health needs none', async () => {
    const app = makeMock();
    for (const headers of [{}, auth('other'), { authorization: 'Bearer x' }]) {
      const response = await app.inject({ method: 'GET', url: '/api/v2/tickets/1', headers });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('invalid_credentials');
    }
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('400 for a non-numeric ticket id, 404 for unknown routes', async () => {
    const app = makeMock();
    expect((await app.inject({ method: 'GET', url: '/api/v2/tickets/abc', headers: auth() })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/v2/contacts', headers: auth() })).statusCode).toBe(404);
  });

  it('injects errors at the configured rate and status, the same ones for the same seed', async () => {
    async function statuses(seed: number): Promise<number[]> {
      const app = makeMock({ errorRate: 0.3, errorStatus: 503, seed });
      const out: number[] = [];
      for (let i = 0; i < 200; i += 1) {
        out.push((await app.inject({ method: 'GET', url: `/api/v2/tickets/${i}`, headers: auth() })).statusCode);
      }
      return out;
    }
    const first = await statuses(7);
    expect(new Set(first)).toEqual(new Set([200, 503]));
    const failed = first.filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(30); // 30 % of 200 is 60; binomial sd ~6.5
    expect(failed).toBeLessThan(90);
    expect(await statuses(7)).toEqual(first);
    expect(await statuses(8)).not.toEqual(first);
  });

  it('holds calls that arrive inside a stall window until the window ends', async () => {
    let clock = 0;
    const app = makeMock({ stallWindows: [{ startMs: 1000, durationMs: 150 }] }, () => clock);
    let started = performance.now();
    await app.inject({ method: 'GET', url: '/api/v2/tickets/1', headers: auth() });
    const outside = performance.now() - started;
    clock = 1000;
    started = performance.now();
    const inside = await app.inject({ method: 'GET', url: '/api/v2/tickets/1', headers: auth() });
    const stalled = performance.now() - started;
    expect(inside.statusCode).toBe(200);
    expect(stalled).toBeGreaterThanOrEqual(140);
    expect(outside).toBeLessThan(stalled);
    expect((await app.inject({ method: 'GET', url: '/__mock/stats' })).json().stalled).toBe(1);
  });
});

describe('latency', () => {
  it('log-normal with the configured median and P95, replayed from the same random seed', () => {
    const draw = createLatency({ distribution: 'lognormal', medianMs: 120, p95Ms: 240 }, seededRandom(42));
    const samples = Array.from({ length: 20_000 }, draw).sort((a, b) => a - b);
    const median = samples[10_000]!;
    const p95 = samples[19_000]!;
    expect(median).toBeGreaterThan(114);
    expect(median).toBeLessThan(126);
    expect(p95).toBeGreaterThan(228);
    expect(p95).toBeLessThan(252);
    const again = createLatency({ distribution: 'lognormal', medianMs: 120, p95Ms: 240 }, seededRandom(42));
    const replay = Array.from({ length: 5 }, again);
    const original = createLatency({ distribution: 'lognormal', medianMs: 120, p95Ms: 240 }, seededRandom(42));
    expect(replay).toEqual(Array.from({ length: 5 }, original));
  });

  it('0 disables latency; fixed is fixed', () => {
    const random = seededRandom(1);
    expect(createLatency({ distribution: 'lognormal', medianMs: 0, p95Ms: 0 }, random)()).toBe(0);
    expect(createLatency({ distribution: 'fixed', medianMs: 75, p95Ms: 75 }, random)()).toBe(75);
  });
});

describe('faults and config', () => {
  it('parses stall windows and computes the wait inside one', () => {
    const windows = parseStallWindows('5000+2000, 20000+500');
    expect(windows).toEqual([
      { startMs: 5000, durationMs: 2000 },
      { startMs: 20000, durationMs: 500 },
    ]);
    expect(stallDelay(windows, 4999)).toBe(0);
    expect(stallDelay(windows, 5000)).toBe(2000);
    expect(stallDelay(windows, 6500)).toBe(500);
    expect(stallDelay(windows, 7000)).toBe(0);
    expect(() => parseStallWindows('5000-2000')).toThrow(
      /FRESHDESK_STALL_WINDOWS="5000-2000" is invalid at "5000-2000": write windows as startMs\+durationMs/,
    );
  });

  it('reads the documented defaults and rejects bad values by name', () => {
    const config = mockConfigFromEnv({});
    expect(config).toMatchObject({
      port: 8802,
      host: '127.0.0.1',
      apiKey: KEY,
      latencyDistribution: 'lognormal',
      latencyMedianMs: 120,
      latencyP95Ms: 240,
      errorRate: 0,
      errorStatus: 500,
      stallWindows: [],
    });
    expect(mockConfigFromEnv({ FRESHDESK_LATENCY_MS: '0' }).latencyMedianMs).toBe(0);
    expect(() => mockConfigFromEnv({ FRESHDESK_ERROR_RATE: '1.5' })).toThrow(
      /FRESHDESK_ERROR_RATE="1.5" is invalid: set it to a number >= 0 and <= 1/,
    );
    expect(() => mockConfigFromEnv({ FRESHDESK_ERROR_STATUS: '200' })).toThrow(/FRESHDESK_ERROR_STATUS/);
    expect(() => mockConfigFromEnv({ FRESHDESK_LATENCY_MS: '300', FRESHDESK_LATENCY_P95_MS: '100' })).toThrow(
      /FRESHDESK_LATENCY_P95_MS=100 is below FRESHDESK_LATENCY_MS=300/,
    );
    expect(() => mockConfigFromEnv({ FRESHDESK_LATENCY_DISTRIBUTION: 'pareto' })).toThrow(/use one of lognormal, fixed/);
  });
});
