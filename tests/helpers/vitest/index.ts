// The Vitest part's face: what a spec file needs besides the library's face
// (tests/helpers/index.ts): the extended `test` with its fixtures, timeouts and
// waits, and the helpers of the other parts that specs call directly (the
// service's metrics, Retry-After, the rate-limit verdicts).
export { test, describe, describeSpec, expect, perfContext } from './fixtures.ts';
export { sleep, type SpecRecorder } from './recorder.ts';
export { healthAfter, waitForRetryAfter } from './recovery.ts';
export { withServerMetrics, metricsMissing, type ServerMetricsAround } from './server-metrics.ts';
export { profileService, type ProfilePlan } from './profile.ts';
export { timelineOf } from '../report/index.ts';
export { plannedDurationMs, specTimeoutMs, type PerfContext } from './perf-context.ts';
export {
  fetchSettledMetrics,
  formatMetricsBlock,
  missingFor,
  pollMetrics,
  retryAfterSeconds,
  type MetricsResult,
} from '../service/index.ts';
export { formatStatuses, specSettings, type SettingsReader } from '../config/index.ts';
export { describeThreshold, type Metric, type Threshold, type ThresholdResult } from '../analysis/index.ts';
export {
  admittedSends,
  answerTimes,
  describePolicy,
  EDGE_MARGIN_MS,
  formatPolicy,
  inWindow,
  judgeLimiter,
  planWait,
  sentTimes,
  type PhaseOutcome,
} from '../rate-limit/index.ts';
// The capacity search (capacity.spec.ts): plans, verdicts and the result, pure.
export {
  afterRamp,
  afterStep,
  capacityResult,
  fitsBudget,
  fmtRps,
  formatCapacity,
  judgeStep,
  nextStep,
  policyRps,
  rampPlan,
  steadyStep,
  stepFigures,
  type CapacityResult,
  type CapacitySettings,
  type EndedBy,
  type SearchState,
  type StepRecord,
} from '../analysis/index.ts';
