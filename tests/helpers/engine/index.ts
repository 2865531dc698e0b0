// The load engine's face: what the rest of the suite may use. The engine imports
// nothing of Vitest, the providers or the reports; internals (the sample store,
// the send schedule, summary building, error codes) are imported by path from
// the engine's own unit tests only.
export { runLoadTest } from './load-test.ts';
export {
  validateOptions,
  plannedDurationMs,
  defaultTicketIdStart,
  LoadTestOptionError,
  DEFAULTS as LOAD_TEST_DEFAULTS,
  MAX_TOTAL_REQUESTS,
  MAX_CONCURRENCY,
  MAX_CHECKED_BODY_BYTES,
  MAX_STAGES,
  MAX_STAGES_DURATION_MS,
  type LoadTestOptions,
  type ProgressSnapshot,
} from './options.ts';
export { LoadTestResults, type RunInfo, type LatencySeries } from './results.ts';
export type { LoadTestSample } from './samples.ts';
export {
  LAG_WARNING_MS,
  readSummaries,
  type LoadTestSummary,
  type ScheduleStats,
  type StageStats,
  type ErrorRecord,
  type EndReason,
} from './summary.ts';
export {
  generatorVerdict,
  isBusy,
  cpuPercentOf,
  BUSY_ELU,
  BUSY_CPU_PERCENT,
  type GeneratorResources,
  type MeasuredResources,
} from './resources.ts';
export { planStages, type LoadStage, type PlannedStage, type StagePlan } from './stages.ts';
export { PROGRESS_CHANNEL, subscribeProgress } from './progress.ts';
export { latencyStats, percentile, sortedValues, percentChange, type LatencyStats } from './statistics.ts';
export { signBody, createSigningKey, BodySigner } from './signing.ts';
export {
  flatPayload,
  encodeFlatPayload,
  wrappedPayload,
  encodePayload,
  type PayloadFactory,
  type FlatPayload,
  type WrappedPayload,
} from './payloads.ts';
export { bodyCheckFor, emptyBody, jsonObjectBody, statusIn, type BodyCheck } from './body-checks.ts';
export { classHasLatency, errorClassName, type ErrorClass } from './errors.ts';
export { dueTimeMs } from './scheduler.ts';
export { Profiler, findBottlenecks, formatProfile, type ProfileReport, type ProfileRow } from './profiler.ts';
export {
  HttpPhaseRecorder,
  summarizeHttpPhases,
  findHttpBottlenecks,
  formatHttpPhases,
  type HttpPhaseReport,
  type HttpBottleneck,
} from './http-phases.ts';
export { profileRequests, PROFILE_ROOT, type ProfileRequestsOptions, type ProfiledAnswer, type RequestProfile } from './request-profile.ts';
