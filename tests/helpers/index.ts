// The spec author's face: a performance test, its one verb and its matcher.
//
//   import { perfTest, expect } from '../helpers/index.ts';
//   perfTest('custom: 30 requests at 2/s', async ({ load }) => {
//     const run = await load({ requests: 30, rate: '2/s' });
//     expect(run).toMeet({ successRatePercent: ['>=', 99], p95Ms: ['<', 3000] });
//   });
//
// `setting()` declares a knob of the spec's own. Everything else is reached
// through the parts' own faces (`#engine`, analysis/, report/, service/, ...).
export { perfTest, describe, expect } from './vitest/fixtures.ts';
export { setting, type NumberRule } from './config/index.ts';
export type { Load, LoadPlan, LoadRun, Rate } from './vitest/load.ts';
export type { Criteria, Metric } from './analysis/index.ts';
// TEMPORARY (removed once the built-in specs use load()): the engine names the old specs import.
export {
  runLoadTest,
  type LoadTestOptions,
  type LoadTestResults,
  type LoadTestSummary,
  flatPayload,
  encodePayload,
  signBody,
  Profiler,
  formatProfile,
  findBottlenecks,
  HttpPhaseRecorder,
  summarizeHttpPhases,
  formatHttpPhases,
  findHttpBottlenecks,
} from '#engine';
export { formatSummary } from './report/index.ts';
