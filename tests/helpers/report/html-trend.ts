// The trend of one spec over its recorded runs (history.jsonl), for the HTML report: small
// inline SVG line charts of P50, P95 and success rate with the change points marked, and a
// table of the last runs. Pure: entries in, HTML text out; every piece of text escaped.
import { changePointMethod, runTargetKey, runTargetOf, runTargetText } from '../analysis/index.ts';
import { escapeHtml as esc } from './escape.ts';
import {
  entryTarget,
  HISTORY_DISPLAY_LIMIT,
  historyEntryOf,
  shortCommit,
  shortDate,
  trendOf,
  changeInWords,
  TREND_METRICS,
  type HistoryEntry,
  type TrendChange,
  type TrendMetric,
} from './history.ts';
import type { SpecReport } from '../model/index.ts';
import { COLORS, niceTicks } from './svg-charts.ts';

const WIDTH = 420;
const HEIGHT = 180;
const MARGIN = { left: 52, right: 12, top: 22, bottom: 32 };
/** Rows of the runs table (the charts show every run kept). */
const TABLE_ROWS = 20;

const fmt = (value: number) => (Math.round(value * 10) / 10).toString();

const METRIC_COLORS: Record<TrendMetric, string> = { p50Ms: COLORS.p50, p95Ms: COLORS.p95, successRatePercent: COLORS.ok };

const changeLabel = (c: TrendChange) =>
  c.unit === '%'
    ? `${c.after >= c.before ? '+' : '-'}${Math.abs(c.after - c.before).toFixed(1)} pt`
    : c.changePercent === null
      ? `${c.after >= c.before ? 'up' : 'down'}`
      : `${c.changePercent >= 0 ? '+' : ''}${c.changePercent.toFixed(1)} %`;

/** The y range: latency from 0; a success rate from just under its lowest value to 100. */
function yTicks(values: readonly number[], unit: string): number[] {
  const max = Math.max(...values);
  if (unit !== '%') return niceTicks(0, max > 0 ? max * 1.1 : 1);
  const min = Math.min(...values);
  const ticks = niceTicks(Math.max(0, min - Math.max(1, (100 - min) * 0.2)), 100);
  return ticks.filter((t) => t <= 100);
}

/**
 * One metric over the runs (oldest left): a line through each run's value (broken where a run
 * has none), a dot per run with its date and commit, and each change point as a dashed vertical
 * line between the last run before and the first after, labelled with the change.
 */
export function trendChart(
  metric: (typeof TREND_METRICS)[number],
  runs: readonly HistoryEntry[],
  values: readonly (number | null)[],
  changes: readonly TrendChange[],
): string {
  const title = `${metric.label} (${metric.unit}) of the main phase over the last ${runs.length} runs`;
  const color = METRIC_COLORS[metric.key];
  const finite = values.filter((v): v is number => v !== null);
  const head = `<svg class="chart trend" data-chart="trend-${esc(metric.key)}" role="img" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>`;
  if (finite.length === 0)
    return `${head}<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle" font-size="12" fill="${COLORS.axis}">${esc(`No ${metric.label} recorded`)}</text></svg>`;
  const w = WIDTH - MARGIN.left - MARGIN.right;
  const h = HEIGHT - MARGIN.top - MARGIN.bottom;
  const ticks = yTicks(finite, metric.unit);
  const y0 = ticks[0] as number;
  const y1 = ticks[ticks.length - 1] as number;
  const x = (i: number) => MARGIN.left + (runs.length === 1 ? w / 2 : (i / (runs.length - 1)) * w);
  const y = (v: number) => MARGIN.top + h - ((Math.min(y1, Math.max(y0, v)) - y0) / (y1 - y0 || 1)) * h;
  const parts = [head];
  for (const t of ticks) {
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + w}" y1="${fmt(y(t))}" y2="${fmt(y(t))}" stroke="${COLORS.grid}"/>`);
    parts.push(
      `<text x="${MARGIN.left - 5}" y="${fmt(y(t) + 4)}" text-anchor="end" font-size="10" fill="${COLORS.axis}">${esc(Number(t.toPrecision(4)))}</text>`,
    );
  }
  // Run numbers: the first, the last and a few between.
  const step = Math.max(1, Math.ceil(runs.length / 8));
  runs.forEach((_, i) => {
    if (i % step !== 0 && i !== runs.length - 1) return;
    parts.push(
      `<text x="${fmt(x(i))}" y="${MARGIN.top + h + 14}" text-anchor="middle" font-size="10" fill="${COLORS.axis}">${i + 1}</text>`,
    );
  });
  parts.push(
    `<text x="${MARGIN.left + w / 2}" y="${HEIGHT - 3}" text-anchor="middle" font-size="11" fill="${COLORS.axis}">run (oldest to latest)</text>`,
    `<text x="${MARGIN.left + 4}" y="14" font-size="11" fill="${color}">${esc(`${metric.label} (${metric.unit})`)}</text>`,
  );
  for (const c of changes) {
    const cx = fmt(c.index === 0 ? x(0) : (x(c.index - 1) + x(c.index)) / 2);
    const right = Number(cx) > WIDTH * 0.7;
    parts.push(
      `<g class="change-point" data-metric="${esc(c.metric)}" data-run="${esc(c.run)}"><title>${esc(changeInWords(c))}</title>` +
        `<line x1="${cx}" x2="${cx}" y1="${MARGIN.top}" y2="${MARGIN.top + h}" stroke="${COLORS.failure}" stroke-width="1.5" stroke-dasharray="4 3"/>` +
        `<text x="${cx}" y="${MARGIN.top + 10}" dx="${right ? -3 : 3}" text-anchor="${right ? 'end' : 'start'}" font-size="10" fill="${COLORS.failure}">${esc(changeLabel(c))}</text></g>`,
    );
  }
  let path = '';
  values.forEach((v, i) => {
    if (v === null) return;
    path += `${path === '' || values[i - 1] === null ? 'M' : 'L'}${fmt(x(i))} ${fmt(y(v))}`;
  });
  parts.push(`<path class="line" d="${path}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
  values.forEach((v, i) => {
    if (v === null) return;
    const run = runs[i] as HistoryEntry;
    const failed = run.verdict !== 'passed';
    const tip = `run ${i + 1}: ${shortDate(run.startedAt)} ${shortCommit(run)} ${run.verdict}: ${metric.label} ${v.toFixed(1)} ${metric.unit}`;
    parts.push(
      `<circle class="point" data-run="${i + 1}" cx="${fmt(x(i))}" cy="${fmt(y(v))}" r="3" fill="${failed ? '#fff' : color}" stroke="${failed ? COLORS.failure : color}"><title>${esc(tip)}</title></circle>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

const cell = (value: number | null | undefined, unit: string) =>
  `<td>${esc(typeof value === 'number' && Number.isFinite(value) ? `${value.toFixed(1)} ${unit}` : 'n/a')}</td>`;

const VERDICT_CLASS: Record<string, string> = { passed: 'target', failed: 'action', aborted: 'acceptable', skipped: 'acceptable' };

/**
 * The trend section of `spec`: its runs in `entries` of the target of `current` (the report
 * being rendered; without one, of the spec's latest run), the latest `limit`, with `current`
 * counted even when its line is not written yet, and no run started after it. Runs of other
 * targets are another series: not drawn, only counted. Fewer than two runs: a note that the
 * trend comes with the second.
 */
export function trendSection(
  entries: readonly HistoryEntry[],
  spec: string,
  options: { current?: SpecReport; limit?: number } = {},
): string {
  const { current } = options;
  let own = entries.filter((e) => e.spec === spec && (current === undefined || e.startedAt <= current.startedAt));
  if (current !== undefined && !own.some((e) => e.startedAt === current.startedAt))
    own = [...own, historyEntryOf(current, undefined)].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const trend = trendOf(own, spec, {
    limit: options.limit ?? HISTORY_DISPLAY_LIMIT,
    ...(current === undefined ? {} : { target: runTargetOf(current) }),
  });
  const key = trend.target === undefined ? undefined : runTargetKey(trend.target);
  const others = key === undefined ? 0 : own.filter((e) => runTargetKey(entryTarget(e)) !== key).length;
  const targetLine =
    trend.target === undefined
      ? ''
      : `<p class="muted target" data-other-target-runs="${others}">Target: ${esc(runTargetText(trend.target))}${
          others > 0
            ? `; ${others} run${others === 1 ? '' : 's'} of other targets not shown (another series: npm run perf:history lists each)`
            : ''
        }.</p>`;
  const open = `<section class="trend" data-runs="${trend.runs.length}" data-change-points="${trend.changes.length}"><h3>Trend over runs</h3>${targetLine}`;
  if (trend.runs.length < 2)
    return `${open}<p class="muted">One run of this target so far: the trend appears from the second run.</p></section>`;
  const charts = TREND_METRICS.map(
    (m) =>
      `<figure>${trendChart(
        m,
        trend.runs,
        trend.series[m.key],
        trend.changes.filter((c) => c.metric === m.key),
      )}</figure>`,
  ).join('');
  const words =
    trend.changes.length === 0
      ? `<p class="change-points none">No change point in P50, P95 or success rate over these ${trend.runs.length} runs.</p>`
      : `<ul class="change-points">${trend.changes.map((c) => `<li>${esc(changeInWords(c))}</li>`).join('')}</ul>`;
  const shown = trend.runs
    .map((run, i) => ({ run, i }))
    .slice(-TABLE_ROWS)
    .reverse();
  const rows = shown.map(({ run, i }) => {
    const main = trend.main[i];
    return (
      `<tr data-run="${i + 1}"><td>${i + 1}</td><td>${esc(shortDate(run.startedAt))}</td><td>${esc(shortCommit(run))}</td>` +
      `<td class="verdict ${VERDICT_CLASS[run.verdict] ?? 'action'}">${esc(run.verdict === run.status || (run.verdict === 'passed' && run.status === 'completed') ? run.verdict : `${run.verdict} · ${run.status}`)}</td>` +
      `<td>${esc(main?.phase ?? 'n/a')}</td><td>${esc(main?.sentRequests ?? 'n/a')}</td>${cell(main?.p50Ms, 'ms')}${cell(main?.p95Ms, 'ms')}${cell(main?.successRatePercent, '%')}` +
      `<td>${esc(run.config?.scale ?? 'n/a')}</td></tr>`
    );
  });
  const more = trend.runs.length > TABLE_ROWS ? ` (the latest ${TABLE_ROWS} of ${trend.runs.length})` : '';
  return (
    open +
    `<p class="muted">The main phase (each run's first) over the last ${trend.runs.length} runs of this spec against this target; dashed red lines mark change points, found by ${esc(changePointMethod())}. Hollow dots are runs that did not pass.</p>` +
    `<div class="charts trend-charts" style="grid-template-columns:repeat(auto-fit,minmax(420px,1fr))">${charts}</div>` +
    words +
    `<table class="trend-runs"><caption>Runs, latest first${esc(more)}; * after a commit: uncommitted changes</caption><thead><tr>` +
    ['Run', 'Started', 'Commit', 'Verdict', 'Phase', 'Requests', 'P50', 'P95', 'Success', 'Scale']
      .map((h) => `<th>${esc(h)}</th>`)
      .join('') +
    `</tr></thead><tbody>${rows.join('')}</tbody></table></section>`
  );
}
