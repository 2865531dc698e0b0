// Compare a spec's report with the same spec's report from an earlier run
// (PERF_BASELINE): P50/P95/P99 and success rate per phase, and a Wilcoxon
// rank-sum test on the latencies. A latency rise beyond the allowed percentage
// is a regression only when the rank-sum test says the distributions differ
// (p < alpha), so one noisy P99 on a small sample does not fail a run; with
// too few samples for the test (e.g. 2 requests at PERF_SCALE=0.1) latencies are
// shown but not judged: two answers cannot tell a regression from noise.
// compareWithBaseline is pure; loadBaseline/saveBaseline are the file edges.
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { rankSumTest } from './degradation.ts';
import { classHasLatency } from '#engine';
import { percentChange } from '#engine';
import { readSummaries } from '#engine';
import type { SpecReport } from '../report/index.ts';
import { readSpecReportFile, ReportFileError } from '../report/index.ts';

export interface BaselineOptions {
  /** Largest allowed rise of P50/P95/P99, in percent of the baseline value. */
  maxRegressionPercent: number;
  /** Largest allowed fall of the success rate, in percentage points. */
  maxSuccessDropPoints: number;
  /** Significance level of the rank-sum test. Default 0.01. */
  alpha?: number;
  /**
   * A latency must also rise by at least this many ms (default 50): a few tens of ms on a
   * fast answer (a 40 ms 429) are CPU noise on a shared machine, whatever the percentage.
   */
  minRiseMs?: number;
  /** Shown in messages: where the baseline came from. */
  baselineSource: string;
}

export interface BaselineRow {
  phase: string;
  metric: 'P50' | 'P95' | 'P99' | 'success rate' | 'latency rank-sum';
  baseline: number;
  current: number;
  /** Percent change for latencies, percentage points for the success rate, z for the rank-sum row. */
  change: number;
  unit: '%' | 'points' | 'z';
  regressed: boolean;
  note?: string;
}

export interface BaselineComparison {
  spec: string;
  baselineSource: string;
  baselineStartedAt: string;
  maxRegressionPercent: number;
  maxSuccessDropPoints: number;
  rows: BaselineRow[];
  /** One sentence per regression, naming the phase, the metric and by how much. */
  regressions: string[];
  /** Differences that make the comparison weaker (other scale, phase missing). */
  notes: string[];
  verdict: string;
}

/** Below this many latencies per side the rank-sum test has no say. */
export const MIN_RANK_SUM_SAMPLES = 8;

/** Latencies of a phase's timeline: requests that got an answer (any status) or timed out. */
export function timelineLatencies(timeline: unknown): number[] {
  const t = timeline as { responseTimeMs?: unknown[]; errorClass?: unknown[] } | undefined;
  if (!t || !Array.isArray(t.responseTimeMs)) return [];
  const classes = Array.isArray(t.errorClass) ? t.errorClass : [];
  const out: number[] = [];
  t.responseTimeMs.forEach((value, i) => {
    const errorClass = classes[i] ?? null;
    const answered = (errorClass === null || typeof errorClass === 'string') && classHasLatency(errorClass);
    if (answered && typeof value === 'number' && Number.isFinite(value)) out.push(value);
  });
  return out;
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');

export function compareWithBaseline(current: SpecReport, baseline: SpecReport, options: BaselineOptions): BaselineComparison {
  const alpha = options.alpha ?? 0.01;
  const minRiseMs = options.minRiseMs ?? 50;
  const rows: BaselineRow[] = [];
  const regressions: string[] = [];
  const notes: string[] = [];
  if (baseline.spec !== current.spec) notes.push(`the baseline is spec "${baseline.spec}", this is "${current.spec}"`);
  if (baseline.scale !== current.scale) notes.push(`the baseline ran at PERF_SCALE ${baseline.scale}, this run at ${current.scale}`);

  // Either report may come from an earlier version (older field names).
  const currentSummaries = readSummaries(current.summaries);
  const baselineSummaries = readSummaries(baseline.summaries);
  for (const phase of Object.keys(baselineSummaries)) {
    if (!(phase in currentSummaries)) notes.push(`phase "${phase}" of the baseline did not run this time`);
  }
  for (const [phase, now] of Object.entries(currentSummaries)) {
    const before = baselineSummaries[phase];
    if (!before) {
      notes.push(`phase "${phase}" has no baseline`);
      continue;
    }
    const where = `${current.spec}/${phase}`;
    const x = timelineLatencies(baseline.timelines?.[phase]);
    const y = timelineLatencies(current.timelines?.[phase]);
    const testable = x.length >= MIN_RANK_SUM_SAMPLES && y.length >= MIN_RANK_SUM_SAMPLES;
    const test = testable ? rankSumTest(x, y) : undefined;
    const slower = test !== undefined && test.z > 0 && test.pValue < alpha;
    rows.push({
      phase,
      metric: 'latency rank-sum',
      baseline: x.length,
      current: y.length,
      change: test?.z ?? Number.NaN,
      unit: 'z',
      regressed: false,
      note: test
        ? `p = ${test.pValue.toPrecision(2)}: ${slower ? 'significantly slower' : test.z < 0 && test.pValue < alpha ? 'significantly faster' : 'no significant shift'} (alpha ${alpha})`
        : `too few latencies (${x.length} and ${y.length}; needs ${MIN_RANK_SUM_SAMPLES} each): latencies not judged`,
    });

    for (const [metric, key] of [
      ['P50', 'p50Ms'],
      ['P95', 'p95Ms'],
      ['P99', 'p99Ms'],
    ] as const) {
      const b = before.responseTimes?.[key] ?? Number.NaN;
      const c = now.responseTimes?.[key] ?? Number.NaN;
      const change = percentChange(b, c);
      const beyond = Number.isFinite(change) && change > options.maxRegressionPercent;
      const regressed = beyond && c - b >= minRiseMs && slower;
      rows.push({
        phase,
        metric,
        baseline: b,
        current: c,
        change,
        unit: '%',
        regressed,
        ...(beyond && !regressed
          ? {
              note:
                test === undefined
                  ? 'beyond the limit, but too few latencies to tell a regression from noise (not judged)'
                  : c - b < minRiseMs
                    ? `beyond the limit, but only ${(c - b).toFixed(1)} ms (under ${minRiseMs} ms: noise)`
                    : 'beyond the limit, but the rank-sum test finds no significant shift (noise)',
            }
          : {}),
      });
      if (regressed) {
        regressions.push(
          `${where}: ${metric} latency rose ${change.toFixed(1)}% (${ms(b)} -> ${ms(c)}), beyond the allowed ${options.maxRegressionPercent}%` +
            (test ? `; rank-sum z = ${test.z.toFixed(2)}, p = ${test.pValue.toPrecision(2)}` : ''),
        );
      }
    }

    const b = before.successRatePercent;
    const c = now.successRatePercent;
    const points = c - b;
    const dropped = Number.isFinite(points) && -points > options.maxSuccessDropPoints;
    rows.push({ phase, metric: 'success rate', baseline: b, current: c, change: points, unit: 'points', regressed: dropped });
    if (dropped) {
      regressions.push(
        `${where}: success rate fell ${(-points).toFixed(1)} points (${b.toFixed(1)}% -> ${c.toFixed(1)}%), beyond the allowed ${options.maxSuccessDropPoints} points`,
      );
    }
  }

  const verdict =
    regressions.length > 0
      ? `${regressions.length} regression(s) against the baseline of ${baseline.startedAt}: ${regressions.join('; ')}`
      : `No regression against the baseline of ${baseline.startedAt} (latency limit +${options.maxRegressionPercent}%, success rate limit -${options.maxSuccessDropPoints} points)`;
  return {
    spec: current.spec,
    baselineSource: options.baselineSource,
    baselineStartedAt: baseline.startedAt,
    maxRegressionPercent: options.maxRegressionPercent,
    maxSuccessDropPoints: options.maxSuccessDropPoints,
    rows,
    regressions,
    notes,
    verdict: notes.length > 0 ? `${verdict}. Note: ${notes.join('; ')}.` : `${verdict}.`,
  };
}

/** Pure: console text of a comparison. */
export function formatBaselineComparison(comparison: BaselineComparison): string {
  const lines = [`Baseline comparison (${comparison.baselineSource}):`];
  for (const row of comparison.rows) {
    const change =
      row.unit === 'z'
        ? `z ${Number.isFinite(row.change) ? row.change.toFixed(2) : 'n/a'}`
        : Number.isFinite(row.change)
          ? `${row.change >= 0 ? '+' : ''}${row.change.toFixed(1)}${row.unit === '%' ? '%' : ' points'}`
          : 'n/a';
    const values = row.unit === 'z' ? `n ${row.baseline} -> ${row.current}` : `${row.baseline.toFixed(2)} -> ${row.current.toFixed(2)}`;
    lines.push(
      `  ${row.regressed ? 'REGRESSED' : 'ok       '} ${row.phase.padEnd(10)} ${row.metric.padEnd(17)} ${values.padEnd(22)} ${change}${row.note ? `  (${row.note})` : ''}`,
    );
  }
  lines.push(`  ${comparison.verdict}`);
  return lines.join('\n');
}

export class BaselineError extends Error {
  override name = 'BaselineError';
}

/**
 * The baseline report of `spec` from PERF_BASELINE: a directory holding `<spec>.json`, or one
 * report file. Undefined (with the reason) when that baseline has no report of this spec.
 */
export async function loadBaseline(
  location: string,
  spec: string,
): Promise<{ report: SpecReport; source: string } | { report: undefined; reason: string }> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(location)).isDirectory();
  } catch {
    throw new BaselineError(
      `PERF_BASELINE=${JSON.stringify(location)} does not exist: point it at a directory saved by \`npm run perf:baseline\` or at one spec's JSON report`,
    );
  }
  if (isDirectory) {
    const path = join(location, `${spec}.json`);
    try {
      await stat(path);
    } catch {
      return { report: undefined, reason: `the baseline directory ${location} has no ${spec}.json` };
    }
    return { report: await readSpecReportFile(path), source: path };
  }
  const report = await readSpecReportFile(location);
  return report.spec === spec
    ? { report, source: location }
    : { report: undefined, reason: `${location} is the baseline of spec "${report.spec}"` };
}

/** Copies every spec report in `fromDir` to `toDir`; returns the files written. */
export async function saveBaseline(fromDir: string, toDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(fromDir)).filter((name) => name.endsWith('.json')).sort();
  } catch {
    throw new BaselineError(`${fromDir} does not exist: run the performance specs first (npx vitest run tests/performance)`);
  }
  const reports: string[] = [];
  for (const name of names) {
    const path = join(fromDir, name);
    try {
      await readSpecReportFile(path);
      reports.push(path);
    } catch (error) {
      if (!(error instanceof ReportFileError)) throw error;
      // not a spec report (e.g. another tool's JSON): not part of a baseline
    }
  }
  if (reports.length === 0) throw new BaselineError(`${fromDir} holds no spec reports: run the performance specs first`);
  await mkdir(toDir, { recursive: true });
  const written: string[] = [];
  for (const path of reports) {
    const target = join(toDir, basename(path));
    await copyFile(path, target);
    written.push(target);
  }
  return written;
}

export interface BaselineSettings {
  path: string | undefined;
  maxRegressionPercent: number;
  maxSuccessDropPoints: number;
}

export type BaselineCheck =
  | { ran: false; reason: string }
  | { ran: true; comparison: BaselineComparison; check: { name: string; outcome: 'passed' | 'failed'; detail: string } };

/** What SpecRecorder does with PERF_BASELINE: load the spec's baseline and compare (no baseline for this spec: not run). */
export async function checkAgainstBaseline(report: SpecReport, settings: BaselineSettings): Promise<BaselineCheck> {
  if (settings.path === undefined) return { ran: false, reason: 'PERF_BASELINE is not set' };
  const loaded = await loadBaseline(settings.path, report.spec);
  if (loaded.report === undefined) return { ran: false, reason: loaded.reason };
  const comparison = compareWithBaseline(report, loaded.report, { ...settings, baselineSource: loaded.source });
  const failed = comparison.regressions.length > 0;
  return {
    ran: true,
    comparison,
    check: {
      name: 'no regression against the baseline (PERF_BASELINE)',
      outcome: failed ? 'failed' : 'passed',
      detail: failed ? comparison.regressions.join(' | ') : '',
    },
  };
}
