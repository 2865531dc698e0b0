import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../helpers/config/settings.ts';

const base = { WEBHOOK_SECRET: 'test_secret_key_12345' };

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig({ ...base, ...env });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('report and baseline variables', () => {
  it('baseline comparison is off by default, with seed-like limits', () => {
    expect(parseConfig(base).baseline).toEqual({
      path: undefined,
      maxRegressionPercent: 10,
      maxSuccessDropPoints: 5,
      confidence: 95,
      resamples: 2000,
      anyTarget: false,
    });
    expect(parseConfig({ ...base, PERF_BASELINE_ANY_TARGET: 'true' }).baseline.anyTarget).toBe(true);
    expect(parseConfig({ ...base, PERF_BASELINE: 'reports/baseline', PERF_BASELINE_MAX_REGRESSION_PERCENT: '20' }).baseline).toMatchObject({
      path: 'reports/baseline',
      maxRegressionPercent: 20,
    });
    expect(problems({ PERF_BASELINE_MAX_REGRESSION_PERCENT: '-1' })[0]).toContain('PERF_BASELINE_MAX_REGRESSION_PERCENT="-1"');
    expect(problems({ PERF_BASELINE_MAX_SUCCESS_DROP_POINTS: '101' })[0]).toContain('PERF_BASELINE_MAX_SUCCESS_DROP_POINTS="101"');
  });

  it('EMBEDDED_MOCK_ENV passes space-separated FRESHDESK_ pairs (values may hold commas)', () => {
    const config = parseConfig({ ...base, EMBEDDED_MOCK_ENV: ' FRESHDESK_LATENCY_MS=600  FRESHDESK_STALL_WINDOWS=5000+2000,9000+500 ' });
    expect(config.stack.embeddedMockEnv).toEqual({ FRESHDESK_LATENCY_MS: '600', FRESHDESK_STALL_WINDOWS: '5000+2000,9000+500' });
    expect(parseConfig(base).stack.embeddedMockEnv).toEqual({});
  });

  it("EMBEDDED_MOCK_ENV refuses anything but the mock's variables, naming the item", () => {
    expect(problems({ EMBEDDED_MOCK_ENV: 'FRESHDESK_LATENCY_MS=600 PORT=80' })).toEqual([
      'EMBEDDED_MOCK_ENV: "PORT=80" is not FRESHDESK_NAME=value (space-separated pairs of the mock\'s variables, e.g. FRESHDESK_LATENCY_MS=600)',
    ]);
    expect(problems({ EMBEDDED_MOCK_ENV: 'FRESHDESK_LATENCY_MS' })).toHaveLength(1);
  });
});
