// Talking to the service under test beyond the load: its metrics endpoint, the
// preflight before any spec, and reading a rate limiter's answers.
export {
  fetchMetrics,
  fetchSettledMetrics,
  readUntilSettled,
  pollMetrics,
  missingFor,
  formatMetricsBlock,
  type MetricsResult,
  type ServerMetrics,
  type MetricsPoll,
} from './metrics-client.ts';
export { preflight, PreflightError, type PreflightResult, type PreflightOptions } from './preflight.ts';
export { retryAfterSeconds } from './retry-after.ts';
