// From argv and the environment to what `npm run load` will do: runLoadTest's
// options (checked by the engine's own validateOptions, its errors renamed to
// the flags), the thresholds, and a secret-free record of the settings for the
// report. Pure: reads nothing but its arguments, sends nothing.
import { parseArgs } from 'node:util';
import {
  bodyCheckFor,
  defaultTicketIdStart,
  formatSegment,
  LoadTestOptionError,
  parseSegment,
  segmentProblem,
  type SegmentSpec,
  plannedDurationMs,
  statusIn,
  validateOptions,
  wrappedPayload,
  type LoadTestOptions,
} from '#engine';
import type { Metric, Threshold, ThresholdOp } from '../analysis/index.ts';
import { parseStatuses } from '../config/index.ts';
import { DEFAULT_SECRET_ENV, FLAGS, MAX_DURATION_MARGIN_MS, parseArgsOptions, type FlagName } from './flags.ts';

/** A command line that cannot run; the message names the flag, the value and the fix. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly flag?: string,
  ) {
    super(message);
  }
}

/** The phase the command's run is recorded and judged under. */
export const PHASE = 'load';

/** The run's settings as the report keeps them: everything but the secret. */
export interface CommandSettings {
  url: string;
  rate: string;
  /** null = burst. */
  requestsPerSecond: number | null;
  requests: number;
  /** null = the engine's default, min(requests, 256). */
  concurrency: number | null;
  timeoutMs: number;
  maxDurationMs: number;
  payload: 'flat' | 'wrapped';
  /** The variable the secret was read from (its value is never kept). */
  secretEnv: string;
  signatureHeader: string;
  successStatuses: number[];
  successBody: 'any' | 'json-object' | 'empty';
  reportDir: string;
  progress: boolean;
  /** `I/N` when the run is one segment of a plan; null for the whole plan. */
  segment: string | null;
  /** The shared start, epoch ms; null = now. */
  startAt: number | null;
  /** Worker threads running the plan's segments (1: this process alone). */
  workers: number;
  /** Where a Markdown summary is appended; null = none. */
  markdown: string | null;
}

export interface LoadCommand {
  kind: 'run';
  /**
   * runLoadTest's options, secret included, without the signal (the script's edge adds it). With
   * --segment they carry the segment, the shared start and the plan's first ticket id.
   */
  options: LoadTestOptions;
  thresholds: Threshold[];
  settings: CommandSettings;
  /** The plan's first ticket id: shared by every segment (from --start-at), so their ids never meet. */
  ticketIdStart: number;
  segment: SegmentSpec | null;
  workers: number;
}

/** `npm run load -- merge PATH...`: the results to merge and the thresholds to judge them by. */
export interface MergeCommand {
  kind: 'merge';
  paths: string[];
  thresholds: Threshold[];
  reportDir: string;
  markdown: string | null;
}

export type Command = { kind: 'help' } | LoadCommand | MergeCommand;

type Env = Readonly<Record<string, string | undefined>>;

/** runLoadTest's option names, as the flags that set them. */
const FLAG_OF_OPTION: Record<string, FlagName> = {
  url: 'url',
  secret: 'secret-env',
  totalRequests: 'requests',
  requestsPerSecond: 'rate',
  concurrency: 'concurrency',
  timeoutMs: 'timeout-ms',
  maxDurationMs: 'max-duration-ms',
  signatureHeader: 'signature-header',
  segment: 'segment',
  startAt: 'start-at',
};

const THRESHOLD_FLAGS: { flag: FlagName; metric: Metric; op: ThresholdOp; max?: number; integer?: boolean }[] = [
  { flag: 'min-success', metric: 'successRatePercent', op: '>=', max: 100 },
  // Latencies strictly below, as the specs' thresholds say them (p95Ms: ['<', 2000]).
  { flag: 'max-p50', metric: 'p50Ms', op: '<' },
  { flag: 'max-p95', metric: 'p95Ms', op: '<' },
  { flag: 'max-p99', metric: 'p99Ms', op: '<' },
  { flag: 'max-latency', metric: 'maxMs', op: '<' },
  { flag: 'max-failures', metric: 'failures', op: '<=', integer: true },
  { flag: 'min-throughput', metric: 'throughputPerMinute', op: '>=' },
];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RATE = /^(\d+(?:\.\d+)?|\.\d+)\s*\/\s*(s|m)$/i;
const TIMEOUT_RANGE = { min: 100, max: 600_000 };

function quote(value: string): string {
  return JSON.stringify(value);
}

/** A number as typed; NaN for anything Number() would bend (empty, spaces, hex). */
function numberOf(raw: string): number {
  const text = raw.trim();
  return /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : Number.NaN;
}

/** `10/s`, `600/m` or `burst` (undefined: no requestsPerSecond, all at once). */
export function parseRate(raw: string): number | undefined {
  const text = raw.trim().toLowerCase();
  if (text === 'burst') return undefined;
  const match = RATE.exec(text);
  const expected = 'expected N/s (per second), N/m (per minute) or burst, e.g. 10/s, 600/m';
  if (match === null) throw new UsageError(`--rate ${quote(raw)}: ${expected}`, 'rate');
  const perUnit = Number(match[1]);
  if (!(perUnit > 0)) throw new UsageError(`--rate ${quote(raw)}: the rate must be above 0; ${expected}`, 'rate');
  return match[2] === 's' ? perUnit : perUnit / 60;
}

/** The default --max-duration-ms: the plan, one request's timeout, and a margin; always finite. */
export function defaultMaxDurationMs(requests: number, requestsPerSecond: number | undefined, timeoutMs: number): number {
  return Math.ceil(plannedDurationMs(requests, requestsPerSecond ?? null) + timeoutMs + MAX_DURATION_MARGIN_MS);
}

/** What util.parseArgs throws, as a usage message naming the flag. */
function usageFromParseArgs(error: unknown, argv: readonly string[]): UsageError {
  const { code, message } = error as { code?: string; message: string };
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? '';
  const name = flag.replace(/^-+/, '');
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown flag ${flag || message}; see --help for the flags`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      if (/argument missing/.test(message)) return new UsageError(`${flag} needs a value, e.g. ${flag} ${exampleOf(flag)}`, name);
      if (/ambiguous/.test(message)) {
        const next = argv[argv.indexOf(flag) + 1] ?? '-VALUE';
        return new UsageError(`${flag} ${quote(next)}: a value starting with - is written ${flag}=${next}`, name);
      }
      return new UsageError(`${flag} takes no value: it is a switch, e.g. ${flag} alone; see --help`, name);
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`${message}: every value follows its flag, e.g. --requests 300; see --help`);
    default:
      return new UsageError(`${message}; see --help`);
  }
}

function exampleOf(flag: string): string {
  const spec = FLAGS[flag.replace(/^-+/, '') as FlagName] as { default?: string; value?: string } | undefined;
  return spec?.default ?? spec?.value ?? 'VALUE';
}

/** The engine's verdict on an option, told as its flag: `--requests "0": expected a positive integer ...`. */
export function usageFromOptionError(error: LoadTestOptionError, raw: Partial<Record<FlagName, string>>, workers = 1): UsageError {
  if (error.option === 'segment' && workers > 1) {
    const expected = /; expected ([\s\S]*)$/.exec(error.message)?.[1] ?? error.message;
    return new UsageError(`--workers ${workers}: expected ${expected.replace(/segment \d+\/\d+/, 'the last worker')}`, 'workers');
  }
  const flag = FLAG_OF_OPTION[error.option];
  const expected = /; expected ([\s\S]*)$/.exec(error.message)?.[1] ?? error.message;
  if (flag === undefined) return new UsageError(`${error.message} (no flag sets "${error.option}": please report this)`);
  if (flag === 'secret-env') return new UsageError(`--secret-env: the secret is not usable; expected ${expected}`, flag);
  const value = raw[flag];
  return new UsageError(`--${flag}${value === undefined ? '' : ` ${quote(value)}`}: expected ${expected}`, flag);
}

/**
 * Parses `argv` (without node and the script) against `env` (where the secret is read).
 * Throws UsageError, naming the flag, on anything that would not run.
 */
export function parseCommandLine(argv: readonly string[], env: Env, { terminal = false }: { terminal?: boolean } = {}): Command {
  if (argv[0] === 'merge') return parseMerge(argv.slice(1));
  const secretFlag = argv.find((arg) => /^--secret(=|$)/.test(arg));
  if (secretFlag !== undefined) {
    throw new UsageError(
      `--secret is not accepted: a secret on the command line lands in shell history and in ps. ` +
        `Put it in an environment variable and name it with --secret-env (default ${DEFAULT_SECRET_ENV})`,
      'secret',
    );
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: parseArgsOptions(), strict: true, allowPositionals: false }));
  } catch (error) {
    throw usageFromParseArgs(error, argv);
  }
  if (values.help === true) return { kind: 'help' };

  const raw = values as Partial<Record<FlagName, string>>;
  const text = (flag: FlagName): string => (values[flag] as string | undefined) ?? '';

  if (raw.markdown !== undefined) throw new UsageError('--markdown is for merge: npm run load -- merge DIR --markdown FILE', 'markdown');
  const url = raw.url;
  if (url === undefined || url.trim() === '') {
    throw new UsageError('--url is required: the webhook endpoint, e.g. --url http://127.0.0.1:8801/webhook/freshdesk', 'url');
  }
  const requestsPerSecond = parseRate(text('rate'));
  const requests = numberOf(text('requests'));

  const timeoutMs = numberOf(text('timeout-ms'));
  if (!Number.isInteger(timeoutMs) || timeoutMs < TIMEOUT_RANGE.min || timeoutMs > TIMEOUT_RANGE.max) {
    throw new UsageError(
      `--timeout-ms ${quote(text('timeout-ms'))}: expected a whole number of milliseconds from ${TIMEOUT_RANGE.min} to ${TIMEOUT_RANGE.max}`,
      'timeout-ms',
    );
  }

  const payload = text('payload');
  if (payload !== 'flat' && payload !== 'wrapped') {
    throw new UsageError(`--payload ${quote(payload)}: expected flat or wrapped`, 'payload');
  }

  const secretEnv = text('secret-env');
  if (!ENV_NAME.test(secretEnv)) {
    throw new UsageError(
      `--secret-env ${quote(secretEnv)}: expected the name of an environment variable (letters, digits, _), e.g. ${DEFAULT_SECRET_ENV}; ` +
        'pass the name, never the secret itself',
      'secret-env',
    );
  }
  const secret = env[secretEnv] ?? '';
  if (secret === '') {
    throw new UsageError(
      `--secret-env ${secretEnv}: the environment variable ${secretEnv} is not set or empty; export it with the secret the service ` +
        `verifies signatures with (e.g. read -rs ${secretEnv} && export ${secretEnv}), or name another with --secret-env`,
      'secret-env',
    );
  }

  const statuses = parseStatuses(text('success-statuses'));
  if (typeof statuses === 'string') {
    throw new UsageError(`--success-statuses ${quote(text('success-statuses'))}: ${statuses}`, 'success-statuses');
  }
  const successBody = text('success-body');
  if (successBody !== 'any' && successBody !== 'json-object' && successBody !== 'empty') {
    throw new UsageError(`--success-body ${quote(successBody)}: expected any, json-object or empty`, 'success-body');
  }

  const concurrency = raw.concurrency === undefined ? undefined : numberOf(raw.concurrency);
  const maxDurationMs =
    raw['max-duration-ms'] === undefined
      ? defaultMaxDurationMs(Number.isSafeInteger(requests) && requests > 0 ? requests : 1, requestsPerSecond, timeoutMs)
      : numberOf(raw['max-duration-ms']);
  const { segment, startAt, workers } = apartFrom(raw, values);
  const ticketIdStart = defaultTicketIdStart(startAt ?? undefined);
  const checkBody = bodyCheckFor(successBody);
  // On by default in a terminal a person watches; --progress asks for it elsewhere (CI), --no-progress turns it off.
  const progress = values['no-progress'] !== true && (values.progress === true || terminal);

  const options: LoadTestOptions = {
    url,
    secret,
    totalRequests: requests,
    ...(requestsPerSecond === undefined ? {} : { requestsPerSecond }),
    ...(concurrency === undefined ? {} : { concurrency }),
    timeoutMs,
    maxDurationMs,
    ...(payload === 'wrapped' ? { payload: wrappedPayload } : {}),
    signatureHeader: text('signature-header'),
    isSuccess: statusIn(statuses),
    ...(checkBody === undefined ? {} : { checkBody }),
    ...(progress ? { progress: true } : {}),
    ...(segment === null ? {} : { segment }),
    ...(startAt === null ? {} : { startAt }),
  };
  try {
    validateOptions({ ...options, ticketIdStart });
    // Every worker's segment must have requests too.
    if (workers > 1) validateOptions({ ...options, ticketIdStart, segment: { index: workers, count: workers } });
  } catch (error) {
    if (error instanceof LoadTestOptionError) throw usageFromOptionError(error, raw, workers);
    throw error;
  }

  return {
    kind: 'run',
    options,
    thresholds: thresholdsFrom(raw),
    ticketIdStart,
    segment,
    workers,
    settings: {
      url,
      rate: text('rate'),
      requestsPerSecond: requestsPerSecond ?? null,
      requests,
      concurrency: concurrency ?? null,
      timeoutMs,
      maxDurationMs,
      payload,
      secretEnv,
      signatureHeader: text('signature-header'),
      successStatuses: statuses,
      successBody,
      reportDir: text('report-dir') || FLAGS['report-dir'].default,
      progress,
      segment: segment === null ? null : formatSegment(segment),
      startAt,
      workers,
      markdown: null,
    },
  };
}

/** Most worker threads of one command. */
export const MAX_WORKERS = 64;

/** --segment, --start-at and --workers: checked together (a segment needs a shared start; workers make their own segments). */
function apartFrom(
  raw: Partial<Record<FlagName, string>>,
  values: Record<string, string | boolean | undefined>,
): { segment: SegmentSpec | null; startAt: number | null; workers: number } {
  let segment: SegmentSpec | null = null;
  if (raw.segment !== undefined) {
    segment = parseSegment(raw.segment);
    const problem = segment === null ? 'expected I/N, e.g. 2/4 (segment 2 of 4)' : segmentProblem(segment);
    if (problem !== null) throw new UsageError(`--segment ${quote(raw.segment)}: ${problem}`, 'segment');
  }
  let startAt: number | null = null;
  if (raw['start-at'] !== undefined) {
    startAt = numberOf(raw['start-at']);
    if (!Number.isSafeInteger(startAt) || startAt <= 0) {
      throw new UsageError(
        `--start-at ${quote(raw['start-at'])}: expected epoch milliseconds, e.g. $(node -e "console.log(Date.now() + 120000)") for two minutes from now`,
        'start-at',
      );
    }
  }
  if (segment !== null && segment.count > 1 && startAt === null) {
    throw new UsageError(
      `--segment ${quote(raw.segment ?? '')} needs --start-at: the segments of one plan start together, from one instant ` +
        'fixed before any starts, e.g. --start-at $(node -e "console.log(Date.now() + 120000)"), the same for every segment',
      'start-at',
    );
  }
  const workers = numberOf((values.workers as string | undefined) ?? '1');
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    throw new UsageError(`--workers ${quote(String(values.workers))}: expected a whole number from 1 to ${MAX_WORKERS}`, 'workers');
  }
  if (workers > 1 && raw.concurrency !== undefined && numberOf(raw.concurrency) < workers) {
    throw new UsageError(
      `--concurrency ${quote(raw.concurrency)} with --workers ${workers}: the connections are shared out among the threads, ` +
        `each needs at least one; give --concurrency ${workers} or more, or fewer workers`,
      'concurrency',
    );
  }
  if (workers > 1 && segment !== null) {
    throw new UsageError(
      `--workers ${workers} with --segment ${quote(raw.segment ?? '')}: --workers splits the plan into segments itself; ` +
        'give one of them (for N machines with W cores each, run N*W segments)',
      'workers',
    );
  }
  return { segment, startAt, workers };
}

/** `merge PATH... [threshold flags] [--report-dir DIR] [--markdown FILE]`. */
function parseMerge(argv: readonly string[]): Command {
  const options = parseArgsOptions();
  const allowed = new Set<string>([...THRESHOLD_FLAGS.map((t) => t.flag), 'report-dir', 'markdown', 'help']);
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.entries(options).filter(([name]) => allowed.has(name))),
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    const usage = usageFromParseArgs(error, argv);
    throw new UsageError(
      `merge: ${usage.message} (merge takes result paths, the threshold flags, --report-dir and --markdown)`,
      usage.flag,
    );
  }
  if (values.help === true) return { kind: 'help' };
  if (positionals.length === 0) {
    throw new UsageError(
      'merge: give the result files (*.result.json) or the directories holding them, e.g. npm run load -- merge results',
    );
  }
  const raw = values as Partial<Record<FlagName, string>>;
  return {
    kind: 'merge',
    paths: positionals,
    thresholds: thresholdsFrom(raw),
    reportDir: raw['report-dir'] ?? FLAGS['report-dir'].default,
    markdown: raw.markdown ?? null,
  };
}

/** The thresholds the flags ask for, in --help's order, all on the one phase. */
export function thresholdsFrom(raw: Partial<Record<FlagName, string>>): Threshold[] {
  const thresholds: Threshold[] = [];
  for (const { flag, metric, op, max, integer } of THRESHOLD_FLAGS) {
    const given = raw[flag];
    if (given === undefined) continue;
    const value = numberOf(given);
    const whole = integer === true;
    if (!Number.isFinite(value) || value < 0 || (max !== undefined && value > max) || (whole && !Number.isInteger(value))) {
      const range = max === undefined ? '0 or more' : `from 0 to ${max}`;
      throw new UsageError(`--${flag} ${quote(given)}: expected ${whole ? 'a whole number' : 'a number'} ${range}`, flag);
    }
    thresholds.push({ metric, phase: PHASE, op, value });
  }
  return thresholds;
}
