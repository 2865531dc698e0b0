// runLoadTest's shape on worker threads: what a caller that takes a runner (the capacity search,
// load() in specs) uses to spread one run over `threads` cores. One thread is runLoadTest itself.
import { runLoadTest, type LoadTestOptions, type LoadTestResults } from '#engine';
import { threadPlanOf, type ThreadPlan } from './plan.ts';
import { runOnThreads } from './pool.ts';

/** `(options) => results` running each run's plan on `threads` threads; the success rule as the caller's own. */
export function threadRunner(threads: number, success: ThreadPlan['success']): (options: LoadTestOptions) => Promise<LoadTestResults> {
  if (threads <= 1) return runLoadTest;
  return async (options) => {
    const { signal, onProgress, ...rest } = options;
    // onProgress stays here: the threads' snapshots, summed, reach it.
    const plan = threadPlanOf(onProgress === undefined ? rest : { ...rest, progress: true }, success);
    const run = await runOnThreads(plan, threads, {
      ...(signal === undefined ? {} : { signal }),
      ...(onProgress === undefined ? {} : { onProgress }),
    });
    return run.results;
  };
}
