// The spec author's face: a performance test, its one verb and its matcher.
//
//   import { perfTest, expect } from '../helpers/index.ts';
//   perfTest('custom: 30 requests at 2/s', async ({ load }) => {
//     const run = await load({ requests: 30, rate: '2/s' });
//     expect(run).toMeet({ successRatePercent: ['>=', 99], p95Ms: ['<', 3000] });
//   });
//
// `setting()` declares a knob of the spec's own. The rest is what the built-in
// specs use beyond load(): the server's metrics around a load, the profile,
// the burst's recovery, the capacity search, and the words for a policy.
export {
  perfTest,
  describe,
  expect,
  perfContext,
  healthAfter,
  waitForRetryAfter,
  withServerMetrics,
  metricsMissing,
  profileService,
  capacitySearch,
  findCapacity,
  type PerfTest,
  type Load,
  type LoadPlan,
  type LoadRun,
  type Rate,
  type ServerMetricsAround,
} from './vitest/index.ts';
export { setting, formatStatuses } from './config/index.ts';
export { activationPlan, describePolicy } from './rate-limit/index.ts';
export type { Criteria, Metric } from './analysis/index.ts';
