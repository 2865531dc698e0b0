// The Vitest part's face: what a spec file needs besides the engine.
export { perfContext, sleep, SpecRecorder } from './recorder.ts';
export { plannedDurationMs, specTimeoutMs, ticketIdStart, type PerfContext } from './perf-context.ts';
