// One worker thread of runOnThreads (pool.ts): says it is ready, and on `start` runs its segment
// of the plan from the shared start; posts its progress snapshots, then its results as columns.
// `stop` cancels the run (the parent's signal), which still ends with results.
import { parentPort, workerData } from 'node:worker_threads';
import { runLoadTest, segmentColumns, subscribeProgress, type SegmentSpec } from '#engine';
import { segmentOptions, type ThreadPlan } from './plan.ts';
import type { ToParent, ToThread } from './messages.ts';

const { plan, segment } = workerData as { plan: ThreadPlan; segment: SegmentSpec };
const port = parentPort as NonNullable<typeof parentPort>;
const controller = new AbortController();

port.on('message', (message: ToThread) => {
  if (message.kind === 'stop') controller.abort();
  else void run(message.startAt);
});

async function run(startAt: number): Promise<void> {
  // Snapshots are made when the plan's progress option says so; each reaches the parent.
  const stopProgress = subscribeProgress((snapshot) => port.postMessage({ kind: 'progress', snapshot } satisfies ToParent));
  try {
    const results = await runLoadTest(segmentOptions(plan, segment, startAt, controller.signal));
    const columns = segmentColumns(results);
    const transfer = [columns.intendedMs, columns.actualMs, columns.endMs, columns.status, columns.errorCode].map(
      (c) => c.buffer as ArrayBuffer,
    );
    port.postMessage({ kind: 'result', columns } satisfies ToParent, transfer);
  } catch (error) {
    port.postMessage({ kind: 'failed', message: (error as Error).message } satisfies ToParent);
  } finally {
    stopProgress();
    port.close();
  }
}

port.postMessage({ kind: 'ready' } satisfies ToParent);
