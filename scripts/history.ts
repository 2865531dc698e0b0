// npm run perf:history [-- --file reports/performance/history.jsonl] [--spec standard] [--last 50]
// The trend of every spec over its recorded runs (history.jsonl: one line per spec run, written
// when the spec's report is), with where P50, P95 and the success rate changed. Exit codes:
// 0 printed, 1 no history (or no run of the spec asked for), 2 bad usage.
import { parseArgs } from 'node:util';
import { changePointMethod } from '../tests/helpers/analysis/index.ts';
import { loadConfig } from '../tests/helpers/config/index.ts';
import { formatTrend, HISTORY_DISPLAY_LIMIT, historyPathFor, readHistory, trendOf } from '../tests/helpers/report/index.ts';

const HELP = `npm run perf:history -- [--file PATH] [--spec NAME] [--last N]
  --file  the history file (default: PERF_HISTORY, else $PERF_REPORT_DIR/history.jsonl, else reports/performance/history.jsonl)
  --spec  only this spec
  --last  the last N runs of each spec (default ${HISTORY_DISPLAY_LIMIT})`;

function fail(code: number, message: string): never {
  console.error(`perf:history: ${message}`);
  process.exit(code);
}

let values: { file?: string; spec?: string; last?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: { file: { type: 'string' }, spec: { type: 'string' }, last: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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

console.log(`History of runs: ${file}${skipped}`);
console.log(`Change points: ${changePointMethod()}.`);
for (const spec of values.spec === undefined ? specs : [values.spec]) {
  console.log('');
  for (const line of formatTrend(trendOf(history.entries, spec, { limit: last }))) console.log(line);
}
