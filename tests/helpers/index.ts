// What a spec file needs from the library, beside the Vitest part's face
// (tests/helpers/vitest/index.ts). Everything else is reached through the parts'
// own faces: #engine (tests/helpers/engine), analysis/, report/, service/, ...
export {
  runLoadTest,
  Profiler,
  HttpPhaseRecorder,
  createSigningKey,
  encodePayload,
  flatPayload,
  signBody,
  statusIn,
  LOAD_TEST_DEFAULTS,
  findBottlenecks,
  formatProfile,
  findHttpBottlenecks,
  formatHttpPhases,
  summarizeHttpPhases,
  type LoadTestOptions,
  type LoadTestResults,
  type LoadTestSummary,
} from '#engine';
export { formatSummary } from './report/index.ts';
export { analyzeDegradation, type DegradationAnalysis } from './analysis/index.ts';
