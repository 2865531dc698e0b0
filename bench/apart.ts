// 7. Past one process: throughput with --workers 1, 2 and the machine's cores at equal work
// (the same burst of unique signed requests and connections, split into segments on worker
// threads), the rate of two segments' union against the plan, as the server counts it, and
// the merge's percentile error against all the values together (HdrHistogram at 3 digits).
import { availableParallelism } from 'node:os';
import { latencyStats } from '#engine';
import { latencyRecord, mergeLatency, statsOf } from '../tests/helpers/merge/index.ts';
import { runOnThreads, type ThreadPlan } from '../tests/helpers/threads/index.ts';
import type { BenchContext, BenchOutcome } from './context.ts';
import { lognormalLatencies, median, rateErrorPercent, rateFromSpan } from './measures.ts';
import { SECRET } from './peers.ts';
import { fixed, thousands } from './report.ts';

/** k workers at least this times k times one worker, where the machine has a core for each and one for the server. */
export const WORKER_SCALING_TARGET = 0.8;
/** The segments' union within this of the planned rate. */
export const UNION_RATE_TARGET_PERCENT = 0.5;
/** Merged percentiles within this of those of all the values together. */
export const MERGE_ERROR_TARGET_PERCENT = 0.5;

/** The largest relative error, in percent, of the merged P50/P90/P95/P99 of `parts`. */
function mergeErrorPercent(parts: number[][]): number {
  const merged = statsOf(mergeLatency(parts.map((values) => latencyRecord(values))));
  const exact = latencyStats(parts.flat());
  return Math.max(...(['p50Ms', 'p90Ms', 'p95Ms', 'p99Ms'] as const).map((key) => (Math.abs(merged[key] - exact[key]) / exact[key]) * 100));
}

export async function benchApart(ctx: BenchContext): Promise<BenchOutcome> {
  const { requests, connections, unionRps, unionSeconds } = ctx.settings.apart;
  const server = ctx.minimal;
  const cores = availableParallelism();
  const counts = [...new Set([1, 2, cores])].sort((a, b) => a - b);
  const planOf = (totalRequests: number, requestsPerSecond?: number): ThreadPlan => ({
    options: {
      url: server.url,
      secret: SECRET,
      totalRequests,
      ...(requestsPerSecond === undefined ? {} : { requestsPerSecond }),
      concurrency: connections,
      ticketIdStart: 0,
      progress: false,
    },
    success: { statuses: [200], body: 'any' },
    payload: 'flat',
  });
  const burst = async (workers: number): Promise<number> => {
    await server.reset();
    const { results } = await runOnThreads(planOf(requests), workers);
    const failed = results.getSummary().failureCount;
    if (failed > 0) throw new Error(`workers: ${failed} of ${requests} requests failed with --workers ${workers}`);
    const report = await server.report();
    return rateFromSpan(report.count, report.spanMs);
  };
  await burst(1); // warm-up: the JIT and the server's sockets
  const reps: Record<number, number>[] = [];
  for (let rep = 1; rep <= ctx.settings.repetitions; rep++) {
    const row: Record<number, number> = {};
    for (const k of counts) row[k] = await burst(k);
    reps.push(row);
    ctx.log(`workers rep ${rep}: ${counts.map((k) => `--workers ${k} ${thousands(row[k] as number)} req/s`).join(', ')}`);
  }
  const rps = (k: number) => median(reps.map((r) => r[k] as number));
  const scaling = (k: number) => median(reps.map((r) => (r[k] as number) / (r[1] as number)));

  // Two segments at a fixed rate from one start: the union as the server counts it.
  const unionErrors: number[] = [];
  for (let rep = 1; rep <= ctx.settings.repetitions; rep++) {
    await server.reset(true);
    await runOnThreads(planOf(Math.round(unionRps * unionSeconds), unionRps), 2);
    const report = await server.report();
    unionErrors.push(Math.abs(rateErrorPercent(rateFromSpan(report.count, report.spanMs), unionRps)));
  }
  const unionError = median(unionErrors);

  const perPart = ctx.settings.smoke ? 30_000 : 250_000; // past MAX_KEPT_VALUES in all: the histograms merge
  const mergeError = mergeErrorPercent([
    lognormalLatencies(perPart, 40, 1),
    lognormalLatencies(perPart, 45, 2),
    lognormalLatencies(perPart, 38, 3),
    lognormalLatencies(perPart, 120, 4),
  ]);

  const figures = counts
    .filter((k) => k > 1)
    .map((k) => {
      const spare = cores >= k + 1;
      return {
        benchmark: '7 past one process',
        figure: `--workers ${k} at equal work (${thousands(requests)} unique signed requests, burst, ${connections} connections in all)`,
        ours: `${thousands(rps(k))} req/s, ${fixed(scaling(k), 2)}x --workers 1 (${thousands(rps(1))})`,
        peers: spare ? '-' : `${cores} cores: the server takes one, so ${k} workers share ${cores - 1}; not judged`,
        target: `>= ${fixed(WORKER_SCALING_TARGET * k, 1)}x --workers 1 with ${k + 1} cores`,
        pass: spare ? scaling(k) >= WORKER_SCALING_TARGET * k : null,
      };
    });
  figures.push(
    {
      benchmark: '7 past one process',
      figure: `2 segments' union at ${unionRps}/s for ${unionSeconds} s, rate error at the server`,
      ours: `${fixed(unionError, 3)} %`,
      peers: '-',
      target: `< ${UNION_RATE_TARGET_PERCENT} %`,
      pass: unionError < UNION_RATE_TARGET_PERCENT,
    },
    {
      benchmark: '7 past one process',
      figure: `merged P50-P99 of 4 x ${thousands(perPart)} latencies (HdrHistogram, 3 digits) vs all values together`,
      ours: `${fixed(mergeError, 3)} % largest error`,
      peers: 'k6 and Artillery merge no percentiles',
      target: `< ${MERGE_ERROR_TARGET_PERCENT} %`,
      pass: mergeError < MERGE_ERROR_TARGET_PERCENT,
    },
  );
  return { figures, raw: { cores, counts, repetitions: reps, unionErrorsPercent: unionErrors, mergeErrorPercent: mergeError } };
}
