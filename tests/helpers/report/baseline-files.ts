// The file edge of the baseline comparison (PERF_BASELINE): find the baseline's report of a
// spec on disk, and save a run's reports as a baseline (npm run perf:baseline). The
// comparison itself is pure (analysis/baseline.ts): this reads the report and hands it in.
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { baselineCheck, BaselineError, type BaselineCheck, type BaselineSettings, type FoundBaseline } from '../analysis/index.ts';
import type { SpecReport } from '../model/index.ts';
import { readSpecReportFile, ReportFileError } from './report-files.ts';

/**
 * The baseline report of `spec` from PERF_BASELINE: a directory holding `<spec>.json`, or one
 * report file. Undefined (with the reason) when that baseline has no report of this spec.
 */
export async function loadBaseline(
  location: string,
  spec: string,
): Promise<{ report: SpecReport; source: string } | { report: undefined; reason: string }> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(location)).isDirectory();
  } catch {
    throw new BaselineError(
      `PERF_BASELINE=${JSON.stringify(location)} does not exist: point it at a directory saved by \`npm run perf:baseline\` or at one spec's JSON report`,
    );
  }
  if (isDirectory) {
    const path = join(location, `${spec}.json`);
    try {
      await stat(path);
    } catch {
      return { report: undefined, reason: `the baseline directory ${location} has no ${spec}.json` };
    }
    return { report: readSpecReportFile(path), source: path };
  }
  const report = readSpecReportFile(location);
  return report.spec === spec
    ? { report, source: location }
    : { report: undefined, reason: `${location} is the baseline of spec "${report.spec}"` };
}

/** Copies every spec report in `fromDir` to `toDir`; returns the files written. */
export async function saveBaseline(fromDir: string, toDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(fromDir)).filter((name) => name.endsWith('.json')).sort();
  } catch {
    throw new BaselineError(`${fromDir} does not exist: run the performance specs first (npx vitest run tests/performance)`);
  }
  const reports: string[] = [];
  for (const name of names) {
    const path = join(fromDir, name);
    try {
      readSpecReportFile(path);
      reports.push(path);
    } catch (error) {
      if (!(error instanceof ReportFileError)) throw error;
      // not a spec report (e.g. another tool's JSON): not part of a baseline
    }
  }
  if (reports.length === 0) throw new BaselineError(`${fromDir} holds no spec reports: run the performance specs first`);
  await mkdir(toDir, { recursive: true });
  const written: string[] = [];
  for (const path of reports) {
    const target = join(toDir, basename(path));
    await copyFile(path, target);
    written.push(target);
  }
  return written;
}

/**
 * What SpecRecorder does with PERF_BASELINE: load the spec's baseline and compare (no baseline
 * for this spec: not run). The judgement is analysis/baseline.ts baselineCheck.
 */
export async function checkAgainstBaseline(report: SpecReport, settings: BaselineSettings): Promise<BaselineCheck> {
  if (settings.path === undefined) return { ran: false, reason: 'PERF_BASELINE is not set' };
  const found: FoundBaseline = await loadBaseline(settings.path, report.spec);
  return baselineCheck(report, found, settings);
}
