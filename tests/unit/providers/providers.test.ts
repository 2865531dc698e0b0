import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../helpers/config/settings.ts';
import { ticketIdBaseFor, ticketIdStart, plannedDurationMs, specTimeoutMs, TICKET_BLOCK } from '../../helpers/vitest/perf-context.ts';
import { chooseProvider } from '../../helpers/providers/choose.ts';
import { dockerApiTarget } from '../../helpers/providers/docker-probe.ts';
import { deriveEndpointUrls, externalStack } from '../../helpers/providers/external.ts';

describe('stack providers', () => {
  it('derives health and metrics URLs beside the webhook path', () => {
    expect(deriveEndpointUrls('http://127.0.0.1:8801/webhook/freshdesk')).toEqual({
      healthUrl: 'http://127.0.0.1:8801/webhook/health',
      metricsUrl: 'http://127.0.0.1:8801/webhook/metrics',
    });
    expect(deriveEndpointUrls('https://staging.example.test/api/webhook/freshdesk?x=1').healthUrl).toBe(
      'https://staging.example.test/api/webhook/health',
    );
    const stack = externalStack('http://127.0.0.1:9/webhook/freshdesk', 'test', { metricsUrl: 'http://127.0.0.1:9/m' });
    expect(stack.endpoints.metricsUrl).toBe('http://127.0.0.1:9/m');
    expect(stack.endpoints.healthUrl).toBe('http://127.0.0.1:9/webhook/health');
  });

  it('an explicit WEBHOOK_STACK wins; auto picks external when WEBHOOK_URL is set', async () => {
    const base = { WEBHOOK_SECRET: 's' };
    expect(
      await chooseProvider(parseConfig({ ...base, WEBHOOK_STACK: 'embedded', WEBHOOK_URL: 'http://127.0.0.1:1/webhook/freshdesk' })),
    ).toEqual({
      name: 'embedded',
      reason: 'WEBHOOK_STACK=embedded',
    });
    expect((await chooseProvider(parseConfig({ ...base, WEBHOOK_URL: 'http://127.0.0.1:1/webhook/freshdesk' }))).name).toBe('external');
  });

  it('auto falls back to embedded, saying why, when no Docker engine answers', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    try {
      const choice = await chooseProvider(parseConfig({ WEBHOOK_SECRET: 's' }));
      expect(choice.name).toBe('embedded');
      expect(choice.reason).toContain('no Docker engine at /nonexistent/docker.sock');
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  it('reads DOCKER_HOST', () => {
    expect(dockerApiTarget(undefined)).toEqual({ origin: 'http://localhost', socketPath: '/var/run/docker.sock' });
    expect(dockerApiTarget('tcp://127.0.0.1:2375')).toEqual({ origin: 'http://127.0.0.1:2375' });
  });
});

describe('run context', () => {
  it('gives every spec its own ticket ids, and new ids to a rerun', () => {
    const base = ticketIdBaseFor(1_764_000_000_123);
    expect(ticketIdStart(base, 'sustained') - ticketIdStart(base, 'standard')).toBe(TICKET_BLOCK);
    expect(ticketIdBaseFor(1_764_000_000_124)).not.toBe(base);
    expect(Number.isSafeInteger(ticketIdBaseFor(999_999) + 6 * TICKET_BLOCK)).toBe(true);
  });

  it('plans durations and timeouts from the schedule', () => {
    expect(plannedDurationMs(100, 100)).toBeCloseTo(59_400);
    expect(specTimeoutMs(59_400, { requestTimeoutMs: 30_000, rateLimit: null })).toBe(149_100);
    // Each rate-limit wait adds at most the window, its edge margin and a second.
    expect(specTimeoutMs(59_400, { requestTimeoutMs: 30_000, rateLimit: { limit: 100, windowMs: 60_000 } }, 2)).toBe(149_100 + 2 * 62_000);
  });
});
