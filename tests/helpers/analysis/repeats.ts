// Repeated runs (PERF_REPEAT=N: run each plan 3-5 times for
// consistency): the spread of each figure across the runs, whether the runs
// agree, and which run is the median one (the one a spec's thresholds judge).
// Pure.
//
// The median run is a real run, not a per-figure median: its success rate and
// its latencies belong together (a run that was fast because it failed fast
// stays one run). It is the run whose P95 in the judged phase is the median;
// with an even count, the slower of the two middle runs (the cautious choice).
import { readSummaries, type LoadTestSummary } from '#engine';
import type { RepeatsRecord, RunFigures, SpecReport, SpreadRow } from '../model/index.ts';

export const SPREAD_METRICS: readonly SpreadRow['metric'][] = ['p50Ms', 'p95Ms', 'p99Ms', 'successRatePercent', 'achievedRps'];

/** The rule the consistency verdict applies (PERF_REPEAT_MAX_CV_PERCENT and a fixed success-rate spread). */
export interface ConsistencyRule {
  /** Largest coefficient of variation of P50 and P95 across runs, in percent. */
  maxCvPercent: number;
  /** Largest difference between the best and the worst run's success rate, in points. */
  maxSuccessRangePoints: number;
}

export const MEDIAN_RULE =
  'the run whose P95 in the judged phase is the median of the runs (with an even count, the slower of the two middle runs)';

function figure(summary: LoadTestSummary, metric: SpreadRow['metric']): number {
  if (metric === 'successRatePercent') return summary.successRatePercent;
  if (metric === 'achievedRps') return summary.achievedRps;
  return summary.responseTimes?.[metric] ?? Number.NaN;
}

function median(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/** Sample standard deviation over the mean, in percent; NaN below two values or with a zero mean. */
export function cvPercent(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (mean === 0) return values.every((v) => v === 0) ? 0 : Number.NaN;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
  return (Math.sqrt(variance) / Math.abs(mean)) * 100;
}

/** Every run of a report: the repetitions with PERF_REPEAT > 1, else the one run it holds. */
export function runsOf(report: Pick<SpecReport, 'summaries' | 'timelines' | 'repeats'>): RunFigures[] {
  return report.repeats?.runs ?? [{ summaries: report.summaries, timelines: report.timelines }];
}

/** Phases in the order the runs first recorded them. */
export function phasesOf(runs: readonly RunFigures[]): string[] {
  const phases: string[] = [];
  for (const run of runs) for (const phase of Object.keys(readSummaries(run.summaries))) if (!phases.includes(phase)) phases.push(phase);
  return phases;
}

/** Each figure of each phase across the runs that ran the phase. */
export function spreadOf(runs: readonly RunFigures[]): SpreadRow[] {
  const summaries = runs.map((run) => readSummaries(run.summaries));
  const rows: SpreadRow[] = [];
  for (const phase of phasesOf(runs)) {
    for (const metric of SPREAD_METRICS) {
      const values: number[] = [];
      const ran: number[] = [];
      summaries.forEach((s, run) => {
        const value = s[phase] === undefined ? Number.NaN : figure(s[phase], metric);
        if (Number.isFinite(value)) {
          values.push(value);
          ran.push(run);
        }
      });
      if (values.length === 0) continue;
      const sorted = [...values].sort((a, b) => a - b);
      rows.push({
        phase,
        metric,
        values,
        runs: ran,
        median: median(sorted),
        min: sorted[0]!,
        max: sorted.at(-1)!,
        cvPercent: cvPercent(values),
      });
    }
  }
  return rows;
}

/**
 * Index (into `runs`) of the median run for `phase` (MEDIAN_RULE), among the runs that ran the
 * phase. One without a P95 (nothing answered) ranks as the slowest: two failed runs of three
 * make the median run a failed one. With no run of the phase, the last run.
 */
export function medianRunIndex(runs: readonly RunFigures[], phase: string): number {
  const ranked = runs
    .map((run, index) => ({ index, summary: readSummaries(run.summaries)[phase] }))
    .filter((r): r is { index: number; summary: LoadTestSummary } => r.summary !== undefined)
    .map(({ index, summary }) => {
      const p95 = summary.responseTimes?.p95Ms;
      return { index, p95: p95 !== undefined && Number.isFinite(p95) ? p95 : Number.POSITIVE_INFINITY };
    })
    .sort((a, b) => a.p95 - b.p95 || a.index - b.index);
  if (ranked.length === 0) return runs.length - 1;
  return ranked[Math.floor(ranked.length / 2)]!.index;
}

/** The rule in words, for the report. */
export function describeConsistencyRule(rule: ConsistencyRule): string {
  return (
    `consistent when, in every phase, P50 and P95 vary by at most ${rule.maxCvPercent}% across the runs ` +
    `(coefficient of variation, PERF_REPEAT_MAX_CV_PERCENT) and the success rate by at most ${rule.maxSuccessRangePoints} points`
  );
}

const LABEL: Record<SpreadRow['metric'], string> = {
  p50Ms: 'P50',
  p95Ms: 'P95',
  p99Ms: 'P99',
  successRatePercent: 'success rate',
  achievedRps: 'achieved rate',
};

/** Do the runs agree? Judged from two runs of a phase on; fewer is `not judged`. */
export function consistencyOf(spread: readonly SpreadRow[], rule: ConsistencyRule): RepeatsRecord['consistency'] {
  const reasons: string[] = [];
  let judged = false;
  for (const row of spread) {
    if (row.values.length < 2) continue;
    if (row.metric === 'p50Ms' || row.metric === 'p95Ms') {
      judged = true;
      if (Number.isFinite(row.cvPercent) && row.cvPercent > rule.maxCvPercent) {
        reasons.push(
          `${row.phase}: ${LABEL[row.metric]} varies by ${row.cvPercent.toFixed(1)}% across the runs (${row.min.toFixed(1)}-${row.max.toFixed(1)} ms; at most ${rule.maxCvPercent}%)`,
        );
      }
    } else if (row.metric === 'successRatePercent') {
      judged = true;
      const range = row.max - row.min;
      if (range > rule.maxSuccessRangePoints) {
        reasons.push(
          `${row.phase}: the success rate ranges over ${range.toFixed(1)} points (${row.min.toFixed(1)}%-${row.max.toFixed(1)}%; at most ${rule.maxSuccessRangePoints})`,
        );
      }
    }
  }
  const verdict = !judged ? 'not judged' : reasons.length > 0 ? 'inconsistent' : 'consistent';
  return { verdict, rule: describeConsistencyRule(rule), reasons };
}

/** The report's record of a spec's repetitions; `phase` is the judged (or first) phase that picks the median run. */
export function repeatsRecord(count: number, runs: readonly RunFigures[], phase: string, rule: ConsistencyRule): RepeatsRecord {
  const spread = spreadOf(runs);
  return {
    count,
    runs: [...runs],
    medianRun: medianRunIndex(runs, phase),
    medianRule: `${MEDIAN_RULE}; judged phase: ${phase}`,
    spread,
    consistency: consistencyOf(spread, rule),
  };
}

/** Runs that recorded any phase (a repetition that failed before its first run records none). */
export function ranCount(record: Pick<RepeatsRecord, 'runs'>): number {
  return record.runs.filter((run) => Object.keys(run.summaries).length > 0).length;
}

/** A row's value for each run in run order, `null` where that run has none. */
export function valuesByRun(row: Pick<SpreadRow, 'values' | 'runs'>, runCount: number): (number | null)[] {
  const out: (number | null)[] = Array.from({ length: runCount }, () => null);
  // Reports written before `runs` existed: the values in order.
  (row.runs ?? row.values.map((_, i) => i)).forEach((run, i) => (out[run] = row.values[i] ?? null));
  return out;
}

const perRun = (row: SpreadRow, runCount: number) => valuesByRun(row, runCount).map((v) => (v === null ? '-' : fmt(v, row.metric)));

const fmt = (value: number, metric: SpreadRow['metric']) =>
  !Number.isFinite(value)
    ? 'n/a'
    : metric === 'successRatePercent'
      ? `${value.toFixed(1)}%`
      : value.toFixed(metric === 'achievedRps' ? 2 : 1);

/** Console text: the spread table, the median run and the verdict. */
export function formatRepeats(record: RepeatsRecord): string {
  const lines = [
    `Repeats: ${ranCount(record)} of ${record.count} runs recorded figures; the median run is run ${record.medianRun + 1} (${record.medianRule})`,
    `  ${'phase'.padEnd(12)} ${'figure'.padEnd(14)} ${'median'.padStart(9)} ${'min-max'.padStart(19)} ${'CV'.padStart(7)}  per run`,
  ];
  for (const row of record.spread) {
    const unit = row.metric === 'successRatePercent' ? '' : row.metric === 'achievedRps' ? ' /s' : ' ms';
    lines.push(
      `  ${row.phase.padEnd(12)} ${`${LABEL[row.metric]}${unit}`.padEnd(14)} ${fmt(row.median, row.metric).padStart(9)} ${`${fmt(row.min, row.metric)}-${fmt(row.max, row.metric)}`.padStart(19)} ${(Number.isFinite(row.cvPercent) ? `${row.cvPercent.toFixed(1)}%` : 'n/a').padStart(7)}  ${perRun(row, record.runs.length).join(', ')}`,
    );
  }
  const { verdict, rule, reasons } = record.consistency;
  lines.push(`  Consistency: ${verdict.toUpperCase()}${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''} (${rule})`);
  return lines.join('\n');
}
