// The Vitest part's face: the performance test with its fixtures (perfTest,
// load, the recorder), the matchers it registers, and the library functions the
// built-in specs call for what is more than one load: the profile, the server's
// metrics around a load, the burst's recovery and the capacity search.
export { perfTest, describe, expect, perfContext, type PerfTest } from './fixtures.ts';
export type { Load, LoadPlan, LoadRun, Rate } from './load.ts';
export type { PerfContext } from './perf-context.ts';
export { healthAfter, waitForRetryAfter } from './recovery.ts';
export { withServerMetrics, metricsMissing, type ServerMetricsAround } from './server-metrics.ts';
export { profileService } from './profile.ts';
export { capacitySearch, findCapacity } from './capacity-search.ts';
