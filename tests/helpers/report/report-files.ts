// The file edge of the reports: read the specs' JSON reports back, and write
// index.html beside them. Synchronous, like every report write: one call serves
// the end of a run and a worker that Ctrl-C may end at its next turn.
import { readdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../files.ts';
import { join } from 'node:path';
import { HISTORY_FILE, readHistory, type HistoryEntry } from './history.ts';
import { renderHtmlReport, type HtmlReportOptions } from './html-report.ts';
import type { SpecReport } from '../model/index.ts';

/**
 * Where the page's trend comes from: a history file (default `<dir>/history.jsonl`; null = none).
 * `history` given in the options wins.
 */
export interface HistorySource {
  historyPath?: string | null;
}

export class ReportFileError extends Error {
  override name = 'ReportFileError';
}

export function isSpecReport(value: unknown): value is SpecReport {
  const r = value as SpecReport;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.spec === 'string' &&
    typeof r.startedAt === 'string' &&
    typeof r.summaries === 'object' &&
    r.summaries !== null
  );
}

export function readSpecReportFile(path: string): SpecReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ReportFileError(`${path} is not a readable JSON report: ${(error as Error).message}`);
  }
  if (!isSpecReport(parsed)) throw new ReportFileError(`${path} is not a spec report (it lacks spec, startedAt or summaries)`);
  return parsed;
}

/** Every spec report in `dir` (other JSON files are skipped), ordered by start time. */
export function readSpecReports(dir: string): { reports: SpecReport[]; skipped: string[] } {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((name) => name.endsWith('.json') && !name.endsWith('.result.json')) // results are merge's (npm run load)
      .sort();
  } catch {
    return { reports: [], skipped: [] };
  }
  const reports: SpecReport[] = [];
  const skipped: string[] = [];
  for (const name of names) {
    try {
      reports.push(readSpecReportFile(join(dir, name)));
    } catch (error) {
      skipped.push((error as Error).message);
    }
  }
  reports.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  return { reports, skipped };
}

/**
 * The page's reports: this run's, and for every other spec in the directory its latest report (a
 * spec this run did not run keeps its place in the index, marked as from an earlier run).
 */
export function indexReports(thisRun: readonly SpecReport[], onDisk: readonly SpecReport[]): SpecReport[] {
  const specs = new Set(thisRun.map((r) => r.spec));
  const latest = new Map<string, SpecReport>();
  for (const report of onDisk) {
    if (specs.has(report.spec)) continue;
    const seen = latest.get(report.spec);
    if (seen === undefined || report.startedAt > seen.startedAt) latest.set(report.spec, report);
  }
  return [...thisRun, ...latest.values()];
}

/**
 * Renders `<dir>/index.html` from the reports in `dir` (atomically); returns its path. With
 * `currentRun` (a runStartedAt), that run's reports are judged by the banner and every other
 * spec's latest report is listed, marked as from an earlier run.
 */
export function writeHtmlReport(
  dir: string,
  options: Partial<HtmlReportOptions> & HistorySource = {},
): { path: string; specs: number; skipped: string[] } {
  const all = readSpecReports(dir);
  const run = all.reports.filter((r) => options.currentRun === undefined || r.runStartedAt === options.currentRun);
  const reports = options.currentRun === undefined ? all.reports : indexReports(run, all.reports);
  const path = writeHtmlFrom(dir, reports, options);
  return { path, specs: reports.length, skipped: all.skipped };
}

/** The history for the page; an unreadable one is no trend, never a page not written. */
function historyFor(dir: string, options: Partial<HtmlReportOptions> & HistorySource): readonly HistoryEntry[] | null {
  if (options.history !== undefined) return options.history;
  if (options.historyPath === null) return null;
  try {
    return readHistory(options.historyPath ?? join(dir, HISTORY_FILE)).entries;
  } catch {
    return [];
  }
}

/** Options for the page itself (not where its history came from). */
function pageOptions({ historyPath: _path, ...options }: Partial<HtmlReportOptions> & HistorySource): Partial<HtmlReportOptions> {
  return options;
}

/** Renders `<dir>/index.html` from `reports` (atomically), with the trend from `<dir>/history.jsonl`; returns its path. */
export function writeHtmlFrom(
  dir: string,
  reports: readonly SpecReport[],
  options: Partial<HtmlReportOptions> & HistorySource = {},
): string {
  const ordered = [...reports].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const history = historyFor(dir, options);
  const html = renderHtmlReport(ordered, { generatedAt: new Date().toISOString(), sourceDir: dir, ...pageOptions(options), history });
  const path = join(dir, 'index.html');
  writeFileAtomic(path, html);
  return path;
}
