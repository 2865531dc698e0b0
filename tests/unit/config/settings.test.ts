import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  configVariables,
  parseSpecSettings,
  type SettingsReader,
  formatStatuses,
  loadConfig,
  parseConfig,
  redactConfig,
  scaleCount,
  type VariableRule,
} from '../../helpers/config/settings.ts';
import { specDeclaredVariables } from '../../support/spec-variables.ts';

const root = resolve(import.meta.dirname, '../../..');
const envTest = dotenv.parse(readFileSync(resolve(root, '.env.test')));
const valid = { ...envTest };

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/** A value each kind of variable must refuse. */
function badValueFor(rule: VariableRule): string | undefined {
  switch (rule.kind) {
    case 'int':
      return String(rule.min - 1 >= -1e9 ? rule.min - 1 : 'x');
    case 'number':
      return 'not-a-number';
    case 'bool':
      return 'maybe';
    case 'enum':
      return 'kubernetes';
    case 'url':
      return 'ftp://127.0.0.1/webhook';
    case 'string': // any path is a valid PERF_REPORT_DIR; only the secret can be refused here
      return rule.name === 'WEBHOOK_SECRET' ? ' ' : undefined;
    case 'list':
      return ' , ';
    case 'pattern':
      return rule.bad;
  }
}

describe('config', () => {
  it('.env.test parses to the seed defaults', () => {
    const config = parseConfig(valid);
    expect(config.secret).toBe('test_secret_key_12345');
    expect(config.standard).toEqual({ requests: 100, ratePerMinute: 100, minSuccessPercent: 95, maxP95Ms: 5000 });
    expect(config.sustained.requests).toBe(200);
    expect(config.burst).toMatchObject({ requests: 50, maxDurationMs: 5000, requireRetryAfter: false });
    expect(config.rateLimit).toEqual({ limit: 100, windowMs: 60_000 });
    expect(config.success).toEqual({ statuses: [200], body: 'json-object' });
    expect(config.targets.p95Ms).toEqual({ target: 2000, acceptable: 5000 });
    expect(config.stack.choice).toBe('auto');
  });

  it('.env.test documents every variable the suite and the spec files read, and nothing else', () => {
    const declaredBySpecs = specDeclaredVariables();
    expect(declaredBySpecs).toEqual(
      expect.arrayContaining(['CUSTOM_REQUESTS', 'CUSTOM_REQUESTS_PER_SECOND', 'PERF_CAPACITY', 'CAPACITY_MAX_P95_MS']),
    );
    const read = [...configVariables().map((rule) => rule.name), ...declaredBySpecs].sort();
    expect(Object.keys(envTest).sort()).toEqual(read);
  });

  it("a spec's own settings: defaults, PERF_SCALE on counts, and a bad value refused naming the variable", () => {
    const declare = (env: SettingsReader) => ({
      requests: env.count('MY_REQUESTS', 20),
      rate: env.number('MY_RATE', 2, 0.01, 100),
      strict: env.bool('MY_STRICT', false),
    });
    expect(parseSpecSettings(declare, {})).toEqual({ requests: 20, rate: 2, strict: false });
    expect(parseSpecSettings(declare, { PERF_SCALE: '0.5', MY_RATE: '3', MY_STRICT: 'yes' })).toEqual({
      requests: 10,
      rate: 3,
      strict: true,
    });
    expect(() => parseSpecSettings(declare, { MY_REQUESTS: 'many', MY_RATE: '500' })).toThrow(ConfigError);
    try {
      parseSpecSettings(declare, { MY_REQUESTS: 'many', MY_RATE: '500' });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'MY_REQUESTS="many": expected an integer from 1 to 1000000',
        'MY_RATE="500": expected a number from 0.01 to 100',
      ]);
    }
  });

  it('rejects a bad value of every variable, naming the variable and the value', () => {
    const rules = configVariables();
    expect(rules.length).toBeGreaterThan(30);
    for (const rule of rules) {
      const bad = badValueFor(rule);
      if (bad === undefined) continue;
      const problems = problemsOf({ ...valid, [rule.name]: bad });
      expect(problems.length, `${rule.name}=${bad} should be refused`).toBeGreaterThan(0);
      expect(problems.join('\n')).toContain(rule.name);
    }
  });

  it('says what is allowed', () => {
    expect(problemsOf({ ...valid, STANDARD_REQUESTS: '0' })).toEqual(['STANDARD_REQUESTS="0": expected an integer from 1 to 1000000']);
    expect(problemsOf({ ...valid, WEBHOOK_STACK: 'k8s' })[0]).toContain('expected one of auto, embedded, compose, external');
    expect(problemsOf({ ...valid, PERF_SCALE: 'NaN' })[0]).toContain('PERF_SCALE="NaN": expected a number from 0.01 to 100');
  });

  it('reads the rate-limit policy, success statuses and body; refuses what it cannot read', () => {
    expect(parseConfig({ ...valid, RATE_LIMIT: 'none' }).rateLimit).toBeNull();
    expect(parseConfig({ ...valid, RATE_LIMIT: '1000/1m' }).rateLimit).toEqual({ limit: 1000, windowMs: 60_000 });
    expect(parseConfig({ ...valid, RATE_LIMIT: '5/500ms' }).rateLimit).toEqual({ limit: 5, windowMs: 500 });
    expect(problemsOf({ ...valid, RATE_LIMIT: '100 per minute' })[0]).toMatch(
      /^RATE_LIMIT="100 per minute": expected LIMIT\/WINDOW such as 100\/60s/,
    );
    expect(problemsOf({ ...valid, RATE_LIMIT: '0/60s' })[0]).toContain('RATE_LIMIT="0/60s": the limit must be a whole number from 1');
    expect(parseConfig({ ...valid, SUCCESS_STATUSES: '200, 202' }).success.statuses).toEqual([200, 202]);
    expect(parseConfig({ ...valid, SUCCESS_STATUSES: '2xx' }).success.statuses).toHaveLength(100);
    expect(problemsOf({ ...valid, SUCCESS_STATUSES: '2xy' })[0]).toContain('SUCCESS_STATUSES="2xy": expected HTTP statuses or classes');
    expect(problemsOf({ ...valid, SUCCESS_STATUSES: '4xx' })[0]).toContain('429 is the rate limiter');
    expect(parseConfig({ ...valid, SUCCESS_BODY: 'any' }).success.body).toBe('any');
    expect(
      parseConfig({ ...valid, EMBEDDED_WEBHOOK_ENV: 'RATE_LIMIT_HEADERS=false RATE_LIMIT_REQUESTS=1000' }).stack.embeddedWebhookEnv,
    ).toEqual({
      RATE_LIMIT_HEADERS: 'false',
      RATE_LIMIT_REQUESTS: '1000',
    });
    expect(problemsOf({ ...valid, EMBEDDED_WEBHOOK_ENV: 'WEBHOOK_SECRET=x' })[0]).toContain(
      'EMBEDDED_WEBHOOK_ENV: "WEBHOOK_SECRET=x" is not NAME=value',
    );
  });

  it('formats statuses back as SUCCESS_STATUSES reads them, whole classes as 2xx', () => {
    expect(formatStatuses([200])).toBe('200');
    expect(formatStatuses([200, 202])).toBe('200,202');
    expect(formatStatuses(parseConfig({ ...valid, SUCCESS_STATUSES: '2xx,304' }).success.statuses)).toBe('2xx,304');
  });

  it('EXPECT_RATE_LIMIT is retired: an error that says what to write instead', () => {
    for (const value of ['true', 'false']) {
      const problems = problemsOf({ ...valid, EXPECT_RATE_LIMIT: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^EXPECT_RATE_LIMIT is no longer read: .*RATE_LIMIT=100\/60s.*RATE_LIMIT=none/);
    }
  });

  it('collects every problem at once', () => {
    const problems = problemsOf({ ...valid, STANDARD_REQUESTS: '-1', BURST_MAX_DURATION_MS: '1.5', REQUIRE_RETRY_AFTER: 'perhaps' });
    expect(problems).toHaveLength(3);
  });

  it('external needs a URL; targets must be ordered', () => {
    expect(problemsOf({ ...valid, WEBHOOK_STACK: 'external' })[0]).toContain('WEBHOOK_URL');
    expect(problemsOf({ ...valid, TARGET_P95_MS: '6000' })[0]).toContain('p95Ms');
    expect(problemsOf({ ...valid, TARGET_SUCCESS_RATE_PERCENT: '90' })[0]).toContain('successRatePercent');
  });

  it('PERF_SCALE multiplies counts and keeps rates', () => {
    const config = parseConfig({ ...valid, PERF_SCALE: '0.1' });
    expect(config.standard.requests).toBe(10);
    expect(config.standard.ratePerMinute).toBe(100);
    expect(config.burst.requests).toBe(50); // a burst below the limiter's bucket would test nothing
    expect(scaleCount(10, 0.01)).toBe(1);
  });

  it('refuses a PERF_BASELINE that does not exist, before any run', () => {
    expect(() => loadConfig(root, { PERF_BASELINE: 'reports/no-such-baseline' })).toThrow(
      /PERF_BASELINE="reports\/no-such-baseline": no such file or directory/,
    );
    expect(loadConfig(root, { PERF_BASELINE: 'package.json' }).baseline.path).toBe('package.json');
  });

  it('environment wins over .env.test; the secret is redacted for reports', () => {
    const env: NodeJS.ProcessEnv = { STANDARD_REQUESTS: '7' };
    const config = loadConfig(root, env);
    expect(config.standard.requests).toBe(7);
    expect(env.SUSTAINED_REQUESTS).toBe('200'); // filled from .env.test
    expect(JSON.stringify(redactConfig(config))).not.toContain('test_secret_key_12345');
  });
});
