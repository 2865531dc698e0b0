// What a spec's figures were judged against, as the report records it: the thresholds a
// spec declared with their outcome (analysis/thresholds.ts evaluates them; the suite's targets
// are warn thresholds among them), and the targets table's verdicts an earlier version wrote
// (still read and drawn). Types only.

/**
 * What a threshold can be about. analysis/thresholds.ts's METRICS says how each is read
 * from a run (and must name exactly these).
 */
export type Metric =
  'successRatePercent' | 'p50Ms' | 'p95Ms' | 'p99Ms' | 'maxMs' | 'failures' | 'throughputPerMinute' | 'degradationPercent';

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==';

/** What a threshold that does not hold does: `fail` fails the test (the default), `warn` is shown as a warning only. */
export type ThresholdSeverity = 'fail' | 'warn';

export interface Threshold {
  metric: Metric;
  /** The run (recorder.addRun's phase) whose summary the figure is read from. */
  phase: string;
  op: ThresholdOp;
  value: number;
  /** Absent: `fail`. The suite's targets (PERF_TARGETS) are `warn` thresholds. */
  severity?: ThresholdSeverity;
}

export interface ThresholdResult extends Threshold {
  /** The figure measured; NaN when it could not be (no such run, or none given). */
  actual: number;
  /** Whether the figure holds; a `warn` threshold that does not hold is a warning, not a failure (thresholdOutcome). */
  passed: boolean;
  /** e.g. "load: P95 latency < 5000 ms (measured 812.3 ms)" */
  text: string;
  /**
   * With PERF_REPEAT > 1, before the last run: this run's figure, shown but not asserted; the
   * thresholds are judged on the median run after the last one. Says so, e.g. "judged after run 3 of 3".
   */
  deferred?: string;
}

export type TargetClass = 'target' | 'acceptable' | 'action required';

/** The rows of an earlier version's targets table. */
export type TargetMetric = 'successRatePercent' | 'p50Ms' | 'p95Ms' | 'p99Ms' | 'throughputPerMinute';

export interface TargetVerdict {
  metric: TargetMetric;
  label: string;
  value: number;
  unit: string;
  target: number;
  acceptable: number;
  higherIsBetter: boolean;
  verdict: TargetClass;
}
