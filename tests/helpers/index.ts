// The load-engine API the specs use.
export { runLoadTest } from './engine/load-test.ts';
export {
  validateOptions,
  plannedDurationMs as plannedRunDurationMs,
  LoadTestOptionError,
  DEFAULTS as LOAD_TEST_DEFAULTS,
  MAX_TOTAL_REQUESTS,
  MAX_CONCURRENCY,
  MAX_CHECKED_BODY_BYTES,
  type LoadTestOptions,
  type ResolvedOptions,
  type ProgressSnapshot,
} from './engine/options.ts';
export { LoadTestResults, type RunInfo, type LatencySeries } from './engine/results.ts';
export { SampleStore, type LoadTestSample } from './engine/samples.ts';
export {
  buildSummary,
  LAG_WARNING_MS,
  type LoadTestSummary,
  type ScheduleStats,
  type ErrorRecord,
  type EndReason,
} from './engine/summary.ts';
export { latencyStats, percentile, sortedValues, percentChange, type LatencyStats } from './engine/statistics.ts';
export {
  analyzeDegradation,
  analyzeLatencySeries,
  rankSumTest,
  type DegradationAnalysis,
  type DegradationOptions,
  type DegradationWindow,
} from './analysis/degradation.ts';
export { formatSummary, formatProgress, defaultTitle } from './report/console.ts';
export { signBody, createSigningKey } from './engine/signing.ts';
export {
  flatPayload,
  wrappedPayload,
  encodePayload,
  type PayloadFactory,
  type FlatPayload,
  type WrappedPayload,
} from './engine/payloads.ts';
export { bodyCheckFor, emptyBody, jsonObjectBody, statusIn, type BodyCheck } from './engine/body-checks.ts';
export { classifyError, classHasLatency, errorClassName, ErrorCode, type ErrorClass } from './engine/errors.ts';
export { dueTimeMs, SendSchedule, type SendHooks, type NextStep } from './engine/scheduler.ts';
