// 1. Throughput: burst mode against the minimal server; ours sends a unique signed
// payload per request, autocannon (and wrk) one fixed signed body. Requests per second
// are counted by the server: (arrivals - 1) / (last arrival - first arrival).
import { runLoadTest } from '../tests/helpers/index.ts';
import type { BenchContext, BenchOutcome } from './context.ts';
import { median, rateFromSpan } from './measures.ts';
import { runAutocannon, runWrk, SECRET } from './peers.ts';
import { fixed, thousands } from './report.ts';
import type { BenchServer } from './server.ts';

/** Samples are preallocated: plan for this rate, well above what one process reaches here. */
const PLANNED_RPS_CEILING = 150_000;

async function serverRate(server: BenchServer, run: () => Promise<unknown>): Promise<number> {
  await server.reset();
  await run();
  const report = await server.report();
  return rateFromSpan(report.count, report.spanMs);
}

export async function benchThroughput(ctx: BenchContext): Promise<BenchOutcome> {
  const { seconds, connections } = ctx.settings.throughput;
  const server = ctx.minimal;
  const reps: { ours: number; autocannon: number; wrk: number | null }[] = [];
  for (let rep = 1; rep <= ctx.settings.repetitions; rep++) {
    const ours = await serverRate(server, async () => {
      const results = await runLoadTest({
        url: server.url,
        secret: SECRET,
        totalRequests: Math.ceil(PLANNED_RPS_CEILING * seconds),
        concurrency: connections,
        maxDurationMs: seconds * 1000,
        progress: false,
      });
      const summary = results.getSummary();
      // Cancelled at the time limit is expected; anything else is a broken run.
      if (summary.failureCount > summary.cancelledCount) {
        throw new Error(`throughput: ours had ${summary.failureCount - summary.cancelledCount} failures: ${JSON.stringify(summary.errorClasses)}`);
      }
    });
    const autocannon = await serverRate(server, async () => {
      const { result } = await runAutocannon({ url: server.url, connections, durationSeconds: seconds });
      if (result.errors > 0 || result.non2xx > 0) throw new Error(`throughput: autocannon had ${result.errors} errors, ${result.non2xx} non-2xx`);
    });
    const wrk = ctx.wrk === null ? null : await serverRate(server, () => runWrk(server.url, connections, Math.max(1, Math.round(seconds))));
    reps.push({ ours, autocannon, wrk });
    ctx.log(`throughput rep ${rep}: ours ${thousands(ours)}, autocannon ${thousands(autocannon)}, wrk ${wrk === null ? 'n/a' : thousands(wrk)} req/s`);
  }
  const ours = median(reps.map((r) => r.ours));
  const autocannon = median(reps.map((r) => r.autocannon));
  // Each repetition's ratio is measured back to back, so the median of ratios resists drifting load.
  const ratio = median(reps.map((r) => r.ours / r.autocannon));
  const wrkValues = reps.flatMap((r) => (r.wrk === null ? [] : [r.wrk]));
  const wrk = wrkValues.length > 0 ? median(wrkValues) : Number.NaN;
  const wrkRatio = wrkValues.length > 0 ? median(reps.map((r) => r.ours / (r.wrk as number))) : Number.NaN;
  return {
    figures: [
      {
        benchmark: '1 throughput',
        figure: `req/s, burst, ${connections} connections, ${seconds} s (server clock)`,
        ours: `${thousands(ours)} req/s`,
        peers:
          `autocannon ${thousands(autocannon)} (ours ${fixed(ratio, 2)}x); ` +
          (ctx.wrk === null ? 'wrk not installed' : `wrk -t1 ${thousands(wrk)} (ours ${fixed(wrkRatio, 2)}x)`),
        target: 'ours >= 1.00x autocannon',
        pass: ratio >= 1,
      },
    ],
    raw: { settings: ctx.settings.throughput, repetitions: reps, ratio, wrkRatio },
  };
}
