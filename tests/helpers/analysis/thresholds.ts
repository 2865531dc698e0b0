// Verdicts as data (k6's thresholds as the model): a spec declares what its
// figures must be as a list, e.g. { metric: 'p95Ms', phase: 'load', op: '<',
// value: 5000 }; the list is evaluated once over the runs' summaries, and that
// one evaluation is what the console, the assertion, the JSON, the HTML and
// JUnit (through the assertion's message) show. Pure.
import type { LoadTestSummary } from '#engine';
import type { Metric, Threshold, ThresholdOp, ThresholdResult } from '../model/index.ts';

// The shapes are the model's: every report records its thresholds.
export type { Metric, Threshold, ThresholdOp, ThresholdResult } from '../model/index.ts';

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
  /** Second-half P95 against first-half P95, in percent: given by the spec (analysis/degradation.ts). */
  degradationPercent: { label: 'P95 degradation', unit: '%', read: undefined },
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
 * Evaluates every threshold once. A figure that cannot be measured fails its threshold
 * (a check that cannot see its figure must not pass).
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

/** The console table of one evaluation. */
export function formatThresholds(results: readonly ThresholdResult[]): string {
  const lines = ['Thresholds:'];
  for (const r of results)
    lines.push(`  ${r.deferred ? 'seen' : r.passed ? 'pass' : 'FAIL'}  ${r.text}${r.deferred ? ` (${r.deferred})` : ''}`);
  return lines.join('\n');
}

/** What toMeet takes: `{ p95Ms: ['<', 3000], successRatePercent: ['>=', 99] }`. */
export type Criteria = Partial<Record<Metric, readonly [ThresholdOp, number]>>;

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
    const [op, value] = Array.isArray(rule) ? (rule as unknown[]) : [];
    if (!OPS.includes(op as ThresholdOp) || typeof value !== 'number' || !Number.isFinite(value) || (rule as unknown[]).length !== 2) {
      problems.push(`${metric}: ${JSON.stringify(rule)} is not [op, number]; write e.g. ['<', 3000] with op one of ${OPS.join(' ')}`);
      continue;
    }
    thresholds.push({ metric: metric as Metric, phase, op: op as ThresholdOp, value });
  }
  if (problems.length === 0 && thresholds.length === 0) problems.push("no criteria: name at least one metric, e.g. { p95Ms: ['<', 3000] }");
  return problems.length > 0 ? problems : thresholds;
}
