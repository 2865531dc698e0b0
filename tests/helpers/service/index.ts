// Talking to the service under test beyond the load: its metrics endpoint and the
// preflight before any spec. (A rate limiter's answers are read by rate-limit/.)
export {
  fetchMetrics,
  fetchSettledMetrics,
  readUntilSettled,
  pollMetrics,
  formatMetricsBlock,
  type MetricsResult,
  type ServerMetrics,
} from './metrics-client.ts';
export { preflight, PreflightError, type PreflightResult } from './preflight.ts';
export {
  chooseResourceSource,
  resourceSources,
  resourcesAround,
  resourcesMissing,
  SOURCE_READERS,
  type ResourceChoice,
  type ResourceReaders,
  type ResourceSource,
  type SourceRead,
} from './resource-sources.ts';
