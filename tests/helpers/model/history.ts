// One line of the run history (<report dir>/history.jsonl): a spec run's headline figures,
// settings, machine and git commit, no timelines. report/history.ts builds, appends and reads
// the lines; the trend (scripts/history.ts, the HTML) reads them. Types and the file's name.
import type { MachineInfo, RecordedConfig, RunTarget, SpecVerdict, SpreadRow } from './spec-report.ts';
import type { StackEndpoints } from './stack.ts';

export const HISTORY_FILE = 'history.jsonl';

/** One phase's headline figures; null where the report had none (NaN in JSON). */
export interface PhaseFigures {
  phase: string;
  sentRequests: number | null;
  completedRequests: number | null;
  successRatePercent: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  achievedRps: number | null;
}

export interface GitState {
  commit: string;
  /** `git status --porcelain` listed something: the run's code may not be the commit's. */
  dirty: boolean;
}

/** One spec run, one line of history.jsonl. */
export interface HistoryEntry {
  version: 1;
  spec: string;
  title: string;
  runStartedAt: string;
  startedAt: string;
  finishedAt: string;
  /** The report's run status: completed, aborted or error. */
  status: string;
  /** The verdict the HTML report shows (a failed check makes it failed, whatever the status; every check skipped: skipped). */
  verdict: SpecVerdict;
  /** What the run measured; absent in entries written before it was recorded (then derived from `config` and `provider`). */
  target?: RunTarget;
  /** In the report's order: the first is the spec's main phase. */
  phases: PhaseFigures[];
  repeats?: { count: number; runs: number; spread: SpreadRow[]; consistency: string };
  /** `passed`: the figure held; `severity: 'warn'` marks a threshold whose miss is a warning only (the suite's targets). */
  thresholds?: {
    phase: string;
    metric: string;
    op: string;
    value: number;
    actual: number | null;
    passed: boolean;
    severity?: 'fail' | 'warn';
  }[];
  /** The baseline comparison's verdict, in words. */
  baseline?: string;
  /** The report's settings, the secret redacted. */
  config: RecordedConfig;
  provider: StackEndpoints;
  machine: MachineInfo;
  /** The project's HEAD when the run was recorded; absent outside a git repository or without git. */
  commit?: string;
  dirty?: boolean;
}
