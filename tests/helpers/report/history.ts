// The history of runs: every spec report appends one small JSON line to
// <report dir>/history.jsonl (its headline figures, settings, target, machine and git commit; no
// timelines), so runs can be read as a trend (scripts/history.ts, the HTML trend section).
// A trend is one spec's runs of one target (analysis/run-target.ts: the service, provider,
// PERF_SCALE, RATE_LIMIT and success rule): runs of another target are another series, never
// a change. The entry is built as data (pure); reading, appending and asking git are the edges.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readSummaries } from '#engine';
import { changePoints, runTargetKey, runTargetOf, runTargetText, type ChangePoint, type ChangePointOptions } from '../analysis/index.ts';
import type { PerfConfig } from '../config/index.ts';
import { HISTORY_FILE, type GitState, type HistoryEntry, type PhaseFigures, type RunTarget, type SpecReport } from '../model/index.ts';
import { specVerdict } from './verdict.ts';

// The line's shape and the file's name are the model's (model/history.ts).
export { HISTORY_FILE };
export type { GitState, HistoryEntry, PhaseFigures } from '../model/index.ts';

/** Runs per spec kept when the history is read for display (the file itself keeps every run). */
export const HISTORY_DISPLAY_LIMIT = 50;
const REDACTED = '[redacted]';
const GIT_TIMEOUT_MS = 2000;

const finite = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function phaseFigures(phase: string, summary: unknown): PhaseFigures {
  const s = (summary ?? {}) as { responseTimes?: Record<string, unknown> } & Record<string, unknown>;
  const r = s.responseTimes ?? {};
  return {
    phase,
    sentRequests: finite(s.sentRequests),
    completedRequests: finite(s.completedRequests),
    successRatePercent: finite(s.successRatePercent),
    p50Ms: finite(r.p50Ms),
    p95Ms: finite(r.p95Ms),
    p99Ms: finite(r.p99Ms),
    achievedRps: finite(s.achievedRps),
  };
}

/** The baseline's verdict as a string, whatever shape extra.baseline has. */
function baselineVerdict(baseline: unknown): string | undefined {
  if (baseline === undefined || baseline === null) return undefined;
  if (typeof baseline === 'string') return baseline;
  const verdict = (baseline as { verdict?: unknown }).verdict;
  if (verdict === undefined || verdict === null) return undefined;
  return typeof verdict === 'string' ? verdict : JSON.stringify(verdict);
}

/** Every string in `value` with `secret` replaced (a secret that slipped into a URL or a detail). */
function scrub<T>(value: T, secret: string): T {
  if (typeof value === 'string') return value.split(secret).join(REDACTED) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => scrub(v, secret)) as T;
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, secret)])) as T;
  return value;
}

/**
 * Pure: the history entry of `report`. The secret is never stored: config.secret is redacted
 * here whatever the report holds, and a secret the report did not redact is also taken out of
 * every other string of the entry.
 */
export function historyEntryOf(report: SpecReport, git: GitState | undefined): HistoryEntry {
  const summaries = readSummaries(report.summaries);
  const repeats = report.repeats;
  const entry: HistoryEntry = {
    version: 1,
    spec: report.spec,
    title: report.title,
    runStartedAt: report.runStartedAt,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    status: report.status,
    verdict: specVerdict(report),
    target: runTargetOf(report),
    phases: Object.entries(summaries).map(([phase, summary]) => phaseFigures(phase, summary)),
    ...(repeats
      ? {
          repeats: {
            count: repeats.count,
            runs: Array.isArray(repeats.runs) ? repeats.runs.length : 0,
            spread: Array.isArray(repeats.spread) ? repeats.spread : [],
            consistency: String(repeats.consistency?.verdict ?? 'not judged'),
          },
        }
      : {}),
    ...(Array.isArray(report.thresholds) && report.thresholds.length > 0
      ? {
          thresholds: report.thresholds.map((t) => ({
            phase: t.phase,
            metric: t.metric,
            op: t.op,
            value: t.value,
            actual: finite(t.actual),
            passed: t.passed,
            ...(t.severity === 'warn' ? { severity: 'warn' as const } : {}),
          })),
        }
      : {}),
    ...(baselineVerdict(report.extra?.baseline) === undefined ? {} : { baseline: baselineVerdict(report.extra?.baseline) }),
    config: { ...report.config, secret: REDACTED },
    provider: report.provider,
    machine: report.machine,
    ...(git ? { commit: git.commit, dirty: git.dirty } : {}),
  };
  const secret = report.config?.secret;
  return typeof secret === 'string' && secret !== '' && secret !== REDACTED ? scrub(entry, secret) : entry;
}

/** One line of history.jsonl (NaN becomes null, as in the reports). */
export const historyLine = (entry: HistoryEntry): string => `${JSON.stringify(entry)}\n`;

// --- git: asked once per process and directory ---

const gitAnswers = new Map<string, GitState | undefined>();

/** readGitState, asked once per process and directory. */
export function gitState(cwd = process.cwd()): GitState | undefined {
  const key = resolve(cwd);
  if (!gitAnswers.has(key)) gitAnswers.set(key, readGitState(key));
  return gitAnswers.get(key);
}

/** HEAD and whether the tree is dirty; undefined without git, outside a repository or on a timeout. Not cached. */
export function readGitState(cwd: string): GitState | undefined {
  const key = resolve(cwd);
  let state: GitState | undefined;
  try {
    const run = (args: string[]) =>
      execFileSync('git', args, { cwd: key, timeout: GIT_TIMEOUT_MS, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const commit = run(['rev-parse', 'HEAD']).trim();
    if (/^[0-9a-f]{7,64}$/.test(commit)) {
      let dirty = false;
      try {
        dirty = run(['status', '--porcelain']).trim() !== '';
      } catch {
        // a status that fails is not evidence of changes
      }
      state = { commit, dirty };
    }
  } catch {
    state = undefined;
  }
  return state;
}

// --- the file ---

/**
 * Where the history goes: PERF_HISTORY empty (the default) = `<reportDir>/history.jsonl`,
 * `none` = no history, anything else a file path. Resolved against the working directory.
 */
export function historyPathFor(reportDir: string, setting: string | undefined = ''): string | undefined {
  const value = (setting ?? '').trim();
  if (value.toLowerCase() === 'none') return undefined;
  return resolve(value === '' ? join(reportDir, HISTORY_FILE) : value);
}

/** Appends the entry of `report` (one append of one line); returns it. */
export function appendHistory(path: string, report: SpecReport, options: { cwd?: string } = {}): HistoryEntry {
  const entry = historyEntryOf(report, gitState(options.cwd));
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, historyLine(entry));
  return entry;
}

/** Where the recorder's settings put the history (`history` is PERF_HISTORY). */
type HistorySettings = Pick<PerfConfig, 'reportDir'> & { history?: string };

/**
 * The recorder's call: appends `report` to the history PERF_HISTORY names, unless `none`.
 * Never throws (a history that cannot be written is a warning, not a failed spec); returns the path.
 */
export function recordHistory(config: HistorySettings, report: SpecReport): string | undefined {
  const path = historyPathFor(config.reportDir, config.history);
  if (path === undefined) return undefined;
  try {
    appendHistory(path, report);
    return path;
  } catch (error) {
    process.stderr.write(`[perf] could not add the run to the history ${path}: ${(error as Error).message}\n`);
    return undefined;
  }
}

export function isHistoryEntry(value: unknown): value is HistoryEntry {
  const e = value as HistoryEntry;
  return typeof e === 'object' && e !== null && typeof e.spec === 'string' && typeof e.startedAt === 'string' && Array.isArray(e.phases);
}

export interface History {
  /** Oldest first, at most `perSpec` per spec (the latest ones). */
  entries: HistoryEntry[];
  /** Lines that were not a readable entry (a line cut short by a kill, a hand edit). */
  skipped: number;
  /** The file existed. */
  found: boolean;
}

/**
 * Pure: the entries of a history file's text, oldest first (by start), the latest `perSpec`
 * per spec. Blank lines are ignored, unreadable ones counted. A spec run written twice (an
 * interrupted spec writes its report more than once) counts once: its last line.
 */
export function parseHistory(text: string, perSpec = HISTORY_DISPLAY_LIMIT): Omit<History, 'found'> {
  const byRun = new Map<string, HistoryEntry>();
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (!isHistoryEntry(parsed)) throw new Error('not an entry');
      const key = `${parsed.spec}\u0000${parsed.startedAt}`;
      byRun.delete(key);
      byRun.set(key, parsed);
    } catch {
      skipped++;
    }
  }
  const entries = [...byRun.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  return { entries: latestPerSpec(entries, perSpec), skipped };
}

/**
 * The target of an entry: the one it recorded, else (an entry written before targets were
 * recorded) derived from the settings and provider it recorded, so earlier runs still join
 * their series; a field it lacks makes it a target of its own.
 */
export function entryTarget(entry: HistoryEntry): RunTarget {
  return entry.target ?? runTargetOf(entry);
}

/** Pure: one key per spec and target: the runs of one series. */
export const seriesKey = (entry: HistoryEntry): string => `${entry.spec}\u0000${runTargetKey(entryTarget(entry))}`;

/** Pure: the latest `perSpec` entries of every spec and target (every series), order kept. */
export function latestPerSpec(entries: readonly HistoryEntry[], perSpec = HISTORY_DISPLAY_LIMIT): HistoryEntry[] {
  const kept = new Map<string, number>();
  const out: HistoryEntry[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as HistoryEntry;
    const key = seriesKey(entry);
    const count = kept.get(key) ?? 0;
    if (count >= perSpec) continue;
    kept.set(key, count + 1);
    out.push(entry);
  }
  return out.reverse();
}

const missing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

/** Reads the history at `path`; a missing file is an empty history (found: false). Throws only when the file cannot be read. */
export function readHistory(path: string, options: { perSpec?: number } = {}): History {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (missing(error)) return { entries: [], skipped: 0, found: false };
    throw error;
  }
  return { ...parseHistory(text, options.perSpec), found: true };
}

// --- the trend: pure, for the console (scripts/history.ts) and the HTML (html-trend.ts) ---

/** The figures a trend follows, of each run's main phase (its first). */
export const TREND_METRICS = [
  { key: 'p50Ms', label: 'P50', unit: 'ms' },
  { key: 'p95Ms', label: 'P95', unit: 'ms' },
  { key: 'successRatePercent', label: 'success rate', unit: '%' },
] as const;

export type TrendMetric = (typeof TREND_METRICS)[number]['key'];

export interface TrendChange extends ChangePoint {
  metric: TrendMetric;
  label: string;
  unit: string;
  /** 1-based number of the first run after the change, among the trend's runs. */
  run: number;
  /** That run. */
  entry: HistoryEntry;
}

export interface Trend {
  spec: string;
  /** The target every run of the trend measured; undefined: the runs of every target (only for one target's runs). */
  target?: RunTarget;
  /** Oldest first. */
  runs: HistoryEntry[];
  /** Each run's main phase figures (its first phase), aligned with runs. */
  main: (PhaseFigures | undefined)[];
  series: Record<TrendMetric, (number | null)[]>;
  changes: TrendChange[];
}

/**
 * Pure: the last `limit` runs of `spec` of `target` in `entries`, their main figures and where
 * they changed. Without a target: the target of the spec's latest run (a trend never mixes targets).
 */
export function trendOf(
  entries: readonly HistoryEntry[],
  spec: string,
  options: { limit?: number; target?: RunTarget } & ChangePointOptions = {},
): Trend {
  const ofSpec = entries.filter((e) => e.spec === spec);
  const latest = ofSpec.at(-1);
  const target = options.target ?? (latest === undefined ? undefined : entryTarget(latest));
  const key = target === undefined ? undefined : runTargetKey(target);
  const all = key === undefined ? ofSpec : ofSpec.filter((e) => runTargetKey(entryTarget(e)) === key);
  const runs = all.slice(Math.max(0, all.length - (options.limit ?? HISTORY_DISPLAY_LIMIT)));
  const main = runs.map((e) => (Array.isArray(e.phases) ? e.phases[0] : undefined));
  const series = Object.fromEntries(TREND_METRICS.map((m) => [m.key, main.map((p) => finite(p?.[m.key]))])) as Trend['series'];
  const changes = TREND_METRICS.flatMap((m) =>
    changePoints(series[m.key], options).map((c) => ({
      ...c,
      metric: m.key,
      label: m.label,
      unit: m.unit,
      run: c.index + 1,
      entry: runs[c.index] as HistoryEntry,
    })),
  );
  return { spec, ...(target === undefined ? {} : { target }), runs, main, series, changes };
}

/** One spec's runs of one target. */
export interface Series {
  spec: string;
  target: RunTarget;
  /** runTargetText(target). */
  label: string;
  /** Runs of the series in `entries`. */
  runs: number;
}

/** Pure: every spec and target in `entries` (each a series), in the order of their first run. */
export function seriesOf(entries: readonly HistoryEntry[]): Series[] {
  const found = new Map<string, Series>();
  for (const entry of entries) {
    const key = seriesKey(entry);
    const known = found.get(key);
    if (known) known.runs++;
    else {
      const target = entryTarget(entry);
      found.set(key, { spec: entry.spec, target, label: runTargetText(target), runs: 1 });
    }
  }
  return [...found.values()];
}

/** "abc1234", "abc1234*" (uncommitted changes) or "-" (no git). */
export function shortCommit(entry: Pick<HistoryEntry, 'commit' | 'dirty'>): string {
  if (typeof entry.commit !== 'string') return '-';
  return `${entry.commit.slice(0, 7)}${entry.dirty ? '*' : ''}`;
}

/** "2025-01-05 10:00" from an ISO time (as given when it is not one). */
export function shortDate(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]}` : iso;
}

const figure = (value: number, unit: string) => `${value.toFixed(1)}${unit === '%' ? ' %' : ` ${unit}`}`;

/** A change in words: "P95 rose 40.2 % at run 5 (2025-01-05 10:00, abc1234): 100.0 ms before, 140.2 ms after". */
export function changeInWords(change: TrendChange): string {
  const where = `at run ${change.run} (${shortDate(change.entry.startedAt)}, ${shortCommit(change.entry)})`;
  const direction = change.after > change.before ? 'rose' : 'fell';
  // A success rate moves in points: 99 % to 90 % is 9 points, whatever 9/99 is.
  const by =
    change.unit === '%'
      ? ` ${Math.abs(change.after - change.before).toFixed(1)} points`
      : change.changePercent === null
        ? ''
        : ` ${Math.abs(change.changePercent).toFixed(1)} %`;
  return `${change.label} ${direction}${by} ${where}: ${figure(change.before, change.unit)} before, ${figure(change.after, change.unit)} after`;
}

/** What the history says of one spec run (ci-summary.ts HistoryChange reads it). */
export interface HistoryChanges {
  /** The run's target, in words. */
  target: string;
  /** The spec's last run of the same target before this one that measured something (not skipped), with its main phase's figures. */
  previous?: { startedAt: string; p95Ms?: number; successRatePercent?: number };
  changePoints: string[];
  /** Earlier runs of the spec against other targets: not compared (another series). */
  otherTargetRuns: number;
}

/**
 * Pure: per spec of `reports`, what the history says of it, in the shape the CI summary reads
 * (ci-summary.ts HistoryChange): the spec's last measured run of the same target before this
 * report, with its main phase's P95 and success rate, and the change points of that target's
 * trend up to this report, in words. Runs of other targets are counted, never compared.
 */
export function historyChangesFor(
  entries: readonly HistoryEntry[],
  reports: readonly Pick<SpecReport, 'spec' | 'startedAt' | 'provider' | 'config' | 'scale'>[],
): Record<string, HistoryChanges> {
  const out: Record<string, HistoryChanges> = {};
  for (const report of reports) {
    const target = runTargetOf(report);
    const key = runTargetKey(target);
    const ofSpec = entries.filter((e) => e.spec === report.spec && e.startedAt <= report.startedAt);
    const upTo = ofSpec.filter((e) => runTargetKey(entryTarget(e)) === key);
    const before = upTo.filter((e) => e.startedAt < report.startedAt && e.verdict !== 'skipped' && (e.phases?.length ?? 0) > 0).at(-1);
    const main = before?.phases?.[0];
    out[report.spec] = {
      target: runTargetText(target),
      otherTargetRuns:
        ofSpec.filter((e) => e.startedAt < report.startedAt).length - upTo.filter((e) => e.startedAt < report.startedAt).length,
      ...(before
        ? {
            previous: {
              startedAt: before.startedAt,
              ...(typeof main?.p95Ms === 'number' ? { p95Ms: main.p95Ms } : {}),
              ...(typeof main?.successRatePercent === 'number' ? { successRatePercent: main.successRatePercent } : {}),
            },
          }
        : {}),
      changePoints: trendOf(upTo, report.spec, { target }).changes.map(changeInWords),
    };
  }
  return out;
}

const column = (value: number | null | undefined, unit: string) =>
  (typeof value === 'number' ? `${value.toFixed(1)} ${unit}` : 'n/a').padStart(unit === '%' ? 8 : 10);

/** Pure: the trend as console lines: one per run (oldest first), then the change points in words. */
export function formatTrend(trend: Trend, options: ChangePointOptions = {}): string[] {
  const phase = trend.main.at(-1)?.phase ?? 'n/a';
  const lines = [`${trend.spec} (${trend.runs.length} run${trend.runs.length === 1 ? '' : 's'}; main phase: ${phase})`];
  if (trend.target !== undefined) lines.push(`  target: ${runTargetText(trend.target)}`);
  lines.push(
    `  ${'run'.padStart(4)}  ${'started'.padEnd(16)}  ${'commit'.padEnd(8)}  ${'verdict'.padEnd(8)}  ${'P50'.padStart(10)}  ${'P95'.padStart(10)}  ${'success'.padStart(8)}`,
  );
  trend.runs.forEach((run, i) => {
    const main = trend.main[i];
    lines.push(
      `  ${String(i + 1).padStart(4)}  ${shortDate(run.startedAt).padEnd(16)}  ${shortCommit(run).padEnd(8)}  ${run.verdict.padEnd(8)}  ${column(main?.p50Ms, 'ms')}  ${column(main?.p95Ms, 'ms')}  ${column(main?.successRatePercent, '%')}`,
    );
  });
  const minSegment = Math.max(2, Math.floor(options.minSegment ?? 3));
  if (trend.runs.length < 2 * minSegment) {
    lines.push(
      `  change points: need at least ${2 * minSegment} runs (${minSegment} on each side of a change); ${trend.runs.length} so far`,
    );
    return lines;
  }
  for (const metric of TREND_METRICS) {
    const found = trend.changes.filter((c) => c.metric === metric.key);
    if (found.length === 0) lines.push(`  ${metric.label}: no change point`);
    for (const change of found) lines.push(`  ${changeInWords(change)}`);
  }
  return lines;
}
