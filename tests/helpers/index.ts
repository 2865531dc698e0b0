// The library's face: what a spec file needs beside the Vitest part's face
// (tests/helpers/vitest/index.ts: the `test` with its fixtures, timeouts, the
// service's metrics). Everything else is reached through the parts' own faces:
// `#engine` (tests/helpers/engine), analysis/, report/, service/, config/.
export {
  // the load engine
  runLoadTest,
  type LoadTestOptions,
  type LoadTestResults,
  type LoadTestSummary,
  // requests a spec sends itself
  flatPayload,
  encodePayload,
  signBody,
  // where a request's time goes
  Profiler,
  formatProfile,
  findBottlenecks,
  HttpPhaseRecorder,
  summarizeHttpPhases,
  formatHttpPhases,
  findHttpBottlenecks,
} from '#engine';
export { formatSummary } from './report/index.ts';
