// runOnThreads: one plan as N segments on N worker threads of this process (a core each),
// started together once every thread has loaded, their results joined back into the one
// run's (joinSegments: every request, exact). The threads' progress is summed into one
// snapshot on the engine's progress channel. For rates one process cannot send on time.
import { Worker } from 'node:worker_threads';
import { joinSegments, planStages, publishProgress, type LoadTestResults, type ProgressSnapshot, type SegmentColumns } from '#engine';
import type { ToParent, ToThread } from './messages.ts';
import type { ThreadPlan } from './plan.ts';

/** Most worker threads of one run. */
export const MAX_THREADS = 64;
/** Between the last thread's ready and the shared start: time for the start to reach every thread. */
const START_LEAD_MS = 200;
/** Longest wait for the threads to load. */
const READY_TIMEOUT_MS = 60_000;

export interface ThreadRun {
  /** The joined results: one run of the whole plan. */
  results: LoadTestResults;
  /** Each segment's own columns, by segment. */
  parts: SegmentColumns[];
  startAt: number;
}

export interface ThreadOptions {
  /** Aborting it stops every thread's run (which still ends with results). */
  signal?: AbortSignal;
  /** The shared start, epoch ms; default as soon as every thread is ready. */
  startAt?: number;
  /** Each summed snapshot (they are also published on the engine's progress channel). */
  onProgress?: (snapshot: ProgressSnapshot) => void;
}

/** Runs `plan` as `threads` segments on as many worker threads and joins their results. */
export async function runOnThreads(plan: ThreadPlan, threads: number, options: ThreadOptions = {}): Promise<ThreadRun> {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new Error(`workers: expected a whole number of threads from 1 to ${MAX_THREADS}, got ${threads}`);
  }
  const workers = Array.from(
    { length: threads },
    (_, i) =>
      new Worker(new URL('./thread-entry.mjs', import.meta.url), { workerData: { plan, segment: { index: i + 1, count: threads } } }),
  );
  const latest: (ProgressSnapshot | undefined)[] = new Array(threads).fill(undefined);
  const stopAll = () => workers.forEach((worker) => worker.postMessage({ kind: 'stop' } satisfies ToThread));
  const { signal } = options;
  signal?.addEventListener('abort', stopAll, { once: true });
  try {
    const ready = workers.map((worker) => new Promise<void>((resolve) => worker.once('message', () => resolve())));
    const outcomes = workers.map(
      (worker, i) =>
        new Promise<SegmentColumns>((resolve, reject) => {
          worker.on('message', (message: ToParent) => {
            if (message.kind === 'progress') {
              latest[i] = message.snapshot;
              const snapshot = sumOf(latest);
              publishProgress(snapshot);
              options.onProgress?.(snapshot);
            } else if (message.kind === 'result') resolve(message.columns);
            else if (message.kind === 'failed') reject(new Error(`worker ${i + 1}: ${message.message}`));
          });
          worker.once('error', (error) => reject(new Error(`worker ${i + 1}: ${error.message}`)));
          worker.once('exit', (code) => reject(new Error(`worker ${i + 1} exited (code ${code}) before its results`)));
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(ready),
      Promise.all(outcomes), // a thread that fails while loading
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`workers: the ${threads} threads were not ready within ${READY_TIMEOUT_MS / 1000} s`)),
          READY_TIMEOUT_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const startAt = options.startAt ?? Date.now() + START_LEAD_MS;
    if (signal?.aborted === true) stopAll();
    workers.forEach((worker) => worker.postMessage({ kind: 'start', startAt } satisfies ToThread));
    const parts = await Promise.all(outcomes);
    const { stages, startRps } = plan.options;
    const whole = stages === undefined ? undefined : planStages(stages, startRps).stages;
    return { results: joinSegments(parts, whole), parts, startAt };
  } finally {
    signal?.removeEventListener('abort', stopAll);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/** The threads' latest snapshots as one: counts added, the P95 the slowest thread's. */
function sumOf(snapshots: readonly (ProgressSnapshot | undefined)[]): ProgressSnapshot {
  const known = snapshots.filter((s): s is ProgressSnapshot => s !== undefined);
  const total = (key: 'plannedRequests' | 'sent' | 'completed' | 'inFlight' | 'succeeded' | 'failed' | 'windowCount') =>
    known.reduce((sum, s) => sum + s[key], 0);
  const p95s = known.map((s) => s.currentP95Ms).filter((p) => !Number.isNaN(p));
  const stage = known.find((s) => s.stageIndex !== undefined)?.stageIndex;
  return {
    elapsedMs: Math.max(...known.map((s) => s.elapsedMs)),
    plannedRequests: total('plannedRequests'),
    sent: total('sent'),
    completed: total('completed'),
    inFlight: total('inFlight'),
    succeeded: total('succeeded'),
    failed: total('failed'),
    currentP95Ms: p95s.length === 0 ? Number.NaN : Math.max(...p95s),
    windowCount: total('windowCount'),
    windowMs: Math.max(...known.map((s) => s.windowMs)),
    plannedMs: Math.max(...known.map((s) => s.plannedMs)),
    ...(stage === undefined ? {} : { stageIndex: stage }),
  };
}
