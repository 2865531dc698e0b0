// Results that merge exactly: one run's mergeable result (result.ts), the merge of
// one plan's segments into one summary (merge.ts, latency.ts), and the result files
// (files.ts). Used by `npm run load` (its segments, --workers and `merge`).
export { runResultOf, resultFileName, RESULT_SUFFIX, type RunResult, type RunAnswers, type PlanIdentity, type Timeline } from './result.ts';
export { mergeResults, MergeError, type MergedRun, type ResultPart } from './merge.ts';
export { latencyRecord, mergeLatency, statsOf, MAX_KEPT_VALUES, type LatencyRecord } from './latency.ts';
export { readRunResults, writeRunResult } from './files.ts';
