// One spec's JSON report (reports/performance/<spec>.json) as data: what the vitest part
// and the CLI write (report/json-report.ts), and what the analysis (baseline comparison,
// repeats) and the report (HTML, CI summary, history) read back. Types only: reading and
// writing the files is report/'s, judging the figures analysis/'s.
import type { ServerMetrics, ServerResources, StackEndpoints } from './stack.ts';
import type { TargetVerdict, ThresholdResult } from './judgements.ts';

export interface MachineInfo {
  node: string;
  platform: string;
  arch: string;
  cpuCount: number;
  cpuModel: string;
  totalMemoryMb: number;
}

/** A named check a spec made, with its outcome; `skipped` carries the reason. */
export interface CheckRecord {
  name: string;
  outcome: 'passed' | 'failed' | 'skipped';
  detail: string;
}

/**
 * The run's settings as a report records them: config/settings.ts PerfConfig, copied, with the
 * secret redacted (report/json-report.ts reportBase, which type-checks the copy against this).
 * The settings the reports' readers rely on are named; every other one is there as data.
 */
export interface RecordedConfig {
  /** `[redacted]` in every report the suite writes. */
  secret: string;
  /** PERF_SCALE. */
  scale: number;
  /** Where the reports are (the HTML and the CI summary are written beside them). */
  reportDir: string;
  /** PERF_HISTORY: '' = `<reportDir>/history.jsonl`, `none` = no history, else a file. */
  history?: string;
  /** An earlier version's profile settings (the profile spec now notes its threshold: extra.bottleneckPercent). */
  profile?: { bottleneckPercent?: number };
  [setting: string]: unknown;
}

/**
 * What a run measured, so that only runs of one target are compared (trends, change points,
 * "since the last run", baselines): a change of target is not a change of the service.
 * analysis/run-target.ts derives it from a report's (or an earlier entry's) recorded fields.
 */
export interface RunTarget {
  /**
   * The service: an external service's webhook URL as given; for a stack the suite starts (whose
   * port is picked anew every run) the stack: the embedded reference stack, or the compose files.
   * '?' when the report did not record it.
   */
  service: string;
  /** The provider: embedded, compose or external ('?' when not recorded). */
  provider: string;
  /** PERF_SCALE; null when not recorded. */
  scale: number | null;
  /** The declared RATE_LIMIT policy: `100/60s`, `none`, or the recorded policy as JSON; '?' when not recorded. */
  rateLimit: string;
  /** What counted as a success (SUCCESS_STATUSES and SUCCESS_BODY), e.g. `200 json-object`; '?' when not recorded. */
  success: string;
}

/** A spec's verdict: a spec whose every check was skipped is `skipped`, never `passed`. */
export type SpecVerdict = 'passed' | 'failed' | 'aborted' | 'skipped';

export interface SpecReport {
  spec: string;
  title: string;
  /** completed: the load ran to its end; aborted: stopped early; error: something threw. */
  status: 'completed' | 'aborted' | 'error';
  /**
   * The spec's verdict (report/verdict.ts specVerdict), as written to the JSON file for its
   * readers; the suite's own readers work it out again from status and checks.
   */
  verdict?: SpecVerdict;
  /** What the run measured (analysis/run-target.ts), as written to the JSON file. */
  target?: RunTarget;
  error?: string;
  runStartedAt: string;
  startedAt: string;
  finishedAt: string;
  scale: number;
  provider: StackEndpoints;
  config: RecordedConfig;
  machine: MachineInfo;
  /** Summaries by phase (e.g. `load`, `recovery`), each `results.getSummary()`. */
  summaries: Record<string, unknown>;
  degradation?: unknown;
  /** An earlier version's targets table (target / acceptable / action required): read, no longer written (the targets are warn thresholds). */
  targets?: TargetVerdict[];
  /** The spec's thresholds, evaluated once (analysis/thresholds.ts): what its assertions judged. */
  thresholds?: ThresholdResult[];
  serverMetrics?: { before?: ServerMetrics; after?: ServerMetrics; unavailableReason?: string };
  /** The service's memory and CPU around its load, and where they were read (absent in earlier reports). */
  serverResources?: ServerResources;
  checks: CheckRecord[];
  /**
   * Every warning of the spec, in order: repeated at the end of the run, in summary.md and in the
   * HTML (absent in earlier reports and when there was none).
   */
  warnings?: string[];
  /** The run's set-up warnings (settings that look mistyped, the preflight's), in every spec's report. */
  setupWarnings?: string[];
  /** Per-request timelines by phase, columnar (one array per field) to stay compact. */
  timelines: Record<string, unknown>;
  extra?: Record<string, unknown>;
  /**
   * With PERF_REPEAT > 1: every repetition's figures. `summaries` and `timelines` above are then
   * the median run's (the one the thresholds judged); absent for a single run.
   */
  repeats?: RepeatsRecord;
}

/** One run's figures: what a repetition adds (summaries by phase, columnar timelines by phase). */
export interface RunFigures {
  summaries: Record<string, unknown>;
  timelines: Record<string, unknown>;
}

/** Spread of one figure of one phase across the repetitions (analysis/repeats.ts). */
export interface SpreadRow {
  phase: string;
  metric: 'p50Ms' | 'p95Ms' | 'p99Ms' | 'successRatePercent' | 'achievedRps';
  /** One value per repetition that ran the phase, in run order. */
  values: number[];
  /** The 0-based run (index into RepeatsRecord.runs) of each value. */
  runs?: number[];
  median: number;
  min: number;
  max: number;
  /** Coefficient of variation (sample standard deviation / mean), in percent; NaN for one value. */
  cvPercent: number;
}

export interface RepeatsRecord {
  /** Repetitions asked for (PERF_REPEAT). */
  count: number;
  /** One entry per repetition that ran, in order. */
  runs: RunFigures[];
  /** 0-based index into runs of the median run: its figures are the report's summaries and timelines. */
  medianRun: number;
  /** How the median run was chosen, in words. */
  medianRule: string;
  spread: SpreadRow[];
  consistency: { verdict: 'consistent' | 'inconsistent' | 'not judged'; rule: string; reasons: string[] };
}
