// The load engine's face: what the rest of the suite uses, and what the docs offer
// scripts through `#engine` (docs/engine.md, docs/writing-specs.md: MAX_TOTAL_REQUESTS,
// Profiler, HttpPhaseRecorder among them). The engine imports nothing of Vitest, the
// providers or the reports; internals (the sample store, the send schedule, summary
// building, error codes) are imported by path, by unit tests only.
export { runLoadTest } from './load-test.ts';
export {
  validateOptions,
  plannedDurationMs,
  LoadTestOptionError,
  DEFAULTS as LOAD_TEST_DEFAULTS,
  MAX_TOTAL_REQUESTS,
  type LoadTestOptions,
  type ProgressSnapshot,
} from './options.ts';
export { LoadTestResults, type LatencySeries } from './results.ts';
export { joinSegments, segmentColumns, type SegmentColumns } from './join.ts';
export { readSummaries, lagWarning, LAG_WARNING_MS, ERROR_DETAILS, type LoadTestSummary } from './summary.ts';
export { isBusy, type GeneratorResources } from './resources.ts';
export { planStages } from './stages.ts';
export { subscribeProgress, publishProgress } from './progress.ts';
export { defaultTicketIdStart } from './options.ts';
export { percentile, sortedValues, percentChange, latencyStats, type LatencyStats } from './statistics.ts';
export { parseSegment, formatSegment, segmentProblem, MAX_SEGMENTS, type SegmentSpec } from './segments.ts';
export type { ErrorRecord, RunInfo } from './run-data.ts';
export { signBody, BodySigner } from './signing.ts';
export { flatPayload, encodeFlatPayload, wrappedPayload } from './payloads.ts';
export { bodyCheckFor, jsonObjectBody, statusIn } from './body-checks.ts';
export { classHasLatency } from './errors.ts';
export { dueTimeMs } from './scheduler.ts';
export { Profiler, findBottlenecks, formatProfile, type ProfileReport } from './profiler.ts';
export { HttpPhaseRecorder, findHttpBottlenecks, formatHttpPhases, type HttpPhaseReport } from './http-phases.ts';
export { profileRequests, type RequestProfile } from './request-profile.ts';
