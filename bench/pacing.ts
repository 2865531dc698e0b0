// 2. Pacing: the open model at fixed rates against the minimal server. The achieved
// rate is measured by the SERVER's monotonic clock over the arrivals it saw,
// (arrivals - 1) / (last - first), for ours, autocannon (overallRate) and loadtest
// (requestsPerSecond); ours also reports its schedule lag (actual - intended send).
import { runLoadTest } from '#engine';
import type { BenchContext, BenchOutcome } from './context.ts';
import { median, quantile, rateErrorPercent, rateFromSpan } from './measures.ts';
import { runAutocannon, runLoadtest, SECRET } from './peers.ts';
import { fixed, signedPercent, type Figure } from './report.ts';
import type { BenchServer } from './server.ts';

/** Rates with a rate-error target, and the one with a lag target. */
const RATE_ERROR_TARGET_PERCENT = 0.1;
const RATE_TARGETED = new Set([100, 1000]);
const LAG_P99_TARGET_MS = 1;
const LAG_TARGETED = 1000;

interface Arrivals {
  count: number;
  ratePerSecond: number;
  errorPercent: number;
  /** Gaps between consecutive arrivals, ms: shows bursts that an average hides. */
  gapP50Ms: number;
  gapP99Ms: number;
  gapMaxMs: number;
}

async function measureArrivals(server: BenchServer, target: number, run: () => Promise<unknown>): Promise<Arrivals> {
  await server.reset(true);
  await run();
  const report = await server.report();
  if (report.droppedArrivals > 0) throw new Error(`pacing: the server dropped ${report.droppedArrivals} arrival times`);
  const times = report.arrivalsMs;
  const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
  const ratePerSecond = rateFromSpan(times.length, (times.at(-1) ?? 0) - (times[0] ?? 0));
  return {
    count: times.length,
    ratePerSecond,
    errorPercent: rateErrorPercent(ratePerSecond, target),
    gapP50Ms: quantile(gaps, 0.5),
    gapP99Ms: quantile(gaps, 0.99),
    gapMaxMs: gaps.length > 0 ? Math.max(...gaps) : Number.NaN,
  };
}

interface Lag {
  p50: number;
  p99: number;
  max: number;
}

export async function benchPacing(ctx: BenchContext): Promise<BenchOutcome> {
  const { runs, connections } = ctx.settings.pacing;
  const server = ctx.minimal;
  const figures: Figure[] = [];
  const raw: Record<string, unknown> = {};
  for (const { rate, seconds } of runs) {
    const total = Math.round(rate * seconds);
    const reps: { ours: Arrivals; lag: Lag; autocannon: Arrivals; loadtest: Arrivals }[] = [];
    for (let rep = 1; rep <= ctx.settings.repetitions; rep++) {
      let lag: Lag = { p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
      const ours = await measureArrivals(server, rate, async () => {
        const results = await runLoadTest({
          url: server.url,
          secret: SECRET,
          totalRequests: total,
          requestsPerSecond: rate,
          concurrency: connections,
          maxDurationMs: seconds * 1000 + 10_000,
          progress: false,
        });
        const { schedule } = results.getSummary();
        lag = { p50: schedule.lagP50Ms, p99: schedule.lagP99Ms, max: schedule.lagMaxMs };
      });
      const autocannon = await measureArrivals(server, rate, () =>
        runAutocannon({ url: server.url, connections, durationSeconds: seconds, overallRate: rate }),
      );
      const loadtest = await measureArrivals(server, rate, () => runLoadtest(server.url, rate, total, seconds + 10));
      reps.push({ ours, lag, autocannon, loadtest });
      ctx.log(
        `pacing ${rate}/s rep ${rep}: ours ${signedPercent(ours.errorPercent, 3)} (lag P99 ${fixed(lag.p99, 3)} ms), ` +
          `autocannon ${signedPercent(autocannon.errorPercent, 2)}, loadtest ${signedPercent(loadtest.errorPercent, 3)} ` +
          `(${fixed(loadtest.ratePerSecond, 0)}/s)`,
      );
    }
    const ours = median(reps.map((r) => r.ours.errorPercent));
    const autocannon = median(reps.map((r) => r.autocannon.errorPercent));
    const loadtest = median(reps.map((r) => r.loadtest.errorPercent));
    const loadtestRate = median(reps.map((r) => r.loadtest.ratePerSecond));
    const rateTargeted = RATE_TARGETED.has(rate);
    figures.push({
      benchmark: '2 pacing',
      figure: `send rate error at ${rate}/s, ${seconds} s (server clock)`,
      ours: signedPercent(ours, 3),
      peers: `autocannon ${signedPercent(autocannon, 2)}; loadtest ${signedPercent(loadtest, 3)} (${fixed(loadtestRate, 0)}/s)`,
      target: rateTargeted ? `|error| <= ${RATE_ERROR_TARGET_PERCENT} %` : '-',
      pass: rateTargeted ? Math.abs(ours) <= RATE_ERROR_TARGET_PERCENT : null,
    });
    const lag = {
      p50: median(reps.map((r) => r.lag.p50)),
      p99: median(reps.map((r) => r.lag.p99)),
      max: median(reps.map((r) => r.lag.max)),
    };
    figures.push({
      benchmark: '2 pacing',
      figure: `schedule lag P50 / P99 / max at ${rate}/s`,
      ours: `${fixed(lag.p50, 3)} / ${fixed(lag.p99, 3)} / ${fixed(lag.max, 1)} ms`,
      peers: '-',
      target: rate === LAG_TARGETED ? `P99 <= ${LAG_P99_TARGET_MS} ms` : '-',
      pass: rate === LAG_TARGETED ? lag.p99 <= LAG_P99_TARGET_MS : null,
    });
    raw[String(rate)] = { requests: total, repetitions: reps };
  }
  return { figures, raw: { settings: ctx.settings.pacing, rates: raw } };
}
