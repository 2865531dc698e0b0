// reports/performance/index.html: one self-contained page (inline CSS and SVG,
// no script, no network) built from the specs' JSON reports. Pure: data in,
// HTML text out. Every piece of report text is escaped.
import { runWarnings, warningLine } from './warnings.ts';
import type { ProfileReport } from '#engine';
import type { HttpPhaseReport } from '#engine';
import { classHasLatency } from '#engine';
import { findHttpBottlenecks } from '#engine';
import { readSummaries, type LoadTestSummary } from '#engine';
import {
  describeThreshold,
  fmtRps,
  readCapacity,
  thresholdOutcome,
  WARN_ONLY,
  type CapacityResult,
  type ThresholdResult,
} from '../analysis/index.ts';
import { runTargetOf, runTargetText, type BaselineComparison, type BaselineRefusal, type CapacityLimit } from '../analysis/index.ts';
import { escapeHtml as esc } from './escape.ts';
import type { HistoryEntry } from './history.ts';
import { trendSection } from './html-trend.ts';
import { repeatsSection } from './html-repeats.ts';
import { resourcesTable, serverResourcesNote } from './html-resources.ts';
import type { SpecReport, TargetVerdict } from '../model/index.ts';
import { countChecks, specVerdict, type CheckCounts } from './verdict.ts';
import {
  capacityChart,
  COLORS,
  latencyHistogramChart,
  latencyOverTimeChart,
  scheduleLagChart,
  statusCodesChart,
  type TimedPoint,
} from './svg-charts.ts';

/** The columnar timeline a SpecRecorder writes per phase (null where JSON had NaN). */
export interface TimelineColumns {
  intendedStartMs: (number | null)[];
  actualStartMs: (number | null)[];
  endMs: (number | null)[];
  status: number[];
  errorClass: (string | null)[];
  responseTimeMs: (number | null)[];
}

export interface HtmlReportOptions {
  /** ISO time shown in the header. */
  generatedAt: string;
  /** Where the JSON came from, shown in the header. */
  sourceDir?: string;
  /**
   * Profile bottleneck threshold (percent of end-to-end) for a report that does not say its own
   * (the profile spec notes it: extra.bottleneckPercent). Default DEFAULT_BOTTLENECK_PERCENT.
   */
  bottleneckPercent?: number;
  /** Recorded runs (history.jsonl): each spec's section shows its trend over them; null = no history is kept. */
  history?: readonly HistoryEntry[] | null;
  /**
   * The run the page is for (its runStartedAt): the banner judges its specs, and a report of another
   * run (a spec this run did not run, kept from an earlier one) is marked as such. Absent: every report counts.
   */
  currentRun?: string;
}

/** Reports of another run than `currentRun` (kept from an earlier run in the same directory). */
const fromEarlierRun = (report: Pick<SpecReport, 'runStartedAt'>, currentRun: string | undefined) =>
  currentRun !== undefined && report.runStartedAt !== currentRun;

const num = (value: unknown): number => (typeof value === 'number' ? value : Number.NaN);

function fixed(value: unknown, digits = 1, unit = ''): string {
  const n = num(value);
  return Number.isFinite(n) ? `${n.toFixed(digits)}${unit}` : 'n/a';
}

/**
 * The errorClass of request `i`: null exactly when it counted as a success. A missing
 * entry (no class recorded) is not a success: it becomes 'unknown'.
 */
function errorClassAt(timeline: TimelineColumns, i: number): string | null {
  const value = Array.isArray(timeline.errorClass) ? timeline.errorClass[i] : undefined;
  if (value === null) return null;
  return typeof value === 'string' && value !== '' ? value : 'unknown';
}

/**
 * Pure: the chart inputs of one phase's timeline. Requests are placed at their intended
 * start; in a burst (every request due at once) at their completion instead, so they spread out.
 * Success or failure comes from each request's errorClass (null = success), never from its status.
 */
export function chartData(timeline: TimelineColumns) {
  const intendedTimes = timeline.intendedStartMs.filter((v): v is number => typeof v === 'number');
  const burst = intendedTimes.length > 1 && Math.max(...intendedTimes) === Math.min(...intendedTimes);
  const timeLabel = burst ? 'completion (s)' : 'intended start (s)';
  const points: TimedPoint[] = [];
  const placedS: number[] = [];
  const latencies: number[] = [];
  const timesS: number[] = [];
  const lagsMs: number[] = [];
  // One entry per placed request, aligned with placedS.
  const statuses: number[] = [];
  const errorClasses: (string | null)[] = [];
  const n = timeline.intendedStartMs.length;
  for (let i = 0; i < n; i++) {
    const intended = timeline.intendedStartMs[i];
    const actual = timeline.actualStartMs[i];
    const errorClass = errorClassAt(timeline, i);
    const status = typeof timeline.status[i] === 'number' ? (timeline.status[i] as number) : 0;
    const latency = timeline.responseTimeMs[i];
    if (typeof intended !== 'number') continue;
    const end = timeline.endMs?.[i];
    const tS = (burst && typeof end === 'number' ? end : intended) / 1000;
    timesS.push(intended / 1000);
    placedS.push(tS);
    statuses.push(status);
    errorClasses.push(errorClass);
    lagsMs.push(typeof actual === 'number' ? actual - intended : Number.NaN);
    if (typeof latency === 'number' && Number.isFinite(latency) && classHasLatency(errorClass)) {
      points.push({ tS, valueMs: latency, failed: errorClass !== null, status, errorClass });
      latencies.push(latency);
    } else if (errorClass !== null && typeof latency === 'number') {
      // No latency (refused, reset, cancelled), still marked where it happened.
      points.push({ tS, valueMs: Math.max(0, latency), failed: true, status, errorClass });
    }
  }
  return { points, latencies, timesS, placedS, timeLabel, lagsMs, statuses, errorClasses };
}

function isTimeline(value: unknown): value is TimelineColumns {
  const t = value as TimelineColumns;
  return (
    typeof t === 'object' && t !== null && Array.isArray(t.intendedStartMs) && Array.isArray(t.status) && Array.isArray(t.responseTimeMs)
  );
}

function table(head: string[], rows: string[][], className = ''): string {
  return `<table class="${className}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((cells) => `<tr>${cells.join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const td = (text: unknown, attrs = '') => `<td${attrs}>${esc(text)}</td>`;

function summaryTable(summary: LoadTestSummary): string {
  const r = summary.responseTimes;
  return table(
    ['Requests', 'Success', 'Success rate', 'P50', 'P95', 'P99', 'Max', 'Req/s', 'Lag P99', 'End'],
    [
      [
        td(summary.sentRequests),
        td(summary.successCount),
        td(fixed(summary.successRatePercent, 1, ' %')),
        td(fixed(r?.p50Ms, 1, ' ms')),
        td(fixed(r?.p95Ms, 1, ' ms')),
        td(fixed(r?.p99Ms, 1, ' ms')),
        td(fixed(r?.maxMs, 1, ' ms')),
        td(fixed(summary.achievedRps, 2)),
        td(fixed(summary.schedule?.lagP99Ms, 1, ' ms')),
        td(summary.endReason),
      ],
    ],
    'figures',
  );
}

function phaseSection(
  phase: string,
  summary: LoadTestSummary | undefined,
  timeline: unknown,
  server?: Pick<SpecReport, 'serverMetrics' | 'serverResources'>,
): string {
  const parts = [`<section class="phase"><h3>Phase: ${esc(phase)}</h3>`];
  if (summary && typeof summary === 'object')
    parts.push(summaryTable(summary), resourcesTable(summary, server?.serverMetrics, server?.serverResources));
  if (isTimeline(timeline)) {
    const data = chartData(timeline);
    const r = summary?.responseTimes;
    const markers = [
      { label: 'P50', valueMs: num(r?.p50Ms), color: COLORS.p50 },
      { label: 'P95', valueMs: num(r?.p95Ms), color: COLORS.p95 },
      { label: 'P99', valueMs: num(r?.p99Ms), color: COLORS.p99 },
    ];
    parts.push('<div class="charts">');
    parts.push(
      `<figure>${latencyOverTimeChart(data.points, 4000, data.timeLabel)}<figcaption>Latency over time (corrected for coordinated omission); red crosses are failures</figcaption></figure>`,
    );
    parts.push(
      `<figure>${latencyHistogramChart(data.latencies, markers)}<figcaption>Latency distribution with P50, P95 and P99</figcaption></figure>`,
    );
    parts.push(
      `<figure>${statusCodesChart(data.placedS, data.statuses, data.errorClasses, data.timeLabel)}<figcaption>Status codes over time, coloured by outcome, not by code: green counted as a success; red, orange and pink are failures (a 200 with a rejected body too); amber is 429 rate limited</figcaption></figure>`,
    );
    parts.push(
      `<figure>${scheduleLagChart(data.timesS, data.lagsMs, { burst: summary?.schedule?.mode === 'burst' })}<figcaption>Schedule lag: how late the generator sent each request</figcaption></figure>`,
    );
    parts.push('</div>');
  } else {
    parts.push('<p class="muted">No per-request timeline in this report.</p>');
  }
  const warnings = Array.isArray(summary?.warnings) ? summary.warnings : [];
  if (warnings.length > 0) parts.push(`<ul class="warnings">${warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`);
  parts.push('</section>');
  return parts.join('');
}

/**
 * The targets table of a report written by an earlier version (target / acceptable / action
 * required): still drawn from such a report. The suite now checks its targets as warn thresholds.
 */
export function targetsTable(verdicts: readonly TargetVerdict[]): string {
  const cmp = (v: TargetVerdict, limit: number) => `${v.higherIsBetter ? '≥' : '≤'} ${limit} ${v.unit}`;
  const rows = verdicts.map((v) => {
    const cls = v.verdict === 'target' ? 'target' : v.verdict === 'acceptable' ? 'acceptable' : 'action';
    return [
      td(v.label),
      td(`${fixed(v.value, v.unit === '%' ? 1 : 2)} ${v.unit}`),
      td(cmp(v, v.target)),
      td(cmp(v, v.acceptable)),
      `<td class="verdict ${cls}">${esc(v.verdict)}</td>`,
    ];
  });
  return `<h3>Targets</h3>${table(['Metric', 'Measured', 'Target', 'Acceptable', 'Class'], rows, 'targets')}`;
}

const OUTCOME_CLASS = { pass: 'target', warn: 'acceptable', fail: 'action' } as const;

/**
 * The spec's thresholds as its assertions judged them (one evaluation): pass, fail, or warn for
 * a warn threshold (the suite's targets) that does not hold, which fails nothing.
 */
export function thresholdsTable(results: readonly ThresholdResult[]): string {
  const rows = results.map((r) => {
    const outcome = thresholdOutcome(r);
    const threshold = describeThreshold(r) + (r.severity === 'warn' ? ` ${WARN_ONLY}` : '');
    return [
      td(r.phase),
      td(threshold),
      td(Number.isFinite(r.actual) ? fixed(r.actual, 2) : 'not measured'),
      `<td class="verdict ${OUTCOME_CLASS[outcome]}">${outcome}</td>`,
    ];
  });
  return `<h3>Thresholds</h3>${table(['Phase', 'Threshold', 'Measured', 'Verdict'], rows, 'thresholds')}`;
}

/** "1 passed, 1 failed, 1 skipped" (skipped checks are never counted as passed). */
export function checkCountsText(counts: CheckCounts): string {
  if (counts.total === 0) return 'no checks';
  const text = `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
  const other = counts.total - counts.passed - counts.failed - counts.skipped;
  return other > 0 ? `${text}, ${other} unknown` : text;
}

/** The cell class: any failure -> action; all passed -> target; skipped (or unknown) but none failed -> acceptable (warn). */
export function checkCountsClass(counts: CheckCounts): string {
  if (counts.failed > 0) return 'action';
  if (counts.total === 0) return 'neutral';
  return counts.passed === counts.total ? 'target' : 'acceptable';
}

export { countChecks, specVerdict, type CheckCounts, type SpecVerdict } from './verdict.ts';

/**
 * The verdict badge (coloured by the verdict, never by the run status alone), with the run
 * status; a skipped spec says skipped only (its run "completed" having judged nothing).
 */
function verdictBadge(report: SpecReport): string {
  const verdict = specVerdict(report);
  const status = typeof report.status === 'string' ? report.status : 'unknown';
  const text = verdict === status || verdict === 'skipped' ? verdict : `${verdict} · ${status}`;
  return `<span class="badge ${verdict}" data-verdict="${verdict}" data-run-status="${esc(status)}" title="${esc(`verdict ${verdict}; run ${status}`)}">${esc(text)}</span>`;
}

function checksSummary(checks: SpecReport['checks']): string {
  const counts = countChecks(checks);
  return `<span class="checks-summary ${checkCountsClass(counts)}">${esc(checkCountsText(counts))}</span>`;
}

function checksList(checks: SpecReport['checks']): string {
  if (!Array.isArray(checks) || checks.length === 0) return '';
  const items = checks.map((c) => {
    // A skipped check's detail is its reason: always shown, and said to be missing when empty.
    const detail =
      c.outcome === 'skipped'
        ? `<div class="detail reason${c.detail ? '' : ' missing'}">${esc(c.detail ? c.detail : '(no reason recorded)')}</div>`
        : c.detail
          ? `<div class="detail">${esc(c.detail)}</div>`
          : '';
    return `<li class="check ${esc(c.outcome)}"><span class="badge ${esc(c.outcome)}">${esc(c.outcome)}</span> ${esc(c.name)}${detail}</li>`;
  });
  return `<h3>Checks: ${esc(checkCountsText(countChecks(checks)))}</h3><ul class="checks">${items.join('')}</ul>`;
}

export function profileTables(profile: ProfileReport | undefined, http: HttpPhaseReport | undefined, thresholdPercent: number): string {
  const parts: string[] = [];
  if (profile && Array.isArray(profile.rows)) {
    const rows = profile.rows.map((row) => [
      td(row.operation),
      td(fixed(row.totalMs, 2)),
      td(fixed(row.selfMs, 2)),
      td(fixed(row.avgMs, 2)),
      td(row.count),
      `<td class="${row.operation !== profile.root && row.percentOfRoot > thresholdPercent ? 'hot' : ''}">${esc(fixed(row.percentOfRoot, 1, ' %'))}</td>`,
    ]);
    rows.push([td('(not in a named operation)'), td(''), td(fixed(profile.unaccountedMs, 2)), td(''), td(''), td('')]);
    parts.push(
      `<h3>Client-side profile (self time)</h3>${table(['Operation', 'Total (ms)', 'Self (ms)', 'Avg (ms)', 'Count', `% of ${profile.root}`], rows, 'profile')}`,
    );
  }
  if (http && Array.isArray(http.rows)) {
    const rows = http.rows.map((row) => [
      td(row.phase),
      td(row.side),
      td(fixed(row.totalMs, 2)),
      td(fixed(row.avgMs, 2)),
      td(fixed(row.p50Ms, 2)),
      td(fixed(row.p95Ms, 2)),
      `<td class="${row.percentOfRoot > thresholdPercent ? 'hot' : ''}">${esc(fixed(row.percentOfRoot, 1, ' %'))}</td>`,
    ]);
    parts.push(
      `<h3>HTTP phases (undici diagnostics): ${esc(http.requests)} requests, ${esc(http.newConnections)} new connections</h3>` +
        table(['Phase', 'Side', 'Total (ms)', 'Avg (ms)', 'P50 (ms)', 'P95 (ms)', `% of ${http.rootName}`], rows, 'profile'),
    );
    const bottlenecks = findHttpBottlenecks(http, thresholdPercent);
    parts.push(
      bottlenecks.length === 0
        ? `<p>No HTTP phase over ${esc(thresholdPercent)} % of ${esc(http.rootName)}.</p>`
        : `<ul class="bottlenecks">${bottlenecks.map((b) => `<li>${esc(b.message)}</li>`).join('')}</ul>`,
    );
  }
  return parts.join('');
}

/**
 * The comparison with the baseline (extra.baseline, analysis/baseline.ts): the verdict, the method
 * (run- or window-level, confidence, resamples) and per figure the change with its confidence
 * interval, the allowance and the row's verdict. Reads comparisons of earlier versions (no
 * interval, no verdict per row) too.
 */
export function baselineSection(comparison: BaselineComparison | BaselineRefusal | undefined): string {
  if (comparison?.kind === 'not compared')
    return (
      `<h3>Against the baseline (${esc(comparison.baselineSource)})</h3>` +
      `<p class="inconclusive" data-baseline-verdict="not compared">${esc(comparison.verdict)}</p>`
    );
  if (!comparison || !Array.isArray(comparison.rows)) return '';
  const signed = (value: unknown, unit: string) => {
    const n = num(value);
    return Number.isFinite(n) ? `${n >= 0 ? '+' : ''}${n.toFixed(1)}${unit}` : 'n/a';
  };
  const rows = comparison.rows.map((row) => {
    const unit = row.unit === '%' ? ' %' : row.unit === 'points' ? ' points' : ` ${String(row.unit)}`;
    const judged = Number.isFinite(num(row.low)) && Number.isFinite(num(row.high));
    const verdict: string = typeof row.verdict === 'string' ? row.verdict : row.regressed ? 'regression' : 'ok';
    const cls = verdict === 'regression' ? 'action' : verdict === 'inconclusive' ? 'acceptable' : 'target';
    const limit = Number.isFinite(num(row.limit))
      ? row.unit === '%'
        ? `+${fixed(row.limit, 1)} %`
        : `-${fixed(row.limit, 1)} points`
      : '';
    return [
      td(row.phase),
      td(row.metric),
      td(fixed(row.baseline, 2)),
      td(fixed(row.current, 2)),
      td(signed(row.change, unit)),
      td(judged ? `${signed(row.low, unit)} to ${signed(row.high, unit)}` : 'not judged'),
      td(limit),
      // A row of an earlier version has no interval: its verdict comes from `regressed`.
      `<td class="verdict ${cls}" data-verdict="${esc(verdict)}">${esc(judged || typeof row.verdict !== 'string' ? verdict : 'not judged')}</td>`,
      td(row.note ?? ''),
    ];
  });
  // A comparison of an earlier version has no kind: its regressions say it.
  const regressions = (comparison as { regressions?: unknown }).regressions;
  const kind =
    typeof comparison.kind === 'string'
      ? comparison.kind
      : Array.isArray(regressions) && regressions.length > 0
        ? 'regression'
        : 'no change';
  const verdictClass = kind === 'regression' ? 'fail' : kind === 'inconclusive' ? 'inconclusive' : 'pass';
  const method =
    typeof comparison.method === 'string'
      ? `<p>${esc(comparison.method)} comparison (baseline ${esc(comparison.units?.baseline?.runs)} run(s), this run ` +
        `${esc(comparison.units?.current?.runs)}): ${esc(comparison.confidence)} % bootstrap intervals over ${esc(comparison.resamples)} resamples; ` +
        'a regression needs the whole interval beyond the allowance, inconclusive means it straddles it (passes; collect more to decide).</p>'
      : '';
  return (
    `<h3>Against the baseline (${esc(comparison.baselineSource)})</h3>` +
    `<p class="${verdictClass}" data-baseline-verdict="${esc(kind)}">${esc(comparison.verdict)}</p>` +
    method +
    table(
      ['Phase', 'Metric', 'Baseline', 'Now', 'Change', `${comparison.confidence ?? 95} % CI`, 'Allowed', 'Verdict', 'Note'],
      rows,
      'baseline',
    )
  );
}

const LIMITED_BY: Record<CapacityLimit | 'none', string> = {
  throughput: "the service's throughput (it fell behind what was offered)",
  rate_limiter: 'the rate limiter (429s)',
  latency: 'latency (P95 over the SLO)',
  errors: 'errors (failures other than 429)',
  generator: "the load generator's own schedule lag",
  none: 'nothing within the search',
};

/**
 * The capacity spec's result (extra.capacity, analysis/capacity.ts): the capacity with its
 * bracket and what limited it, the chart of offered rate against P95 and success rate, and
 * the steps; the ramp (extra.capacityRamp, not a phase: the search stops it early) with its charts.
 */
export function capacitySection(capacity: CapacityResult, ramp?: { summary?: LoadTestSummary; timeline?: unknown }): string {
  const bracket = capacity.high === null ? `at least ${fmtRps(capacity.low)}/s` : `${fmtRps(capacity.low)}–${fmtRps(capacity.high)}/s`;
  const width = typeof capacity.widthPercent === 'number' ? ` (width ${capacity.widthPercent.toFixed(1)} %)` : '';
  const bound = capacity.lowerBound ? ' <span class="badge aborted" data-lower-bound="true">lower bound</span>' : '';
  const rows = capacity.steps.map((step) => [
    td(step.kind),
    td(fmtRps(step.rps)),
    td(step.requests),
    td(fixed(step.successRatePercent, 2, ' %')),
    td(step.p95Ms === null ? 'n/a' : fixed(step.p95Ms, 1, ' ms')),
    td(step.lagP99Ms === null ? 'n/a' : fixed(step.lagP99Ms, 1, ' ms')),
    td(step.rateLimited),
    td(step.errors),
    `<td class="verdict ${step.ok ? 'target' : 'action'}">${esc(step.ok ? 'ok' : `fail${step.limitedBy ? ` (${step.limitedBy})` : ''}`)}</td>`,
    td(step.verdict),
  ]);
  const policy = capacity.policyRps === null ? 'no rate-limit policy declared' : `declared policy ${fmtRps(capacity.policyRps)}/s`;
  const parts = [
    `<section class="capacity" data-capacity-rps="${esc(capacity.rps)}" data-limited-by="${esc(capacity.limitedBy)}">`,
    `<h3>Capacity: ${esc(fmtRps(capacity.rps))} req/s${bound}</h3>`,
    `<p>Knee ${esc(bracket)}${esc(width)}; limited by <strong>${esc(LIMITED_BY[capacity.limitedBy as CapacityLimit | 'none'] ?? capacity.limitedBy)}</strong>; ` +
      `SLOs: success &gt; ${esc(capacity.slo.minSuccessPercent)} %, P95 &lt; ${esc(capacity.slo.maxP95Ms)} ms; ${esc(policy)}; search ceiling ${esc(fmtRps(capacity.ceilingRps))}/s; ended by ${esc(capacity.endedBy)}.</p>`,
    `<p class="muted">${esc(capacity.text)}</p>`,
    `<div class="charts"><figure>${capacityChart(
      capacity.steps.map((step) => ({
        rps: step.rps,
        p95Ms: step.p95Ms,
        successRatePercent: step.successRatePercent,
        ok: step.ok,
        kind: step.kind,
      })),
      { maxP95Ms: capacity.slo.maxP95Ms, minSuccessPercent: capacity.slo.minSuccessPercent, low: capacity.low, high: capacity.high },
    )}<figcaption>Offered rate against P95 (orange, left axis) and success rate (blue, right axis); hollow marks are ramp stages, filled ones steady steps, red-edged ones failed the SLOs; the green band is the bracket, the line the capacity</figcaption></figure></div>`,
    table(['Kind', 'Rate (req/s)', 'Answers', 'Success', 'P95', 'Lag P99', '429', 'Errors', 'Verdict', 'Why'], rows, 'capacity-steps'),
  ];
  if (ramp && (ramp.summary !== undefined || ramp.timeline !== undefined))
    parts.push(phaseSection('capacity ramp', ramp.summary, ramp.timeline));
  parts.push('</section>');
  return parts.join('');
}

function metricsTable(serverMetrics: SpecReport['serverMetrics']): string {
  if (!serverMetrics) return '';
  if (!serverMetrics.before && !serverMetrics.after) {
    return serverMetrics.unavailableReason
      ? `<p class="muted">Server metrics unavailable: ${esc(serverMetrics.unavailableReason)}</p>`
      : '';
  }
  const { before, after } = serverMetrics;
  // Counters are the service's lifetime figures (earlier specs' requests included): the change over
  // this spec's load is what compares with the suite's own counts.
  const row = (label: string, pick: (m: NonNullable<typeof before>) => number | undefined, digits = 1, counter = false) => {
    const b = before ? pick(before) : undefined;
    const a = after ? pick(after) : undefined;
    const change = counter && b !== undefined && a !== undefined && a >= b ? fixed(a - b, 0) : '—';
    return [td(label), td(before ? fixed(b, digits) : 'n/a'), td(after ? fixed(a, digits) : 'n/a'), td(change)];
  };
  return (
    '<h3>Server metrics</h3>' +
    '<p class="muted">The service\'s own figures: counters since it started (before and after this spec\'s load), and their change over the load, which compares with what the suite counted.</p>' +
    table(
      ['Metric', 'Before (lifetime)', 'After (lifetime)', 'Over this load'],
      [
        row('success_count', (m) => m.successCount, 0, true),
        row('failure_count', (m) => m.failureCount, 0, true),
        row('processing P95 (ms)', (m) => m.processingTimes?.p95),
        row('Freshdesk P95 (ms)', (m) => m.freshdeskLatency?.p95),
        row('slow operations', (m) => m.slowOperationCount, 0, true),
        row('RSS (MB)', (m) => (m.rssBytes === undefined ? undefined : m.rssBytes / 2 ** 20)),
      ],
    )
  );
}

/** A profile's bottleneck threshold when neither the report nor the options say one (PROFILE_BOTTLENECK_PERCENT's default). */
export const DEFAULT_BOTTLENECK_PERCENT = 10;

/** The bottleneck threshold a report was judged with: noted by the spec, or in an earlier version's settings. */
export function bottleneckPercentOf(report: Pick<SpecReport, 'extra' | 'config'>): number | undefined {
  const noted = report.extra?.bottleneckPercent;
  if (typeof noted === 'number' && Number.isFinite(noted)) return noted;
  const earlier = (report.config?.profile as { bottleneckPercent?: unknown } | undefined)?.bottleneckPercent;
  return typeof earlier === 'number' && Number.isFinite(earlier) ? earlier : undefined;
}

function specSection(
  report: SpecReport,
  defaultPercent: number,
  history: readonly HistoryEntry[] | null = [],
  currentRun?: string,
): string {
  const extra = (report.extra ?? {}) as Record<string, unknown>;
  const thresholdPercent = bottleneckPercentOf(report) ?? defaultPercent;
  const parts = [
    `<section class="spec" id="spec-${esc(report.spec)}">`,
    `<h2>${esc(report.title)} ${verdictBadge(report)} ${checksSummary(report.checks)}</h2>`,
    `<p class="meta">${esc(report.spec)} · started ${esc(report.startedAt)} · provider ${esc(report.provider?.provider)} · scale ${esc(report.scale)} · Node ${esc(report.machine?.node)} on ${esc(report.machine?.cpuCount)} CPUs</p>`,
    `<p class="meta target">Target: ${esc(runTargetText(runTargetOf(report)))}</p>`,
    ...(fromEarlierRun(report, currentRun) ? [`<p class="earlier-run">${esc(earlierRunText(report))}</p>`] : []),
  ];
  if (report.error) parts.push(`<pre class="error">${esc(report.error)}</pre>`);
  parts.push(checksList(report.checks));
  parts.push(repeatsSection(report.repeats));
  parts.push(baselineSection(extra.baseline as BaselineComparison | BaselineRefusal | undefined));
  if (Array.isArray(report.thresholds) && report.thresholds.length > 0) parts.push(thresholdsTable(report.thresholds));
  if (Array.isArray(report.targets)) parts.push(targetsTable(report.targets));
  const degradation = report.degradation as { verdict?: unknown } | undefined;
  if (degradation && typeof degradation.verdict === 'string')
    parts.push(`<p><strong>Degradation:</strong> ${esc(degradation.verdict)}</p>`);
  const capacity = readCapacity(extra.capacity);
  if (capacity !== null) {
    const ramp = extra.capacityRamp as { summary?: unknown; timeline?: unknown } | undefined;
    const rampSummary = ramp?.summary === undefined ? undefined : readSummaries({ ramp: ramp.summary }).ramp;
    parts.push(capacitySection(capacity, ramp ? { summary: rampSummary, timeline: ramp.timeline } : undefined));
  }
  const summaries = readSummaries(report.summaries);
  const timelines = (report.timelines ?? {}) as Record<string, unknown>;
  for (const phase of new Set([...Object.keys(summaries), ...Object.keys(timelines)])) {
    parts.push(phaseSection(phase, summaries[phase], timelines[phase], report));
  }
  parts.push(profileTables(extra.profile as ProfileReport | undefined, extra.httpPhases as HttpPhaseReport | undefined, thresholdPercent));
  parts.push(metricsTable(report.serverMetrics), serverResourcesNote(report.serverResources));
  parts.push(
    history === null
      ? '<section class="trend" data-runs="0"><h3>Trend over runs</h3><p class="muted">No history is kept (PERF_HISTORY=none): no trend.</p></section>'
      : trendSection(history, report.spec, { current: report }),
  );
  parts.push('</section>');
  return parts.join('');
}

/** "From an earlier run (started …): this run did not run this spec." */
function earlierRunText(report: Pick<SpecReport, 'runStartedAt'>): string {
  return `From an earlier run (started ${report.runStartedAt}): this run did not run this spec.`;
}

function overview(reports: readonly SpecReport[], currentRun?: string): string {
  const rows = reports.map((r) => {
    const counts = countChecks(r.checks);
    const first = Object.values(readSummaries(r.summaries))[0];
    const earlier = fromEarlierRun(r, currentRun) ? ` <span class="earlier-run" title="${esc(earlierRunText(r))}">earlier run</span>` : '';
    return [
      `<td><a href="#spec-${esc(r.spec)}">${esc(r.spec)}</a>${earlier}</td>`,
      `<td>${verdictBadge(r)}</td>`,
      `<td class="checks ${checkCountsClass(counts)}">${esc(checkCountsText(counts))}</td>`,
      td(first ? fixed(first.successRatePercent, 1, ' %') : 'n/a'),
      td(first ? fixed(first.responseTimes?.p95Ms, 1, ' ms') : 'n/a'),
    ];
  });
  return table(['Spec', 'Verdict · run', 'Checks', 'Success rate (first phase)', 'P95 (first phase)'], rows, 'overview');
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1360px;padding:16px 24px;color:#1a202c;background:#fff}
h1{font-size:1.5em;margin:.2em 0} h2{font-size:1.25em;border-bottom:2px solid #e2e8f0;padding-bottom:4px;margin-top:2em} h3{font-size:1.05em;margin:1.2em 0 .4em}
table{border-collapse:collapse;margin:.4em 0;font-size:.9em} th,td{border:1px solid #e2e8f0;padding:4px 8px;text-align:left} th{background:#f7fafc}
td.target{background:#c6f6d5} td.acceptable{background:#fefcbf} td.action{background:#fed7d7} td.hot{background:#fed7d7;font-weight:bold}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:.75em;font-weight:600;vertical-align:middle}
.badge.passed{background:#c6f6d5;color:#22543d} .badge.aborted,.badge.skipped{background:#fefcbf;color:#744210} .badge.failed{background:#fed7d7;color:#822727}
.checks-summary{font-size:.6em;font-weight:normal;vertical-align:middle;padding:1px 6px;border-radius:4px} .checks-summary.target{color:#22543d} .checks-summary.acceptable{background:#fefcbf;color:#744210} .checks-summary.action{background:#fed7d7;color:#822727} .checks-summary.neutral{color:#4a5568}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(640px,1fr));gap:8px} figure{margin:0} figcaption{font-size:.8em;color:#4a5568}
svg.chart{max-width:100%;height:auto;background:#fff}
.meta,.muted{color:#4a5568;font-size:.85em} pre.error{background:#fff5f5;border:1px solid #feb2b2;padding:8px;white-space:pre-wrap;font-size:.8em}
ul.checks{list-style:none;padding:0} .detail{color:#4a5568;font-size:.85em;margin-left:5em} li.check.failed .detail{color:#822727} li.check.skipped{color:#744210} li.check.skipped .detail{color:#744210} .detail.missing{font-style:italic} ul.warnings li,ul.bottlenecks li{color:#744210}
p.fail{color:#822727;font-weight:600} p.pass{color:#22543d}
section.banner{border-radius:8px;padding:12px 16px;margin:.6em 0 1em;border:2px solid} section.banner.passed{background:#f0fff4;border-color:#68d391} section.banner.failed{background:#fff5f5;border-color:#fc8181} section.banner.partly-skipped{background:#fffff0;border-color:#f6e05e} section.banner.nothing-finished{background:#f7fafc;border-color:#a0aec0}
.run-verdict{font-size:1.6em;font-weight:700} .banner.passed .run-verdict{color:#22543d} .banner.failed .run-verdict{color:#822727} .banner.partly-skipped .run-verdict{color:#744210}
.earlier-run{color:#4a5568;font-style:italic;font-size:.85em} .banner .counts{font-size:1.05em;margin:.2em 0} .banner .tested{font-size:.95em;color:#2d3748} .banner .target{display:inline;font-family:ui-monospace,monospace}
td.median-run{font-weight:600;background:#ebf8ff}
`;

/** The run's verdict over its specs: failed when one failed (or was cut short), partly skipped when one was skipped, else passed. */
export function runVerdict(reports: readonly Pick<SpecReport, 'status' | 'checks'>[]): {
  verdict: 'passed' | 'failed' | 'partly skipped' | 'nothing finished';
  counts: string;
} {
  if (reports.length === 0) return { verdict: 'nothing finished', counts: 'no spec of this run wrote its report' };
  const verdicts = reports.map(specVerdict);
  const tally = (['passed', 'failed', 'aborted', 'skipped'] as const)
    .map((v) => [v, verdicts.filter((x) => x === v).length] as const)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
  const failed = verdicts.some((v) => v === 'failed' || v === 'aborted');
  const verdict = failed ? 'failed' : verdicts.includes('skipped') ? 'partly skipped' : 'passed';
  return { verdict, counts: `${reports.length} spec${reports.length === 1 ? '' : 's'}: ${tally}` };
}

const BANNER_TEXT = {
  passed: 'Passed',
  failed: 'Failed',
  'partly skipped': 'Passed, partly skipped',
  'nothing finished': 'Nothing finished',
};

/** The first screen: the run's verdict with its counts, and what was tested (service, provider, scale, policy). */
function banner(all: readonly SpecReport[], currentRun: string | undefined): string {
  const reports = all.filter((r) => !fromEarlierRun(r, currentRun));
  const earlier = all.length - reports.length;
  const { verdict, counts } = runVerdict(reports);
  // The target as history compares it, and the URL the run sent its requests to.
  const targets = [
    ...new Set(
      reports.map((r) => {
        const text = runTargetText(r.target ?? runTargetOf(r));
        const url = r.provider?.webhookUrl;
        return typeof url === 'string' && url !== '' && !text.includes(url) ? `${text} · ${url}` : text;
      }),
    ),
  ];
  const tested = targets.map((t) => `<div class="target">${esc(t)}</div>`).join('');
  return (
    `<section class="banner ${verdict.replace(' ', '-')}" data-verdict="${verdict}">` +
    `<div class="run-verdict">${esc(BANNER_TEXT[verdict])}</div>` +
    `<div class="counts">${esc(counts)}${earlier > 0 ? esc(` · and ${earlier} spec${earlier === 1 ? '' : 's'} this run did not run, from an earlier run (marked below)`) : ''}</div>` +
    `<div class="tested">Tested${targets.length > 1 ? ` (${targets.length} targets)` : ''}: ${tested}</div></section>`
  );
}

/** Every warning of the run in one list under the overview; nothing when there was none. */
function warningsSection(reports: readonly SpecReport[]): string {
  const warnings = runWarnings(reports);
  if (warnings.length === 0) return '';
  const items = warnings.map((w) => `<li>${esc(warningLine(w))}</li>`).join('');
  return `<section class="run-warnings"><h2>Warnings (${warnings.length})</h2><ul class="warnings">${items}</ul></section>`;
}

/** Pure: the whole page for `reports` (in the given order). */
export function renderHtmlReport(reports: readonly SpecReport[], options: HtmlReportOptions): string {
  const threshold = options.bottleneckPercent ?? DEFAULT_BOTTLENECK_PERCENT;
  const body =
    reports.length === 0
      ? '<p>No spec reports were found: run <code>npx vitest run tests/performance</code> first.</p>'
      : banner(reports, options.currentRun) +
        overview(reports, options.currentRun) +
        warningsSection(reports.filter((r) => !fromEarlierRun(r, options.currentRun))) +
        reports.map((r) => specSection(r, threshold, options.history, options.currentRun)).join('');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No network at view time: nothing may be fetched, not even a favicon.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<title>Webhook performance report</title>',
    `<style>${STYLE}</style></head><body>`,
    '<h1>Webhook performance report</h1>',
    `<p class="meta">Generated ${esc(options.generatedAt)}${options.sourceDir ? ` from ${esc(options.sourceDir)}` : ''} · ${reports.length} spec reports</p>`,
    body,
    '</body></html>',
    '',
  ].join('\n');
}
