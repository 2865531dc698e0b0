// npm run perf:history [-- --file reports/performance/history.jsonl] [--spec standard] [--target TEXT] [--last 50]
// The trend of every spec over its recorded runs (history.jsonl: one line per spec run, written
// when the spec's report is), with where P50, P95 and the success rate changed. A series is one
// spec's runs of one target (service, provider, PERF_SCALE, RATE_LIMIT, success rule): each is
// printed on its own, its target named, and no series is compared with another. Exit codes:
// 0 printed, 1 no history (or no run of the spec or target asked for), 2 bad usage.
import { parseArgs } from 'node:util';
import { changePointMethod } from '../tests/helpers/analysis/index.ts';
import { loadConfig } from '../tests/helpers/config/index.ts';
import { formatTrend, HISTORY_DISPLAY_LIMIT, historyPathFor, readHistory, seriesOf, trendOf } from '../tests/helpers/report/index.ts';

const HELP = `npm run perf:history -- [--file PATH] [--spec NAME] [--target TEXT] [--last N]
  --file    the history file (default: PERF_HISTORY, else $PERF_REPORT_DIR/history.jsonl, else reports/performance/history.jsonl)
  --spec    only this spec
  --target  only the targets whose description contains TEXT (case-insensitive), e.g. a URL, "PERF_SCALE=0.2",
            "RATE_LIMIT=none" or "embedded"; every target is printed as its own series by default
  --last    the last N runs of each series (default ${HISTORY_DISPLAY_LIMIT})`;

function fail(code: number, message: string): never {
  console.error(`perf:history: ${message}`);
  process.exit(code);
}

let values: { file?: string; spec?: string; target?: string; last?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      file: { type: 'string' },
      spec: { type: 'string' },
      target: { type: 'string' },
      last: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  fail(2, `${(error as Error).message}\n${HELP}`);
}
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const last = values.last === undefined ? HISTORY_DISPLAY_LIMIT : Number(values.last);
if (!Number.isInteger(last) || last < 1) fail(2, `--last must be a whole number of runs, at least 1 (got ${JSON.stringify(values.last)})`);

let settings: { reportDir: string; history: string };
try {
  // environment, .env, .env.test (only two settings are read here: no typo warnings)
  settings = values.file === undefined ? loadConfig(process.cwd(), process.env, { warn: () => undefined }) : { reportDir: '', history: '' };
} catch (error) {
  fail(2, (error as Error).message);
}
const file = values.file ?? historyPathFor(settings.reportDir, settings.history);
if (file === undefined) fail(2, 'PERF_HISTORY=none: no history is kept; name a file with --file');

let history;
try {
  history = readHistory(file, { perSpec: last });
} catch (error) {
  fail(1, `cannot read ${file}: ${(error as Error).message}`);
}
if (!history.found)
  fail(
    1,
    `no history file at ${file}. Every spec run adds a line to it: run the specs (npx vitest run tests/performance, ` +
      `with PERF_HISTORY unset or a path, not none) and the history grows with each run; --file names another file.`,
  );

const specs = [...new Set(history.entries.map((e) => e.spec))];
const skipped = history.skipped > 0 ? `; ${history.skipped} unreadable line${history.skipped === 1 ? '' : 's'} skipped` : '';
if (specs.length === 0) fail(1, `${file} holds no run yet${skipped}`);
if (values.spec !== undefined && !specs.includes(values.spec))
  fail(1, `no run of spec ${JSON.stringify(values.spec)} in ${file}; it has: ${specs.join(', ')}`);

const wanted = values.target?.toLowerCase();
const series = seriesOf(history.entries).filter(
  (s) => (values.spec === undefined || s.spec === values.spec) && (wanted === undefined || s.label.toLowerCase().includes(wanted)),
);
if (series.length === 0)
  fail(
    1,
    `no target of ${values.spec === undefined ? 'any spec' : `spec ${JSON.stringify(values.spec)}`} in ${file} matches --target ${JSON.stringify(values.target)}; its targets:\n  ${[
      ...new Set(seriesOf(history.entries).map((s) => s.label)),
    ].join('\n  ')}`,
  );

const targets = new Set(series.map((s) => s.label)).size;
console.log(`History of runs: ${file}${skipped}`);
console.log(
  `Series: ${series.length} (${targets} target${targets === 1 ? '' : 's'}); each is one spec's runs of one target, never compared with another.`,
);
console.log(`Change points: ${changePointMethod()}.`);
for (const { spec, target } of series) {
  console.log('');
  for (const line of formatTrend(trendOf(history.entries, spec, { limit: last, target }))) console.log(line);
}
