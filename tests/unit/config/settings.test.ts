import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TARGETS, parseTargets } from '../../helpers/analysis/targets.ts';
import { BUILT_IN_SPECS, envTestProblems, MAX_ENV_TEST_VARIABLES } from '../../helpers/config/docs.ts';
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
import { specDeclaredNames } from '../../helpers/config/typos.ts';

const root = resolve(import.meta.dirname, '../../..');
const envTestText = readFileSync(resolve(root, '.env.test'), 'utf8');
const envTest = dotenv.parse(envTestText);
const valid = { ...envTest };
/** The built-in specs' own knobs (a user's copy of custom.spec.ts may add others: they need nothing here). */
const builtInKnobs = specDeclaredNames(BUILT_IN_SPECS.map((spec) => join(root, 'tests', 'performance', `${spec}.spec.ts`)));

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
  it(".env.test parses to the contract's defaults", () => {
    const config = parseConfig(valid);
    expect(config.secret).toBe('test_secret_key_12345');
    expect(config.rateLimit).toEqual({ algorithm: 'sliding', limit: 100, windowMs: 60_000 });
    expect(config.success).toEqual({ statuses: [200], body: 'json-object' });
    expect(config.targets).toEqual(parseTargets(DEFAULT_TARGETS));
    expect(config.stack.choice).toBe('auto');
    expect(config).not.toHaveProperty('standard'); // a spec's knobs are the spec's (setting())
  });

  it(`.env.test holds the suite's own settings, each one, nothing else, in declaration order, at most ${MAX_ENV_TEST_VARIABLES}`, () => {
    const variables = [...envTestText.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]!);
    expect(variables).toEqual(Object.keys(envTest));
    expect(envTestProblems(variables, configVariables(), builtInKnobs)).toEqual([]);
    expect(variables.length).toBeLessThanOrEqual(MAX_ENV_TEST_VARIABLES);
    // The spec knobs are declared by the specs, not here.
    expect(builtInKnobs).toEqual(expect.arrayContaining(['STANDARD_REQUESTS', 'CUSTOM_REQUESTS', 'PERF_CAPACITY']));
    expect(variables.filter((name) => builtInKnobs.includes(name))).toEqual([]);
  });

  it('negative control: the .env.test check names a missing setting, an unknown variable, a spec knob and the order', () => {
    const rules = configVariables();
    const names = rules.map((rule) => rule.name);
    expect(envTestProblems(names.slice(1), rules)).toEqual([
      `${names[0]} is a setting of the suite but not in .env.test: add it with its default`,
    ]);
    expect(envTestProblems([...names, 'PERF_SCAEL'], rules)).toEqual([
      'PERF_SCAEL is not a setting of the suite: remove it from .env.test (or declare it in tests/helpers/config/settings.ts)',
    ]);
    expect(envTestProblems([...names, 'STANDARD_REQUESTS'], rules, builtInKnobs)[0]).toMatch(
      /^STANDARD_REQUESTS is a spec's own setting \(declared with setting\(\)\): not in \.env\.test/,
    );
    expect(envTestProblems([...names].reverse(), rules)[0]).toMatch(/^\.env\.test lists the settings in another order/);
    const many = Array.from({ length: MAX_ENV_TEST_VARIABLES + 1 }, (_, i) => `PERF_X${i}`);
    expect(envTestProblems(many, []).at(-1)).toMatch(/more than 30/);
  });

  it('every setting of the suite is declared with a one-line description, a default and what it accepts', () => {
    for (const rule of configVariables()) {
      expect(rule.doc, rule.name).toMatch(/^[A-Z].{15,}[^.]$/);
      expect(rule.doc, rule.name).not.toContain('\n');
      expect(typeof rule.default, rule.name).toBe('string');
    }
    const names = configVariables().map((rule) => rule.name);
    expect(new Set(names).size).toBe(names.length);
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
    expect(rules.length).toBeGreaterThan(20);
    for (const rule of rules) {
      const bad = badValueFor(rule);
      if (bad === undefined) continue;
      const problems = problemsOf({ ...valid, [rule.name]: bad });
      expect(problems.length, `${rule.name}=${bad} should be refused`).toBeGreaterThan(0);
      expect(problems.join('\n')).toContain(rule.name);
    }
  });

  it('says what is allowed', () => {
    expect(problemsOf({ ...valid, REQUEST_TIMEOUT_MS: '0' })).toEqual(['REQUEST_TIMEOUT_MS="0": expected an integer from 100 to 600000']);
    expect(problemsOf({ ...valid, WEBHOOK_STACK: 'k8s' })[0]).toContain('expected one of auto, embedded, compose, external');
    expect(problemsOf({ ...valid, PERF_SCALE: 'NaN' })[0]).toContain('PERF_SCALE="NaN": expected a number from 0.01 to 100');
  });

  it('reads the rate-limit policy, success statuses and body; refuses what it cannot read', () => {
    expect(parseConfig({ ...valid, RATE_LIMIT: 'none' }).rateLimit).toBeNull();
    expect(parseConfig({ ...valid, RATE_LIMIT: '1000/1m' }).rateLimit).toEqual({ algorithm: 'sliding', limit: 1000, windowMs: 60_000 });
    expect(parseConfig({ ...valid, RATE_LIMIT: '5/500ms' }).rateLimit).toEqual({ algorithm: 'sliding', limit: 5, windowMs: 500 });
    expect(problemsOf({ ...valid, RATE_LIMIT: '100 per minute' })[0]).toMatch(
      /^RATE_LIMIT="100 per minute": expected 100\/60s or sliding:100\/60s \(a sliding window\), fixed:100\/60s/,
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
    const problems = problemsOf({ ...valid, PERF_REPEAT: '-1', REQUEST_TIMEOUT_MS: '1.5', WEBHOOK_STACK: 'perhaps', PERF_TARGETS: 'p95' });
    expect(problems).toHaveLength(4);
  });

  it('external needs a URL', () => {
    expect(problemsOf({ ...valid, WEBHOOK_STACK: 'external' })[0]).toContain('WEBHOOK_URL');
  });

  it("PERF_SCALE multiplies a spec's counts and keeps its other numbers", () => {
    const declare = (env: SettingsReader) => ({ requests: env.count('MY_REQUESTS', 100), perMinute: env.number('MY_RATE', 100, 1, 1000) });
    expect(parseSpecSettings(declare, { PERF_SCALE: '0.1' })).toEqual({ requests: 10, perMinute: 100 });
    expect(parseConfig({ ...valid, PERF_SCALE: '0.1' }).scale).toBe(0.1);
    expect(scaleCount(10, 0.01)).toBe(1);
  });

  it('refuses a PERF_BASELINE that does not exist, before any run', () => {
    expect(() => loadConfig(root, { PERF_BASELINE: 'reports/no-such-baseline' })).toThrow(
      /PERF_BASELINE="reports\/no-such-baseline": no such file or directory/,
    );
    expect(loadConfig(root, { PERF_BASELINE: 'package.json' }).baseline.path).toBe('package.json');
  });

  it('environment wins over .env.test; the secret is redacted for reports', () => {
    const env: NodeJS.ProcessEnv = { PERF_REPEAT: '3' };
    const config = loadConfig(root, env);
    expect(config.repeat.count).toBe(3);
    expect(env.REQUEST_TIMEOUT_MS).toBe('30000'); // filled from .env.test
    expect(JSON.stringify(redactConfig(config))).not.toContain('test_secret_key_12345');
  });
});
