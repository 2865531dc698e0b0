// The file edge of the reports: read the specs' JSON reports back, and write
// index.html beside them.
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { writeFileAtomic, writeFileAtomicSync } from '../files.ts';
import { join } from 'node:path';
import { HISTORY_FILE, readHistory, readHistorySync, type HistoryEntry } from './history.ts';
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

export async function readSpecReportFile(path: string): Promise<SpecReport> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ReportFileError(`${path} is not a readable JSON report: ${(error as Error).message}`);
  }
  if (!isSpecReport(parsed)) throw new ReportFileError(`${path} is not a spec report (it lacks spec, startedAt or summaries)`);
  return parsed;
}

/** Every spec report in `dir` (other JSON files are skipped), ordered by start time. */
export async function readSpecReports(dir: string): Promise<{ reports: SpecReport[]; skipped: string[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  } catch {
    return { reports: [], skipped: [] };
  }
  const reports: SpecReport[] = [];
  const skipped: string[] = [];
  for (const name of names) {
    try {
      reports.push(await readSpecReportFile(join(dir, name)));
    } catch (error) {
      skipped.push((error as Error).message);
    }
  }
  reports.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  return { reports, skipped };
}

/** Renders `<dir>/index.html` from the reports in `dir` (atomically); returns its path. */
export async function writeHtmlReport(
  dir: string,
  options: Partial<HtmlReportOptions> & HistorySource & { onlyRunStartedAt?: string } = {},
): Promise<{ path: string; specs: number; skipped: string[] }> {
  const all = await readSpecReports(dir);
  const skipped = [...all.skipped];
  // Reports left by earlier runs in the same directory are not part of this run.
  const reports = all.reports.filter((r) => options.onlyRunStartedAt === undefined || r.runStartedAt === options.onlyRunStartedAt);
  if (reports.length < all.reports.length) skipped.push(`${all.reports.length - reports.length} report(s) of an earlier run`);
  const path = await writeHtmlFrom(dir, reports, options);
  return { path, specs: reports.length, skipped };
}

/** The history for the page; an unreadable one is no trend, never a page not written. */
async function historyFor(dir: string, options: Partial<HtmlReportOptions> & HistorySource): Promise<readonly HistoryEntry[] | null> {
  if (options.history !== undefined) return options.history;
  if (options.historyPath === null) return null;
  try {
    return (await readHistory(options.historyPath ?? join(dir, HISTORY_FILE))).entries;
  } catch {
    return [];
  }
}

function historyForSync(dir: string, options: Partial<HtmlReportOptions> & HistorySource): readonly HistoryEntry[] | null {
  if (options.history !== undefined) return options.history;
  if (options.historyPath === null) return null;
  try {
    return readHistorySync(options.historyPath ?? join(dir, HISTORY_FILE)).entries;
  } catch {
    return [];
  }
}

/** Options for the page itself (not where its history came from). */
function pageOptions({ historyPath: _path, ...options }: Partial<HtmlReportOptions> & HistorySource): Partial<HtmlReportOptions> {
  return options;
}

/** Renders `<dir>/index.html` from `reports` (atomically), with the trend from `<dir>/history.jsonl`; returns its path. */
export async function writeHtmlFrom(
  dir: string,
  reports: readonly SpecReport[],
  options: Partial<HtmlReportOptions> & HistorySource = {},
): Promise<string> {
  const ordered = [...reports].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const history = await historyFor(dir, options);
  const html = renderHtmlReport(ordered, { generatedAt: new Date().toISOString(), sourceDir: dir, ...pageOptions(options), history });
  const path = join(dir, 'index.html');
  await writeFileAtomic(path, html);
  return path;
}

/**
 * writeHtmlReport without yielding to the event loop, for an interrupted run about to exit:
 * the reports in `dir` of the run that started at `runStartedAt` (unreadable files are left out).
 */
export function writeHtmlReportSync(dir: string, runStartedAt: string, options: Partial<HtmlReportOptions> & HistorySource = {}): string {
  const reports: SpecReport[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    // no directory yet: an empty page says so
  }
  for (const name of names) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      if (isSpecReport(parsed) && parsed.runStartedAt === runStartedAt) reports.push(parsed);
    } catch {
      // half-written or not a report: left out
    }
  }
  reports.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const history = historyForSync(dir, options);
  const html = renderHtmlReport(reports, { generatedAt: new Date().toISOString(), sourceDir: dir, ...pageOptions(options), history });
  const path = join(dir, 'index.html');
  writeFileAtomicSync(path, html);
  return path;
}
