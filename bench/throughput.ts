// 1. Throughput: burst mode against the minimal server; ours sends a unique signed
// payload per request, autocannon (and wrk) one fixed signed body. A bare undici
// dispatch loop with the fixed body shows the ceiling of ours' transport. Requests per second
// are counted by the server: (arrivals - 1) / (last arrival - first arrival). The CPU
// time the generator process spent per request (user + system) shows where a
// CPU-bound generator's ceiling comes from; it is steadier than req/s on a busy machine.
import { runLoadTest } from '#engine';
import type { BenchContext, BenchOutcome } from './context.ts';
import { median, rateFromSpan } from './measures.ts';
import { runAutocannon, runUndiciLoop, runWrk, SECRET } from './peers.ts';
import { fixed, thousands } from './report.ts';
import type { BenchServer } from './server.ts';

/** Samples are preallocated: plan for this rate, well above what one process reaches here. */
const PLANNED_RPS_CEILING = 150_000;

interface Measured {
  requestsPerSecond: number;
  /** CPU time of this process per request counted by the server (null for a tool in another process). */
  cpuMicrosPerRequest: number | null;
}

async function measure(server: BenchServer, inProcess: boolean, run: () => Promise<unknown>): Promise<Measured> {
  await server.reset();
  const cpuBefore = process.cpuUsage();
  await run();
  const cpu = process.cpuUsage(cpuBefore);
  const report = await server.report();
  return {
    requestsPerSecond: rateFromSpan(report.count, report.spanMs),
    cpuMicrosPerRequest: inProcess && report.count > 0 ? (cpu.user + cpu.system) / report.count : null,
  };
}

export async function benchThroughput(ctx: BenchContext): Promise<BenchOutcome> {
  const { seconds, connections, warmupSeconds } = ctx.settings.throughput;
  const server = ctx.minimal;
  const reps: { ours: Measured; autocannon: Measured; undici: Measured; wrk: Measured | null }[] = [];
  const runOurs = (runSeconds: number) =>
    runLoadTest({
      url: server.url,
      secret: SECRET,
      totalRequests: Math.ceil(PLANNED_RPS_CEILING * runSeconds),
      concurrency: connections,
      maxDurationMs: runSeconds * 1000,
      progress: false,
    });
  await runOurs(warmupSeconds);
  await runAutocannon({ url: server.url, connections, durationSeconds: warmupSeconds });
  for (let rep = 1; rep <= ctx.settings.repetitions; rep++) {
    const ours = await measure(server, true, async () => {
      const summary = (await runOurs(seconds)).getSummary();
      // Cancelled at the time limit is expected; anything else is a broken run.
      if (summary.failureCount > summary.cancelledCount) {
        throw new Error(
          `throughput: ours had ${summary.failureCount - summary.cancelledCount} failures: ${JSON.stringify(summary.errorClasses)}`,
        );
      }
    });
    const autocannon = await measure(server, true, async () => {
      const { result } = await runAutocannon({ url: server.url, connections, durationSeconds: seconds });
      if (result.errors > 0 || result.non2xx > 0)
        throw new Error(`throughput: autocannon had ${result.errors} errors, ${result.non2xx} non-2xx`);
    });
    const undici = await measure(server, true, () => runUndiciLoop(server.url, connections, seconds));
    const wrk =
      ctx.wrk === null ? null : await measure(server, false, () => runWrk(server.url, connections, Math.max(1, Math.round(seconds))));
    reps.push({ ours, autocannon, undici, wrk });
    ctx.log(
      `throughput rep ${rep}: ours ${thousands(ours.requestsPerSecond)} (${fixed(ours.cpuMicrosPerRequest ?? NaN, 1)} us CPU/req), ` +
        `autocannon ${thousands(autocannon.requestsPerSecond)} (${fixed(autocannon.cpuMicrosPerRequest ?? NaN, 1)} us CPU/req), ` +
        `bare undici ${thousands(undici.requestsPerSecond)} (${fixed(undici.cpuMicrosPerRequest ?? NaN, 1)} us CPU/req), ` +
        `wrk ${wrk === null ? 'n/a' : thousands(wrk.requestsPerSecond)} req/s`,
    );
  }
  const rps = (pick: (r: (typeof reps)[number]) => Measured | null) => reps.flatMap((r) => pick(r)?.requestsPerSecond ?? []);
  const cpu = (pick: (r: (typeof reps)[number]) => Measured) => median(reps.map((r) => pick(r).cpuMicrosPerRequest ?? Number.NaN));
  const ours = median(rps((r) => r.ours));
  const autocannon = median(rps((r) => r.autocannon));
  // Each repetition's ratio is measured back to back, so the median of ratios resists drifting load.
  const ratio = median(reps.map((r) => r.ours.requestsPerSecond / r.autocannon.requestsPerSecond));
  const undici = median(rps((r) => r.undici));
  // The floor: undici alone, fixed body, against autocannon. Below 1.0x, no engine on undici reaches 1.0x.
  const undiciRatio = median(reps.map((r) => r.undici.requestsPerSecond / r.autocannon.requestsPerSecond));
  const wrk = ctx.wrk === null ? Number.NaN : median(rps((r) => r.wrk));
  const wrkRatio =
    ctx.wrk === null ? Number.NaN : median(reps.map((r) => r.ours.requestsPerSecond / (r.wrk as Measured).requestsPerSecond));
  return {
    figures: [
      {
        benchmark: '1 throughput',
        figure: `req/s, burst, ${connections} connections, ${seconds} s (server clock)`,
        ours: `${thousands(ours)} req/s`,
        peers:
          `autocannon ${thousands(autocannon)} (ours ${fixed(ratio, 2)}x); ` +
          `bare undici loop, fixed body ${thousands(undici)} (${fixed(undiciRatio, 2)}x autocannon); ` +
          (ctx.wrk === null ? 'wrk not installed' : `wrk -t1 ${thousands(wrk)} (ours ${fixed(wrkRatio, 2)}x)`),
        target: 'ours >= 1.00x autocannon',
        pass: ratio >= 1,
      },
      {
        benchmark: '1 throughput',
        figure: 'generator CPU time per request (user + system)',
        ours: `${fixed(
          cpu((r) => r.ours),
          1,
        )} us`,
        peers: `autocannon ${fixed(
          cpu((r) => r.autocannon),
          1,
        )} us; bare undici loop ${fixed(
          cpu((r) => r.undici),
          1,
        )} us`,
        target: '-',
        pass: null,
      },
    ],
    raw: { settings: ctx.settings.throughput, repetitions: reps, ratio, undiciRatio, wrkRatio },
  };
}
