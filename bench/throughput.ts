// 1. Throughput: burst mode against the minimal server, every tool side by side in each
// repetition. Ours sends a unique signed payload per request. autocannon runs twice: at
// equal work (its setupRequest hook builds a unique ticket id, body and HMAC signature per
// request, signed-body.ts) and with one fixed signed body (its fastest mode). A bare undici
// dispatch loop with the fixed body shows the ceiling of ours' transport, and wrk (native,
// fixed body) the server's own ceiling. Requests per second are counted by the server:
// (arrivals - 1) / (last arrival - first arrival). The CPU time the generator process spent
// per request (user + system) shows where a CPU-bound generator's ceiling comes from; it is
// steadier than req/s on a busy machine.
import { runLoadTest } from '#engine';
import type { BenchContext, BenchOutcome } from './context.ts';
import { median, rateFromSpan } from './measures.ts';
import { runAutocannon, runUndiciLoop, runWrk, SECRET } from './peers.ts';
import { fixed, thousands } from './report.ts';
import type { BenchServer } from './server.ts';

/** Samples are preallocated: plan for this rate, well above what one process reaches here. */
const PLANNED_RPS_CEILING = 150_000;
/** ours / autocannon, both signing a unique body per request. */
export const EQUAL_WORK_TARGET = 1.5;
/** ours (unique signed bodies) / autocannon sending one fixed body. */
export const FIXED_BODY_TARGET = 0.9;

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
  type Rep = { ours: Measured; autocannonSigned: Measured; autocannon: Measured; undici: Measured; wrk: Measured | null };
  const reps: Rep[] = [];
  const runOurs = (runSeconds: number) =>
    runLoadTest({
      url: server.url,
      secret: SECRET,
      totalRequests: Math.ceil(PLANNED_RPS_CEILING * runSeconds),
      concurrency: connections,
      maxDurationMs: runSeconds * 1000,
      progress: false,
    });
  const runAutocannonChecked = async (uniqueSignedBodies: boolean) => {
    const { result } = await runAutocannon({ url: server.url, connections, durationSeconds: seconds, uniqueSignedBodies });
    if (result.errors > 0 || result.non2xx > 0)
      throw new Error(`throughput: autocannon had ${result.errors} errors, ${result.non2xx} non-2xx`);
  };
  await runOurs(warmupSeconds);
  await runAutocannon({ url: server.url, connections, durationSeconds: warmupSeconds });
  await runAutocannon({ url: server.url, connections, durationSeconds: warmupSeconds, uniqueSignedBodies: true });
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
    const autocannonSigned = await measure(server, true, () => runAutocannonChecked(true));
    const autocannon = await measure(server, true, () => runAutocannonChecked(false));
    const undici = await measure(server, true, () => runUndiciLoop(server.url, connections, seconds));
    const wrk =
      ctx.wrk === null ? null : await measure(server, false, () => runWrk(server.url, connections, Math.max(1, Math.round(seconds))));
    reps.push({ ours, autocannonSigned, autocannon, undici, wrk });
    const cpuText = (m: Measured) => `${fixed(m.cpuMicrosPerRequest ?? NaN, 1)} us CPU/req`;
    ctx.log(
      `throughput rep ${rep}: ours ${thousands(ours.requestsPerSecond)} (${cpuText(ours)}), ` +
        `autocannon signed ${thousands(autocannonSigned.requestsPerSecond)} (${cpuText(autocannonSigned)}), ` +
        `autocannon fixed ${thousands(autocannon.requestsPerSecond)} (${cpuText(autocannon)}), ` +
        `bare undici ${thousands(undici.requestsPerSecond)} (${cpuText(undici)}), ` +
        `wrk ${wrk === null ? 'n/a' : thousands(wrk.requestsPerSecond)} req/s`,
    );
  }
  const rps = (pick: (r: Rep) => Measured | null) => median(reps.flatMap((r) => pick(r)?.requestsPerSecond ?? []));
  const cpu = (pick: (r: Rep) => Measured) => fixed(median(reps.map((r) => pick(r).cpuMicrosPerRequest ?? Number.NaN)), 1);
  // Each repetition's ratio is measured back to back, so the median of ratios resists drifting load.
  const ratio = (top: (r: Rep) => Measured | null, bottom: (r: Rep) => Measured | null) =>
    median(
      reps.flatMap((r) => ((t, b) => (t === null || b === null ? [] : [t.requestsPerSecond / b.requestsPerSecond]))(top(r), bottom(r))),
    );
  const equalWorkRatio = ratio(
    (r) => r.ours,
    (r) => r.autocannonSigned,
  );
  const fixedBodyRatio = ratio(
    (r) => r.ours,
    (r) => r.autocannon,
  );
  // The floor: undici alone, fixed body, against autocannon. Below 1.0x, no engine on undici reaches 1.0x.
  const undiciRatio = ratio(
    (r) => r.undici,
    (r) => r.autocannon,
  );
  // CPU per request at equal work, autocannon's over ours: what req/s becomes once the cores are shared.
  const cpuRatio = median(
    reps.map((r) => (r.autocannonSigned.cpuMicrosPerRequest ?? Number.NaN) / (r.ours.cpuMicrosPerRequest ?? Number.NaN)),
  );
  const oursOfWrk = ratio(
    (r) => r.ours,
    (r) => r.wrk,
  );
  const autocannonOfWrk = ratio(
    (r) => r.autocannon,
    (r) => r.wrk,
  );
  const run = `burst, ${connections} connections, ${seconds} s (server clock)`;
  return {
    figures: [
      {
        benchmark: '1 throughput',
        figure: `req/s at equal work: a unique signed body per request, ${run}`,
        ours: `${thousands(rps((r) => r.ours))} req/s`,
        peers: `autocannon signing in setupRequest ${thousands(rps((r) => r.autocannonSigned))} (ours ${fixed(equalWorkRatio, 2)}x)`,
        target: `ours >= ${fixed(EQUAL_WORK_TARGET, 2)}x autocannon`,
        pass: equalWorkRatio >= EQUAL_WORK_TARGET,
      },
      {
        benchmark: '1 throughput',
        figure: `req/s, ours unique signed bodies, peers one fixed body, ${run}`,
        ours: `${thousands(rps((r) => r.ours))} req/s`,
        peers:
          `autocannon ${thousands(rps((r) => r.autocannon))} (ours ${fixed(fixedBodyRatio, 2)}x); ` +
          `bare undici loop ${thousands(rps((r) => r.undici))} (${fixed(undiciRatio, 2)}x autocannon)`,
        target: `ours >= ${fixed(FIXED_BODY_TARGET, 2)}x autocannon`,
        pass: fixedBodyRatio >= FIXED_BODY_TARGET,
      },
      {
        benchmark: '1 throughput',
        figure: `native ceiling: wrk -t1, one fixed body, ${run}`,
        ours: ctx.wrk === null ? '-' : `ours ${fixed(oursOfWrk, 2)}x wrk`,
        peers:
          ctx.wrk === null
            ? 'wrk not installed (apt-get install -y wrk): not measured'
            : `wrk ${thousands(rps((r) => r.wrk))} req/s; autocannon fixed body ${fixed(autocannonOfWrk, 2)}x wrk`,
        target: '-',
        pass: null,
      },
      {
        benchmark: '1 throughput',
        figure: 'generator CPU time per request (user + system)',
        ours: `${cpu((r) => r.ours)} us`,
        peers:
          `autocannon signing ${cpu((r) => r.autocannonSigned)} us (${fixed(cpuRatio, 2)}x ours); autocannon fixed body ${cpu((r) => r.autocannon)} us; ` +
          `bare undici loop ${cpu((r) => r.undici)} us`,
        target: '-',
        pass: null,
      },
    ],
    raw: {
      settings: ctx.settings.throughput,
      repetitions: reps,
      equalWorkRatio,
      fixedBodyRatio,
      cpuRatioAutocannonSignedToOurs: cpuRatio,
      undiciRatio,
      oursOfWrk,
      autocannonOfWrk,
    },
  };
}
