// Inline SVG charts for the HTML report: pure functions from numbers to SVG
// text, so the report needs no script and no network to draw. Every chart is
// an <svg class="chart" data-chart="..."> with a <title> for screen readers.
import { escapeHtml } from './escape.ts';

export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 240;
const MARGIN = { left: 56, right: 16, top: 26, bottom: 38 };

export const COLORS = {
  ok: '#2b6cb0',
  failure: '#d62728',
  lag: '#6b46c1',
  p50: '#2f855a',
  p95: '#dd6b20',
  p99: '#c53030',
  bar: '#4a90c2',
  grid: '#e2e8f0',
  axis: '#4a5568',
};

/**
 * Colours of request outcomes. Whether a request counted as a success is its
 * timeline `errorClass` being null, never its status code: a 200 with a body
 * the run rejected (`bad_body`) is a failure, a 202 the service declared a
 * success is a success.
 */
export const OUTCOME_COLORS = {
  success: '#38a169',
  /** 429 that counted as a failure. */
  rateLimited: '#d69e2e',
  /** No response at all (refused, reset, timed out, aborted). */
  noResponse: '#742a2a',
  serverError: '#c53030',
  clientError: '#dd6b20',
  /** A 1xx/2xx/3xx answer that counted as a failure (a rejected body, a status isSuccess refused). */
  rejected: '#b83280',
};

export type OutcomeGroup = keyof typeof OUTCOME_COLORS;

/**
 * The outcome group of one request: `success` exactly when it counted as a success
 * (`errorClass === null`), whatever its code; among failures, 429 (rate limited) has its
 * own group, the others a failure group by kind. `undefined` (no class recorded) is not a success.
 */
export function outcomeGroup(status: number, errorClass: string | null | undefined): OutcomeGroup {
  if (errorClass === null) return 'success';
  if (status === 429) return 'rateLimited';
  if (!(status > 0)) return 'noResponse';
  if (status >= 500) return 'serverError';
  if (status >= 400) return 'clientError';
  return 'rejected';
}

/** Colour of one request's outcome (see outcomeGroup): the success colour iff errorClass is null. */
export function outcomeColor(status: number, errorClass: string | null | undefined): string {
  return OUTCOME_COLORS[outcomeGroup(status, errorClass)];
}

/** Round tick values covering [min, max]: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (max <= min) max = min + 1;
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if ((ticks[ticks.length - 1] as number) < max) ticks.push(Number(((ticks[ticks.length - 1] as number) + step).toPrecision(12)));
  return ticks;
}

function formatTick(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 10_000) return `${(value / 1000).toFixed(0)}k`;
  return String(Number(value.toPrecision(4)));
}

const fmt = (value: number) => (Math.round(value * 10) / 10).toString();

interface Frame {
  x(value: number): number;
  y(value: number): number;
  parts: string[];
}

/** Axes, grid and labels for x in [xMin, xMax] and y in [0, yMax]. */
function frame(name: string, title: string, xLabel: string, yLabel: string, xRange: [number, number], yMax: number): Frame {
  const w = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const h = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;
  const xTicks = niceTicks(xRange[0], xRange[1]);
  const yTicks = niceTicks(0, yMax > 0 ? yMax : 1);
  const x0 = xTicks[0] as number;
  const x1 = xTicks[xTicks.length - 1] as number;
  const y1 = yTicks[yTicks.length - 1] as number;
  const x = (v: number) => MARGIN.left + ((v - x0) / (x1 - x0 || 1)) * w;
  const y = (v: number) => MARGIN.top + h - (Math.max(0, v) / (y1 || 1)) * h;
  const parts = [
    `<svg class="chart" data-chart="${name}" role="img" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" xmlns="http://www.w3.org/2000/svg">`,
    `<title>${escapeHtml(title)}</title>`,
  ];
  for (const t of yTicks) {
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + w}" y1="${fmt(y(t))}" y2="${fmt(y(t))}" stroke="${COLORS.grid}"/>`);
    parts.push(
      `<text x="${MARGIN.left - 6}" y="${fmt(y(t) + 4)}" text-anchor="end" font-size="11" fill="${COLORS.axis}">${formatTick(t)}</text>`,
    );
  }
  for (const t of xTicks) {
    parts.push(
      `<text x="${fmt(x(t))}" y="${MARGIN.top + h + 16}" text-anchor="middle" font-size="11" fill="${COLORS.axis}">${formatTick(t)}</text>`,
    );
  }
  parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + w}" y1="${MARGIN.top + h}" y2="${MARGIN.top + h}" stroke="${COLORS.axis}"/>`);
  parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + h}" stroke="${COLORS.axis}"/>`);
  parts.push(
    `<text x="${MARGIN.left + w / 2}" y="${CHART_HEIGHT - 4}" text-anchor="middle" font-size="12" fill="${COLORS.axis}">${escapeHtml(xLabel)}</text>`,
  );
  parts.push(
    `<text x="14" y="${MARGIN.top + h / 2}" text-anchor="middle" font-size="12" fill="${COLORS.axis}" transform="rotate(-90 14 ${MARGIN.top + h / 2})">${escapeHtml(yLabel)}</text>`,
  );
  return { x, y, parts };
}

function emptyChart(name: string, title: string, why: string): string {
  return (
    `<svg class="chart empty" data-chart="${name}" role="img" viewBox="0 0 ${CHART_WIDTH} 60" width="${CHART_WIDTH}" height="60" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(title)}</title><text x="${CHART_WIDTH / 2}" y="34" text-anchor="middle" font-size="13" fill="${COLORS.axis}">${escapeHtml(why)}</text></svg>`
  );
}

function finiteMax(values: Iterable<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) if (Number.isFinite(v) && v > max) max = v;
  return max;
}

const legendWidth = (label: string) => 24 + label.length * 6.5;

/** Legend above the plot area (so it never hides data); items that do not fit become "+N more". */
function legend(items: { label: string; color: string }[]): string {
  const start = MARGIN.left + 8;
  const room = CHART_WIDTH - MARGIN.right - start;
  const widths = items.map((item) => legendWidth(item.label));
  const total = (k: number) => widths.slice(0, k).reduce((a, w) => a + w, 0);
  let shown = items.length;
  while (shown > 0 && total(shown) + (shown < items.length ? legendWidth(`+${items.length - shown} more`) : 0) > room) shown--;
  let x = start;
  const parts: string[] = [];
  items.slice(0, shown).forEach(({ label, color }, i) => {
    parts.push(
      `<rect x="${fmt(x)}" y="6" width="10" height="10" fill="${color}"/><text x="${fmt(x + 14)}" y="15" font-size="11" fill="${COLORS.axis}">${escapeHtml(label)}</text>`,
    );
    x += widths[i] as number;
  });
  if (shown < items.length)
    parts.push(
      `<text class="legend-more" x="${fmt(x)}" y="15" font-size="11" fill="${COLORS.axis}">${escapeHtml(`+${items.length - shown} more`)}</text>`,
    );
  return parts.join('');
}

export interface TimedPoint {
  /** Intended start, seconds from the run start. */
  tS: number;
  /** Corrected latency, ms. */
  valueMs: number;
  /** The request did not count as a success (its errorClass is not null). */
  failed: boolean;
  /** HTTP status (0 = no response), when known. */
  status?: number;
  /** The timeline's errorClass (null = success), when known. */
  errorClass?: string | null;
}

/** At most `max` points, spread evenly, keeping every failure (they are what the reader looks for). */
export function thinPoints(points: readonly TimedPoint[], max: number): TimedPoint[] {
  if (points.length <= max) return [...points];
  const failures = points.filter((p) => p.failed);
  const room = Math.max(1, max - failures.length);
  const step = points.length / room;
  const kept: TimedPoint[] = [];
  for (let i = 0; i < room; i++) {
    const p = points[Math.floor(i * step)] as TimedPoint;
    if (!p.failed) kept.push(p);
  }
  return [...kept, ...failures].sort((a, b) => a.tS - b.tS);
}

/** Latency over time: one dot per request at its intended start; failures as red crosses. */
export function latencyOverTimeChart(points: readonly TimedPoint[], maxPoints = 4000, timeLabel = 'intended start (s)'): string {
  const title = `Latency over time: corrected latency (ms) against ${timeLabel}`;
  const finite = points.filter((p) => Number.isFinite(p.tS) && Number.isFinite(p.valueMs));
  if (finite.length === 0) return emptyChart('latency-over-time', title, 'No requests with a latency');
  const shown = thinPoints(finite, maxPoints);
  const f = frame(
    'latency-over-time',
    title,
    timeLabel,
    'latency (ms)',
    [0, finiteMax(finite.map((p) => p.tS))],
    finiteMax(finite.map((p) => p.valueMs)),
  );
  for (const p of shown) {
    const cx = fmt(f.x(p.tS));
    const cy = fmt(f.y(p.valueMs));
    // Marked by outcome (p.failed, from errorClass), never by the status code.
    const data = `${p.status === undefined ? '' : ` data-status="${escapeHtml(p.status)}"`}${typeof p.errorClass === 'string' ? ` data-error-class="${escapeHtml(p.errorClass)}"` : ''}`;
    if (p.failed) {
      f.parts.push(`<path class="failure"${data} d="M${cx} ${cy}m-4 -4l8 8m0 -8l-8 8" stroke="${COLORS.failure}" stroke-width="2"/>`);
    } else {
      f.parts.push(`<circle class="point"${data} cx="${cx}" cy="${cy}" r="2.5" fill="${COLORS.ok}" fill-opacity="0.7"/>`);
    }
  }
  f.parts.push(
    legend([
      { label: 'success', color: COLORS.ok },
      { label: 'failure', color: COLORS.failure },
    ]),
  );
  f.parts.push('</svg>');
  return f.parts.join('');
}

export interface PercentileMarker {
  label: string;
  valueMs: number;
  color: string;
}

/** Histogram of latencies with vertical lines at the given percentiles. */
export function latencyHistogramChart(valuesMs: readonly number[], markers: readonly PercentileMarker[], binCount = 30): string {
  const title = 'Latency distribution (ms) with P50, P95 and P99';
  const values = valuesMs.filter(Number.isFinite);
  if (values.length === 0) return emptyChart('latency-histogram', title, 'No latencies to show');
  const min = Math.min(...values, 0);
  const max = Math.max(finiteMax(values), ...markers.map((m) => m.valueMs).filter(Number.isFinite));
  const width = (max - min) / binCount || 1;
  const counts = new Array<number>(binCount).fill(0);
  for (const v of values) counts[Math.min(binCount - 1, Math.floor((v - min) / width))]! += 1;
  const f = frame('latency-histogram', title, 'latency (ms)', 'requests', [min, min + width * binCount], finiteMax(counts));
  counts.forEach((count, i) => {
    if (count === 0) return;
    const x0 = f.x(min + i * width);
    const x1 = f.x(min + (i + 1) * width);
    f.parts.push(
      `<rect class="bar" x="${fmt(x0)}" y="${fmt(f.y(count))}" width="${fmt(Math.max(1, x1 - x0 - 1))}" height="${fmt(f.y(0) - f.y(count))}" fill="${COLORS.bar}"/>`,
    );
  });
  markers.forEach((m, i) => {
    if (!Number.isFinite(m.valueMs)) return;
    const x = fmt(f.x(m.valueMs));
    f.parts.push(
      `<line class="marker" data-label="${escapeHtml(m.label)}" x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${fmt(f.y(0))}" stroke="${m.color}" stroke-width="2" stroke-dasharray="5 3"/>`,
    );
    // Labels of lines near the right edge go to the line's left, so they stay inside the chart.
    const leftOfLine = f.x(m.valueMs) > CHART_WIDTH * 0.7;
    f.parts.push(
      `<text x="${x}" y="${MARGIN.top + 12 + i * 13}" dx="${leftOfLine ? -4 : 4}" text-anchor="${leftOfLine ? 'end' : 'start'}" font-size="11" fill="${m.color}">${escapeHtml(`${m.label} ${m.valueMs.toFixed(0)} ms`)}</text>`,
    );
  });
  f.parts.push('</svg>');
  return f.parts.join('');
}

export interface StatusBin {
  startS: number;
  counts: Record<string, number>;
}

/** Pure: request counts per key (a status code, or a status-outcome series) in equal time bins over the run. */
export function binStatuses(
  timesS: readonly number[],
  statuses: readonly (number | string)[],
  binCount = 20,
): { binWidthS: number; bins: StatusBin[] } {
  const span = Math.max(finiteMax(timesS), 0);
  const binWidthS = span > 0 ? span / binCount : 1;
  const bins: StatusBin[] = Array.from({ length: span > 0 ? binCount : 1 }, (_, i) => ({ startS: i * binWidthS, counts: {} }));
  timesS.forEach((t, i) => {
    const bin = bins[Math.min(bins.length - 1, Math.max(0, Math.floor(t / binWidthS)))] as StatusBin;
    const key = String(statuses[i] ?? 0);
    bin.counts[key] = (bin.counts[key] ?? 0) + 1;
  });
  return { binWidthS, bins };
}

/** One stacked series of the status chart: a status code with one outcome (and, for a failure, its class). */
export interface StatusSeries {
  key: string;
  status: number;
  /** Counted as a success: its errorClass was null. */
  success: boolean;
  errorClass: string | null;
  group: OutcomeGroup;
  label: string;
  color: string;
}

const GROUP_ORDER: readonly OutcomeGroup[] = ['success', 'rejected', 'clientError', 'rateLimited', 'serverError', 'noResponse'];

/** Pure: the series a request belongs to, by its status and whether it counted as a success. */
export function statusSeries(status: number, errorClass: string | null | undefined): StatusSeries {
  const code = Number.isFinite(status) ? status : 0;
  const cls = errorClass === null ? null : typeof errorClass === 'string' && errorClass !== '' ? errorClass : 'unknown';
  const name = code > 0 ? String(code) : 'no response';
  let label: string;
  if (cls === null) label = `${name} ok`;
  else if (cls === `http_${code}`) label = code === 429 ? '429 rate limited' : `${name} failed`;
  else label = code > 0 ? `${name} ${cls}` : `${name} (${cls})`;
  const group = outcomeGroup(code, cls);
  return {
    key: cls === null ? `${code}` : `${code} ${cls}`,
    status: code,
    success: cls === null,
    errorClass: cls,
    group,
    label,
    color: OUTCOME_COLORS[group],
  };
}

/** One legend entry per colour: which codes it stands for. */
function outcomeLegend(series: readonly StatusSeries[]): { label: string; color: string }[] {
  const groups = new Map<OutcomeGroup, StatusSeries[]>();
  for (const s of series) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  const codes = (list: StatusSeries[]) => [...new Set(list.map((s) => (s.status > 0 ? String(s.status) : 'no response')))].join(', ');
  return [...groups.entries()].map(([group, list]) => {
    const color = OUTCOME_COLORS[group];
    switch (group) {
      case 'success':
        return { label: `ok ${codes(list)}`, color };
      case 'rateLimited':
        return { label: '429 rate limited', color };
      case 'noResponse':
        return { label: 'no response', color };
      case 'rejected':
        // A code that usually means success, here a failure: name why.
        return { label: [...new Set(list.map((s) => `${s.status} ${s.errorClass}`))].join(', '), color };
      default:
        return { label: codes(list), color };
    }
  });
}

/**
 * Status codes over time: stacked bars per time bin, one series per status and outcome.
 * The colour says whether the requests counted as a success (errorClass null), not what
 * the code number is: a 200 with a rejected body is drawn as a failure, a declared-success
 * 202 as a success. `errorClasses[i]` belongs to `statuses[i]`.
 */
export function statusCodesChart(
  timesS: readonly number[],
  statuses: readonly number[],
  errorClasses: readonly (string | null | undefined)[],
  timeLabel = 'intended start (s)',
): string {
  const title = `Status codes over time (requests per time bin, by ${timeLabel}), coloured by success or failure`;
  if (timesS.length === 0) return emptyChart('status-codes', title, 'No requests');
  const perRequest = timesS.map((_, i) => statusSeries(statuses[i] ?? 0, errorClasses[i]));
  const byKey = new Map<string, StatusSeries>();
  for (const s of perRequest) if (!byKey.has(s.key)) byKey.set(s.key, s);
  // Successes first (at the bottom of each bar), then failures by kind; by code, then class.
  const series = [...byKey.values()].sort(
    (a, b) =>
      GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group) ||
      a.status - b.status ||
      String(a.errorClass).localeCompare(String(b.errorClass)),
  );
  const { binWidthS, bins } = binStatuses(
    timesS,
    perRequest.map((s) => s.key),
  );
  const f = frame(
    'status-codes',
    title,
    timeLabel,
    'requests',
    [0, bins.length * binWidthS],
    finiteMax(bins.map((b) => Object.values(b.counts).reduce((a, c) => a + c, 0))),
  );
  for (const bin of bins) {
    let stacked = 0;
    const x0 = f.x(bin.startS);
    const x1 = f.x(bin.startS + binWidthS);
    for (const s of series) {
      const count = bin.counts[s.key] ?? 0;
      if (count === 0) continue;
      const top = f.y(stacked + count);
      const cls = s.errorClass === null ? '' : ` data-error-class="${escapeHtml(s.errorClass)}"`;
      f.parts.push(
        `<rect class="bar ${s.success ? 'success' : 'failure'}" data-status="${escapeHtml(s.status)}" data-outcome="${s.success ? 'success' : 'failure'}"${cls} x="${fmt(x0)}" y="${fmt(top)}" width="${fmt(Math.max(1, x1 - x0 - 1))}" height="${fmt(f.y(stacked) - top)}" fill="${s.color}"><title>${escapeHtml(`${s.label}: ${count}`)}</title></rect>`,
      );
      stacked += count;
    }
  }
  f.parts.push(legend(outcomeLegend(series)));
  f.parts.push('</svg>');
  return f.parts.join('');
}

/** Schedule lag (actual send - intended send) over the run, as a line. */
export function scheduleLagChart(
  timesS: readonly number[],
  lagsMs: readonly number[],
  { burst = false, maxPoints = 4000 }: { burst?: boolean; maxPoints?: number } = {},
): string {
  const title = 'Schedule lag (ms): actual send minus intended send';
  const pairs = timesS.map((t, i) => [t, lagsMs[i] as number] as const).filter(([t, l]) => Number.isFinite(t) && Number.isFinite(l));
  if (pairs.length === 0) return emptyChart('schedule-lag', title, 'No requests sent');
  // A burst: every request is due at the same instant, so there is no schedule to fall behind (the
  // time to send them all is the summary's schedule line).
  if (burst) {
    return emptyChart('schedule-lag', title, 'A burst: every request was due at once, so there is no schedule to lag behind');
  }
  const step = Math.max(1, Math.ceil(pairs.length / maxPoints));
  const shown = pairs.filter((_, i) => i % step === 0);
  const f = frame(
    'schedule-lag',
    title,
    'intended start (s)',
    'lag (ms)',
    [0, finiteMax(pairs.map(([t]) => t))],
    finiteMax(pairs.map(([, l]) => l)),
  );
  const d = shown.map(([t, l], i) => `${i === 0 ? 'M' : 'L'}${fmt(f.x(t))} ${fmt(f.y(l))}`).join('');
  f.parts.push(`<path class="line" d="${d}" fill="none" stroke="${COLORS.lag}" stroke-width="1.5"/>`);
  f.parts.push('</svg>');
  return f.parts.join('');
}

/** One step of a capacity search, as the capacity chart draws it. */
export interface CapacityPoint {
  /** The offered arrival rate, requests per second. */
  rps: number;
  /** Corrected P95 over the step, ms (null: not measured). */
  p95Ms: number | null;
  successRatePercent: number;
  /** The step met the SLOs. */
  ok: boolean;
  kind: 'ramp' | 'step';
}

/** The SLOs and the search's bracket, drawn over the points. */
export interface CapacityMarks {
  maxP95Ms: number;
  minSuccessPercent: number;
  /** The capacity found and its bracket (high null: nothing failed). */
  low: number;
  high: number | null;
}

/**
 * Offered rate against P95 (left axis, ms) and success rate (right axis, %): one mark per
 * step (hollow for ramp stages, filled for steady steps, red-edged when the step failed its
 * SLOs), the SLOs as dashed lines, the bracket [low, high] as a band and the capacity as a line.
 */
export function capacityChart(points: readonly CapacityPoint[], marks: CapacityMarks): string {
  const title = 'Capacity: P95 (ms, left) and success rate (%, right) against the offered rate (req/s)';
  const shown = points.filter((p) => Number.isFinite(p.rps) && p.rps > 0);
  if (shown.length === 0) return emptyChart('capacity', title, 'No steps were run');
  const xMax = Math.max(finiteMax(shown.map((p) => p.rps)), marks.high ?? 0, marks.low) * 1.05;
  const p95s = shown.map((p) => p.p95Ms ?? Number.NaN);
  const yMax = Math.max(finiteMax(p95s), marks.maxP95Ms) * 1.1;
  const f = frame('capacity', title, 'offered rate (req/s)', 'P95 (ms)', [0, xMax], yMax);
  const h = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;
  const right = CHART_WIDTH - MARGIN.right;
  const ySuccess = (percent: number) => MARGIN.top + h - (Math.min(100, Math.max(0, percent)) / 100) * h;
  const parts = f.parts;
  // The bracket and the capacity first, under the data.
  if (marks.high !== null && marks.high > marks.low) {
    const x0 = f.x(marks.low);
    parts.push(
      `<rect class="bracket" x="${fmt(x0)}" y="${MARGIN.top}" width="${fmt(Math.max(1, f.x(marks.high) - x0))}" height="${h}" fill="${COLORS.p50}" fill-opacity="0.12"><title>${escapeHtml(`knee between ${marks.low} and ${marks.high} req/s`)}</title></rect>`,
    );
  }
  if (marks.low > 0) {
    const x = fmt(f.x(marks.low));
    parts.push(
      `<line class="capacity" x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + h}" stroke="${COLORS.p50}" stroke-width="2"/>`,
      `<text x="${x}" y="${MARGIN.top + 12}" dx="4" font-size="11" fill="${COLORS.p50}">${escapeHtml(`capacity ${Number(marks.low.toPrecision(3))}/s`)}</text>`,
    );
  }
  const sloY = fmt(f.y(marks.maxP95Ms));
  parts.push(
    `<line class="slo-p95" x1="${MARGIN.left}" x2="${right}" y1="${sloY}" y2="${sloY}" stroke="${COLORS.p95}" stroke-dasharray="6 4"/>`,
    `<text x="${right - 4}" y="${fmt(f.y(marks.maxP95Ms) - 4)}" text-anchor="end" font-size="11" fill="${COLORS.p95}">${escapeHtml(`P95 SLO ${marks.maxP95Ms} ms`)}</text>`,
  );
  const successY = fmt(ySuccess(marks.minSuccessPercent));
  parts.push(
    `<line class="slo-success" x1="${MARGIN.left}" x2="${right}" y1="${successY}" y2="${successY}" stroke="${COLORS.ok}" stroke-dasharray="2 3"/>`,
  );
  // The right axis: success rate.
  parts.push(`<line x1="${right}" x2="${right}" y1="${MARGIN.top}" y2="${MARGIN.top + h}" stroke="${COLORS.axis}"/>`);
  for (const t of [0, 25, 50, 75, 100]) {
    parts.push(`<text x="${right - 3}" y="${fmt(ySuccess(t) + 4)}" text-anchor="end" font-size="10" fill="${COLORS.ok}">${t}%</text>`);
  }
  // The series, each joined in order of rate.
  const byRate = [...shown].sort((a, b) => a.rps - b.rps);
  const path = (ys: (p: CapacityPoint) => number | null) =>
    byRate
      .map((p) => [p, ys(p)] as const)
      .filter((pair): pair is readonly [CapacityPoint, number] => pair[1] !== null && Number.isFinite(pair[1]))
      .map(([p, y], i) => `${i === 0 ? 'M' : 'L'}${fmt(f.x(p.rps))} ${fmt(y)}`)
      .join('');
  const p95Path = path((p) => (p.p95Ms === null ? null : f.y(p.p95Ms)));
  if (p95Path !== '') parts.push(`<path class="line p95" d="${p95Path}" fill="none" stroke="${COLORS.p95}" stroke-width="1.5"/>`);
  const successPath = path((p) => ySuccess(p.successRatePercent));
  if (successPath !== '')
    parts.push(`<path class="line success" d="${successPath}" fill="none" stroke="${COLORS.ok}" stroke-width="1.5"/>`);
  for (const p of byRate) {
    const data = `data-rps="${escapeHtml(p.rps)}" data-kind="${p.kind}" data-ok="${p.ok}"`;
    const edge = p.ok ? '' : ` stroke="${COLORS.failure}" stroke-width="2"`;
    const tip = `${p.kind} at ${Number(p.rps.toPrecision(3))}/s: P95 ${p.p95Ms === null ? 'n/a' : `${p.p95Ms.toFixed(1)} ms`}, success ${p.successRatePercent.toFixed(2)} %${p.ok ? '' : ' (fails the SLOs)'}`;
    const x = fmt(f.x(p.rps));
    if (p.p95Ms !== null && Number.isFinite(p.p95Ms)) {
      const fill = p.kind === 'ramp' ? 'fill="#fff"' : `fill="${COLORS.p95}"`;
      parts.push(
        `<circle class="point p95" ${data} cx="${x}" cy="${fmt(f.y(p.p95Ms))}" r="4" ${fill}${edge || ` stroke="${COLORS.p95}"`}><title>${escapeHtml(tip)}</title></circle>`,
      );
    }
    const fill = p.kind === 'ramp' ? 'fill="#fff"' : `fill="${COLORS.ok}"`;
    const y = ySuccess(p.successRatePercent);
    parts.push(
      `<rect class="point success" ${data} x="${fmt(f.x(p.rps) - 3.5)}" y="${fmt(y - 3.5)}" width="7" height="7" ${fill}${edge || ` stroke="${COLORS.ok}"`}><title>${escapeHtml(tip)}</title></rect>`,
    );
  }
  parts.push(
    legend([
      { label: 'P95 (ms)', color: COLORS.p95 },
      { label: 'success (%)', color: COLORS.ok },
      { label: 'capacity / bracket', color: COLORS.p50 },
      { label: 'failed SLO', color: COLORS.failure },
    ]),
  );
  parts.push('</svg>');
  return parts.join('');
}
