// The suite's configuration: every variable of .env.test, typed and validated
// once. A bad value stops the run before any traffic, with a message naming the
// variable, the value and what is allowed.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import dotenv from 'dotenv';
import { parseRateLimit, type RateLimitPolicy } from '../rate-limit/index.ts';
import { composeInterpolations, findTypos, type SeenVariable } from './typos.ts';

export const STACK_CHOICES = ['auto', 'embedded', 'compose', 'external'] as const;
export type StackChoice = (typeof STACK_CHOICES)[number];

/** One row of the seed's targets table: `target` is good, `acceptable` is the floor. */
export interface TargetRow {
  target: number;
  acceptable: number;
}

export interface TargetsTable {
  successRatePercent: TargetRow; // higher is better
  p50Ms: TargetRow; // lower is better
  p95Ms: TargetRow;
  p99Ms: TargetRow;
  throughputPerMinute: TargetRow; // higher is better
}

export interface PerfConfig {
  stack: {
    choice: StackChoice;
    webhookUrl: string | undefined;
    /** WEBHOOK_HEALTH_URL: undefined = derived from the webhook URL; null = none (no health check). */
    healthUrl: string | null | undefined;
    metricsUrl: string | undefined;
    composeFiles: string[];
    /** Extra environment for the embedded stack's Freshdesk mock (e.g. a raised FRESHDESK_LATENCY_MS). */
    embeddedMockEnv: Record<string, string>;
    /** Extra environment for the embedded stack's webhook service (e.g. RATE_LIMIT_HEADERS=false). */
    embeddedWebhookEnv: Record<string, string>;
  };
  /** The service's declared rate-limit policy (RATE_LIMIT); null = the service does not limit. */
  rateLimit: RateLimitPolicy | null;
  /** What counts as a successful answer, everywhere the suite judges one. */
  success: SuccessRule;
  secret: string;
  scale: number;
  /** PERF_REPEAT: each spec runs this many times; thresholds judge the median run (analysis/repeats.ts). */
  repeat: { count: number; maxCvPercent: number };
  reportDir: string;
  /** PERF_HISTORY: '' = `<reportDir>/history.jsonl`, `none` = no history, else a file (report/history.ts). */
  history: string;
  /** Compare each spec with an earlier run's report (PERF_BASELINE); path undefined = no comparison. */
  baseline: { path: string | undefined; maxRegressionPercent: number; maxSuccessDropPoints: number; confidence: number; resamples: number };
  requestTimeoutMs: number;
  targets: TargetsTable;
  standard: { requests: number; ratePerMinute: number; minSuccessPercent: number; maxP95Ms: number };
  sustained: {
    requests: number;
    ratePerMinute: number;
    minSuccessPercent: number;
    maxDegradationPercent: number;
    maxRssGrowthMb: number;
  };
  burst: {
    requests: number;
    maxDurationMs: number;
    /** A 429 without a sane Retry-After fails the burst spec (else it is a recommendation). */
    requireRetryAfter: boolean;
    recoveryRequests: number;
    recoveryRatePerMinute: number;
  };
  profile: { requests: number; metricsRequests: number; ratePerMinute: number; bottleneckPercent: number };
}

/** What a variable accepts; kept so tests and docs can enumerate every variable. */
export type VariableRule =
  | { name: string; kind: 'int' | 'number'; min: number; max: number }
  | { name: string; kind: 'bool' }
  | { name: string; kind: 'enum'; values: readonly string[] }
  /** `none`: the word none is accepted too (WEBHOOK_HEALTH_URL=none: no such endpoint). */
  | { name: string; kind: 'url'; optional: true; none?: true }
  | { name: string; kind: 'string' }
  | { name: string; kind: 'list' }
  /** A value with its own grammar; `bad` is one it refuses (for the tests that try every variable). */
  | { name: string; kind: 'pattern'; bad: string };

export const SUCCESS_BODIES = ['json-object', 'any', 'empty'] as const;
export type SuccessBody = (typeof SUCCESS_BODIES)[number];

export interface SuccessRule {
  /** Statuses that count as success (SUCCESS_STATUSES), ascending. */
  statuses: number[];
  /** What the body of a success must be (SUCCESS_BODY). */
  body: SuccessBody;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid performance-suite configuration (fix .env.test or the environment):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads variables with defaults, collecting every problem instead of stopping at the first. */
class EnvReader {
  readonly problems: string[] = [];
  readonly rules: VariableRule[] = [];

  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  number(name: string, fallback: number, min: number, max: number, kind: 'int' | 'number' = 'number'): number {
    this.rules.push({ name, kind, min, max });
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    const wantInt = kind === 'int';
    if (!Number.isFinite(value) || (wantInt && !Number.isInteger(value)) || value < min || value > max) {
      this.problems.push(`${name}=${JSON.stringify(raw)}: expected ${wantInt ? 'an integer' : 'a number'} from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    return this.number(name, fallback, min, max, 'int');
  }

  bool(name: string, fallback: boolean): boolean {
    this.rules.push({ name, kind: 'bool' });
    const raw = this.raw(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name}=${JSON.stringify(raw)}: expected true or false`);
    return fallback;
  }

  choice<T extends string>(name: string, values: readonly T[], fallback: T): T {
    this.rules.push({ name, kind: 'enum', values });
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if ((values as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name}=${JSON.stringify(raw)}: expected one of ${values.join(', ')}`);
    return fallback;
  }

  url(name: string): string | undefined {
    this.rules.push({ name, kind: 'url', optional: true });
    return this.checkedUrl(name, this.raw(name), '');
  }

  /** A URL, or `none` for an endpoint the service does not have (null). */
  urlOrNone(name: string): string | null | undefined {
    this.rules.push({ name, kind: 'url', optional: true, none: true });
    const raw = this.raw(name);
    if (raw?.toLowerCase() === 'none') return null;
    return this.checkedUrl(name, raw, ', or none');
  }

  private checkedUrl(name: string, raw: string | undefined, orNone: string): string | undefined {
    if (raw === undefined) return undefined;
    try {
      const url = new URL(raw);
      if (url.protocol === 'http:' || url.protocol === 'https:') return raw;
    } catch {
      // reported below
    }
    this.problems.push(
      `${name}=${JSON.stringify(raw)}: expected an http:// or https:// URL, e.g. http://127.0.0.1:8801/webhook/freshdesk${orNone}`,
    );
    return undefined;
  }

  string(name: string, fallback: string): string {
    this.rules.push({ name, kind: 'string' });
    return this.raw(name) ?? fallback;
  }

  /** A value parsed by `parse`, which returns the value or a string naming what is wrong. */
  pattern<T>(name: string, fallback: string, bad: string, parse: (raw: string) => T | string): T {
    this.rules.push({ name, kind: 'pattern', bad });
    const raw = this.raw(name) ?? fallback;
    const parsed = parse(raw);
    if (typeof parsed !== 'string') return parsed;
    this.problems.push(`${name}=${JSON.stringify(raw)}: ${parsed}`);
    const fallbackValue = parse(fallback);
    return fallbackValue as T;
  }

  list(name: string, fallback: string[]): string[] {
    this.rules.push({ name, kind: 'list' });
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const items = raw
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    if (items.length === 0) this.problems.push(`${name}=${JSON.stringify(raw)}: expected a comma-separated list of files`);
    return items.length > 0 ? items : fallback;
  }
}

const MAX_REQUESTS = 1_000_000;
const MAX_MS = 3_600_000;

/** Multiplies a request count by PERF_SCALE, keeping at least one request. */
export function scaleCount(count: number, scale: number): number {
  return Math.max(1, Math.round(count * scale));
}

function row(r: EnvReader, name: string, target: number, acceptable: number, max: number): TargetRow {
  return { target: r.number(`TARGET_${name}`, target, 0, max), acceptable: r.number(`ACCEPTABLE_${name}`, acceptable, 0, max) };
}

/** `NAME=value NAME=value` (space-separated: values such as stall windows hold commas). */
function envPairs(r: EnvReader, name: string, allowed: RegExp, form: string, whose: string, example: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const item of r.string(name, '').split(/\s+/).filter(Boolean)) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(item);
    if (match && allowed.test(match[1] as string)) env[match[1] as string] = match[2] as string;
    else r.problems.push(`${name}: ${JSON.stringify(item)} is not ${form} (space-separated pairs of ${whose} variables, e.g. ${example})`);
  }
  return env;
}

/** `200`, `200,202`, `2xx`: the statuses that count as success. */
export function parseStatuses(raw: string): number[] | string {
  const codes = new Set<number>();
  for (const item of raw.split(',').map((part) => part.trim().toLowerCase())) {
    const exact = /^([1-5]\d\d)$/.exec(item);
    const range = /^([1-5])xx$/.exec(item);
    if (exact) codes.add(Number(exact[1]));
    else if (range) for (let code = Number(range[1]) * 100; code < Number(range[1]) * 100 + 100; code++) codes.add(code);
    else return 'expected HTTP statuses or classes, comma-separated, such as 200, 200,202 or 2xx';
  }
  if (codes.has(429)) return "429 is the rate limiter's refusal and cannot count as success";
  return [...codes].sort((a, b) => a - b);
}

/** The statuses as SUCCESS_STATUSES reads them back: whole classes as `2xx`, the rest as codes (`200,202`). */
export function formatStatuses(statuses: readonly number[]): string {
  const set = new Set(statuses);
  const parts: string[] = [];
  for (let hundred = 100; hundred < 600; hundred += 100) {
    const codes = statuses.filter((code) => code >= hundred && code < hundred + 100);
    const whole = Array.from({ length: 100 }, (_, i) => hundred + i).every((code) => set.has(code));
    parts.push(...(whole ? [`${hundred / 100}xx`] : codes.map(String)));
  }
  return parts.join(',');
}

/** Variables an earlier version read, with what to write instead. */
const RETIRED: Record<string, string> = {
  EXPECT_RATE_LIMIT:
    "is no longer read: declare the service's policy instead, RATE_LIMIT=100/60s (requests per window, sliding, per client; the contract's) " +
    'or RATE_LIMIT=none for a service without rate limiting (what EXPECT_RATE_LIMIT=false meant)',
};

function parse(env: Env): { config: PerfConfig; reader: EnvReader } {
  const r = new EnvReader(env);
  const scale = r.number('PERF_SCALE', 1, 0.01, 100);
  const count = (name: string, fallback: number) => scaleCount(r.int(name, fallback, 1, MAX_REQUESTS), scale);

  const secret = r.string('WEBHOOK_SECRET', '');
  if (secret === '')
    r.problems.push(
      'WEBHOOK_SECRET is empty: set it to the secret the service verifies signatures with (the test stack uses test_secret_key_12345)',
    );

  const config: PerfConfig = {
    stack: {
      choice: r.choice('WEBHOOK_STACK', STACK_CHOICES, 'auto'),
      webhookUrl: r.url('WEBHOOK_URL'),
      healthUrl: r.urlOrNone('WEBHOOK_HEALTH_URL'),
      metricsUrl: r.url('WEBHOOK_METRICS_URL'),
      composeFiles: r.list('WEBHOOK_COMPOSE_FILES', ['docker-compose.yml']),
      embeddedMockEnv: envPairs(r, 'EMBEDDED_MOCK_ENV', /^FRESHDESK_/, 'FRESHDESK_NAME=value', "the mock's", 'FRESHDESK_LATENCY_MS=600'),
      // The secret, port and host are the suite's to set.
      embeddedWebhookEnv: envPairs(
        r,
        'EMBEDDED_WEBHOOK_ENV',
        /^(?!WEBHOOK_SECRET$|PORT$|HOST$)/,
        'NAME=value',
        "the webhook service's (not WEBHOOK_SECRET, PORT or HOST)",
        'RATE_LIMIT_HEADERS=false',
      ),
    },
    rateLimit: r.pattern('RATE_LIMIT', '100/60s', '100 per minute', parseRateLimit),
    success: {
      statuses: r.pattern('SUCCESS_STATUSES', '200', '2xy', parseStatuses),
      body: r.choice('SUCCESS_BODY', SUCCESS_BODIES, 'json-object'),
    },
    secret,
    scale,
    repeat: {
      count: r.int('PERF_REPEAT', 1, 1, 10),
      maxCvPercent: r.number('PERF_REPEAT_MAX_CV_PERCENT', 20, 0, 1000),
    },
    reportDir: r.string('PERF_REPORT_DIR', 'reports/performance'),
    history: r.string('PERF_HISTORY', ''),
    baseline: {
      path: r.string('PERF_BASELINE', '') || undefined,
      // 10 %: what the calibration (npm run perf:calibrate) showed the intervals can tell apart here.
      maxRegressionPercent: r.number('PERF_BASELINE_MAX_REGRESSION_PERCENT', 10, 0, 100_000),
      maxSuccessDropPoints: r.number('PERF_BASELINE_MAX_SUCCESS_DROP_POINTS', 5, 0, 100),
      confidence: r.number('PERF_BASELINE_CONFIDENCE', 95, 50, 99.9),
      resamples: r.int('PERF_BASELINE_RESAMPLES', 2000, 100, 100_000),
    },
    requestTimeoutMs: r.int('REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
    targets: {
      successRatePercent: row(r, 'SUCCESS_RATE_PERCENT', 99, 95, 100),
      p50Ms: row(r, 'P50_MS', 500, 1000, MAX_MS),
      p95Ms: row(r, 'P95_MS', 2000, 5000, MAX_MS),
      p99Ms: row(r, 'P99_MS', 5000, 10000, MAX_MS),
      throughputPerMinute: row(r, 'THROUGHPUT_PER_MIN', 100, 50, 1_000_000),
    },
    standard: {
      requests: count('STANDARD_REQUESTS', 100),
      ratePerMinute: r.number('STANDARD_RATE_PER_MIN', 100, 1, 600_000),
      minSuccessPercent: r.number('STANDARD_MIN_SUCCESS_PERCENT', 95, 0, 100),
      maxP95Ms: r.number('STANDARD_MAX_P95_MS', 5000, 1, MAX_MS),
    },
    sustained: {
      requests: count('SUSTAINED_REQUESTS', 200),
      ratePerMinute: r.number('SUSTAINED_RATE_PER_MIN', 100, 1, 600_000),
      minSuccessPercent: r.number('SUSTAINED_MIN_SUCCESS_PERCENT', 95, 0, 100),
      maxDegradationPercent: r.number('SUSTAINED_MAX_DEGRADATION_PERCENT', 50, 0, 10_000),
      maxRssGrowthMb: r.number('SUSTAINED_MAX_RSS_GROWTH_MB', 64, 1, 100_000),
    },
    burst: {
      // Not scaled: a burst smaller than the service's bucket would not test rate limiting at all,
      // and 50 requests finish in seconds anyway.
      requests: r.int('BURST_REQUESTS', 50, 1, MAX_REQUESTS),
      maxDurationMs: r.int('BURST_MAX_DURATION_MS', 5000, 100, MAX_MS),
      requireRetryAfter: r.bool('REQUIRE_RETRY_AFTER', false),
      recoveryRequests: r.int('BURST_RECOVERY_REQUESTS', 10, 1, 10_000),
      recoveryRatePerMinute: r.number('BURST_RECOVERY_RATE_PER_MIN', 100, 1, 600_000),
    },
    profile: {
      requests: count('PROFILE_REQUESTS', 10),
      metricsRequests: count('PROFILE_METRICS_REQUESTS', 20),
      ratePerMinute: r.number('PROFILE_RATE_PER_MIN', 100, 1, 600_000),
      bottleneckPercent: r.number('PROFILE_BOTTLENECK_PERCENT', 10, 0, 100),
    },
  };

  for (const [name, instead] of Object.entries(RETIRED)) {
    if (env[name] !== undefined && env[name]?.trim() !== '') r.problems.push(`${name} ${instead}`);
  }
  if (config.stack.choice === 'external' && !config.stack.webhookUrl) {
    r.problems.push(
      "WEBHOOK_STACK=external needs WEBHOOK_URL, the service's webhook endpoint (e.g. http://127.0.0.1:8801/webhook/freshdesk)",
    );
  }
  for (const [key, value] of Object.entries(config.targets) as [keyof TargetsTable, TargetRow][]) {
    const higherIsBetter = key === 'successRatePercent' || key === 'throughputPerMinute';
    if (higherIsBetter ? value.acceptable > value.target : value.acceptable < value.target) {
      r.problems.push(
        `targets for ${key}: the acceptable value (${value.acceptable}) must be ${higherIsBetter ? 'at most' : 'at least'} the target (${value.target})`,
      );
    }
  }
  return { config, reader: r };
}

/** Validates an environment (pure: no files read). Throws ConfigError listing every problem. */
export function parseConfig(env: Env): PerfConfig {
  const { config, reader } = parse(env);
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return config;
}

/** Every variable the suite reads, with what it accepts. */
export function configVariables(): VariableRule[] {
  return parse({}).reader.rules;
}

const ENV_FILES = ['.env', '.env.test'] as const;

/**
 * Loads .env (a user's local, untracked overrides) and then .env.test into `env` without
 * overriding variables already set, so the precedence is environment > .env > .env.test.
 */
function loadEnvFiles(root: string, env: NodeJS.ProcessEnv): void {
  for (const file of ENV_FILES) {
    const path = resolve(root, file);
    if (existsSync(path)) dotenv.config({ path, override: false, quiet: true, processEnv: env as Record<string, string> });
  }
}

/** Every variable the run sees, with where it comes from (the environment wins, then .env, then .env.test). */
function seenVariables(root: string, env: Env): SeenVariable[] {
  const seen: SeenVariable[] = Object.entries(env).map(([name, value]) => ({ name, value: value ?? '', source: 'environment' }));
  for (const file of ENV_FILES) {
    const path = resolve(root, file);
    if (!existsSync(path)) continue;
    for (const [name, value] of Object.entries(dotenv.parse(readFileSync(path)))) seen.push({ name, value, source: file });
  }
  return seen;
}

export interface LoadOptions {
  /** Variables the spec files declare themselves (specSettings): read on purpose, never typos. */
  declared?: readonly string[];
  /** Where warnings go (a variable that looks like a mistyped setting); default console.warn. */
  warn?: (message: string) => void;
}

/**
 * Loads the .env files (loadEnvFiles) and returns the validated config. Checks the names too:
 * a variable that looks like a mistyped setting (findTypos) is a warning, or, when it would
 * choose the target (WEBHOOK_URL, ...), one more problem of the ConfigError.
 */
export function loadConfig(root = process.cwd(), env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): PerfConfig {
  const seen = seenVariables(root, env);
  loadEnvFiles(root, env);
  const { config, reader } = parse(env);
  const known = [
    ...Object.keys(RETIRED), // they have their own message
    ...composeInterpolations(config.stack.composeFiles.map((file) => resolve(root, file))),
  ];
  // A spec's own settings are settings too: a near miss of one (MY_REQUEST for MY_REQUESTS) is a typo.
  const typos = findTypos(seen, [...reader.rules.map((rule) => rule.name), ...(options.declared ?? [])], known);
  const warn = options.warn ?? ((message: string) => console.warn(`[perf] config: ${message}`));
  for (const typo of typos) if (typo.level === 'warning') warn(typo.message);
  const problems = [...reader.problems, ...typos.filter((typo) => typo.level === 'error').map((typo) => typo.message)];
  if (problems.length > 0) throw new ConfigError(problems);
  // The one check that needs the file system: a baseline that is not there would only be noticed after the run.
  const baseline = config.baseline.path;
  if (baseline !== undefined && !existsSync(resolve(root, baseline))) {
    throw new ConfigError([
      `PERF_BASELINE=${JSON.stringify(baseline)}: no such file or directory (save one with \`npm run perf:baseline\`, or leave PERF_BASELINE empty)`,
    ]);
  }
  return config;
}

/** What a spec file declares its own settings with: the suite's reader, with the same checks and messages. */
export interface SettingsReader {
  /** A request count, multiplied by PERF_SCALE like the built-in specs' counts. */
  count(name: string, fallback: number): number;
  int(name: string, fallback: number, min: number, max: number): number;
  number(name: string, fallback: number, min: number, max: number): number;
  bool(name: string, fallback: boolean): boolean;
  choice<T extends string>(name: string, values: readonly T[], fallback: T): T;
}

/** Reads the settings `declare` asks for from `env` (pure). Throws ConfigError naming every bad variable. */
export function parseSpecSettings<T>(declare: (env: SettingsReader) => T, env: Env): T {
  const r = new EnvReader(env);
  const scale = r.number('PERF_SCALE', 1, 0.01, 100);
  const reader: SettingsReader = {
    count: (name, fallback) => scaleCount(r.int(name, fallback, 1, MAX_REQUESTS), scale),
    int: (name, fallback, min, max) => r.int(name, fallback, min, max),
    number: (name, fallback, min, max) => r.number(name, fallback, min, max),
    bool: (name, fallback) => r.bool(name, fallback),
    choice: (name, values, fallback) => r.choice(name, values, fallback),
  };
  const settings = declare(reader);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return settings;
}

/**
 * A spec file's own settings, read from the environment and the .env files like the suite's:
 * call it at the top of the spec file, so a bad value fails the spec before it sends anything,
 * naming the variable. (The built-in specs' settings are read at set-up, before any spec.)
 */
export function specSettings<T>(declare: (env: SettingsReader) => T, root = process.cwd()): T {
  loadEnvFiles(root, process.env);
  return parseSpecSettings(declare, process.env);
}

/** The config as it may be written into a report: the secret never leaves the process. */
export function redactConfig(config: PerfConfig): PerfConfig {
  return { ...config, secret: '[redacted]' };
}
