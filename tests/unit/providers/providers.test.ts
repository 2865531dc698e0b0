import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../helpers/config/settings.ts';
import { PREFLIGHT, specSlots, TICKET_BLOCK, ticketIdBaseFor, ticketIdStart } from '../../helpers/vitest/perf-context.ts';
import { specNameOf } from '../../helpers/vitest/spec-names.ts';
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
  it('gives every spec file its own ticket ids by name, with no registry to edit, and new ids to a rerun', () => {
    const base = ticketIdBaseFor(1_764_000_000_123);
    const slots = specSlots(['standard', 'sustained', 'my-new-spec', 'preflight']);
    expect(slots).toEqual({ preflight: 0, standard: 1, sustained: 2, 'my-new-spec': 3 });
    const context = { ticketIdBase: base, specSlots: slots };
    expect(ticketIdStart(context, 'sustained') - ticketIdStart(context, 'standard')).toBe(TICKET_BLOCK);
    expect(ticketIdStart(context, 'my-new-spec', 5) - ticketIdStart(context, PREFLIGHT)).toBe(3 * TICKET_BLOCK + 5);
    expect(() => ticketIdStart(context, 'elsewhere')).toThrow(/no ticket-id block for the spec "elsewhere".*include pattern/);
    expect(() => specSlots(Array.from({ length: 100 }, (_, i) => `spec${i}`))).toThrow(/at most 99/);
    // PERF_REPEAT: each repetition its own blocks, past every spec's block of the run before.
    expect(ticketIdStart(context, 'standard', 0, 1) - ticketIdStart(context, 'standard')).toBe(4 * TICKET_BLOCK);
    expect(ticketIdStart(context, 'my-new-spec', 2_000_000, 0)).toBeLessThan(ticketIdStart(context, 'standard', 0, 1));
    expect(() => specSlots(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'], 10)).toThrow(
      /PERF_REPEAT=10 .*lower PERF_REPEAT to at most 8/,
    );
    expect(ticketIdBaseFor(1_764_000_000_124)).not.toBe(base);
    expect(Number.isSafeInteger(ticketIdBaseFor(999_999) + 99 * TICKET_BLOCK + 3_000_000)).toBe(true);
    expect(specNameOf('/x/tests/performance/burst.spec.ts')).toBe('burst');
  });
});
