import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../helpers/config/settings.ts';
import { startProvider } from '../../helpers/providers/choose.ts';
import { composeFailureFix } from '../../helpers/providers/compose.ts';
import { deriveEndpointUrls, externalStack } from '../../helpers/providers/external.ts';
import { readProcess } from '../../helpers/service/process-stats.ts';

describe('health and metrics URLs of an external service', () => {
  it("replace the webhook path's last segment (a sibling of it), whatever the path is", () => {
    expect(deriveEndpointUrls('http://127.0.0.1:8801/webhook/freshdesk').healthUrl).toBe('http://127.0.0.1:8801/webhook/health');
    expect(deriveEndpointUrls('https://hooks.example.test/hooks/fd')).toEqual({
      healthUrl: 'https://hooks.example.test/hooks/health',
      metricsUrl: 'https://hooks.example.test/hooks/metrics',
    });
    expect(deriveEndpointUrls('http://127.0.0.1:8801/freshdesk').healthUrl).toBe('http://127.0.0.1:8801/health');
    // a path ending in / keeps every segment
    expect(deriveEndpointUrls('http://127.0.0.1:8801/webhook/freshdesk/').healthUrl).toBe('http://127.0.0.1:8801/webhook/freshdesk/health');
    expect(deriveEndpointUrls('http://127.0.0.1:8801/webhook/freshdesk?token=a#x').metricsUrl).toBe(
      'http://127.0.0.1:8801/webhook/metrics',
    );
  });

  it('WEBHOOK_HEALTH_URL=none: no health URL at all (null), the metrics URL still derived', async () => {
    expect(externalStack('http://127.0.0.1:9/hooks/fd', 'test', { healthUrl: null }).endpoints).toMatchObject({
      healthUrl: null,
      metricsUrl: 'http://127.0.0.1:9/hooks/metrics',
    });
    const config = parseConfig({ WEBHOOK_SECRET: 's', WEBHOOK_URL: 'http://127.0.0.1:9/hooks/fd', WEBHOOK_HEALTH_URL: 'none' });
    const stack = await startProvider(config, { name: 'external', reason: 'test' }, '.');
    expect(stack.endpoints.healthUrl).toBeNull();
    // Control: unset, it is derived.
    const derived = await startProvider(
      parseConfig({ WEBHOOK_SECRET: 's', WEBHOOK_URL: 'http://127.0.0.1:9/hooks/fd' }),
      { name: 'external', reason: 'test' },
      '.',
    );
    expect(derived.endpoints.healthUrl).toBe('http://127.0.0.1:9/hooks/health');
  });
});

describe("the server's other memory sources reach the specs with the endpoints", () => {
  it('WEBHOOK_PROMETHEUS_URL goes with any provider; unset, there is none', async () => {
    const url = 'http://127.0.0.1:9/hooks/fd';
    const set = parseConfig({ WEBHOOK_SECRET: 's', WEBHOOK_URL: url, WEBHOOK_PROMETHEUS_URL: 'http://127.0.0.1:9/metrics' });
    expect((await startProvider(set, { name: 'external', reason: 'test' }, '.')).endpoints.prometheusUrl).toBe(
      'http://127.0.0.1:9/metrics',
    );
    const unset = parseConfig({ WEBHOOK_SECRET: 's', WEBHOOK_URL: url });
    expect((await startProvider(unset, { name: 'external', reason: 'test' }, '.')).endpoints.prometheusUrl).toBeUndefined();
    expect(() => parseConfig({ WEBHOOK_SECRET: 's', WEBHOOK_PROMETHEUS_URL: 'localhost:9/metrics' })).toThrow(/WEBHOOK_PROMETHEUS_URL=/);
  });

  it("embedded: the webhook service's pid, a live process whose memory can be read", async () => {
    const stack = await startProvider(parseConfig({ WEBHOOK_SECRET: 's' }), { name: 'embedded', reason: 'test' }, '.');
    try {
      const { servicePid, details } = stack.endpoints;
      expect(servicePid).toBe(Number(details.pids?.[0]));
      const read = await readProcess(servicePid!);
      expect(read.ok && read.figures.rssBytes).toBeGreaterThan(10 * 2 ** 20);
    } finally {
      await stack.stop();
    }
  }, 30_000);
});

describe('compose failures say what to set', () => {
  it('no container runtime: start one, or WEBHOOK_STACK=embedded', () => {
    const fix = composeFailureFix('Could not find a working container runtime strategy', ['docker-compose.yml']);
    expect(fix).toContain('WEBHOOK_STACK=embedded');
  });

  it('no bridge network: the host-network compose file, or WEBHOOK_STACK=embedded', () => {
    const fix = composeFailureFix('Error response from daemon: network bridge not found', ['docker-compose.yml']);
    expect(fix).toContain('WEBHOOK_COMPOSE_FILES=docker-compose.yml,docker-compose.host.yml');
    expect(fix).toContain('WEBHOOK_STACK=embedded');
    // already layered: the host file is not suggested again
    expect(composeFailureFix('network bridge not found', ['docker-compose.yml', 'docker-compose.host.yml'])).not.toContain(
      'WEBHOOK_COMPOSE_FILES=',
    );
  });

  it('anything else: how to try it by hand', () => {
    expect(composeFailureFix('build failed', ['a.yml', 'b.yml'])).toMatch(
      /docker compose -f a\.yml -f b\.yml up --build.*WEBHOOK_STACK=embedded/,
    );
  });
});
