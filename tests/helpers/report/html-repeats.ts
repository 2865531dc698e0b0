// The HTML of a spec's repetitions (PERF_REPEAT): each figure's spread across
// the runs, which run is the median one, and the consistency verdict. Pure.
import { ranCount, valuesByRun } from '../analysis/index.ts';
import { escapeHtml as esc } from './escape.ts';
import type { RepeatsRecord, SpreadRow } from '../model/index.ts';

const LABEL: Record<SpreadRow['metric'], string> = {
  p50Ms: 'P50 (ms)',
  p95Ms: 'P95 (ms)',
  p99Ms: 'P99 (ms)',
  successRatePercent: 'Success rate (%)',
  achievedRps: 'Achieved rate (/s)',
};

const num = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

function row(spread: SpreadRow, medianRun: number, runCount: number): string {
  const digits = spread.metric === 'achievedRps' ? 2 : 1;
  const cells = valuesByRun(spread, runCount).map(
    (v, i) => `<td${i === medianRun ? ' class="median-run"' : ''}>${v === null ? '–' : esc(num(v, digits))}</td>`,
  );
  return (
    `<tr><td>${esc(spread.phase)}</td><td>${esc(LABEL[spread.metric])}</td><td>${esc(num(spread.median, digits))}</td>` +
    `<td>${esc(`${num(spread.min, digits)} – ${num(spread.max, digits)}`)}</td>` +
    `<td>${esc(Number.isFinite(spread.cvPercent) ? `${spread.cvPercent.toFixed(1)}%` : 'n/a')}</td>${cells.join('')}</tr>`
  );
}

/** Empty for a report without repetitions. */
export function repeatsSection(record: RepeatsRecord | undefined): string {
  if (record === undefined || !Array.isArray(record.runs)) return '';
  const { verdict, rule, reasons } = record.consistency;
  const runs = record.runs.map((_, i) => `<th>run ${i + 1}${i === record.medianRun ? ' (median)' : ''}</th>`).join('');
  const badge = verdict === 'consistent' ? 'passed' : verdict === 'inconsistent' ? 'failed' : 'skipped';
  return [
    `<section class="repeats" data-runs="${esc(record.runs.length)}" data-consistency="${esc(verdict)}">`,
    `<h3>Repeats: ${esc(ranCount(record))} of ${esc(record.count)} runs recorded figures <span class="badge ${badge}">${esc(verdict)}</span></h3>`,
    `<p>The figures below the spread, and the thresholds, are the median run's: run ${esc(record.medianRun + 1)} (${esc(record.medianRule)}).</p>`,
    `<p class="rule">Consistency: ${esc(rule)}.${reasons.length > 0 ? ` ${esc(reasons.join('; '))}.` : ''}</p>`,
    `<table class="spread"><thead><tr><th>Phase</th><th>Figure</th><th>Median</th><th>Min – max</th><th>CV</th>${runs}</tr></thead>`,
    `<tbody>${record.spread.map((s) => row(s, record.medianRun, record.runs.length)).join('')}</tbody></table>`,
    '</section>',
  ].join('');
}
