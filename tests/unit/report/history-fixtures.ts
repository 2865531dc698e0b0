// Reports and history entries of runs over time, for the history, trend and script tests.
import { historyEntryOf, type GitState, type HistoryEntry } from '../../helpers/report/history.ts';
import type { SpecReport } from '../../helpers/report/json-report.ts';
import { latencies, makeReport } from './fixtures.ts';

export const GIT: GitState = { commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', dirty: false };

/** A report of `spec` started at minute `minute` of 2025-01-01, its load's median latency `median` ms. */
export function run(spec: string, minute: number, median: number, overrides: Partial<SpecReport> = {}): SpecReport {
  const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, minute, s)).toISOString();
  return makeReport(
    spec,
    { load: { latencies: latencies(20, median) } },
    { runStartedAt: at(0), startedAt: at(1), finishedAt: at(50), ...overrides },
  );
}

/** Eight runs' medians: about 100 ms, then about 140 ms from the fifth run. */
export const STEP_MEDIANS = [100, 103, 98, 101, 140, 143, 138, 141];

/** The history of eight runs of `spec` with the step of STEP_MEDIANS. */
export function stepEntries(spec = 'standard'): HistoryEntry[] {
  return STEP_MEDIANS.map((median, i) => historyEntryOf(run(spec, i, median), GIT));
}
