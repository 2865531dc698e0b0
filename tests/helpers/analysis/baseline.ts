// Compare a spec's report with the same spec's report from an earlier run
// (PERF_BASELINE): per phase, the change in P50, P95 and P99 (percent of the baseline) and in
// the success rate (points), each with a bootstrap confidence interval, and a verdict.
//
// Why not a test over requests: within one run latencies are correlated (a slow stretch makes
// many slow answers in a row), so a test counting every request as independent (the Wilcoxon
// rank-sum test this replaced) is far too confident. The units resampled here are coarser:
// - run-level, when both reports hold repeated runs (PERF_REPEAT >= 2, report.repeats.runs):
//   a hierarchical bootstrap resamples runs, then windows within each drawn run, so the
//   run-to-run spread (the largest noise on a shared machine) is in the interval;
// - window-level otherwise: the one run's requests are the units' only source. Each run's phase
//   timeline, in intended-start order, is cut into k = min(MAX_WINDOWS, floor(n /
//   MIN_WINDOW_REQUESTS)) consecutive windows (10 windows of at least 10 requests): windows long
//   enough that a slow stretch stays within one or two of them (neighbours nearly independent),
//   and enough of them to resample. Below MIN_WINDOWS windows (a single run of under 50
//   requests) there is too little to resample: not judged. One run cannot show how the next
//   would differ, so window-level intervals miss run-to-run drift: prefer PERF_REPEAT=3.
// A replicate's figures are computed over the pooled requests of the drawn windows (bootstrap.ts).
// Why both levels: on synthetic runs (3 runs of 150 a side), resampling runs and windows gives a
// 95 % interval about 1.5x the true width when the runs agree (cautious), and close to nominal
// coverage (87-93 %) when runs drift 5 % from one to the next, where resampling runs alone
// (too few of them) or windows alone (no drift) covers 70-86 %.
//
// Verdicts, per row (the spec takes the worst): `regression` when the CI lies wholly beyond the
// allowance, `no change` when wholly within it, `inconclusive` when it straddles the limit (or
// there are too few samples: not judged), with what to collect to decide. The latency allowance
// is maxRegressionPercent, but never less than minRiseMs of the baseline figure: an absolute
// floor, so 2 ms -> 3 ms (+50 %) is no regression. Only a regression fails the spec.
// A baseline of another target (run-target.ts: service, provider, PERF_SCALE, RATE_LIMIT, success
// rule) is not compared: the difference would be the target's, not the service's, so the
// comparison is refused with the reason (a skipped check, the refusal in the report), unless
// PERF_BASELINE_ANY_TARGET=true, which compares with the difference said first in the verdict.
// Pure (seeded: the same reports give the same intervals). Finding the baseline's report on
// disk and saving a baseline are report/baseline-files.ts's, which hands the report in here.
import { classHasLatency } from '#engine';
import type { RunFigures, SpecReport } from '../model/index.ts';
import {
  bootstrapFigures,
  changeOf,
  percentileInterval,
  pointFigures,
  prepareSide,
  seedFor,
  type FigureKey,
  type Figures,
  type Window,
} from './bootstrap.ts';
import { phasesOf, runsOf } from './repeats.ts';
import { runTargetDifferences, runTargetOf } from './run-target.ts';

export interface BaselineOptions {
  /** Largest allowed rise of P50/P95/P99, in percent of the baseline value. */
  maxRegressionPercent: number;
  /** Largest allowed fall of the success rate, in percentage points. */
  maxSuccessDropPoints: number;
  /**
   * The latency allowance is at least this many ms of the baseline figure (default 20): an
   * absolute floor, so a rise of a few ms on a fast answer (2 ms -> 3 ms, +50 %) is never a
   * regression, whatever the percentage. Noise is the intervals' job; this is about size.
   */
  minRiseMs?: number;
  /** Confidence of the intervals, percent (PERF_BASELINE_CONFIDENCE). Default 95. */
  confidence?: number;
  /** Bootstrap resamples (PERF_BASELINE_RESAMPLES). Default 2000. */
  resamples?: number;
  /** Seed of the resampling; the same seed and reports give the same intervals. Default 15. */
  seed?: number;
  /** Shown in messages: where the baseline came from. */
  baselineSource: string;
}

/**
 * What a comparison reads of a report: a SpecReport, or a report-like object (the calibration
 * builds them). Its provider and config give its target: without them, no target is checked.
 */
export type BaselineReport = Pick<SpecReport, 'spec' | 'scale' | 'startedAt' | 'summaries' | 'timelines' | 'repeats'> &
  Partial<Pick<SpecReport, 'provider' | 'config'>>;

export type BaselineVerdict = 'regression' | 'no change' | 'inconclusive';
export type BaselineMethod = 'run-level' | 'window-level';

/** What one side of a phase's comparison rests on. */
export interface UnitCounts {
  runs: number;
  windows: number;
  requests: number;
  latencies: number;
}

export interface BaselineRow {
  phase: string;
  metric: 'P50' | 'P95' | 'P99' | 'success rate';
  /** The figure over every run's requests of the phase (ms, or percent for the success rate); NaN without one. */
  baseline: number;
  current: number;
  /** Percent change for latencies, percentage points for the success rate. */
  change: number;
  /** The change's confidence interval; NaN when not judged. */
  low: number;
  high: number;
  unit: '%' | 'points';
  /** The allowance applied: percent (the ms floor included) for latencies, points of drop for the success rate. */
  limit: number;
  verdict: BaselineVerdict;
  /** verdict === 'regression' (kept for readers of earlier comparisons). */
  regressed: boolean;
  method: BaselineMethod;
  units: { baseline: UnitCounts; current: UnitCounts };
  note?: string;
}

export interface BaselineComparison {
  spec: string;
  baselineSource: string;
  baselineStartedAt: string;
  maxRegressionPercent: number;
  maxSuccessDropPoints: number;
  minRiseMs: number;
  /** run-level when both reports hold 2+ runs, else window-level. */
  method: BaselineMethod;
  /** Runs on each side. */
  units: { baseline: { runs: number }; current: { runs: number } };
  /** Confidence of the intervals, percent. */
  confidence: number;
  resamples: number;
  seed: number;
  rows: BaselineRow[];
  /** One sentence per regression, naming the phase, the metric and by how much. */
  regressions: string[];
  /** One sentence per inconclusive row, with what to collect to decide. */
  inconclusive: string[];
  /** Differences that make the comparison weaker (other scale, phase missing). */
  notes: string[];
  /** The spec's verdict: regression if any row is one, else inconclusive if any row is, else no change. */
  kind: BaselineVerdict;
  /** The verdict in one sentence (what the console and the failure message show). */
  verdict: string;
}

/** Below this many latencies (requests for the success rate) a side, a phase is not judged. */
export const MIN_SAMPLES = 8;
/** Window-level: each window holds at least this many requests... */
export const MIN_WINDOW_REQUESTS = 10;
/** ...and a run is cut into at most this many windows. */
export const MAX_WINDOWS = 10;
/** Window-level: a single run with fewer windows than this is not judged. */
export const MIN_WINDOWS = 5;
export const DEFAULT_CONFIDENCE = 95;
export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_MIN_RISE_MS = 20;
export const DEFAULT_SEED = 15;

/** Latencies of a phase's timeline: requests that got an answer (any status) or timed out. */
export function timelineLatencies(timeline: unknown): number[] {
  return timelineRequests(timeline)
    .map((r) => r.latency)
    .filter((v) => !Number.isNaN(v));
}

interface RequestRecord {
  /** Corrected latency; NaN when the request has none (refused, cancelled). */
  latency: number;
  /** Counted as a success (errorClass null). */
  ok: boolean;
}

/** A phase timeline's requests in intended-start order (stable: a burst keeps the send order). */
export function timelineRequests(timeline: unknown): RequestRecord[] {
  const t = timeline as { responseTimeMs?: unknown[]; errorClass?: unknown[]; intendedStartMs?: unknown[] } | undefined;
  if (!t || !Array.isArray(t.responseTimeMs)) return [];
  const classes = Array.isArray(t.errorClass) ? t.errorClass : [];
  const intended = Array.isArray(t.intendedStartMs) ? t.intendedStartMs : [];
  const records = t.responseTimeMs.map((value, i) => {
    const errorClass = classes[i] ?? null;
    const answered = (errorClass === null || typeof errorClass === 'string') && classHasLatency(errorClass);
    const start = intended[i];
    return {
      latency: answered && typeof value === 'number' && Number.isFinite(value) ? value : Number.NaN,
      ok: errorClass === null,
      at: typeof start === 'number' ? start : Number.POSITIVE_INFINITY,
    };
  });
  return records.sort((a, b) => a.at - b.at).map(({ latency, ok }) => ({ latency, ok }));
}

/** Windows a run of `requests` requests is cut into: min(MAX_WINDOWS, floor(requests / MIN_WINDOW_REQUESTS)), at least 1. */
export function windowCount(requests: number): number {
  return Math.max(1, Math.min(MAX_WINDOWS, Math.floor(requests / MIN_WINDOW_REQUESTS)));
}

/** A phase timeline cut into consecutive windows of near-equal size, in intended-start order. */
export function timelineWindows(timeline: unknown): Window[] {
  const requests = timelineRequests(timeline);
  const n = requests.length;
  if (n === 0) return [];
  const k = windowCount(n);
  return Array.from({ length: k }, (_, w) => {
    const slice = requests.slice(Math.round((w * n) / k), Math.round(((w + 1) * n) / k));
    return {
      latencies: slice.map((r) => r.latency).filter((v) => !Number.isNaN(v)),
      ok: slice.filter((r) => r.ok).length,
      requests: slice.length,
    };
  });
}

function countsOf(runs: readonly (readonly Window[])[]): UnitCounts {
  const windows = runs.flat();
  return {
    runs: runs.length,
    windows: windows.length,
    requests: windows.reduce((sum, w) => sum + w.requests, 0),
    latencies: windows.reduce((sum, w) => sum + w.latencies.length, 0),
  };
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');
const signed = (value: number, digits = 1) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(digits)}` : 'n/a');

/** What to collect when an interval straddles the limit. */
function moreData(method: BaselineMethod, runs: number): string {
  return method === 'window-level'
    ? 'to decide, run with PERF_REPEAT=3 (or more) on both sides (save the baseline that way too), or send more requests'
    : runs + 2 <= 10 // PERF_REPEAT's largest value
      ? `to decide, run more repetitions (PERF_REPEAT=${Math.min(10, Math.max(5, runs + 2))} on both sides) or more requests per run`
      : 'to decide, send more requests per run (a larger PERF_SCALE or request count) on both sides';
}

/** A row that is not judged, or inconclusive: what was found, and what to collect to decide. */
interface Finding {
  finding: string;
  advice: string;
}

/** Why a phase's latencies (or success rate) cannot be judged, or undefined when they can. */
function notJudgedReason(method: BaselineMethod, b: UnitCounts, c: UnitCounts, what: 'latencies' | 'requests'): Finding | undefined {
  const [nb, nc] = what === 'latencies' ? [b.latencies, c.latencies] : [b.requests, c.requests];
  if (nb < MIN_SAMPLES || nc < MIN_SAMPLES) {
    return {
      finding: `too few ${what} (${nb} and ${nc}; needs ${MIN_SAMPLES} a side): not judged`,
      advice: 'send more requests (a longer phase, a higher PERF_SCALE)',
    };
  }
  const short = method === 'window-level' ? [b, c].find((side) => side.runs < 2 && side.windows < MIN_WINDOWS) : undefined;
  if (short) {
    return {
      finding:
        `a single run of ${short.requests} requests makes ${short.windows} window(s), too few to resample ` +
        `(needs ${MIN_WINDOWS}, i.e. ${MIN_WINDOWS * MIN_WINDOW_REQUESTS} requests): not judged`,
      advice: 'run with PERF_REPEAT=3 (or more) on both sides, or send more requests',
    };
  }
  return undefined;
}

/** The row verdict from the interval of the change: beyond, within or straddling the limit. */
export function verdictOf(kind: 'latency' | 'success', low: number, high: number, limit: number): BaselineVerdict {
  if (!Number.isFinite(low) || !Number.isFinite(high)) return 'inconclusive';
  if (kind === 'latency') return low > limit ? 'regression' : high <= limit ? 'no change' : 'inconclusive';
  return high < -limit ? 'regression' : low >= -limit ? 'no change' : 'inconclusive';
}

interface PhaseInput {
  phase: string;
  method: BaselineMethod;
  units: { baseline: UnitCounts; current: UnitCounts };
  point: { baseline: Figures; current: Figures };
  replicates: { baseline: Figures; current: Figures }[];
}

interface Judged {
  row: BaselineRow;
  /** Inconclusive rows only. */
  why?: Finding;
}

const METRIC_KEYS = [
  ['P50', 'p50'],
  ['P95', 'p95'],
  ['P99', 'p99'],
  ['success rate', 'successPercent'],
] as const;

/** One figure of one phase: its change, the interval of the change and the verdict. */
function judgeRow(input: PhaseInput, metric: BaselineRow['metric'], key: FigureKey, settings: Resolved): Judged {
  const latency = metric !== 'success rate';
  const kind = latency ? 'percent' : 'difference';
  const b = input.point.baseline[key];
  const c = input.point.current[key];
  // The latency allowance: the percentage, or the ms floor as a percentage of this baseline figure.
  const limit = latency
    ? Math.max(settings.maxRegressionPercent, b > 0 ? (100 * settings.minRiseMs) / b : 0)
    : settings.maxSuccessDropPoints;
  const reason = notJudgedReason(input.method, input.units.baseline, input.units.current, latency ? 'latencies' : 'requests');
  const { low, high } = reason
    ? { low: Number.NaN, high: Number.NaN }
    : percentileInterval(
        input.replicates.map((r) => changeOf(kind, r.baseline[key], r.current[key])),
        settings.confidence,
      );
  const verdict = verdictOf(latency ? 'latency' : 'success', low, high, limit);
  const limitText = latency
    ? `+${limit.toFixed(1)}%${limit > settings.maxRegressionPercent ? ` (the ${settings.minRiseMs} ms floor)` : ''}`
    : `-${limit} points`;
  const unitText = latency ? '%' : ' points';
  const why: Finding | undefined =
    reason ??
    (verdict === 'inconclusive'
      ? {
          finding: `CI ${signed(low)}${latency ? '%' : ''} to ${signed(high)}${unitText} straddles the limit ${limitText}`,
          advice: moreData(input.method, Math.min(input.units.baseline.runs, input.units.current.runs)),
        }
      : undefined);
  const row: BaselineRow = {
    phase: input.phase,
    metric,
    baseline: b,
    current: c,
    change: changeOf(kind, b, c),
    low,
    high,
    unit: latency ? '%' : 'points',
    limit,
    verdict,
    regressed: verdict === 'regression',
    method: input.method,
    units: input.units,
    ...(why ? { note: `${why.finding}; ${why.advice}` } : {}),
  };
  return why ? { row, why } : { row };
}

/** One sentence for a phase's inconclusive rows: the same finding said once, with the metrics it covers, then the advice. */
function inconclusiveSentence(where: string, judged: readonly Judged[]): string | undefined {
  const byFinding = new Map<string, string[]>();
  const advice = new Set<string>();
  for (const { row, why } of judged) {
    if (!why) continue;
    byFinding.set(why.finding, [...(byFinding.get(why.finding) ?? []), row.metric]);
    advice.add(why.advice);
  }
  if (byFinding.size === 0) return undefined;
  const findings = [...byFinding].map(([finding, metrics]) => `${metrics.join(', ')}: ${finding}`);
  return `${where} ${findings.join('; ')}; ${[...advice].join('; ')}`;
}

function regressionSentence(where: string, row: BaselineRow, settings: Resolved): string {
  const ci = `${settings.confidence}% CI ${signed(row.low)}${row.unit === '%' ? '%' : ''} to ${signed(row.high)}${row.unit === '%' ? '%' : ' points'}`;
  if (row.unit === 'points') {
    return `${where}: success rate fell ${(-row.change).toFixed(1)} points (${row.baseline.toFixed(1)}% -> ${row.current.toFixed(1)}%; ${ci}), beyond the allowed ${settings.maxSuccessDropPoints} points`;
  }
  const floor = row.limit > settings.maxRegressionPercent ? ` (at least ${settings.minRiseMs} ms: ${row.limit.toFixed(1)}% here)` : '';
  return `${where}: ${row.metric} latency rose ${row.change.toFixed(1)}% (${ms(row.baseline)} -> ${ms(row.current)}; ${ci}), beyond the allowed ${settings.maxRegressionPercent}%${floor}`;
}

interface Resolved {
  maxRegressionPercent: number;
  maxSuccessDropPoints: number;
  minRiseMs: number;
  confidence: number;
  resamples: number;
  seed: number;
}

function resolveOptions(options: BaselineOptions): Resolved {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const minRiseMs = options.minRiseMs ?? DEFAULT_MIN_RISE_MS;
  if (!(confidence >= 50 && confidence <= 99.9)) {
    throw new BaselineError(`baseline confidence ${confidence} is not a percentage from 50 to 99.9 (PERF_BASELINE_CONFIDENCE, default 95)`);
  }
  if (!Number.isInteger(resamples) || resamples < 100 || resamples > 100_000) {
    throw new BaselineError(`baseline resamples ${resamples} is not an integer from 100 to 100000 (PERF_BASELINE_RESAMPLES, default 2000)`);
  }
  if (!(minRiseMs >= 0)) throw new BaselineError(`minRiseMs ${minRiseMs} is not a number of ms >= 0 (default 20)`);
  return {
    maxRegressionPercent: options.maxRegressionPercent,
    maxSuccessDropPoints: options.maxSuccessDropPoints,
    minRiseMs,
    confidence,
    resamples,
    seed: options.seed ?? DEFAULT_SEED,
  };
}

/** The windows of every run of `runs` that recorded `phase`. */
function phaseWindows(runs: readonly RunFigures[], phase: string): Window[][] {
  return runs.map((run) => timelineWindows(run.timelines?.[phase])).filter((windows) => windows.length > 0);
}

function comparePhase(phase: string, before: Window[][], now: Window[][], settings: Resolved): Judged[] {
  const method: BaselineMethod = before.length >= 2 && now.length >= 2 ? 'run-level' : 'window-level';
  const baselineSide = prepareSide(before);
  const currentSide = prepareSide(now);
  const input: PhaseInput = {
    phase,
    method,
    units: { baseline: countsOf(before), current: countsOf(now) },
    point: { baseline: pointFigures(baselineSide), current: pointFigures(currentSide) },
    replicates: bootstrapFigures(baselineSide, currentSide, { resamples: settings.resamples, seed: seedFor(settings.seed, phase) }),
  };
  return METRIC_KEYS.map(([metric, key]) => judgeRow(input, metric, key, settings));
}

function methodText(comparison: Pick<BaselineComparison, 'method' | 'units' | 'confidence' | 'resamples'>): string {
  const { baseline, current } = comparison.units;
  const level =
    comparison.method === 'run-level'
      ? `run-level over ${baseline.runs} and ${current.runs} runs`
      : `window-level (${baseline.runs} and ${current.runs} run(s) cut into windows)`;
  return `${level}, ${comparison.confidence}% bootstrap CI over ${comparison.resamples} resamples`;
}

export function compareWithBaseline(current: BaselineReport, baseline: BaselineReport, options: BaselineOptions): BaselineComparison {
  const settings = resolveOptions(options);
  const rows: BaselineRow[] = [];
  const regressions: string[] = [];
  const inconclusive: string[] = [];
  const notes: string[] = [];
  if (baseline.spec !== current.spec) notes.push(`the baseline is spec "${baseline.spec}", this is "${current.spec}"`);
  if (baseline.scale !== current.scale) notes.push(`the baseline ran at PERF_SCALE ${baseline.scale}, this run at ${current.scale}`);

  const beforeRuns = runsOf(baseline);
  const nowRuns = runsOf(current);
  const beforePhases = phasesOf(beforeRuns);
  const nowPhases = phasesOf(nowRuns);
  for (const phase of beforePhases) if (!nowPhases.includes(phase)) notes.push(`phase "${phase}" of the baseline did not run this time`);
  for (const phase of nowPhases) {
    if (!beforePhases.includes(phase)) {
      notes.push(`phase "${phase}" has no baseline`);
      continue;
    }
    const where = `${current.spec}/${phase}`;
    const judged = comparePhase(phase, phaseWindows(beforeRuns, phase), phaseWindows(nowRuns, phase), settings);
    for (const { row } of judged) {
      rows.push(row);
      if (row.verdict === 'regression') regressions.push(regressionSentence(where, row, settings));
    }
    const open = inconclusiveSentence(where, judged);
    if (open) inconclusive.push(open);
  }

  const method: BaselineMethod = beforeRuns.length >= 2 && nowRuns.length >= 2 ? 'run-level' : 'window-level';
  const shape = {
    method,
    units: { baseline: { runs: beforeRuns.length }, current: { runs: nowRuns.length } },
    confidence: settings.confidence,
    resamples: settings.resamples,
  };
  const kind: BaselineVerdict =
    regressions.length > 0 ? 'regression' : inconclusive.length > 0 || rows.length === 0 ? 'inconclusive' : 'no change';
  const against = `against the baseline of ${baseline.startedAt} (${methodText(shape)})`;
  const allowance = `latency +${settings.maxRegressionPercent}% and at least ${settings.minRiseMs} ms, success rate -${settings.maxSuccessDropPoints} points`;
  const sentence =
    kind === 'regression'
      ? `${regressions.length} regression(s) ${against}: ${regressions.join('; ')}`
      : kind === 'inconclusive'
        ? rows.length === 0
          ? `Inconclusive ${against}: no phase ran on both sides`
          : `Inconclusive ${against}, no regression shown (allowance: ${allowance}): ${inconclusive.join('; ')}`
        : `No change ${against}: every figure's interval lies within the allowance (${allowance})`;
  return {
    spec: current.spec,
    baselineSource: options.baselineSource,
    baselineStartedAt: baseline.startedAt,
    maxRegressionPercent: settings.maxRegressionPercent,
    maxSuccessDropPoints: settings.maxSuccessDropPoints,
    minRiseMs: settings.minRiseMs,
    ...shape,
    seed: settings.seed,
    rows,
    regressions,
    inconclusive,
    notes,
    kind,
    verdict: notes.length > 0 ? `${sentence}. Note: ${notes.join('; ')}.` : `${sentence}.`,
  };
}

const VERDICT_LABEL: Record<BaselineVerdict, string> = { regression: 'REGRESSION', 'no change': 'no change', inconclusive: 'inconclusive' };

function changeText(value: number, unit: BaselineRow['unit']): string {
  return Number.isFinite(value) ? `${signed(value)}${unit === '%' ? '%' : ' pt'}` : 'n/a';
}

/** Pure: console text of a comparison. */
export function formatBaselineComparison(comparison: BaselineComparison): string {
  const lines = [`Baseline comparison (${comparison.baselineSource}): ${methodText(comparison)}`];
  let previous: BaselineRow | undefined;
  for (const row of comparison.rows) {
    const values = `${row.baseline.toFixed(2)} -> ${row.current.toFixed(2)}`;
    const judged = Number.isFinite(row.low) && Number.isFinite(row.high);
    const ci = judged ? `[${changeText(row.low, row.unit)}, ${changeText(row.high, row.unit)}]` : '';
    const limit = row.unit === '%' ? `limit +${row.limit.toFixed(1)}%` : `limit -${row.limit} pt`;
    // A note shared by the phase's rows (too few samples) is said once.
    const note =
      row.note === undefined ? '' : previous?.phase === row.phase && previous.note === row.note ? '  (as above)' : `  (${row.note})`;
    lines.push(
      `  ${(judged ? VERDICT_LABEL[row.verdict] : 'not judged').padEnd(12)} ${row.phase.padEnd(10)} ${row.metric.padEnd(12)} ${values.padEnd(20)} ` +
        `${changeText(row.change, row.unit).padEnd(9)} ${ci.padEnd(22)} ${limit}${note}`,
    );
    previous = row;
  }
  lines.push(`  ${comparison.verdict}`);
  return lines.join('\n');
}

export class BaselineError extends Error {
  override name = 'BaselineError';
}

export interface BaselineSettings {
  path: string | undefined;
  maxRegressionPercent: number;
  maxSuccessDropPoints: number;
  /** PERF_BASELINE_CONFIDENCE (percent), when the config has it; default 95. */
  confidence?: number;
  /** PERF_BASELINE_RESAMPLES, when the config has it; default 2000. */
  resamples?: number;
  minRiseMs?: number;
  /** PERF_BASELINE_ANY_TARGET: compare with a baseline of another target too (the difference said first in the verdict). Default false. */
  anyTarget?: boolean;
}

/** A baseline of another target, not compared: what the report keeps (extra.baseline) instead of a comparison. */
export interface BaselineRefusal {
  kind: 'not compared';
  spec: string;
  baselineSource: string;
  baselineStartedAt: string;
  /** How the baseline's target differs from this run's, one phrase per field ("PERF_SCALE 0.2 vs 1": this run's first). */
  differences: string[];
  /** The refusal in one sentence, with what to do. */
  verdict: string;
}

const BASELINE_CHECK = 'no regression against the baseline (PERF_BASELINE)';

export type BaselineCheck =
  | { ran: false; reason: string }
  /** A baseline of another target: not compared; the check is skipped with the reason. */
  | { ran: false; reason: string; refused: BaselineRefusal; check: { name: string; outcome: 'skipped'; detail: string } }
  | { ran: true; comparison: BaselineComparison; check: { name: string; outcome: 'passed' | 'failed'; detail: string } };

/** How the baseline's target differs from the report's; empty when the same, or when either does not record one. */
export function baselineTargetDifferences(report: BaselineReport, baseline: BaselineReport): string[] {
  if (!report.provider || !report.config || !baseline.provider || !baseline.config) return [];
  return runTargetDifferences(runTargetOf(report), runTargetOf(baseline));
}

/** The baseline found for a spec (report/baseline-files.ts loadBaseline): its report and where it came from, or why there is none. */
export type FoundBaseline = { report: BaselineReport; source: string } | { report: undefined; reason: string };

/**
 * Pure: the check SpecRecorder makes with PERF_BASELINE, against the baseline found for the
 * spec (none found: not run). Only a regression fails; an inconclusive comparison passes, its
 * sentence (what to collect to decide) the check's detail.
 */
export function baselineCheck(report: BaselineReport, found: FoundBaseline, settings: BaselineSettings): BaselineCheck {
  if (found.report === undefined) return { ran: false, reason: found.reason };
  const { path: _path, anyTarget = false, ...options } = settings;
  const differences = baselineTargetDifferences(report, found.report);
  if (differences.length > 0 && !anyTarget) {
    const verdict =
      `Not compared with the baseline of ${found.report.startedAt} (${found.source}): it measured another target ` +
      `(this run vs the baseline: ${differences.join('; ')}), so its differences would be the target's, not the service's. ` +
      'Save a baseline of this target (npm run perf:baseline), or set PERF_BASELINE_ANY_TARGET=true to compare anyway.';
    return {
      ran: false,
      reason: verdict,
      refused: {
        kind: 'not compared',
        spec: report.spec,
        baselineSource: found.source,
        baselineStartedAt: found.report.startedAt,
        differences,
        verdict,
      },
      check: { name: BASELINE_CHECK, outcome: 'skipped', detail: verdict },
    };
  }
  const compared = compareWithBaseline(report, found.report, { ...options, baselineSource: found.source });
  const across = `Compared across targets (PERF_BASELINE_ANY_TARGET=true; this run vs the baseline: ${differences.join('; ')}): `;
  const comparison: BaselineComparison =
    differences.length === 0
      ? compared
      : {
          ...compared,
          notes: [`the baseline measured another target (${differences.join('; ')})`, ...compared.notes],
          verdict: `${across}${compared.verdict}`,
          regressions: compared.regressions.map((r) => `${r} (across targets: ${differences.join('; ')})`),
        };
  const failed = comparison.kind === 'regression';
  return {
    ran: true,
    comparison,
    check: {
      name: BASELINE_CHECK,
      outcome: failed ? 'failed' : 'passed',
      detail: failed ? comparison.regressions.join(' | ') : comparison.kind === 'inconclusive' ? comparison.verdict : '',
    },
  };
}
