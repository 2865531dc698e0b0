// 5. Memory: a burst of `requests` against the minimal server; what the results retain
// per request, measured as heap + off-heap (typed-array backing stores are off-heap)
// after forced garbage collections, with the results still referenced. The samples are
// read only through the columns: results.samples would materialise one object each.
import { runLoadTest } from '#engine';
import type { BenchContext, BenchOutcome } from './context.ts';
import { median } from './measures.ts';
import { SECRET } from './peers.ts';
import { fixed, thousands } from './report.ts';

const TARGET_BYTES = 64;
/** Bound on one run (a million requests take 25-80 s here). */
const MAX_RUN_MS = 5 * 60_000;

function retainedBytes(): number {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('memory benchmark: global.gc is missing; run node with --expose-gc (npm run bench does)');
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

export async function benchMemory(ctx: BenchContext): Promise<BenchOutcome> {
  const { requests, concurrency, repetitions } = ctx.settings.memory;
  const server = ctx.minimal;
  const reps: { bytesPerRequest: number; requestsPerSecond: number; seconds: number }[] = [];
  for (let rep = 1; rep <= repetitions; rep++) {
    await server.reset();
    const before = retainedBytes();
    const results = await runLoadTest({
      url: server.url,
      secret: SECRET,
      totalRequests: requests,
      concurrency,
      maxDurationMs: MAX_RUN_MS,
      progress: false,
    });
    const after = retainedBytes();
    const { store, info } = results; // still referenced: what the results retain is measured
    if (store.sent !== requests || store.completed !== requests)
      throw new Error(`memory: ${store.sent} sent, ${store.completed} completed of ${requests}`);
    const bytesPerRequest = (after - before) / requests;
    reps.push({ bytesPerRequest, requestsPerSecond: (requests * 1000) / info.durationMs, seconds: info.durationMs / 1000 });
    ctx.log(
      `memory rep ${rep}: ${fixed(bytesPerRequest, 1)} bytes/request (${thousands(requests)} requests in ${fixed(info.durationMs / 1000, 1)} s)`,
    );
  }
  const bytes = median(reps.map((r) => r.bytesPerRequest));
  return {
    figures: [
      {
        benchmark: '5 memory',
        figure: `retained bytes/request after ${thousands(requests)} requests (forced GC)${repetitions === 1 ? ', 1 run' : ''}`,
        ours: `${fixed(bytes, 1)} B/request`,
        peers: '-',
        target: `<= ${TARGET_BYTES} B/request`,
        pass: bytes <= TARGET_BYTES,
      },
    ],
    raw: { settings: ctx.settings.memory, repetitions: reps },
  };
}
