// npm run perf:calibrate [-- --aa 20 --slower 10 --repeat 3 --requests 150 --rate 40 | --quick]
// Measures the baseline comparison (tests/helpers/analysis/baseline.ts) on this machine,
// against the embedded stack (rate limiter off, so runs need no waits):
//  (a) A/A: comparisons of two independent sets of runs of the same stack; every regression
//      found is a false one (target: at most 5 %, 1 of 20);
//  (b) slower: the baseline side on the stack as shipped, the other side on a stack whose
//      Freshdesk mock is 30 % slower (median and P95); every regression found is a true one
//      (target: at least 90 %, 9 of 10).
// Each comparison uses fresh runs (comparisons are independent), its baseline runs first,
// then its current runs, as a baseline saved earlier would be. Both methods are measured on
// the same runs: run-level (--repeat runs a side) and single-run window-level (the first
// run of each side, what PERF_REPEAT=1 gives). The targets judge the run-level method.
// Prints the figures and writes reports/calibration.json. Exit 0: targets met; 1: missed (or
// the bound on the whole script was reached); 2: bad usage (nothing sent).
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { jsonObjectBody, runLoadTest } from '#engine';
import { compareWithBaseline, DEFAULT_MIN_RISE_MS, type BaselineComparison, type BaselineReport } from '../tests/helpers/analysis/index.ts';
import { ConfigError, loadConfig } from '../tests/helpers/config/index.ts';
import { embeddedStack, type RunningStack } from '../tests/helpers/providers/index.ts';
import { timelineOf, type RunFigures } from '../tests/helpers/report/index.ts';

const EXIT = { met: 0, missed: 1, usage: 2 } as const;
const SECRET = 'test_secret_key_12345';
const PHASE = 'load';
/** The mock's defaults (stack/freshdesk-mock/config.ts), and 30 % slower. */
const MOCK_MEDIAN_MS = 120;
const SLOWER_FACTOR = 1.3;
// No rate limiter (no waits between runs), and a Freshdesk pool wide enough that 40 req/s (two
// calls of ~130 ms each) never queue for a connection: with the default 10 connections the
// stack saturates near 35 req/s and latency becomes the pool's queue, not the mock's.
const WEBHOOK_ENV = { RATE_LIMIT_ALGORITHM: 'off', LOG_LEVEL: 'warn', FRESHDESK_POOL_CONNECTIONS: '50' };
const REQUEST_TIMEOUT_MS = 10_000;
/** Time after the last send for the answers, per run, in the plan. */
const DRAIN_S = 0.6;

class UsageError extends Error {}

interface Plan {
  aa: number;
  slower: number;
  repeat: number;
  requests: number;
  rate: number;
  quick: boolean;
  out: string;
}

const HELP = `npm run perf:calibrate -- [options]
  --aa N          A/A comparisons (default 20)
  --slower N      comparisons against a 30 % slower Freshdesk mock (default 10)
  --repeat N      runs per side, >= 2 (default 3; PERF_REPEAT of the run-level method)
  --requests N    requests per run, >= 20 (default 150)
  --rate N        requests per second, up to 200 (default 40; the stack runs with 50 Freshdesk connections)
  --quick         a smoke test of a few seconds (--aa 1 --slower 1 --repeat 2 --requests 20 --rate 40); targets not judged
  --out PATH      where the figures go (default reports/calibration.json)
Limits, confidence and resamples are the suite's (environment, .env, .env.test): PERF_BASELINE_MAX_REGRESSION_PERCENT,
PERF_BASELINE_MAX_SUCCESS_DROP_POINTS, PERF_BASELINE_CONFIDENCE, PERF_BASELINE_RESAMPLES.`;

function count(values: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const text = values[name];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (typeof text !== 'string' || text.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} ${JSON.stringify(text)}: expected an integer from ${min} to ${max}`);
  }
  return n;
}

function parsePlan(argv: string[]): Plan | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        aa: { type: 'string' },
        slower: { type: 'string' },
        repeat: { type: 'string' },
        requests: { type: 'string' },
        rate: { type: 'string' },
        quick: { type: 'boolean' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const quick = v.quick === true;
  if (quick && (v.aa ?? v.slower ?? v.repeat ?? v.requests ?? v.rate) !== undefined) {
    throw new UsageError('--quick sets its own sizes: give either --quick or --aa/--slower/--repeat/--requests/--rate');
  }
  const plan: Plan = quick
    ? { aa: 1, slower: 1, repeat: 2, requests: 20, rate: 40, quick, out: v.out ?? 'reports/calibration.json' }
    : {
        aa: count(v, 'aa', 20, 0, 200),
        slower: count(v, 'slower', 10, 0, 200),
        repeat: count(v, 'repeat', 3, 2, 20),
        requests: count(v, 'requests', 150, 20, 10_000),
        rate: count(v, 'rate', 40, 1, 200),
        quick,
        out: v.out ?? 'reports/calibration.json',
      };
  if (plan.aa + plan.slower === 0) throw new UsageError('--aa 0 --slower 0: nothing to measure');
  return plan;
}

const runSeconds = (plan: Plan) => plan.requests / plan.rate + DRAIN_S;
/** Runs: two sides of `repeat` runs per comparison, plus one warm-up run per stack. */
const plannedRuns = (plan: Plan) => (plan.aa + plan.slower) * 2 * plan.repeat + 2;

/** Comparisons in an interleaved order (A/A and slower spread over the whole script, so a drift of the machine hits both alike). */
function schedule(aa: number, slower: number): ('aa' | 'slower')[] {
  const order: ('aa' | 'slower')[] = [];
  let a = 0;
  let s = 0;
  while (a < aa || s < slower) {
    // Whichever kind is further behind its share goes next.
    const next = s >= slower || (a < aa && a / aa <= s / slower) ? 'aa' : 'slower';
    order.push(next);
    if (next === 'aa') a++;
    else s++;
  }
  return order;
}

interface Side {
  runs: RunFigures[];
  startedAt: string;
}

function reportOf(side: Side, runs: RunFigures[]): BaselineReport {
  const first = runs[0] as RunFigures;
  return {
    spec: 'calibration',
    scale: 1,
    startedAt: side.startedAt,
    summaries: first.summaries,
    timelines: first.timelines,
    ...(runs.length >= 2
      ? {
          repeats: {
            count: runs.length,
            runs,
            medianRun: 0,
            medianRule: 'calibration: not used',
            spread: [],
            consistency: { verdict: 'not judged' as const, rule: 'calibration: not used', reasons: [] },
          },
        }
      : {}),
  };
}

/** The figures of one comparison worth keeping: the spec verdict and each row's change with its interval. */
function digest(comparison: BaselineComparison) {
  return {
    kind: comparison.kind,
    method: comparison.method,
    rows: comparison.rows.map((r) => ({
      metric: r.metric,
      baseline: round(r.baseline),
      current: round(r.current),
      change: round(r.change),
      low: round(r.low),
      high: round(r.high),
      limit: round(r.limit),
      verdict: r.verdict,
    })),
  };
}

const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null);

/** One line per comparison: the verdict, then each figure's change with its interval, marked when not "no change". */
function rowText(comparison: BaselineComparison): string {
  const mark: Record<string, string> = { regression: '!', inconclusive: '?', 'no change': '' };
  const figures = comparison.rows.map((r) => {
    const name = r.metric === 'success rate' ? 'ok' : r.metric;
    const ci = Number.isFinite(r.low) ? ` [${r.low.toFixed(0)},${r.high.toFixed(0)}]` : ' [-]';
    return `${name}${mark[r.verdict]} ${r.change >= 0 ? '+' : ''}${r.change.toFixed(0)}${ci}`;
  });
  return `${comparison.kind.padEnd(12)} ${figures.join(' ')}`;
}

interface Tally {
  comparisons: number;
  regression: number;
  inconclusive: number;
  noChange: number;
}

function tally(kinds: readonly BaselineComparison['kind'][]): Tally {
  return {
    comparisons: kinds.length,
    regression: kinds.filter((k) => k === 'regression').length,
    inconclusive: kinds.filter((k) => k === 'inconclusive').length,
    noChange: kinds.filter((k) => k === 'no change').length,
  };
}

async function main(): Promise<number> {
  let plan: Plan | 'help';
  let limits;
  try {
    plan = parsePlan(process.argv.slice(2));
    // The suite's own settings (environment, .env, .env.test), so the calibration measures what a spec run would judge.
    limits = loadConfig(process.cwd(), process.env, { warn: () => undefined }).baseline;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(`perf:calibrate: ${error.message}`);
      console.error('perf:calibrate: nothing was sent; --help lists the options');
      return EXIT.usage;
    }
    throw error;
  }
  if (plan === 'help') {
    console.log(HELP);
    return EXIT.met;
  }
  const p = plan;
  const options = { ...limits, baselineSource: 'calibration' };
  const runs = plannedRuns(p);
  const plannedS = runs * runSeconds(p) + 10;
  // The whole script is bounded: the plan plus half again for slow answers and stack starts.
  const boundS = plannedS * 1.5 + 60;
  const slowerMedian = Math.round(MOCK_MEDIAN_MS * SLOWER_FACTOR);
  const mockEnv = { FRESHDESK_LATENCY_MS: String(MOCK_MEDIAN_MS), FRESHDESK_LATENCY_P95_MS: String(MOCK_MEDIAN_MS * 2) };
  const slowerEnv = { FRESHDESK_LATENCY_MS: String(slowerMedian), FRESHDESK_LATENCY_P95_MS: String(slowerMedian * 2) };
  console.log(
    `perf:calibrate: ${p.aa} A/A and ${p.slower} slower comparisons, ${p.repeat} runs a side of ${p.requests} requests at ${p.rate}/s: ` +
      `${runs} runs, ${runs * p.requests} requests; planned ${(plannedS / 60).toFixed(1)} min, bounded at ${(boundS / 60).toFixed(1)} min.`,
  );
  console.log(
    `perf:calibrate: limits: latency +${options.maxRegressionPercent}% (at least ${DEFAULT_MIN_RISE_MS} ms), ` +
      `success rate -${options.maxSuccessDropPoints} points; slower stack: ${JSON.stringify(slowerEnv)} against ${JSON.stringify(mockEnv)}; ` +
      `webhook ${JSON.stringify(WEBHOOK_ENV)}`,
  );

  const controller = new AbortController();
  const bound = setTimeout(() => controller.abort(), boundS * 1000);
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const began = performance.now();
  const stacks: RunningStack[] = [];
  let ticket = Date.now() * 1000;

  async function run(stack: RunningStack): Promise<RunFigures> {
    const results = await runLoadTest({
      url: stack.endpoints.webhookUrl,
      secret: SECRET,
      totalRequests: p.requests,
      requestsPerSecond: p.rate,
      ticketIdStart: ticket,
      timeoutMs: REQUEST_TIMEOUT_MS,
      maxDurationMs: (p.requests / p.rate) * 1000 + REQUEST_TIMEOUT_MS + 5000,
      checkBody: jsonObjectBody,
      signal: controller.signal,
      progress: false,
    });
    ticket += p.requests;
    if (controller.signal.aborted) throw new Error('stopped: the bound on the whole script was reached, or Ctrl-C');
    return { summaries: { [PHASE]: results.getSummary() }, timelines: { [PHASE]: timelineOf(results) } };
  }

  async function side(stack: RunningStack): Promise<Side> {
    const startedAt = new Date().toISOString();
    const out: RunFigures[] = [];
    for (let i = 0; i < p.repeat; i++) out.push(await run(stack));
    return { runs: out, startedAt };
  }

  const records: unknown[] = [];
  const kinds = { runLevel: { aa: [], slower: [] }, singleRun: { aa: [], slower: [] } } as Record<
    'runLevel' | 'singleRun',
    Record<'aa' | 'slower', BaselineComparison['kind'][]>
  >;
  let finished = true;
  try {
    const normal = await embeddedStack(SECRET, 'calibration: as shipped', mockEnv, WEBHOOK_ENV);
    stacks.push(normal);
    const slower = await embeddedStack(SECRET, 'calibration: Freshdesk mock 30 % slower', slowerEnv, WEBHOOK_ENV);
    stacks.push(slower);
    // One warm-up run each (JIT, connection pools), not counted.
    await run(normal);
    await run(slower);
    const counters = { aa: 0, slower: 0 };
    for (const what of schedule(p.aa, p.slower)) {
      const index = ++counters[what];
      const before = await side(normal);
      const now = await side(what === 'aa' ? normal : slower);
      const runLevel = compareWithBaseline(reportOf(now, now.runs), reportOf(before, before.runs), options);
      const singleRun = compareWithBaseline(reportOf(now, now.runs.slice(0, 1)), reportOf(before, before.runs.slice(0, 1)), options);
      kinds.runLevel[what].push(runLevel.kind);
      kinds.singleRun[what].push(singleRun.kind);
      records.push({ what, index, runLevel: digest(runLevel), singleRun: digest(singleRun) });
      const label = `${what === 'aa' ? 'A/A' : 'slower'} ${index}/${what === 'aa' ? p.aa : p.slower}`.padEnd(12);
      const elapsed = ((performance.now() - began) / 60_000).toFixed(1);
      console.log(`  ${label} run-level ${rowText(runLevel)}  |  single-run ${rowText(singleRun)}  (${elapsed} min)`);
    }
  } catch (error) {
    finished = false;
    console.error(`perf:calibrate: ${(error as Error).message}`);
  } finally {
    clearTimeout(bound);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const stack of stacks) await stack.stop();
  }

  const allowedFalse = Math.max(1, Math.floor(p.aa * 0.05));
  const neededDetected = Math.ceil(p.slower * 0.9);
  const figures = {
    runLevel: { aa: tally(kinds.runLevel.aa), slower: tally(kinds.runLevel.slower) },
    singleRun: { aa: tally(kinds.singleRun.aa), slower: tally(kinds.singleRun.slower) },
  };
  const aaMet = figures.runLevel.aa.comparisons === p.aa && figures.runLevel.aa.regression <= allowedFalse;
  const slowerMet = figures.runLevel.slower.comparisons === p.slower && figures.runLevel.slower.regression >= neededDetected;
  const judged = !p.quick;
  const met = finished && (!judged || (aaMet && slowerMet));
  const line = (name: string, t: { aa: Tally; slower: Tally }) =>
    `  ${name.padEnd(32)} A/A false regressions ${t.aa.regression}/${t.aa.comparisons} (inconclusive ${t.aa.inconclusive}), ` +
    `slower detected ${t.slower.regression}/${t.slower.comparisons} (inconclusive ${t.slower.inconclusive})`;
  console.log('perf:calibrate: figures');
  console.log(line(`run-level (PERF_REPEAT=${p.repeat} a side)`, figures.runLevel));
  console.log(line('window-level (one run a side)', figures.singleRun));
  console.log(
    judged
      ? `perf:calibrate: targets (run-level): A/A at most ${allowedFalse}/${p.aa} ${aaMet ? 'met' : 'MISSED'}, ` +
          `slower at least ${neededDetected}/${p.slower} ${slowerMet ? 'met' : 'MISSED'}`
      : 'perf:calibrate: --quick: too few comparisons to judge the targets (a smoke test of the machinery)',
  );

  const out = resolve(p.out);
  await mkdir(dirname(out), { recursive: true });
  const cpu = cpus()[0];
  await writeFile(
    out,
    `${JSON.stringify(
      {
        generatedAt: new Date().toISOString(),
        machine: { node: process.version, cpuCount: availableParallelism(), cpuModel: cpu?.model ?? 'unknown' },
        plan: { ...p, runs, plannedSeconds: Math.round(plannedS) },
        durationSeconds: Math.round((performance.now() - began) / 1000),
        finished,
        limits: options,
        stacks: { normal: mockEnv, slower: slowerEnv, webhook: WEBHOOK_ENV },
        targets: judged
          ? { allowedFalseRegressions: allowedFalse, neededDetections: neededDetected, aaMet, slowerMet }
          : 'not judged (--quick)',
        figures,
        comparisons: records,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`perf:calibrate: figures written to ${p.out}`);
  return met ? EXIT.met : EXIT.missed;
}

process.exitCode = await main();
