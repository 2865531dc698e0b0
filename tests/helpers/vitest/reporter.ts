// A Vitest reporter that writes the HTML overview (index.html beside the JSON
// reports) and the Markdown summary (summary.md) at the end of the run, from the
// spec reports the run handed it (each spec file's `recorder` fixture leaves its
// report in the file's task meta) and the history of earlier runs.
import { resolve } from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import {
  historyChangesFor,
  historyPathFor,
  indexReports,
  readSpecReports,
  isSpecReport,
  readHistory,
  runWarnings,
  warningsBlock,
  writeCiSummary,
  writeHtmlFrom,
  type SpecReport,
} from '../report/index.ts';
import { junitFiles, junitTemplate } from './junit-per-project.ts';
import { formatSetupFailure, type PerfSetupFailure } from './perf-context.ts';

/** The history's entries; an unreadable history is no trend, never a page not written. */
function readHistoryOrNone(path: string) {
  try {
    return readHistory(path).entries;
  } catch {
    return [];
  }
}

/** The key under which a spec file's report travels in its module's meta. */
export const REPORT_META = 'perfReport';

declare module 'vitest' {
  interface TaskMeta {
    [REPORT_META]?: SpecReport;
  }
}

/** The set-up failures of the last run, printed at exit (see onTestRunEnd). */
let pendingSetupFailures: string[] = [];
let printsAtExit = false;

export class PerfHtmlReporter implements Reporter {
  private ctx: Vitest | undefined;

  onInit(ctx: Vitest): void {
    this.ctx = ctx; // for the JUnit files the CI summary links to
  }

  async onTestRunEnd(testModules: readonly TestModule[]): Promise<void> {
    this.writeHtml(testModules);
    // Every warning of the run once more, last, so that none scrolled away unread.
    const reports = testModules.map((module) => module.meta()[REPORT_META]).filter(isSpecReport);
    for (const line of warningsBlock(runWarnings(reports))) console.warn(line);
    // A set-up that failed is the run's one message: printed last, after Vitest's summary and JUnit's line.
    const failures = new Map<string, PerfSetupFailure>();
    for (const module of testModules) {
      const failure = module.project.getProvidedContext().perfSetupFailure;
      if (failure) failures.set(`${failure.name}: ${failure.message}`, failure);
    }
    // Vitest runs the reporters' onTestRunEnd side by side (JUnit's line would come after this one),
    // and teardown follows: printed when the process exits, it is surely the last thing in the output.
    pendingSetupFailures = [...failures.values()].map(formatSetupFailure);
    if (pendingSetupFailures.length > 0 && !printsAtExit) {
      printsAtExit = true;
      process.once('exit', () => {
        for (const message of pendingSetupFailures) console.error(`\n${message}`); // synchronous at exit (files, pipes, TTYs)
      });
    }
  }

  private writeHtml(testModules: readonly TestModule[]): void {
    const reports = testModules.map((module) => module.meta()[REPORT_META]).filter(isSpecReport);
    const first = reports[0];
    if (first === undefined) return; // no performance spec ran (a unit or reliability run)
    const dir = resolve(first.config.reportDir);
    // The runs so far (PERF_HISTORY), this one's included: the page's trend and the summary's change.
    const historyPath = historyPathFor(first.config.reportDir, first.config.history);
    const history = historyPath === undefined ? [] : readHistoryOrNone(historyPath);
    try {
      // Every spec's latest report in the directory: a partial run does not drop the others from the index.
      const listed = indexReports(reports, readSpecReports(dir).reports);
      const path = writeHtmlFrom(dir, listed, {
        history: historyPath === undefined ? null : history,
        currentRun: first.runStartedAt,
      });
      const earlier = listed.filter((r) => r.runStartedAt !== first.runStartedAt).length;
      console.log(
        `[perf] HTML report (${listed.length - earlier} specs of this run${earlier > 0 ? `, ${earlier} from earlier runs` : ''}): ${path}`,
      );
    } catch (error) {
      console.warn(`[perf] could not write the HTML report: ${(error as Error).message}`);
    }
    // The Markdown summary beside it (and on the GitHub job page when GITHUB_STEP_SUMMARY is set).
    try {
      const projects = [...new Set(testModules.map((module) => module.project.name))];
      const ctx = this.ctx;
      const junit = ctx === undefined ? [] : [...junitFiles(junitTemplate(ctx), projects).values()].map((f) => resolve(ctx.config.root, f));
      const summary = writeCiSummary(dir, reports, { junitFiles: junit, history: historyChangesFor(history, reports) });
      console.log(`[perf] CI summary: ${summary.path}`);
    } catch (error) {
      console.warn(`[perf] could not write the CI summary: ${(error as Error).message}`);
    }
  }
}
