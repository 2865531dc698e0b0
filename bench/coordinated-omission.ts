// 4. Coordinated omission: a fixed rate with a few connections while the server holds
// every answer for stallMs once, stallAtMs after the first request. A tool that times
// from the actual send (ours' service time, or a closed loop) sees the few requests
// stuck on the connections, not the ones the stall kept from being sent; ours' corrected
// latency times from the intended send. The ideal P99 is computed from the stall alone.
// Ours and autocannon run at the same time against two identical servers: at 100/s
// neither loads the process noticeably, and the figure is in seconds.
import { runLoadTest } from '#engine';
import type { BenchContext, BenchOutcome } from './context.ts';
import { idealLatencies, median, quantile } from './measures.ts';
import { runAutocannon, SECRET } from './peers.ts';
import { fixed } from './report.ts';

const TOLERANCE = 0.1;

export async function benchCoordinatedOmission(ctx: BenchContext): Promise<BenchOutcome> {
  const { requestsPerSecond, seconds, connections, stallAtMs, stallMs } = ctx.settings.coordinatedOmission;
  const [oursServer, peerServer] = ctx.stalling;
  const totalRequests = Math.round(requestsPerSecond * seconds);
  // Unstalled requests take well under a millisecond here, so the ideal leaves them at 0.
  const ideal = quantile(idealLatencies({ requestsPerSecond, totalRequests, stallAtMs, stallMs, baseMs: 0 }), 0.99);
  const reps: {
    correctedP99: number;
    serviceP99: number;
    autocannonP99: number;
    /** Its histogram's P50: shows how much of it is filled in by its correction. */
    autocannonP50: number;
    autocannonUncorrectedP99: number;
    autocannonResponses: number;
  }[] = [];
  for (let rep = 1; rep <= ctx.settings.repetitions; rep++) {
    await Promise.all([oursServer.reset(), peerServer.reset()]);
    const [results, { result, responseTimesMs }] = await Promise.all([
      runLoadTest({
        url: oursServer.url,
        secret: SECRET,
        totalRequests,
        requestsPerSecond,
        concurrency: connections,
        maxDurationMs: seconds * 1000 + stallMs + 10_000,
        progress: false,
      }),
      runAutocannon({ url: peerServer.url, connections, durationSeconds: seconds, overallRate: requestsPerSecond }),
    ]);
    const summary = results.getSummary();
    if (summary.failureCount > 0) throw new Error(`coordinated omission: ours had ${summary.failureCount} failures`);
    reps.push({
      correctedP99: summary.responseTimes.p99Ms,
      serviceP99: summary.serviceTimes.p99Ms,
      autocannonP99: result.latency.p99,
      autocannonP50: result.latency.p50,
      autocannonUncorrectedP99: quantile(responseTimesMs, 0.99),
      autocannonResponses: responseTimesMs.length,
    });
    const last = reps.at(-1);
    ctx.log(
      `coordinated omission rep ${rep}: ours corrected P99 ${fixed(last?.correctedP99 ?? NaN, 1)} ms, service ${fixed(last?.serviceP99 ?? NaN, 1)} ms, ` +
        `autocannon ${fixed(last?.autocannonP99 ?? NaN, 1)} ms (ideal ${fixed(ideal, 1)} ms)`,
    );
  }
  const corrected = median(reps.map((r) => r.correctedP99));
  const deviation = (corrected - ideal) / ideal;
  return {
    figures: [
      {
        benchmark: '4 coord. omission',
        figure: `P99, ${requestsPerSecond}/s, ${connections} conns, ${seconds} s, ${stallMs} ms stall at ${stallAtMs} ms`,
        ours: `corrected ${fixed(corrected, 1)} ms (${deviation >= 0 ? '+' : ''}${fixed(deviation * 100, 1)} % of ideal ${fixed(ideal, 1)} ms); service time ${fixed(median(reps.map((r) => r.serviceP99)), 1)} ms`,
        peers:
          `autocannon ${fixed(median(reps.map((r) => r.autocannonP99)), 0)} ms (its P50 ${fixed(median(reps.map((r) => r.autocannonP50)), 0)} ms; ` +
          `its raw times: P99 ${fixed(median(reps.map((r) => r.autocannonUncorrectedP99)), 1)} ms)`,
        target: `corrected within ${TOLERANCE * 100} % of ideal`,
        pass: Math.abs(deviation) <= TOLERANCE,
      },
    ],
    raw: { settings: ctx.settings.coordinatedOmission, idealP99Ms: ideal, repetitions: reps },
  };
}
