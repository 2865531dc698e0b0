// runOnThreads: one plan as N segments on N worker threads of this process (a core each),
// started together once every thread has loaded, their results joined back into the one
// run's (joinSegments: every request, exact). The threads' progress is summed into one
// snapshot on the engine's progress channel. For rates one process cannot send on time.
import { Worker } from 'node:worker_threads';
import {
  defaultTicketIdStart,
  joinSegments,
  planStages,
  publishProgress,
  type LoadTestResults,
  type ProgressSnapshot,
  type SegmentColumns,
} from '#engine';
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
  // One first ticket id for every thread: each picking its own from its clock could overlap.
  const shared: ThreadPlan = { ...plan, options: { ...plan.options, ticketIdStart: plan.options.ticketIdStart ?? defaultTicketIdStart() } };
  const workers: Worker[] = [];
  const { signal } = options;
  const stopAll = () => workers.forEach((worker) => worker.postMessage({ kind: 'stop' } satisfies ToThread));
  signal?.addEventListener('abort', stopAll, { once: true });
  try {
    for (let i = 0; i < threads; i++) {
      workers.push(
        new Worker(new URL('./thread-entry.mjs', import.meta.url), {
          workerData: { plan: shared, segment: { index: i + 1, count: threads } },
        }),
      );
    }
    const progress = new ProgressRounds(threads, (snapshot) => {
      publishProgress(snapshot);
      options.onProgress?.(snapshot);
    });
    const ready = workers.map((worker) => new Promise<void>((resolve) => worker.once('message', () => resolve())));
    const outcomes = workers.map(
      (worker, i) =>
        new Promise<SegmentColumns>((resolve, reject) => {
          worker.on('message', (message: ToParent) => {
            if (message.kind === 'progress') progress.add(i, message.snapshot);
            else if (message.kind === 'result') {
              progress.finished(i);
              resolve(message.columns);
            } else if (message.kind === 'failed') reject(new Error(`worker ${i + 1}: ${message.message}`));
          });
          worker.once('error', (error) => reject(new Error(`worker ${i + 1}: ${error.message}`)));
          worker.once('exit', (code) => reject(new Error(`worker ${i + 1} exited (code ${code}) before its results`)));
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    await Promise.race([
      Promise.all(ready),
      Promise.all(outcomes), // a thread that fails while loading
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`workers: the ${threads} threads were not ready within ${READY_TIMEOUT_MS / 1000} s`)),
          READY_TIMEOUT_MS,
        );
      }),
      // Stopped while the threads load: start them at once; each ends at once with nothing sent.
      new Promise<void>((resolve) => {
        onAbort = () => resolve();
        if (signal?.aborted === true) resolve();
        else signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]).finally(() => {
      clearTimeout(timer);
      if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
    });
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

/**
 * The threads' snapshots in rounds: one summed snapshot once every running thread has sent its
 * next one, so a reader sees one snapshot per interval, each of the same moment's windows.
 */
export class ProgressRounds {
  private readonly latest: (ProgressSnapshot | undefined)[];
  private readonly fresh: boolean[];
  private readonly running: boolean[];

  constructor(
    threads: number,
    private readonly emit: (snapshot: ProgressSnapshot) => void,
  ) {
    this.latest = new Array<ProgressSnapshot | undefined>(threads).fill(undefined);
    this.fresh = new Array<boolean>(threads).fill(false);
    this.running = new Array<boolean>(threads).fill(true);
  }

  add(thread: number, snapshot: ProgressSnapshot): void {
    // A second snapshot before the others' first: the round ends with what it has.
    if (this.fresh[thread] === true) this.flush();
    this.latest[thread] = snapshot;
    this.fresh[thread] = true;
    if (this.running.every((running, i) => !running || this.fresh[i] === true)) this.flush();
  }

  finished(thread: number): void {
    this.running[thread] = false;
  }

  private flush(): void {
    if (!this.fresh.some(Boolean)) return;
    this.emit(sumOf(this.latest, this.fresh));
    this.fresh.fill(false);
  }
}

/**
 * The threads' latest snapshots as one: counts added; the window (P95 and its count) over the
 * threads that reported in this round, its P95 the slowest thread's.
 */
function sumOf(snapshots: readonly (ProgressSnapshot | undefined)[], fresh: readonly boolean[]): ProgressSnapshot {
  const known = snapshots.filter((s): s is ProgressSnapshot => s !== undefined);
  const windows = snapshots.filter((s, i): s is ProgressSnapshot => s !== undefined && fresh[i] === true);
  const total = (key: 'plannedRequests' | 'sent' | 'completed' | 'inFlight' | 'succeeded' | 'failed') =>
    known.reduce((sum, s) => sum + s[key], 0);
  const p95s = windows.map((s) => s.currentP95Ms).filter((p) => !Number.isNaN(p));
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
    windowCount: windows.reduce((sum, s) => sum + s.windowCount, 0),
    windowMs: Math.max(...known.map((s) => s.windowMs)),
    plannedMs: Math.max(...known.map((s) => s.plannedMs)),
    ...(stage === undefined ? {} : { stageIndex: stage }),
  };
}
