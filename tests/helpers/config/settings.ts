// The suite's configuration: every variable of .env.test, typed, validated once and
// described where it is declared (the description is the configuration reference's,
// docs/configuration.md, written by `npm run docs:settings`). A bad value stops the run
// before any traffic, with a message naming the variable, the value and what is allowed.
// A spec's own knobs are not here: each spec declares them with setting().
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import dotenv from 'dotenv';
import { DEFAULT_TARGETS, METRICS, parseTargets, type Target } from '../analysis/index.ts';
import {
  isAutoRateLimit,
  parseRateLimit,
  policyFromHeaders,
  RATE_LIMIT_FORMS,
  type DeclaredRateLimit,
  type RateLimitPolicy,
} from '../rate-limit/index.ts';
import { composeInterpolations, findTypos, type SeenVariable } from './typos.ts';

export const STACK_CHOICES = ['auto', 'embedded', 'compose', 'external'] as const;
export type StackChoice = (typeof STACK_CHOICES)[number];

export interface PerfConfig {
  stack: {
    choice: StackChoice;
    webhookUrl: string | undefined;
    /** WEBHOOK_HEALTH_URL: undefined = derived from the webhook URL; null = none (no health check). */
    healthUrl: string | null | undefined;
    metricsUrl: string | undefined;
    /** WEBHOOK_PROMETHEUS_URL: the service's Prometheus text endpoint (its memory and CPU); undefined = none. */
    prometheusUrl: string | undefined;
    composeFiles: string[];
    /** Extra environment for the embedded stack's Freshdesk mock (e.g. a raised FRESHDESK_LATENCY_MS). */
    embeddedMockEnv: Record<string, string>;
    /** Extra environment for the embedded stack's webhook service (e.g. RATE_LIMIT_HEADERS=false). */
    embeddedWebhookEnv: Record<string, string>;
  };
  /** The service's declared rate-limit policy (RATE_LIMIT); null = the service does not limit. */
  rateLimit: RateLimitPolicy | null;
  /** RATE_LIMIT=auto: the global setup reads the policy from the service's headers into rateLimit (null until then). */
  rateLimitAuto: boolean;
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
  baseline: {
    path: string | undefined;
    maxRegressionPercent: number;
    maxSuccessDropPoints: number;
    confidence: number;
    resamples: number;
    /** PERF_BASELINE_ANY_TARGET: compare with a baseline of another target too (analysis/run-target.ts). */
    anyTarget: boolean;
  };
  requestTimeoutMs: number;
  /** PERF_TARGETS: the suite's targets, added by toMeet to every phase it judges as `warn` thresholds. */
  targets: Target[];
}

/** What every variable's declaration says of it, for the reference (docs/configuration.md) and the tests. */
interface VariableDoc {
  name: string;
  /** One line: what the variable does. */
  doc: string;
  /** The value when it is not set, as written in .env.test ('' when none). */
  default: string;
}

/** What a variable accepts; kept so tests and docs can enumerate every variable. */
export type VariableRule = VariableDoc &
  (
    | { kind: 'int' | 'number'; min: number; max: number }
    | { kind: 'bool' }
    | { kind: 'enum'; values: readonly string[] }
    /** `none`: the word none is accepted too (WEBHOOK_HEALTH_URL=none: no such endpoint). */
    | { kind: 'url'; optional: true; none?: true }
    /** `accepts`: what the text must be, when not anything. */
    | { kind: 'string'; accepts?: string }
    | { kind: 'list' }
    /** A value with its own grammar (`accepts` says it); `bad` is one it refuses (for the tests that try every variable). */
    | { kind: 'pattern'; bad: string; accepts: string }
  );

/** What a variable accepts, in words (the reference's column). */
export function acceptsOf(rule: VariableRule): string {
  switch (rule.kind) {
    case 'int':
      return `a whole number from ${rule.min} to ${rule.max}`;
    case 'number':
      return `a number from ${rule.min} to ${rule.max}`;
    case 'bool':
      return 'true or false';
    case 'enum':
      return rule.values.join(', ');
    case 'url':
      return `an http:// or https:// URL${rule.none ? ', or none' : ''}`;
    case 'string':
      return rule.accepts ?? 'any text';
    case 'list':
      return 'a comma-separated list';
    case 'pattern':
      return rule.accepts;
  }
}

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

/**
 * Reads variables with defaults, collecting every problem instead of stopping at the first.
 * Each call declares one variable: its name, its default, what it accepts and (the last
 * argument) its one-line description, all kept in `rules` for the reference and the tests.
 */
class EnvReader {
  readonly problems: string[] = [];
  readonly rules: VariableRule[] = [];

  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  number(name: string, fallback: number, min: number, max: number, doc: string, kind: 'int' | 'number' = 'number'): number {
    this.rules.push({ name, kind, min, max, doc, default: String(fallback) });
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

  int(name: string, fallback: number, min: number, max: number, doc: string): number {
    return this.number(name, fallback, min, max, doc, 'int');
  }

  bool(name: string, fallback: boolean, doc: string): boolean {
    this.rules.push({ name, kind: 'bool', doc, default: String(fallback) });
    const raw = this.raw(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name}=${JSON.stringify(raw)}: expected true or false`);
    return fallback;
  }

  choice<T extends string>(name: string, values: readonly T[], fallback: T, doc: string): T {
    this.rules.push({ name, kind: 'enum', values, doc, default: fallback });
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if ((values as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name}=${JSON.stringify(raw)}: expected one of ${values.join(', ')}`);
    return fallback;
  }

  url(name: string, doc: string): string | undefined {
    this.rules.push({ name, kind: 'url', optional: true, doc, default: '' });
    return this.checkedUrl(name, this.raw(name), '');
  }

  /** A URL, or `none` for an endpoint the service does not have (null). */
  urlOrNone(name: string, doc: string): string | null | undefined {
    this.rules.push({ name, kind: 'url', optional: true, none: true, doc, default: '' });
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

  /** Any text; `accepts` says what it must be when that is checked elsewhere (envPairs). */
  string(name: string, fallback: string, doc: string, accepts?: string): string {
    this.rules.push({ name, kind: 'string', doc, default: fallback, ...(accepts === undefined ? {} : { accepts }) });
    return this.raw(name) ?? fallback;
  }

  /** A value parsed by `parse`, which returns the value or a string naming what is wrong; `accepts` says the grammar. */
  pattern<T>(
    name: string,
    fallback: string,
    parse: (raw: string) => T | string,
    { bad, accepts }: { bad: string; accepts: string },
    doc: string,
  ): T {
    this.rules.push({ name, kind: 'pattern', bad, accepts, doc, default: fallback });
    const raw = this.raw(name) ?? fallback;
    const parsed = parse(raw);
    if (typeof parsed !== 'string') return parsed;
    this.problems.push(`${name}=${JSON.stringify(raw)}: ${parsed}`);
    const fallbackValue = parse(fallback);
    return fallbackValue as T;
  }

  list(name: string, fallback: string[], doc: string): string[] {
    this.rules.push({ name, kind: 'list', doc, default: fallback.join(',') });
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

/** Multiplies a request count by PERF_SCALE, keeping at least one request. */
export function scaleCount(count: number, scale: number): number {
  return Math.max(1, Math.round(count * scale));
}

/** `NAME=value NAME=value` (space-separated: values such as stall windows hold commas). */
function envPairs(
  r: EnvReader,
  name: string,
  { allowed, form, whose, example, accepts }: { allowed: RegExp; form: string; whose: string; example: string; accepts: string },
  doc: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const item of r.string(name, '', doc, accepts).split(/\s+/).filter(Boolean)) {
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

/** The figures of the targets table an earlier version read (TARGET_* and ACCEPTABLE_*), by the metric PERF_TARGETS names. */
const RETIRED_TARGETS: Record<string, { metric: keyof typeof METRICS; op: string }> = {
  SUCCESS_RATE_PERCENT: { metric: 'successRatePercent', op: '>' },
  P50_MS: { metric: 'p50Ms', op: '<' },
  P95_MS: { metric: 'p95Ms', op: '<' },
  P99_MS: { metric: 'p99Ms', op: '<' },
  THROUGHPUT_PER_MIN: { metric: 'throughputPerMinute', op: '>=' },
};

/** Variables an earlier version read, with what to write instead (given the value set). */
const RETIRED: Record<string, (value: string) => string> = {
  EXPECT_RATE_LIMIT: () =>
    "is no longer read: declare the service's policy instead, RATE_LIMIT=100/60s (requests per window, sliding, per client; the contract's) " +
    'or RATE_LIMIT=none for a service without rate limiting (what EXPECT_RATE_LIMIT=false meant)',
  ...Object.fromEntries(
    Object.entries(RETIRED_TARGETS).flatMap(([suffix, { metric, op }]) => [
      [
        `TARGET_${suffix}`,
        (value: string) =>
          `is no longer read: the targets are one setting, PERF_TARGETS (default ${DEFAULT_TARGETS}); ` +
          `write its ${metric} item as ${metric}${op}${value.trim()}. A missed target is a warning, never a failure`,
      ],
      [
        `ACCEPTABLE_${suffix}`,
        () =>
          "is no longer read: what is acceptable is what each spec's own thresholds assert, set with the spec's settings " +
          '(e.g. STANDARD_MAX_P95_MS, STANDARD_MIN_SUCCESS_PERCENT; docs/configuration.md lists them); the targets are PERF_TARGETS',
      ],
    ]),
  ),
};

/**
 * RATE_LIMIT=auto resolved from the rate-limit headers of the service's answer to a signed probe,
 * or a ConfigError (before any load) saying what the headers lacked and how to declare the policy.
 */
export function autoRateLimit(probeHeaders: Readonly<Record<string, string>>, webhookUrl: string): RateLimitPolicy {
  const policy = policyFromHeaders(probeHeaders);
  if (typeof policy !== 'string') return policy;
  throw new ConfigError([
    `RATE_LIMIT=auto reads the policy from the service's headers, but ${webhookUrl}: ${policy}. ` +
      `Declare it instead: RATE_LIMIT=${RATE_LIMIT_FORMS} (docs/rate-limits.md)`,
  ]);
}

/** RATE_LIMIT as the config keeps it: auto is resolved by the global setup. */
function declaredRateLimit(declared: DeclaredRateLimit): Pick<PerfConfig, 'rateLimit' | 'rateLimitAuto'> {
  return isAutoRateLimit(declared) ? { rateLimit: null, rateLimitAuto: true } : { rateLimit: declared, rateLimitAuto: false };
}

function parse(env: Env): { config: PerfConfig; reader: EnvReader } {
  const r = new EnvReader(env);
  const config: PerfConfig = {
    stack: {
      choice: r.choice(
        'WEBHOOK_STACK',
        STACK_CHOICES,
        'auto',
        'Which service to load: auto is external when WEBHOOK_URL is set, else compose when Docker and Compose v2 answer, else embedded (stack/ as child processes)',
      ),
      webhookUrl: r.url(
        'WEBHOOK_URL',
        'The webhook endpoint of a running service; the health and metrics URLs are derived from it (its last path segment replaced by health, metrics) unless set',
      ),
      healthUrl: r.urlOrNone(
        'WEBHOOK_HEALTH_URL',
        "The service's health endpoint; empty: derived from WEBHOOK_URL; none: there is none (the preflight's signed probe is the readiness check)",
      ),
      metricsUrl: r.url('WEBHOOK_METRICS_URL', "The service's metrics endpoint; empty: derived from WEBHOOK_URL"),
      prometheusUrl: r.url(
        'WEBHOOK_PROMETHEUS_URL',
        "The service's Prometheus text endpoint (e.g. http://127.0.0.1:9100/metrics): its memory and CPU (process_resident_memory_bytes, process_cpu_seconds_total) when the metrics document has no process.rss_bytes; empty: none",
      ),
      composeFiles: r.list(
        'WEBHOOK_COMPOSE_FILES',
        ['docker-compose.yml'],
        'The compose files of the compose stack (docker-compose.yml,docker-compose.host.yml on machines without bridge networking)',
      ),
      embeddedMockEnv: envPairs(
        r,
        'EMBEDDED_MOCK_ENV',
        {
          allowed: /^FRESHDESK_/,
          form: 'FRESHDESK_NAME=value',
          whose: "the mock's",
          example: 'FRESHDESK_LATENCY_MS=600',
          accepts: 'space-separated FRESHDESK_NAME=value pairs',
        },
        "Extra variables for the embedded stack's Freshdesk mock, e.g. FRESHDESK_LATENCY_MS=600 to slow it down on purpose (stack/README.md)",
      ),
      // The secret, port and host are the suite's to set.
      embeddedWebhookEnv: envPairs(
        r,
        'EMBEDDED_WEBHOOK_ENV',
        {
          allowed: /^(?!WEBHOOK_SECRET$|PORT$|HOST$)/,
          form: 'NAME=value',
          whose: "the webhook service's (not WEBHOOK_SECRET, PORT or HOST)",
          example: 'RATE_LIMIT_HEADERS=false',
          accepts: 'space-separated NAME=value pairs (not WEBHOOK_SECRET, PORT or HOST)',
        },
        'Extra variables for the embedded webhook service, e.g. RATE_LIMIT_HEADERS=false for a bare 429 or RATE_LIMIT_ALGORITHM=off',
      ),
    },
    secret: r.string('WEBHOOK_SECRET', '', 'The HMAC-SHA256 key the service verifies X-Freshdesk-Signature with (required)'),
    ...declaredRateLimit(
      r.pattern(
        'RATE_LIMIT',
        '100/60s',
        parseRateLimit,
        { bad: '100 per minute', accepts: RATE_LIMIT_FORMS },
        "The service's rate-limit policy per client: every spec waits for room in it, burst checks the limiter against it " +
          '(docs/rate-limits.md); auto: read from its RateLimit-Policy/RateLimit or X-RateLimit-* headers; none: the service does not limit',
      ),
    ),
    success: {
      statuses: r.pattern(
        'SUCCESS_STATUSES',
        '200',
        parseStatuses,
        { bad: '2xy', accepts: 'HTTP statuses or classes, comma-separated (200,202 or 2xx; never 429)' },
        'The HTTP statuses that count as a success',
      ),
      body: r.choice(
        'SUCCESS_BODY',
        SUCCESS_BODIES,
        'json-object',
        "What a success's body must be: a JSON object (the contract's answer), anything, or empty; else the request is a bad_body failure",
      ),
    },
    requestTimeoutMs: r.int(
      'REQUEST_TIMEOUT_MS',
      30_000,
      100,
      600_000,
      'How long one request may take, in ms, before it counts as a timeout',
    ),
    scale: r.number(
      'PERF_SCALE',
      1,
      0.01,
      100,
      "Multiplies every request count a spec declares as a count (setting('NAME', n, 'count')), keeping the rates; 0.1 for a quick run",
    ),
    reportDir: r.string(
      'PERF_REPORT_DIR',
      'reports/performance',
      'Where the JSON reports, the HTML overview, summary.md and the history go',
    ),
    repeat: {
      count: r.int(
        'PERF_REPEAT',
        1,
        1,
        10,
        "Runs each spec's loads this many times: thresholds judge the median run, the report shows each figure's spread",
      ),
      maxCvPercent: r.number(
        'PERF_REPEAT_MAX_CV_PERCENT',
        20,
        0,
        1000,
        'Repeated runs agree when P50 and P95 vary by at most this coefficient of variation, percent (and the success rate by at most 5 points)',
      ),
    },
    history: r.string(
      'PERF_HISTORY',
      '',
      'The file every spec report appends a line of history to (npm run perf:history prints the trend); empty: history.jsonl in PERF_REPORT_DIR; none: no history',
    ),
    targets: r.pattern(
      'PERF_TARGETS',
      DEFAULT_TARGETS,
      parseTargets,
      {
        bad: 'p95<2000',
        accepts: `comma-separated metric, operator (< <= > >= ==) and number, or none; metrics: ${Object.keys(METRICS).join(', ')}`,
      },
      "The suite's targets (the contract's target column): toMeet checks them on every phase it judges, and a miss is shown as warn, never a failure",
    ),
    baseline: {
      path:
        r.string(
          'PERF_BASELINE',
          '',
          "An earlier run to compare every spec with: a directory saved by npm run perf:baseline, or one spec's JSON report; empty: no comparison",
        ) || undefined,
      // 10 %: what the calibration (npm run perf:calibrate) showed the intervals can tell apart here.
      maxRegressionPercent: r.number(
        'PERF_BASELINE_MAX_REGRESSION_PERCENT',
        10,
        0,
        100_000,
        'A latency (P50, P95, P99) rising more than this percent over the baseline fails the spec (the whole confidence interval beyond it, and by at least 20 ms)',
      ),
      maxSuccessDropPoints: r.number(
        'PERF_BASELINE_MAX_SUCCESS_DROP_POINTS',
        5,
        0,
        100,
        'A success rate falling more than this many percentage points below the baseline fails the spec (the whole interval beyond it)',
      ),
      confidence: r.number(
        'PERF_BASELINE_CONFIDENCE',
        95,
        50,
        99.9,
        "Confidence, percent, of the baseline comparison's bootstrap intervals",
      ),
      resamples: r.int('PERF_BASELINE_RESAMPLES', 2000, 100, 100_000, "Bootstrap resamples of the baseline comparison's intervals"),
      anyTarget: r.bool(
        'PERF_BASELINE_ANY_TARGET',
        false,
        'Compare with a baseline of another target too (service, provider, PERF_SCALE, RATE_LIMIT or success rule), saying so first in the verdict; false: such a baseline is not compared (a skipped check with the reason)',
      ),
    },
  };

  if (config.secret === '')
    r.problems.push(
      'WEBHOOK_SECRET is empty: set it to the secret the service verifies signatures with (the test stack uses test_secret_key_12345)',
    );
  for (const [name, instead] of Object.entries(RETIRED)) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') r.problems.push(`${name} ${instead(value)}`);
  }
  if (config.stack.choice === 'external' && !config.stack.webhookUrl) {
    r.problems.push(
      "WEBHOOK_STACK=external needs WEBHOOK_URL, the service's webhook endpoint (e.g. http://127.0.0.1:8801/webhook/freshdesk)",
    );
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
  // A spec's knobs are described where the spec declares them (docs/configuration.md reads them from there).
  const r = new EnvReader(env);
  const scale = r.number('PERF_SCALE', 1, 0.01, 100, '');
  const reader: SettingsReader = {
    count: (name, fallback) => scaleCount(r.int(name, fallback, 1, MAX_REQUESTS, ''), scale),
    int: (name, fallback, min, max) => r.int(name, fallback, min, max, ''),
    number: (name, fallback, min, max) => r.number(name, fallback, min, max, ''),
    bool: (name, fallback) => r.bool(name, fallback, ''),
    choice: (name, values, fallback) => r.choice(name, values, fallback, ''),
  };
  const settings = declare(reader);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return settings;
}

/**
 * A spec file's own settings, read from the environment and the .env files like the suite's:
 * call it at the top of the spec file, so a bad value fails the spec before it sends anything,
 * naming the variable. (The suite's settings are read at set-up, before any spec.)
 */
export function specSettings<T>(declare: (env: SettingsReader) => T, root = process.cwd()): T {
  loadEnvFiles(root, process.env);
  return parseSpecSettings(declare, process.env);
}

/** The config as it may be written into a report: the secret never leaves the process. */
export function redactConfig(config: PerfConfig): PerfConfig {
  return { ...config, secret: '[redacted]' };
}
