// The flags of `npm run load`, as data: util.parseArgs reads its option table
// from here and --help prints the same rows, so a flag and its documented
// default cannot drift apart. Pure.
import { LOAD_TEST_DEFAULTS } from '#engine';

export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value when the flag is absent, as typed on the command line; undefined = none or computed (see `defaultText`). */
  default?: string;
  /** What --help shows as the default when it is not `default` itself. */
  defaultText?: string;
  /** What --help shows after the flag, e.g. "URL". */
  value?: string;
  help: string;
  group: 'load' | 'answers' | 'thresholds' | 'apart' | 'output';
}

export const DEFAULT_SECRET_ENV = 'WEBHOOK_SECRET';
export const DEFAULT_REPORT_DIR = 'reports/load';
/** Added to the planned duration (and the per-request timeout) for the default --max-duration-ms. */
export const MAX_DURATION_MARGIN_MS = 10_000;

export const FLAGS = {
  url: { type: 'string', value: 'URL', group: 'load', defaultText: 'required', help: 'the webhook endpoint, http:// or https://' },
  rate: {
    type: 'string',
    value: 'RATE',
    default: '10/s',
    group: 'load',
    help: 'N/s (per second), N/m (per minute), or burst (all at once, up to --concurrency in flight); open model: request i leaves at start + i / rate whatever the server does',
  },
  requests: { type: 'string', value: 'N', default: '100', group: 'load', help: 'how many requests to send' },
  concurrency: {
    type: 'string',
    value: 'N',
    defaultText: `min(requests, ${LOAD_TEST_DEFAULTS.maxDefaultConcurrency})`,
    group: 'load',
    help: 'most requests in flight (one keep-alive connection each); with --workers, shared among the threads',
  },
  'timeout-ms': {
    type: 'string',
    value: 'MS',
    default: String(LOAD_TEST_DEFAULTS.timeoutMs),
    group: 'load',
    help: 'per-request limit, from send to complete answer (100 to 600000, like REQUEST_TIMEOUT_MS)',
  },
  'max-duration-ms': {
    type: 'string',
    value: 'MS',
    defaultText: `planned duration + timeout + ${MAX_DURATION_MARGIN_MS}`,
    group: 'load',
    help: 'hard bound on the whole run; requests still in flight are then cancelled (counted as aborted)',
  },
  payload: {
    type: 'string',
    value: 'SHAPE',
    default: 'flat',
    group: 'load',
    help: "flat (the contract's shape) or wrapped (Freshdesk's own, under freshdesk_webhook)",
  },
  'secret-env': {
    type: 'string',
    value: 'NAME',
    default: DEFAULT_SECRET_ENV,
    group: 'load',
    help: 'the environment variable holding the HMAC secret; the secret itself is never accepted as a flag (it would land in shell history and in ps)',
  },
  'signature-header': {
    type: 'string',
    value: 'NAME',
    default: LOAD_TEST_DEFAULTS.signatureHeader,
    group: 'load',
    help: 'header carrying the hex HMAC-SHA256 of the body',
  },
  'success-statuses': {
    type: 'string',
    value: 'LIST',
    default: '200',
    group: 'answers',
    help: 'statuses that count as success, as SUCCESS_STATUSES: codes or classes, comma-separated (200,202 or 2xx; never 429)',
  },
  'success-body': {
    type: 'string',
    value: 'RULE',
    default: 'any',
    group: 'answers',
    help: "what a success's body must be, as SUCCESS_BODY: any (not read), json-object or empty",
  },
  'max-p50': { type: 'string', value: 'MS', group: 'thresholds', help: 'fail (exit 1) unless P50 latency < MS (as the specs say it)' },
  'max-p95': { type: 'string', value: 'MS', group: 'thresholds', help: 'fail unless P95 latency < MS' },
  'max-p99': { type: 'string', value: 'MS', group: 'thresholds', help: 'fail unless P99 latency < MS' },
  'max-latency': { type: 'string', value: 'MS', group: 'thresholds', help: 'fail unless the slowest latency < MS' },
  'min-success': { type: 'string', value: 'PERCENT', group: 'thresholds', help: 'fail unless success rate >= PERCENT (0 to 100)' },
  'max-failures': { type: 'string', value: 'N', group: 'thresholds', help: 'fail unless failed requests <= N' },
  'min-throughput': {
    type: 'string',
    value: 'PER_MIN',
    group: 'thresholds',
    help: 'fail unless successes per minute over the run >= PER_MIN',
  },
  segment: {
    type: 'string',
    value: 'I/N',
    defaultText: '1/1, the whole plan',
    group: 'apart',
    help: 'send only segment I of N of the plan (request k goes to segment k mod N + 1): run the N segments on N machines with the same flags and one --start-at, then merge their results',
  },
  'start-at': {
    type: 'string',
    value: 'EPOCH_MS',
    defaultText: 'now',
    group: 'apart',
    help: 'the shared start of the schedule, epoch milliseconds (e.g. $(node -e "console.log(Date.now() + 120000)"): in two minutes); required with --segment; clocks must agree to well under a request interval (NTP)',
  },
  workers: {
    type: 'string',
    value: 'N',
    default: '1',
    group: 'apart',
    help: "run the plan as N segments on N worker threads of this command (one core each) and merge them; for rates one process cannot send on time (the summary's generator line says when)",
  },
  markdown: {
    type: 'string',
    value: 'FILE',
    group: 'output',
    help: 'also append a Markdown summary to FILE (e.g. "$GITHUB_STEP_SUMMARY")',
  },
  'report-dir': {
    type: 'string',
    value: 'DIR',
    default: DEFAULT_REPORT_DIR,
    group: 'output',
    help: 'where the JSON report goes (one file per run, load-<start time>.json) with its mergeable result (…-segment-I-of-N.result.json)',
  },
  progress: {
    type: 'boolean',
    group: 'output',
    defaultText: 'on in a terminal, off elsewhere',
    help: 'print a progress line every 5 s (sent, answered, in flight, P95 of the last 5 s, time left)',
  },
  'no-progress': { type: 'boolean', group: 'output', defaultText: 'off', help: 'no progress line, in a terminal too' },
  help: { type: 'boolean', short: 'h', group: 'output', defaultText: 'off', help: 'print this help and exit' },
} as const satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;

/** The option table util.parseArgs takes, built from FLAGS. */
export function parseArgsOptions(): Record<string, { type: 'string' | 'boolean'; short?: string; default?: string }> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; default?: string }> = {};
  for (const [name, spec] of Object.entries(FLAGS) as [FlagName, FlagSpec][]) {
    options[name] = {
      type: spec.type,
      ...(spec.short === undefined ? {} : { short: spec.short }),
      ...(spec.default === undefined ? {} : { default: spec.default }),
    };
  }
  return options;
}

const GROUPS: Record<FlagSpec['group'], string> = {
  load: 'The load',
  answers: 'What counts as success',
  thresholds: 'Thresholds (each evaluated once over the run; with none, the exit code only says whether the service was reached)',
  apart: 'Past one process (docs/distributed.md)',
  output: 'Output',
};

export const EXIT_CODES_HELP = [
  '  0    every threshold passed (or none was given)',
  '  1    a threshold failed (or the report could not be written, a worker thread failed, or a merge lacks a',
  '       segment or holds a stopped one)',
  '  2    bad usage: a flag or the secret variable is wrong; nothing was sent (merge: results not of one plan;',
  '       a --start-at that passed during the probe: only the probe was sent)',
  '  3    the service could not be reached (no request got an HTTP answer: refused, reset, timed out, DNS),',
  '       or it refused the signed probe sent before the load (a wrong secret: only the probes were sent)',
  '  130  stopped by Ctrl-C (143 for SIGTERM): the summary is printed and the report written, status aborted',
];

const HELP_WIDTH = 110;
const FLAG_COLUMN = 26;

/** Words into lines of at most `width` characters (a longer word gets a line of its own). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The text of --help: every flag with its default, the exit codes, and where the secret comes from. */
export function helpText(): string {
  const lines = [
    'Usage: npm run load -- --url URL [flags]',
    '       npm run load -- merge DIR_OR_FILE... [threshold flags] [--report-dir DIR] [--markdown FILE]',
    '',
    "An ad-hoc signed load test from the shell, on the suite's engine (runLoadTest): the same validation,",
    'summary, thresholds and JSON report as the specs. Example:',
    '  npm run load -- --url http://127.0.0.1:8801/webhook/freshdesk --rate 10/s --requests 300 \\',
    '    --payload wrapped --secret-env WEBHOOK_SECRET --max-p95 2000 --min-success 99',
    '',
    'The secret is read from the environment variable named by --secret-env (default WEBHOOK_SECRET),',
    'never from a flag: a secret typed on the command line lands in shell history. .env files are not read.',
    'Traffic goes only to --url: load only services you own.',
  ];
  const entries = Object.entries(FLAGS) as [FlagName, FlagSpec][];
  for (const group of Object.keys(GROUPS) as FlagSpec['group'][]) {
    lines.push('', ...wrap(`${GROUPS[group]}:`, HELP_WIDTH));
    for (const [name, spec] of entries.filter(([, s]) => s.group === group)) {
      const flag = `${spec.short === undefined ? '' : `-${spec.short}, `}--${name}${spec.value === undefined ? '' : ` ${spec.value}`}`;
      const fallback = spec.default ?? spec.defaultText ?? 'none';
      const [first = '', ...rest] = wrap(`${spec.help} (default: ${fallback})`, HELP_WIDTH - FLAG_COLUMN - 3);
      lines.push(`  ${flag.padEnd(FLAG_COLUMN)} ${first}`, ...rest.map((line) => `${' '.repeat(FLAG_COLUMN + 3)}${line}`));
    }
  }
  lines.push(
    '',
    ...wrap(
      'merge: reads every *.result.json under the given directories (or the given files) of one plan, and prints, judges and ' +
        'reports them as one run; the threshold flags and exit codes are the same. A missing segment fails it (exit 1).',
      HELP_WIDTH,
    ),
  );
  lines.push('', 'Exit codes:', ...EXIT_CODES_HELP);
  return lines.join('\n');
}
