// 3. Measurement overhead: a server that answers exactly delayMs after each request
// arrives, at a fixed rate; the P50 service time ours reports minus the P50 autocannon
// reports for the same server, rate and connections. Both are computed here from every
// unrounded response time with the same quantile (autocannon's histogram keeps whole ms).
import { runLoadTest } from '#engine';
import type { BenchContext, BenchOutcome } from './context.ts';
import { median, quantile } from './measures.ts';
import { runAutocannon, SECRET } from './peers.ts';
import { fixed } from './report.ts';

const TARGET_MS = 0.3;

export async function benchOverhead(ctx: BenchContext): Promise<BenchOutcome> {
  const { requestsPerSecond, seconds, connections, delayMs } = ctx.settings.overhead;
  const server = ctx.delayed;
  const reps: { oursP50: number; autocannonP50: number; autocannonHistogramP50: number; differenceMs: number }[] = [];
  for (let rep = 1; rep <= ctx.settings.repetitions; rep++) {
    const results = await runLoadTest({
      url: server.url,
      secret: SECRET,
      totalRequests: Math.round(requestsPerSecond * seconds),
      requestsPerSecond,
      concurrency: connections,
      maxDurationMs: seconds * 1000 + 10_000,
      progress: false,
    });
    const summary = results.getSummary();
    if (summary.failureCount > 0)
      throw new Error(`overhead: ours had ${summary.failureCount} failures: ${JSON.stringify(summary.errorClasses)}`);
    const oursP50 = summary.serviceTimes.p50Ms;
    const { result, responseTimesMs } = await runAutocannon({
      url: server.url,
      connections,
      durationSeconds: seconds,
      overallRate: requestsPerSecond,
    });
    const autocannonP50 = quantile(responseTimesMs, 0.5);
    reps.push({ oursP50, autocannonP50, autocannonHistogramP50: result.latency.p50, differenceMs: oursP50 - autocannonP50 });
    ctx.log(`overhead rep ${rep}: ours P50 ${fixed(oursP50, 3)} ms, autocannon P50 ${fixed(autocannonP50, 3)} ms`);
  }
  const difference = median(reps.map((r) => r.differenceMs));
  return {
    figures: [
      {
        benchmark: '3 overhead',
        figure: `P50 service time, ${delayMs} ms server, ${requestsPerSecond}/s, ${connections} conns, ${seconds} s`,
        ours: `${fixed(median(reps.map((r) => r.oursP50)), 3)} ms (${difference >= 0 ? '+' : ''}${fixed(difference, 3)} ms)`,
        peers: `autocannon ${fixed(median(reps.map((r) => r.autocannonP50)), 3)} ms (its histogram: ${fixed(median(reps.map((r) => r.autocannonHistogramP50)), 0)} ms)`,
        target: `ours - autocannon <= ${TARGET_MS} ms`,
        pass: difference <= TARGET_MS,
      },
    ],
    raw: { settings: ctx.settings.overhead, repetitions: reps, differenceMs: difference },
  };
}
