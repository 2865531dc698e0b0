// The load-engine API the specs use.
export { runLoadTest } from './load-test.ts';
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
} from './options.ts';
export { LoadTestResults, type RunInfo, type LatencySeries } from './results.ts';
export { SampleStore, type LoadTestSample } from './samples.ts';
export { buildSummary, LAG_WARNING_MS, type LoadTestSummary, type ScheduleStats, type ErrorRecord, type EndReason } from './summary.ts';
export { latencyStats, percentile, sortedValues, percentChange, type LatencyStats } from './statistics.ts';
export {
  analyzeDegradation,
  analyzeLatencySeries,
  rankSumTest,
  type DegradationAnalysis,
  type DegradationOptions,
  type DegradationWindow,
} from './degradation.ts';
export { formatSummary, formatProgress, defaultTitle } from './console-report.ts';
export { signBody, createSigningKey } from './signing.ts';
export { flatPayload, wrappedPayload, encodePayload, type PayloadFactory, type FlatPayload, type WrappedPayload } from './payloads.ts';
export { bodyCheckFor, emptyBody, jsonObjectBody, statusIn, type BodyCheck } from './body-checks.ts';
export { classifyError, classHasLatency, errorClassName, ErrorCode, type ErrorClass } from './errors.ts';
export { dueTimeMs, SendSchedule, type SendHooks, type NextStep } from './scheduler.ts';
