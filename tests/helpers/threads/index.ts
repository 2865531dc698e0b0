// One plan on every core: its segments on worker threads of this process, joined back into
// one run's results (runOnThreads). Used by `npm run load -- --workers`, `load({ workers })`
// in specs and the benchmarks.
export { runOnThreads, MAX_THREADS, type ThreadRun, type ThreadOptions } from './pool.ts';
export { threadPlanOf, threadProblem, type ThreadPlan } from './plan.ts';
export { threadRunner } from './runner.ts';
