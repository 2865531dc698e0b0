// The run in a few lines of Markdown, for a CI page (GitHub's job summary) and
// reports/performance/summary.md: one table row per spec with its verdict, the
// main phase's figures, the thresholds, the repeats' spread, the baseline and
// history verdicts, then the failures named and links to the artifacts. Pure:
// reports in, Markdown out. Every piece of report text goes through `cell`.
import { runWarnings, warningLine } from './warnings.ts';
import { readSummaries, type LoadTestSummary } from '#engine';
import { describeThreshold, failingThresholds, METRICS, ranCount, warningThresholds, type ThresholdResult } from '../analysis/index.ts';
import type { SpecReport, SpreadRow } from '../model/index.ts';
import { countChecks, skippedNote, skipReason, specVerdict } from './verdict.ts';

/** What the history says of one spec (tests/helpers/report/history.ts fills it; read loosely). */
export interface HistoryChange {
  /** The run's target in words: the history compares runs of this target only. */
  target?: string;
  /** The spec's previous measured run of the same target in the history, with the same figures of its main phase. */
  previous?: { startedAt?: string; p95Ms?: number; successRatePercent?: number };
  /** Change points found in the history of this target, as sentences. */
  changePoints?: readonly string[];
  /** Earlier runs of the spec against other targets (not compared). */
  otherTargetRuns?: number;
}

export interface CiSummaryArtifacts {
  /** The HTML overview, e.g. `index.html`. */
  index?: string;
  /** Each spec's JSON report by spec name, e.g. `{ standard: 'standard.json' }`. */
  specs?: Readonly<Record<string, string>>;
  /** JUnit files, e.g. `../junit-performance.xml`. */
  junit?: readonly string[];
  /** Where the paths are relative to, shown with them (e.g. `reports/performance`). */
  base?: string;
}

export interface CiSummaryOptions {
  /** Per spec: the previous run's P95 and success rate from the history, and its change points. */
  history?: Readonly<Record<string, HistoryChange>>;
  artifacts?: CiSummaryArtifacts;
  /** Heading level (default 2: `##`). */
  headingLevel?: number;
}

export type CiVerdict = 'passed' | 'failed' | 'aborted' | 'skipped' | 'error';

const MARK: Record<CiVerdict, string> = { passed: '✅', failed: '❌', aborted: '⚠️', skipped: '⏭️', error: '💥' };
const NONE = '–';
/** A `<` that could open an HTML tag, comment or declaration. */
const HTML_START = /<(?=[A-Za-z/!?])/g;
/** At most this many failed checks are listed per spec. */
const MAX_FAILURES_LISTED = 5;

/**
 * One Markdown table cell: backslashes and pipes escaped (a `|` would split the cell), line
 * breaks and runs of whitespace as one space, `<` before a letter, `/`, `!` or `?` as an entity
 * (no HTML tag from a report; `< 5000 ms` stays readable).
 */
export function cell(value: unknown): string {
  return String(value ?? '')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(HTML_START, '&lt;')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Text outside a table (headings, list items): one line, no HTML tag. */
const line = (value: unknown): string =>
  String(value ?? '')
    .replace(HTML_START, '&lt;')
    .replace(/\s+/g, ' ')
    .trim();

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const fixed = (value: unknown, digits: number, unit = ''): string => (isNumber(value) ? `${value.toFixed(digits)}${unit}` : 'n/a');
const ms = (value: unknown) => fixed(value, 1, ' ms');

/** passed / failed / aborted / skipped from specVerdict; a run that threw is `error`. */
export function ciVerdict(report: Pick<SpecReport, 'status' | 'checks'>): CiVerdict {
  if (report.status === 'error') return 'error';
  return specVerdict(report);
}

/** The first phase of the report's summaries: the one the row's figures come from. */
export function mainPhase(report: Pick<SpecReport, 'summaries'>): { phase: string; summary: LoadTestSummary } | undefined {
  const first = Object.entries(readSummaries(report.summaries))[0];
  if (first === undefined || typeof first[1] !== 'object' || first[1] === null) return undefined;
  return { phase: first[0], summary: first[1] };
}

function unitOf(metric: string): string {
  return (METRICS as Record<string, { unit: string } | undefined>)[metric]?.unit ?? '';
}

/** A measured figure as thresholds.ts writes its limits ("92.50%", "8046 ms", "812.3 ms"). */
function withUnit(value: number, metric: string): string {
  if (!isNumber(value)) return 'not measured';
  const unit = unitOf(metric);
  const text = Number.isInteger(value) ? String(value) : value.toFixed(unit === '%' ? 2 : 1);
  return unit === '' ? text : unit === '%' ? `${text}%` : `${text} ${unit}`;
}

/** "load: P95 latency 6012.3 ms, expected < 5000 ms" */
export function failedThresholdText(r: ThresholdResult): string {
  let expected: string;
  try {
    expected = describeThreshold(r);
  } catch {
    expected = `${r.metric} ${r.op} ${r.value}`;
  }
  const label = (METRICS as Record<string, { label: string } | undefined>)[r.metric]?.label ?? String(r.metric);
  const limit = expected.startsWith(`${label} `) ? expected.slice(label.length + 1) : expected;
  return `${r.phase}: ${label} ${withUnit(r.actual, r.metric)}, expected ${limit}`;
}

/** "4/5 pass; ❌ load: P95 latency ..., expected < 5000 ms; ⚠️ warn: load: P50 latency ..." (a warn threshold's miss fails nothing). */
function thresholdsCell(thresholds: SpecReport['thresholds']): string {
  if (!Array.isArray(thresholds) || thresholds.length === 0) return NONE;
  const failed = failingThresholds(thresholds);
  const warned = warningThresholds(thresholds);
  const parts = [`${thresholds.filter((t) => t.passed).length}/${thresholds.length} pass`];
  if (failed.length > 0) parts.push(`❌ ${failed.map(failedThresholdText).join('; ')}`);
  if (warned.length > 0) parts.push(`⚠️ warn: ${warned.map(failedThresholdText).join('; ')}`);
  return parts.join('; ');
}

function repeatsCell(report: SpecReport, phase: string | undefined): string {
  const repeats = report.repeats;
  if (!repeats || !Array.isArray(repeats.runs)) return NONE;
  const spread = Array.isArray(repeats.spread) ? repeats.spread : [];
  const p95: SpreadRow | undefined = spread.find((row) => row.metric === 'p95Ms' && (phase === undefined || row.phase === phase));
  const parts = [`${ranCount(repeats)} runs`];
  if (p95) {
    parts.push(`P95 ${ms(p95.median)} (${fixed(p95.min, 1)}–${fixed(p95.max, 1)})`);
    parts.push(`CV ${fixed(p95.cvPercent, 1, ' %')}`);
  }
  const verdict = repeats.consistency?.verdict;
  if (typeof verdict === 'string') parts.push(verdict);
  return parts.join(', ');
}

/**
 * The baseline verdict from `extra.baseline` (analysis/baseline.ts BaselineComparison): its kind
 * ('regression' | 'no change' | 'inconclusive') and its sentence (`verdict`); a comparison of an
 * earlier version has the sentence and its `regressions` only. Undefined when there is no baseline.
 */
export function baselineText(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const b = value as { kind?: unknown; verdict?: unknown; regressions?: unknown };
  const kind = typeof b.kind === 'string' && b.kind !== '' ? b.kind : undefined;
  const sentence = typeof b.verdict === 'string' && b.verdict !== '' ? b.verdict : undefined;
  const regressed = kind === 'regression' || (kind === undefined && Array.isArray(b.regressions) && b.regressions.length > 0);
  const head = [regressed ? '❌' : '', kind === undefined ? '' : `**${kind}**`].filter((p) => p !== '').join(' ');
  if (sentence === undefined) return head === '' ? undefined : head;
  return head === '' ? sentence : kind === undefined ? `${head} ${sentence}` : `${head}: ${sentence}`;
}

function change(before: unknown, now: unknown, digits: number, unit: string): string | undefined {
  if (!isNumber(before) || !isNumber(now)) return undefined;
  return `${before.toFixed(digits)} → ${now.toFixed(digits)}${unit}`;
}

function historyCell(spec: string, summary: LoadTestSummary | undefined, options: CiSummaryOptions, skipped: boolean): string {
  const parts: string[] = [];
  const history = options.history?.[spec];
  // A spec that measured nothing has nothing to compare: not a change, not a trend.
  if (skipped) return history === undefined ? NONE : 'not measured this run';
  const previous = history?.previous;
  if (previous) {
    const p95 = change(previous.p95Ms, summary?.responseTimes?.p95Ms, 1, ' ms');
    const success = change(previous.successRatePercent, summary?.successRatePercent, 1, ' %');
    const figures = [p95 && `P95 ${p95}`, success && `success ${success}`].filter(Boolean).join(', ');
    if (figures !== '') parts.push(previous.startedAt ? `${figures} (since ${previous.startedAt})` : figures);
  }
  const points = Array.isArray(history?.changePoints) ? history.changePoints.filter((p) => typeof p === 'string' && p !== '') : [];
  if (points.length > 0) parts.push(`change points: ${points.join('; ')}`);
  const others = history?.otherTargetRuns;
  if (isNumber(others) && others > 0)
    parts.push(
      `${previous ? '' : 'first run of this target; '}${others} earlier run${others === 1 ? '' : 's'} of other targets not compared`,
    );
  return parts.length === 0 ? NONE : parts.join('; ');
}

function specCell(report: SpecReport, phase: string | undefined, artifacts: CiSummaryArtifacts | undefined): string {
  const link = artifacts?.specs?.[report.spec];
  const name = link ? `[${cell(report.spec)}](${encodeURI(link)})` : cell(report.spec);
  return phase === undefined ? name : `${name} (${cell(phase)})`;
}

function row(report: SpecReport, options: CiSummaryOptions): string {
  const main = mainPhase(report);
  const s = main?.summary;
  const r = s?.responseTimes;
  const verdict = ciVerdict(report);
  const counts = countChecks(report.checks);
  const note = verdict === 'skipped' ? skipReason(report.checks) : verdict === 'passed' ? skippedNote(counts) : undefined;
  const cells = [
    specCell(report, main?.phase, options.artifacts),
    cell(`${MARK[verdict]} ${verdict}${note === undefined ? '' : ` (${note})`}`),
    s ? cell(s.sentRequests) : NONE,
    s ? fixed(s.successRatePercent, 1, ' %') : NONE,
    s ? `${fixed(r?.p50Ms, 1)} / ${fixed(r?.p95Ms, 1)} / ${fixed(r?.p99Ms, 1)} ms` : NONE,
    s ? fixed(s.achievedRps, 2, '/s') : NONE,
    cell(thresholdsCell(report.thresholds)),
    cell(repeatsCell(report, main?.phase)),
    cell(baselineText(report.extra?.baseline) ?? NONE),
    cell(historyCell(report.spec, s, options, verdict === 'skipped')),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** The failed checks and the error of each spec that did not pass, as list items. */
function failures(reports: readonly SpecReport[]): string[] {
  const items: string[] = [];
  for (const report of reports) {
    const verdict = ciVerdict(report);
    if (verdict === 'passed' || verdict === 'skipped') continue;
    const failed = (Array.isArray(report.checks) ? report.checks : []).filter((c) => c?.outcome === 'failed');
    const error = typeof report.error === 'string' && report.error !== '' ? report.error.split('\n')[0] : undefined;
    if (error !== undefined) items.push(`- **${line(report.spec)}** (${verdict}): ${line(error)}`);
    for (const check of failed.slice(0, MAX_FAILURES_LISTED)) {
      const detail = typeof check.detail === 'string' && check.detail !== '' ? `: ${check.detail}` : '';
      items.push(`- **${line(report.spec)}**: ${line(`${check.name}${detail}`)}`);
    }
    if (failed.length > MAX_FAILURES_LISTED)
      items.push(`- **${line(report.spec)}**: and ${failed.length - MAX_FAILURES_LISTED} more failed checks`);
    if (error === undefined && failed.length === 0 && verdict === 'aborted')
      items.push(`- **${line(report.spec)}**: stopped before its end`);
  }
  return items;
}

function artifactLinks(artifacts: CiSummaryArtifacts | undefined): string | undefined {
  if (!artifacts) return undefined;
  const paths = [artifacts.index, ...Object.values(artifacts.specs ?? {}), ...(artifacts.junit ?? [])].filter(
    (p): p is string => typeof p === 'string' && p !== '',
  );
  if (paths.length === 0) return undefined;
  const links = paths.map((p) => `[${line(p.split('/').at(-1) ?? p)}](${encodeURI(p)})`).join(' · ');
  return `Artifacts${artifacts.base ? ` (paths relative to \`${line(artifacts.base)}\`)` : ''}: ${links}`;
}

const unique = (values: readonly unknown[]) => [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))];

/** Pure: the Markdown summary of a run's spec reports (in the given order). */
export function renderCiSummary(reports: readonly SpecReport[], options: CiSummaryOptions = {}): string {
  const level = '#'.repeat(Math.min(6, Math.max(1, options.headingLevel ?? 2)));
  const started = unique(reports.map((r) => r.runStartedAt)).join(', ') || 'unknown';
  const providers = unique(reports.map((r) => r.provider?.provider)).join(', ') || 'unknown';
  const out = [`${level} Performance run of ${line(started)} on ${line(providers)}`, ''];
  if (reports.length === 0) {
    out.push('No spec report was written in this run.', '');
    return out.join('\n');
  }
  const verdicts = reports.map(ciVerdict);
  const tally = (['passed', 'failed', 'aborted', 'skipped', 'error'] as const)
    .map((v) => [v, verdicts.filter((x) => x === v).length] as const)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
  const scales = unique(reports.map((r) => (isNumber(r.scale) && r.scale !== 1 ? `PERF_SCALE=${r.scale}` : undefined)));
  const checks = reports
    .map((r) => countChecks(r.checks))
    .reduce((a, c) => ({ passed: a.passed + c.passed, failed: a.failed + c.failed, skipped: a.skipped + c.skipped }), {
      passed: 0,
      failed: 0,
      skipped: 0,
    });
  out.push(
    `**${reports.length} specs: ${tally}** · checks ${checks.passed} passed, ${checks.failed} failed, ${checks.skipped} skipped${scales.length > 0 ? ` · ${scales.join(', ')}` : ''}`,
    '',
    '| Spec (main phase) | Verdict | Sent | Success | P50 / P95 / P99 | Rate | Thresholds | Repeats | Baseline | History |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- |',
    ...reports.map((r) => row(r, options)),
    '',
  );
  const failed = failures(reports);
  if (failed.length > 0) out.push(`${level}# Failures`, '', ...failed, '');
  const warnings = runWarnings(reports);
  if (warnings.length > 0) out.push(`${level}# Warnings (${warnings.length})`, '', ...warnings.map((w) => `- ${line(warningLine(w))}`), '');
  const links = artifactLinks(options.artifacts);
  if (links !== undefined) out.push(links, '');
  return out.join('\n');
}
