// npm run bench [-- --smoke] [-- --only=throughput,pacing,overhead,co,memory,ramp,workers]
//
// Runs the generator benchmarks against servers in separate processes on 127.0.0.1,
// prints one table (medians of the repetitions, targets, pass/fail) and writes every
// number to bench/results.json. Needs --expose-gc (the npm scripts pass it).
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchApart } from './apart.ts';
import { benchCoordinatedOmission } from './coordinated-omission.ts';
import type { BenchContext, BenchOutcome } from './context.ts';
import { benchMemory } from './memory.ts';
import { benchOverhead } from './overhead.ts';
import { benchPacing } from './pacing.ts';
import { wrkVersion } from './peers.ts';
import { benchRamp } from './ramp.ts';
import { renderMarkdown, renderTable, type Figure } from './report.ts';
import { startBenchServer } from './server.ts';
import { FULL, SMOKE } from './settings.ts';
import { benchThroughput } from './throughput.ts';

const BENCHMARKS: Record<string, (ctx: BenchContext) => Promise<BenchOutcome>> = {
  throughput: benchThroughput,
  pacing: benchPacing,
  overhead: benchOverhead,
  co: benchCoordinatedOmission,
  memory: benchMemory,
  ramp: benchRamp,
  workers: benchApart,
};
/** Hard bound on the whole run (the full run takes about 4.5 minutes). */
const RUN_LIMIT_MS = 10 * 60_000;
const RESULTS_FILE = fileURLToPath(new URL('./results.json', import.meta.url));

function parseArgs(argv: string[]): { smoke: boolean; only: string[] } {
  let smoke = false;
  let only = Object.keys(BENCHMARKS);
  for (const arg of argv) {
    if (arg === '--smoke') smoke = true;
    else if (arg.startsWith('--only=')) {
      only = arg
        .slice('--only='.length)
        .split(',')
        .filter((name) => name !== '');
      const unknown = only.filter((name) => !(name in BENCHMARKS));
      if (unknown.length > 0 || only.length === 0) {
        throw new Error(
          `bench: --only got "${unknown.join(',')}"; expected a comma-separated list of ${Object.keys(BENCHMARKS).join(', ')}`,
        );
      }
    } else {
      throw new Error(`bench: unknown argument "${arg}"; expected --smoke and/or --only=${Object.keys(BENCHMARKS).join(',')}`);
    }
  }
  return { smoke, only };
}

function machine() {
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

async function main(): Promise<void> {
  const { smoke, only } = parseArgs(process.argv.slice(2));
  const settings = smoke ? SMOKE : FULL;
  const started = performance.now();
  const limit = setTimeout(() => {
    console.error(`bench: still running after ${RUN_LIMIT_MS / 60_000} minutes; giving up`);
    process.exit(2);
  }, RUN_LIMIT_MS);
  limit.unref();

  const log = (message: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);
  const wrk = wrkVersion();
  const loadBefore = loadavg();
  log(`${smoke ? 'smoke' : 'full'} run on ${JSON.stringify(machine())}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  log(wrk === null ? 'wrk not installed (apt-get install -y wrk): the native ceiling is not measured' : `native ceiling: ${wrk}`);

  const { coordinatedOmission: co, overhead } = settings;
  const stall = { mode: 'stall', stallAtMs: co.stallAtMs, stallMs: co.stallMs } as const;
  const servers = await Promise.all([
    startBenchServer({ mode: 'minimal' }),
    startBenchServer({ mode: 'delay', delayMs: overhead.delayMs }),
    startBenchServer(stall),
    startBenchServer(stall),
  ]);
  const [minimal, delayed, stallingOurs, stallingPeer] = servers;
  const ctx: BenchContext = { settings, minimal, delayed, stalling: [stallingOurs, stallingPeer], wrk, log };
  const figures: Figure[] = [];
  const raw: Record<string, unknown> = {};
  try {
    for (const name of only) {
      const bench = BENCHMARKS[name] as (ctx: BenchContext) => Promise<BenchOutcome>;
      const outcome = await bench(ctx);
      figures.push(...outcome.figures);
      raw[name] = outcome.raw;
    }
  } finally {
    await Promise.all(servers.map((server) => server.close()));
  }

  const seconds = (performance.now() - started) / 1000;
  const loadAfter = loadavg();
  console.log(`\n${renderTable(figures, smoke)}\n`);
  console.log(
    `${smoke ? 'Smoke run (too short to judge targets)' : `Medians of ${settings.repetitions} repetitions`}; ` +
      `${seconds.toFixed(0)} s in all; load average ${loadBefore[0]?.toFixed(2)} before, ${loadAfter[0]?.toFixed(2)} after ` +
      `on ${availableParallelism()} CPUs (other work on the machine adds noise).`,
  );
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify(
      {
        mode: smoke ? 'smoke' : 'full',
        finishedAt: new Date().toISOString(),
        durationSeconds: seconds,
        machine: machine(),
        wrk,
        loadAverage: { before: loadBefore, after: loadAfter },
        figures,
        markdown: renderMarkdown(figures, smoke),
        raw,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`Every repetition's numbers: ${RESULTS_FILE}`);
  clearTimeout(limit);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
