// npm run load's command line, pure: every flag, its default, and bad values naming the flag.
import { describe, expect, it } from 'vitest';
import { flatPayload, jsonObjectBody, LOAD_TEST_DEFAULTS, LoadTestOptionError, wrappedPayload } from '#engine';
import { emptyBody } from '../../helpers/engine/body-checks.ts';
import { helpText, parseCommandLine, UsageError, type LoadCommand } from '../../helpers/cli/index.ts';
import { defaultMaxDurationMs, parseRate, usageFromOptionError } from '../../helpers/cli/arguments.ts';
import { FLAGS, MAX_DURATION_MARGIN_MS, wrap } from '../../helpers/cli/flags.ts';

const URL = 'http://127.0.0.1:8801/webhook/freshdesk';
const ENV = { WEBHOOK_SECRET: 'the-secret', OTHER_SECRET: 'another' };

function run(args: string[], env: Record<string, string | undefined> = ENV): LoadCommand {
  const command = parseCommandLine(['--url', URL, ...args], env);
  if (command.kind !== 'run') throw new Error('expected a run');
  return command;
}

/** The UsageError `args` raise. */
function usage(args: string[], env: Record<string, string | undefined> = ENV): UsageError {
  try {
    parseCommandLine(args, env);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`no UsageError for ${args.join(' ')}`);
}

describe('parseCommandLine: defaults', () => {
  it('needs only --url and the secret in WEBHOOK_SECRET', () => {
    const { options, thresholds, settings } = run([]);
    expect(options).toMatchObject({
      url: URL,
      secret: 'the-secret',
      totalRequests: 100,
      requestsPerSecond: 10,
      timeoutMs: LOAD_TEST_DEFAULTS.timeoutMs,
      signatureHeader: 'X-Freshdesk-Signature',
    });
    expect(options.concurrency).toBeUndefined(); // the engine's min(requests, 256)
    expect(options.payload).toBeUndefined(); // the engine's flatPayload (its fast path)
    expect(options.checkBody).toBeUndefined(); // --success-body any: bodies are not read
    expect(options.progress).toBeUndefined();
    expect(options.isSuccess?.(200)).toBe(true);
    expect(options.isSuccess?.(202)).toBe(false);
    // 100 requests at 10/s: the last is due at 9.9 s; plus the timeout and the margin.
    expect(options.maxDurationMs).toBe(9900 + 30_000 + MAX_DURATION_MARGIN_MS);
    expect(thresholds).toEqual([]);
    expect(settings).toMatchObject({
      rate: '10/s',
      reportDir: 'reports/load',
      secretEnv: 'WEBHOOK_SECRET',
      progress: false,
      payload: 'flat',
    });
  });

  it('keeps the secret out of the settings the report records', () => {
    const { settings } = run(['--secret-env', 'OTHER_SECRET']);
    expect(JSON.stringify(settings)).not.toContain('another');
    expect(settings.secretEnv).toBe('OTHER_SECRET');
  });

  it('--help and -h, whatever else is given', () => {
    expect(parseCommandLine(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCommandLine(['-h', '--requests', 'nonsense'], {})).toEqual({ kind: 'help' });
  });
});

describe('parseCommandLine: every flag', () => {
  it('--rate: N/s, N/m and burst', () => {
    expect(run(['--rate', '25/s']).options.requestsPerSecond).toBe(25);
    expect(run(['--rate', '600/m']).options.requestsPerSecond).toBe(10);
    expect(run(['--rate', '1.5/s']).options.requestsPerSecond).toBe(1.5);
    const burst = run(['--rate', 'burst', '--requests', '50']);
    expect('requestsPerSecond' in burst.options).toBe(false);
    expect(burst.settings.requestsPerSecond).toBeNull();
    expect(burst.options.maxDurationMs).toBe(0 + 30_000 + MAX_DURATION_MARGIN_MS);
    expect(parseRate('BURST')).toBeUndefined();
    expect(parseRate('100/m')).toBeCloseTo(100 / 60, 12);
  });

  it('--requests, --concurrency, --timeout-ms, --max-duration-ms', () => {
    const { options } = run(['--requests', '300', '--concurrency', '8', '--timeout-ms', '2500', '--max-duration-ms', '45000']);
    expect(options).toMatchObject({ totalRequests: 300, concurrency: 8, timeoutMs: 2500, maxDurationMs: 45_000 });
    // The default bound follows the plan and the timeout.
    expect(run(['--requests', '300', '--timeout-ms', '2500']).options.maxDurationMs).toBe(29_900 + 2500 + MAX_DURATION_MARGIN_MS);
    expect(defaultMaxDurationMs(1, undefined, 100)).toBe(100 + MAX_DURATION_MARGIN_MS);
    expect(run(['--requests=7']).options.totalRequests).toBe(7);
  });

  it('--payload flat|wrapped', () => {
    expect(run(['--payload', 'flat']).options.payload).toBeUndefined();
    expect(run(['--payload', 'wrapped']).options.payload).toBe(wrappedPayload);
    expect(run(['--payload', 'wrapped']).settings.payload).toBe('wrapped');
    expect(wrappedPayload).not.toBe(flatPayload);
  });

  it('--secret-env names the variable the secret is read from', () => {
    expect(run(['--secret-env', 'OTHER_SECRET']).options.secret).toBe('another');
  });

  it('--signature-header', () => {
    expect(run(['--signature-header', 'X-Hub-Signature-256']).options.signatureHeader).toBe('X-Hub-Signature-256');
  });

  it('--success-statuses (SUCCESS_STATUSES grammar) and --success-body', () => {
    const classes = run(['--success-statuses', '2xx']);
    expect(classes.options.isSuccess?.(202)).toBe(true);
    expect(classes.options.isSuccess?.(301)).toBe(false);
    expect(classes.settings.successStatuses).toHaveLength(100);
    const list = run(['--success-statuses', '200,202']);
    expect([200, 201, 202].map((s) => list.options.isSuccess?.(s))).toEqual([true, false, true]);
    expect(run(['--success-body', 'json-object']).options.checkBody).toBe(jsonObjectBody);
    expect(run(['--success-body', 'empty']).options.checkBody).toBe(emptyBody);
    expect(run(['--success-body', 'any']).options.checkBody).toBeUndefined();
  });

  it('--report-dir and --progress', () => {
    const { settings, options } = run(['--report-dir', '/tmp/mine', '--progress']);
    expect(settings).toMatchObject({ reportDir: '/tmp/mine', progress: true });
    expect(options.progress).toBe(true); // snapshots even for a run under 10 s
  });

  it('progress: on by default in a terminal, off elsewhere; --no-progress turns it off in a terminal too', () => {
    const inTerminal = (args: string[]) => parseCommandLine(['--url', URL, ...args], ENV, { terminal: true });
    expect(run([]).settings.progress).toBe(false);
    expect((inTerminal([]) as LoadCommand).settings.progress).toBe(true);
    expect((inTerminal(['--no-progress']) as LoadCommand).settings.progress).toBe(false);
  });

  it('thresholds: one per flag, on the load phase, latency maxes as < (as the specs), failures as <=, mins as >=', () => {
    const { thresholds } = run([
      '--max-p50',
      '500',
      '--max-p95',
      '2000',
      '--max-p99',
      '5000',
      '--max-latency',
      '9000',
      '--min-success',
      '99.5',
      '--max-failures',
      '0',
      '--min-throughput',
      '90',
    ]);
    expect(thresholds).toEqual([
      { metric: 'successRatePercent', phase: 'load', op: '>=', value: 99.5 },
      { metric: 'p50Ms', phase: 'load', op: '<', value: 500 },
      { metric: 'p95Ms', phase: 'load', op: '<', value: 2000 },
      { metric: 'p99Ms', phase: 'load', op: '<', value: 5000 },
      { metric: 'maxMs', phase: 'load', op: '<', value: 9000 },
      { metric: 'failures', phase: 'load', op: '<=', value: 0 },
      { metric: 'throughputPerMinute', phase: 'load', op: '>=', value: 90 },
    ]);
  });
});

describe('parseCommandLine: bad usage names the flag and the fix, before any request', () => {
  const cases: [string[], string | RegExp][] = [
    [[], '--url is required'],
    [['--url', 'ftp://example.com/x'], '--url "ftp://example.com/x": expected an absolute http:// or https:// URL'],
    [['--url', 'http://user:pw@127.0.0.1/x'], '--url "http://user:pw@127.0.0.1/x": expected a URL without credentials'],
    [['--url', URL, '--rate', '10'], '--rate "10": expected N/s (per second), N/m (per minute) or burst'],
    [['--url', URL, '--rate', '0/s'], '--rate "0/s": the rate must be above 0'],
    [['--url', URL, '--rate', '10/h'], '--rate "10/h"'],
    [['--url', URL, '--requests', 'lots'], '--requests "lots": expected a positive integer up to 10000000'],
    [['--url', URL, '--requests', '0'], '--requests "0": expected a positive integer'],
    [['--url', URL, '--requests', '1.5'], '--requests "1.5": expected a positive integer'],
    [['--url', URL, '--requests', ''], '--requests "": expected a positive integer'],
    [['--url', URL, '--concurrency', '0'], '--concurrency "0": expected a positive integer up to 10000'],
    [['--url', URL, '--concurrency', '0x10'], '--concurrency "0x10": expected a positive integer'],
    [['--url', URL, '--timeout-ms', '50'], '--timeout-ms "50": expected a whole number of milliseconds from 100 to 600000'],
    [['--url', URL, '--max-duration-ms=-1'], '--max-duration-ms "-1": expected a finite number of milliseconds > 0'],
    [['--url', URL, '--max-duration-ms', '-1'], '--max-duration-ms "-1": a value starting with - is written --max-duration-ms=-1'],
    [['--url', URL, '--payload', 'xml'], '--payload "xml": expected flat or wrapped'],
    [['--url', URL, '--secret-env', 'my-secret!'], '--secret-env "my-secret!": expected the name of an environment variable'],
    [['--url', URL, '--secret-env', 'MISSING'], '--secret-env MISSING: the environment variable MISSING is not set or empty'],
    [['--url', URL, '--signature-header', 'bad header'], '--signature-header "bad header": expected a header name'],
    [['--url', URL, '--success-statuses', '200,429'], '--success-statuses "200,429": 429 is the rate limiter\'s refusal'],
    [['--url', URL, '--success-statuses', 'ok'], '--success-statuses "ok": expected HTTP statuses or classes'],
    [['--url', URL, '--success-body', 'json'], '--success-body "json": expected any, json-object or empty'],
    [['--url', URL, '--max-p95', 'fast'], '--max-p95 "fast": expected a number 0 or more'],
    [['--url', URL, '--max-p50=-5'], '--max-p50 "-5": expected a number 0 or more'],
    [['--url', URL, '--max-p99', ''], '--max-p99 "": expected a number'],
    [['--url', URL, '--max-latency', 'Infinity'], '--max-latency "Infinity": expected a number'],
    [['--url', URL, '--min-success', '101'], '--min-success "101": expected a number from 0 to 100'],
    [['--url', URL, '--max-failures', '0.5'], '--max-failures "0.5": expected a whole number 0 or more'],
    [['--url', URL, '--min-throughput', 'x'], '--min-throughput "x": expected a number 0 or more'],
    [['--url', URL, '--bogus', '1'], 'unknown flag --bogus; see --help'],
    [['--url', URL, '--requests'], '--requests needs a value, e.g. --requests 100'],
    [['--url', URL, '--progress=yes'], '--progress takes no value: it is a switch'],
    [['--url', URL, 'extra'], /Unexpected argument 'extra'.*every value follows its flag/],
    [['--url', URL, '--secret', 'hunter2'], '--secret is not accepted: a secret on the command line lands in shell history'],
    [['--url', URL, '--secret=hunter2'], '--secret is not accepted'],
  ];

  it.each(cases)('%j', (args, message) => {
    const error = usage(args);
    if (typeof message === 'string') expect(error.message).toContain(message);
    else expect(error.message).toMatch(message);
  });

  it('never echoes a secret given as a flag', () => {
    expect(usage(['--url', URL, '--secret', 'hunter2']).message).not.toContain('hunter2');
  });

  it('an empty secret variable is refused like a missing one', () => {
    expect(usage(['--url', URL], { WEBHOOK_SECRET: '' }).message).toContain('--secret-env WEBHOOK_SECRET: the environment variable');
  });

  it('maps the engine option errors to their flags', () => {
    const error = usageFromOptionError(new LoadTestOptionError('timeoutMs', 0, 'a finite number of milliseconds > 0'), {
      'timeout-ms': '0',
    });
    expect(error.message).toBe('--timeout-ms "0": expected a finite number of milliseconds > 0');
    expect(error.flag).toBe('timeout-ms');
    const secret = usageFromOptionError(new LoadTestOptionError('secret', '', 'a non-empty string'), {});
    expect(secret.message).toBe('--secret-env: the secret is not usable; expected a non-empty string');
  });
});

describe('--help', () => {
  const text = helpText();
  it('lists every flag with its default', () => {
    for (const [name, spec] of Object.entries(FLAGS)) {
      expect(text).toContain(`--${name}`);
      const shown = (spec as { default?: string }).default ?? (spec as { defaultText?: string }).defaultText ?? 'none';
      expect(text.replace(/\s+/g, ' ')).toContain(`(default: ${shown})`);
    }
  });

  it('says the secret never comes from a flag, and lists the exit codes', () => {
    expect(text).toContain('never from a flag');
    expect(text).toContain('shell history');
    for (const code of ['0 ', '1 ', '2 ', '3 ', '130 ']) expect(text).toContain(`\n  ${code}`);
  });

  it('wraps at a readable width', () => {
    expect(Math.max(...text.split('\n').map((line) => line.length))).toBeLessThanOrEqual(110);
    expect(wrap('a bb ccc', 4)).toEqual(['a bb', 'ccc']);
  });
});
