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
      .filter((name) => name.endsWith('.json'))
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

/** Renders `<dir>/index.html` from the reports in `dir` (atomically); returns its path. */
export function writeHtmlReport(
  dir: string,
  options: Partial<HtmlReportOptions> & HistorySource & { onlyRunStartedAt?: string } = {},
): { path: string; specs: number; skipped: string[] } {
  const all = readSpecReports(dir);
  const skipped = [...all.skipped];
  // Reports left by earlier runs in the same directory are not part of this run.
  const reports = all.reports.filter((r) => options.onlyRunStartedAt === undefined || r.runStartedAt === options.onlyRunStartedAt);
  if (reports.length < all.reports.length) skipped.push(`${all.reports.length - reports.length} report(s) of an earlier run`);
  const { onlyRunStartedAt: _run, ...page } = options;
  const path = writeHtmlFrom(dir, reports, page);
  return { path, specs: reports.length, skipped };
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
