// `npm run load -- --workers N`: the plan's N segments on N worker threads of this process (one
// core each), started together once every thread has loaded, and their results handed back for
// the merge. The threads' progress is summed into one line.
import { Worker } from 'node:worker_threads';
import type { ProgressSnapshot } from '#engine';
import type { RunResult } from '../../tests/helpers/merge/index.ts';

export type ToWorker = { kind: 'start'; startAt: number } | { kind: 'stop' };
export type ToParent =
  | { kind: 'ready' }
  | { kind: 'progress'; snapshot: ProgressSnapshot }
  | { kind: 'result'; result: RunResult }
  | { kind: 'failed'; message: string };

/** Between the last thread's ready and the shared start: time for the start message to reach every thread. */
const START_LEAD_MS = 200;
/** Longest wait for the threads to load. */
const READY_TIMEOUT_MS = 60_000;

export interface WorkerRun {
  /** Each segment's result, by segment (1..N). */
  results: RunResult[];
  startAt: number;
}

/**
 * Runs segments 1..N of the command line `argv` on N threads; `startAt` is the shared start, or
 * null for "as soon as every thread is ready". Aborting `signal` stops every thread's run.
 */
export async function runOnWorkers(
  argv: readonly string[],
  /** The plan's first ticket id, the same for every thread (each parses the flags itself). */
  ticketIdStart: number,
  workers: number,
  startAt: number | null,
  signal: AbortSignal,
  onProgress: (snapshot: ProgressSnapshot) => void,
): Promise<WorkerRun> {
  // The thread parses the same flags but runs one segment: --workers is the parent's.
  const own = withoutWorkersFlag(argv);
  const threads = Array.from(
    { length: workers },
    (_, i) =>
      new Worker(new URL('./worker-entry.mjs', import.meta.url), {
        workerData: { argv: own, ticketIdStart, segment: { index: i + 1, count: workers } },
      }),
  );
  const latest: (ProgressSnapshot | undefined)[] = new Array(workers).fill(undefined);
  const stopAll = () => threads.forEach((thread) => thread.postMessage({ kind: 'stop' } satisfies ToWorker));
  signal.addEventListener('abort', stopAll, { once: true });
  try {
    const ready = threads.map((thread) => new Promise<void>((resolve) => thread.once('message', () => resolve())));
    const outcomes = threads.map(
      (thread, i) =>
        new Promise<RunResult>((resolve, reject) => {
          thread.on('message', (message: ToParent) => {
            if (message.kind === 'progress') {
              latest[i] = message.snapshot;
              onProgress(sumOf(latest));
            } else if (message.kind === 'result') resolve(message.result);
            else if (message.kind === 'failed') reject(new Error(`worker ${i + 1}: ${message.message}`));
          });
          thread.once('error', (error) => reject(new Error(`worker ${i + 1}: ${error.message}`)));
          thread.once('exit', (code) => reject(new Error(`worker ${i + 1} exited (code ${code}) before its result`)));
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(ready),
      Promise.all(outcomes), // a thread that fails while loading
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the ${workers} worker threads were not ready within ${READY_TIMEOUT_MS / 1000} s`)),
          READY_TIMEOUT_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const start = startAt ?? Date.now() + START_LEAD_MS;
    threads.forEach((thread) => thread.postMessage({ kind: 'start', startAt: start } satisfies ToWorker));
    return { results: await Promise.all(outcomes), startAt: start };
  } finally {
    signal.removeEventListener('abort', stopAll);
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
}

function withoutWorkersFlag(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--workers') i++;
    else if (!arg.startsWith('--workers=')) out.push(arg);
  }
  return out;
}

/** The threads' latest snapshots as one: counts added, the P95 the slowest thread's. */
function sumOf(snapshots: readonly (ProgressSnapshot | undefined)[]): ProgressSnapshot {
  const known = snapshots.filter((s): s is ProgressSnapshot => s !== undefined);
  const total = (key: 'plannedRequests' | 'sent' | 'completed' | 'inFlight' | 'succeeded' | 'failed' | 'windowCount') =>
    known.reduce((sum, s) => sum + s[key], 0);
  const p95s = known.map((s) => s.currentP95Ms).filter((p) => !Number.isNaN(p));
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
  };
}
