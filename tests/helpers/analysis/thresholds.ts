// Verdicts as data (k6's thresholds as the model): a spec declares what its
// figures must be as a list, e.g. { metric: 'p95Ms', phase: 'load', op: '<',
// value: 5000 }; the list is evaluated once over the runs' summaries, and that
// one evaluation is what the console, the assertion, the JSON, the HTML and
// JUnit (through the assertion's message) show. A threshold's severity says what
// a miss does: `fail` (the default) fails the test, `warn` (the suite's targets,
// PERF_TARGETS) is shown as a warning and fails nothing. Pure.
import type { LoadTestSummary } from '#engine';
import type { Metric, Threshold, ThresholdOp, ThresholdResult, ThresholdSeverity } from '../model/index.ts';

// The shapes are the model's: every report records its thresholds.
export type { Metric, Threshold, ThresholdOp, ThresholdResult, ThresholdSeverity } from '../model/index.ts';

/** How one metric is shown and read from a run's summary (undefined: the spec gives the figure). */
interface MetricReading {
  label: string;
  unit: string;
  read: ((s: LoadTestSummary) => number) | undefined;
}

/** What a threshold can be about (every Metric, no other), with how the figure is read from a run. */
export const METRICS = {
  successRatePercent: { label: 'Success rate', unit: '%', read: (s: LoadTestSummary) => s.successRatePercent },
  p50Ms: { label: 'P50 latency', unit: 'ms', read: (s: LoadTestSummary) => s.responseTimes.p50Ms },
  p95Ms: { label: 'P95 latency', unit: 'ms', read: (s: LoadTestSummary) => s.responseTimes.p95Ms },
  p99Ms: { label: 'P99 latency', unit: 'ms', read: (s: LoadTestSummary) => s.responseTimes.p99Ms },
  maxMs: { label: 'Max latency', unit: 'ms', read: (s: LoadTestSummary) => s.responseTimes.maxMs },
  failures: { label: 'Failed requests', unit: '', read: (s: LoadTestSummary) => s.failureCount },
  /** Successful requests per minute over the run: what "holds 100 requests a minute" means. */
  throughputPerMinute: {
    label: 'Throughput',
    unit: 'req/min',
    read: (s: LoadTestSummary) => (s.durationSeconds > 0 ? (s.successCount / s.durationSeconds) * 60 : 0),
  },
  /**
   * How much latency rose from the run's start to its end, in percent of the start (a fitted trend over
   * the successes; a change under a floor in ms counts as none): given by the run (analysis/degradation.ts).
   */
  degradationPercent: { label: 'Latency degradation', unit: '%', read: undefined },
} as const satisfies Record<Metric, MetricReading>;

const HOLDS: Record<ThresholdOp, (actual: number, limit: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
};

function withUnit(value: number, metric: Metric): string {
  const { unit } = METRICS[metric];
  const digits = Number.isInteger(value) ? 0 : unit === '%' ? 2 : 1;
  const text = value.toFixed(digits);
  return unit === '' ? text : unit === '%' ? `${text}%` : `${text} ${unit}`;
}

/** "P95 latency < 5000 ms", for test titles and tables. */
export function describeThreshold(t: Pick<Threshold, 'metric' | 'op' | 'value'>): string {
  return `${METRICS[t.metric].label} ${t.op === '==' ? '=' : t.op} ${withUnit(t.value, t.metric)}`;
}

/** Reads `metric` from a summary; degradationPercent comes from `given` (it needs the samples). */
export function measure(metric: Metric, summary: LoadTestSummary | undefined, given: Partial<Record<Metric, number>> = {}): number {
  const provided = given[metric];
  if (provided !== undefined) return provided;
  const read = METRICS[metric].read;
  return summary === undefined || read === undefined ? Number.NaN : read(summary);
}

/**
 * Evaluates every threshold once, whatever its severity. A figure that cannot be measured
 * does not hold (a check that cannot see its figure must not pass); whether that fails the
 * test is the severity's (thresholdOutcome).
 */
export function evaluateThresholds(
  thresholds: readonly Threshold[],
  summaries: Readonly<Record<string, LoadTestSummary>>,
  given: Partial<Record<Metric, number>> = {},
): ThresholdResult[] {
  return thresholds.map((t) => {
    const actual = measure(t.metric, summaries[t.phase], given);
    const passed = Number.isFinite(actual) && HOLDS[t.op](actual, t.value);
    const why = summaries[t.phase] === undefined && given[t.metric] === undefined ? `: no run "${t.phase}"` : '';
    const figure = Number.isFinite(actual) ? `measured ${withUnit(actual, t.metric)}` : `not measured${why}`;
    return { ...t, actual, passed, text: `${t.phase}: ${describeThreshold(t)} (${figure})` };
  });
}

/** What an evaluated threshold comes to: it holds (`pass`), or not: `fail`, or `warn` for a warn threshold. */
export type ThresholdOutcome = 'pass' | 'warn' | 'fail';

/** The one rule every output and assertion reads a result by (a report of an earlier version has no severity: `fail`). */
export function thresholdOutcome(r: Pick<ThresholdResult, 'passed' | 'severity'>): ThresholdOutcome {
  if (r.passed) return 'pass';
  return r.severity === 'warn' ? 'warn' : 'fail';
}

/** The results that fail a test: thresholds of severity `fail` that do not hold. */
export function failingThresholds<T extends Pick<ThresholdResult, 'passed' | 'severity'>>(results: readonly T[]): T[] {
  return results.filter((r) => thresholdOutcome(r) === 'fail');
}

/** The results that only warn: thresholds of severity `warn` that do not hold. */
export function warningThresholds<T extends Pick<ThresholdResult, 'passed' | 'severity'>>(results: readonly T[]): T[] {
  return results.filter((r) => thresholdOutcome(r) === 'warn');
}

/** How the console and JUnit show one result: `pass`, `warn` or `FAIL` (`seen` before a repeated spec's last run). */
export function outcomeLabel(r: Pick<ThresholdResult, 'passed' | 'severity' | 'deferred'>): string {
  if (r.deferred) return 'seen';
  const outcome = thresholdOutcome(r);
  return outcome === 'fail' ? 'FAIL' : outcome;
}

/** Marks a warn threshold's row: whatever it measures, it never fails a test. */
export const WARN_ONLY = '(warn only)';

/** The console table of one evaluation. */
export function formatThresholds(results: readonly ThresholdResult[]): string {
  const lines = ['Thresholds:'];
  for (const r of results) {
    const notes = [r.severity === 'warn' ? WARN_ONLY : '', r.deferred ? `(${r.deferred})` : ''].filter(Boolean);
    lines.push(`  ${outcomeLabel(r).padEnd(4)}  ${r.text}${notes.length > 0 ? ` ${notes.join(' ')}` : ''}`);
  }
  return lines.join('\n');
}

/**
 * What toMeet takes: `{ p95Ms: ['<', 3000], successRatePercent: ['>=', 99] }`; a third element
 * `'warn'` makes the criterion a warning only (`{ p50Ms: ['<', 500, 'warn'] }`).
 */
export type Criteria = Partial<Record<Metric, readonly [ThresholdOp, number] | readonly [ThresholdOp, number, ThresholdSeverity]>>;

const SEVERITIES: readonly ThresholdSeverity[] = ['fail', 'warn'];

const OPS: readonly ThresholdOp[] = ['<', '<=', '>', '>=', '=='];

/**
 * The thresholds `criteria` declare for `phase`, or the list of what is wrong with them (an
 * unknown metric or operator, a value that is not a number), each naming the field and the fix.
 */
export function thresholdsFrom(criteria: unknown, phase: string): Threshold[] | string[] {
  if (typeof criteria !== 'object' || criteria === null || Array.isArray(criteria)) {
    return [`expected criteria such as { p95Ms: ['<', 3000] }, got ${JSON.stringify(criteria)}`];
  }
  const problems: string[] = [];
  const thresholds: Threshold[] = [];
  for (const [metric, rule] of Object.entries(criteria)) {
    if (!(metric in METRICS)) {
      problems.push(`${metric}: not a metric; use one of ${Object.keys(METRICS).join(', ')}`);
      continue;
    }
    const [op, value, severity] = Array.isArray(rule) ? (rule as unknown[]) : [];
    const length = Array.isArray(rule) ? rule.length : 0;
    if (!OPS.includes(op as ThresholdOp) || typeof value !== 'number' || !Number.isFinite(value) || (length !== 2 && length !== 3)) {
      problems.push(`${metric}: ${JSON.stringify(rule)} is not [op, number]; write e.g. ['<', 3000] with op one of ${OPS.join(' ')}`);
      continue;
    }
    if (length === 3 && !SEVERITIES.includes(severity as ThresholdSeverity)) {
      problems.push(
        `${metric}: ${JSON.stringify(severity)} is not a severity; write ['${String(op)}', ${value}, 'warn'] for a warning only, or leave it out`,
      );
      continue;
    }
    const threshold: Threshold = { metric: metric as Metric, phase, op: op as ThresholdOp, value };
    if (severity === 'warn') threshold.severity = 'warn';
    thresholds.push(threshold);
  }
  if (problems.length === 0 && thresholds.length === 0) problems.push("no criteria: name at least one metric, e.g. { p95Ms: ['<', 3000] }");
  return problems.length > 0 ? problems : thresholds;
}
