import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../helpers/config/settings.ts';
import { startProvider } from '../../helpers/providers/choose.ts';
import { composeFailureFix } from '../../helpers/providers/compose.ts';
import { deriveEndpointUrls, externalStack } from '../../helpers/providers/external.ts';

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
