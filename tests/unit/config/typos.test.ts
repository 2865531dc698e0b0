import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_SPECS } from '../../helpers/config/docs.ts';
import { ConfigError, configVariables, loadConfig, parseConfig } from '../../helpers/config/settings.ts';
import { composeInterpolations, findTypos, settingPrefixes, specDeclaredNames, type SeenVariable } from '../../helpers/config/typos.ts';

const root = resolve(import.meta.dirname, '../../..');
// The built-in specs' files by name (not the folder's listing: a test may add a spec file for a moment).
const specFiles = BUILT_IN_SPECS.map((spec) => join(root, 'tests', 'performance', `${spec}.spec.ts`));
const declared = specDeclaredNames(specFiles);
// As loadConfig checks: the suite's settings and the ones the spec files declare are the names a typo is near.
const settings = [...configVariables().map((rule) => rule.name), ...declared];
const known = composeInterpolations([join(root, 'docker-compose.yml'), join(root, 'docker-compose.host.yml')]);
const env = (vars: Record<string, string>): SeenVariable[] =>
  Object.entries(vars).map(([name, value]) => ({ name, value, source: 'environment' }));

/** Ordinary variables of shells, Node, npm, CI and Docker set-ups: never a typo. */
const ORDINARY: Record<string, string> = {
  PATH: '/usr/bin',
  HOME: '/root',
  NODE_OPTIONS: '--max-old-space-size=4096',
  NODE_EXTRA_CA_CERTS: '/etc/ca.pem',
  NODE_ENV: 'test',
  CI: 'true',
  GITHUB_ACTIONS: 'true',
  RUNNER_TEMP: '/tmp',
  npm_config_cache: '/root/.npm',
  npm_lifecycle_event: 'perf',
  DOCKER_HOST: 'unix:///var/run/docker.sock',
  TESTCONTAINERS_RYUK_DISABLED: 'true',
  TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1',
  NODE_IMAGE: 'node:20',
  LANG: 'C.UTF-8',
  TERM: 'xterm',
  SHELL: '/bin/bash',
  USER: 'root',
  PWD: '/work',
  HOSTNAME: 'vm',
  TZ: 'UTC',
  TMPDIR: '/tmp',
  PORT: '8801',
  HOST: '127.0.0.1',
  http_proxy: 'http://127.0.0.1:3128',
  VITEST_POOL_ID: '1',
  // declared elsewhere: a spec file's own settings, the compose files' interpolations
  CUSTOM_REQUESTS: '5',
  CUSTOM_REQUESTS_PER_SECOND: '1',
  WEBHOOK_PORT: '18801',
  WEBHOOK_LOG_LEVEL: 'debug',
  RATE_LIMIT_REQUESTS: '1000',
  FRESHDESK_LATENCY_MS: '600',
};

describe('typos of setting names', () => {
  it('derives the prefixes from the settings: first words, and two-word names of their own whole', () => {
    const prefixes = settingPrefixes(settings);
    for (const prefix of [
      'WEBHOOK_',
      'PERF_',
      // the specs' own (setting()), by the same rule
      'STANDARD_',
      'BURST_',
      'CAPACITY_',
      'EMBEDDED_',
      'RATE_LIMIT',
      'SUCCESS_',
      'REQUIRE_',
      'REQUEST_',
    ]) {
      expect(prefixes).toContain(prefix);
    }
    expect(prefixes).not.toContain('RATE_');
  });

  it('a mistyped target setting is an error naming the setting; a mistyped other setting is a warning', () => {
    const findings = findTypos(
      env({
        WEBHOK_URL: 'https://staging.example.com/webhook/freshdesk',
        PERF_SCAEL: '0.1',
        WEBHOOK_STAK: 'external',
        STANDARD_REQUEST: '5',
      }),
      settings,
      known,
    );
    expect(findings.map((f) => [f.name, f.nearest, f.level])).toEqual([
      ['WEBHOK_URL', 'WEBHOOK_URL', 'error'],
      ['PERF_SCAEL', 'PERF_SCALE', 'warning'],
      ['WEBHOOK_STAK', 'WEBHOOK_STACK', 'error'],
      ['STANDARD_REQUEST', 'STANDARD_REQUESTS', 'warning'],
    ]);
    expect(findings[0]!.message).toMatch(/^WEBHOK_URL \(environment\) is not a setting of the suite: did you mean WEBHOOK_URL\?/);
    expect(findings[1]!.message).toContain('did you mean PERF_SCALE?');
    for (const name of ['WEBHOOK_HELTH_URL', 'WEBHOOK_METRIC_URL', 'webhook_url']) {
      expect(findTypos(env({ [name]: 'http://127.0.0.1:1/x' }), settings, known)[0], name).toMatchObject({ level: 'error' });
    }
  });

  it('a prefixed variable far from every setting is a warning naming the nearest; a URL in the target family is an error', () => {
    const [warning] = findTypos(env({ BURST_SIZE: '80' }), settings, known);
    expect(warning).toMatchObject({ name: 'BURST_SIZE', level: 'warning' });
    expect(warning!.message).toMatch(/the nearest setting is BURST_/);
    expect(findTypos(env({ WEBHOOK_ENDPOINT: 'https://staging.example.com/hook' }), settings, known)[0]).toMatchObject({ level: 'error' });
    // not a URL: somebody else's variable that shares the prefix; said, not fatal
    expect(findTypos(env({ WEBHOOK_DB_PASSWORD: 'x' }), settings, known)[0]).toMatchObject({ level: 'warning' });
  });

  it('an empty typo of a target setting changes nothing: a warning, not an error', () => {
    expect(findTypos(env({ WEBHOK_URL: '' }), settings, known)[0]).toMatchObject({ level: 'warning' });
  });

  it('negative control: ordinary variables and those declared by spec files or compose files are not warned about', () => {
    expect(findTypos(env(ORDINARY), settings, known)).toEqual([]);
    expect(findTypos(env(Object.fromEntries(settings.map((name) => [name, 'x']))), settings, known)).toEqual([]);
  });

  it("finds the variables a spec file declares: setting('NAME', ...) and specSettings' env.count('NAME', ...)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'declared-'));
    const file = join(dir, 'mine.spec.ts');
    writeFileSync(
      file,
      "const a = setting('MY_REQUESTS', 5, 'count');\nconst b = setting(\n  'MY_MODE',\n  'fast',\n  ['fast', 'slow'],\n);\n" +
        "const c = specSettings((env) => env.int('MY_STEPS', 3, 1, 9));\nconst d = mySetting('NOT_ONE', 1);\n",
    );
    expect(specDeclaredNames([file, join(dir, 'gone.spec.ts')])).toEqual(['MY_MODE', 'MY_REQUESTS', 'MY_STEPS']);
    expect(declared).toEqual(expect.arrayContaining(['STANDARD_REQUESTS', 'BURST_REQUESTS', 'CUSTOM_REQUESTS', 'PERF_CAPACITY']));
    expect(composeInterpolations([join(root, 'docker-compose.yml')])).toContain('WEBHOOK_PORT');
    expect(composeInterpolations([join(root, 'no-such-compose.yml')])).toEqual([]);
  });
});

describe('loadConfig checks the names of the environment, .env and .env.test', () => {
  function tempRoot(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'typos-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }

  it('a typo of WEBHOOK_URL in .env stops the run with a ConfigError naming the file and the setting', () => {
    const dir = tempRoot({ '.env': 'WEBHOK_URL=https://staging.example.com/webhook/freshdesk\n' });
    const error = (() => {
      try {
        loadConfig(dir, { WEBHOOK_SECRET: 's' }, { warn: () => {} });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^WEBHOK_URL \(\.env\) is not a setting.*did you mean WEBHOOK_URL\?/),
    ]);
  });

  it('a typo of another setting in .env.test is a warning; the run goes on', () => {
    const dir = tempRoot({ '.env.test': 'PERF_SCAEL=0.1\nWEBHOOK_SECRET=s\n' });
    const warnings: string[] = [];
    const config = loadConfig(dir, {}, { warn: (message) => warnings.push(message) });
    expect(config.scale).toBe(1);
    expect(warnings).toEqual([expect.stringMatching(/^PERF_SCAEL \(\.env\.test\) .*did you mean PERF_SCALE\?/)]);
  });

  it('negative control: the real .env.test, ordinary variables and the spec-declared CUSTOM_* and CAPACITY_* give no warning', () => {
    const warnings: string[] = [];
    loadConfig(root, { ...ORDINARY }, { warn: (message) => warnings.push(message), declared });
    expect(warnings).toEqual([]);
  });

  it('a misspelled spec knob (STANDARD_REQUEST=10) warns naming the knob the spec declares', () => {
    const warnings: string[] = [];
    loadConfig(root, { STANDARD_REQUEST: '10' }, { warn: (message) => warnings.push(message), declared });
    expect(warnings).toEqual([
      expect.stringMatching(/^STANDARD_REQUEST \(environment\) is not a setting of the suite .*did you mean STANDARD_REQUESTS\?/),
    ]);
  });
});

describe('WEBHOOK_HEALTH_URL', () => {
  it('none means no health endpoint (null); empty means derived (undefined); a URL is kept', () => {
    expect(parseConfig({ WEBHOOK_SECRET: 's', WEBHOOK_HEALTH_URL: 'none' }).stack.healthUrl).toBeNull();
    expect(parseConfig({ WEBHOOK_SECRET: 's', WEBHOOK_HEALTH_URL: 'NONE' }).stack.healthUrl).toBeNull();
    expect(parseConfig({ WEBHOOK_SECRET: 's' }).stack.healthUrl).toBeUndefined();
    expect(parseConfig({ WEBHOOK_SECRET: 's', WEBHOOK_HEALTH_URL: 'http://127.0.0.1:1/up' }).stack.healthUrl).toBe('http://127.0.0.1:1/up');
    expect(() => parseConfig({ WEBHOOK_SECRET: 's', WEBHOOK_HEALTH_URL: 'nothing' })).toThrow(/WEBHOOK_HEALTH_URL="nothing".*, or none/);
  });
});
