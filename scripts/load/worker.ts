// One worker thread of `npm run load -- --workers N` (workers.ts starts it): parses the same
// command line, says it is ready, and on `start` runs its segment of the plan from the shared
// start; sends its progress snapshots, then its mergeable result. `stop` cancels the run (the
// parent's Ctrl-C), which still ends with a result.
import { parentPort, workerData } from 'node:worker_threads';
import { runLoadTest, subscribeProgress, type SegmentSpec } from '#engine';
import { parseCommandLine, type LoadCommand } from '../../tests/helpers/cli/index.ts';
import { runResultOf } from '../../tests/helpers/merge/index.ts';
import type { ToParent, ToWorker } from './workers.ts';

const { argv, segment, ticketIdStart } = workerData as { argv: string[]; segment: SegmentSpec; ticketIdStart: number };
const port = parentPort as NonNullable<typeof parentPort>;
const post = (message: ToParent): void => port.postMessage(message);
const command = parseCommandLine(argv, process.env) as LoadCommand;
const controller = new AbortController();

port.on('message', (message: ToWorker) => {
  if (message.kind === 'stop') controller.abort();
  else void run(message.startAt);
});

async function run(startAt: number): Promise<void> {
  const stopProgress = command.settings.progress ? subscribeProgress((snapshot) => post({ kind: 'progress', snapshot })) : () => {};
  try {
    const { concurrency } = command.settings;
    const results = await runLoadTest({
      ...command.options,
      // --concurrency is the command's: each of the N threads holds its share of the connections.
      ...(concurrency === null ? {} : { concurrency: Math.ceil(concurrency / segment.count) }),
      ticketIdStart,
      segment,
      startAt,
      signal: controller.signal,
    });
    post({ kind: 'result', result: runResultOf(results) });
  } catch (error) {
    post({ kind: 'failed', message: (error as Error).message });
  } finally {
    stopProgress();
    port.close();
  }
}

post({ kind: 'ready' });
