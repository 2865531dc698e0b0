// A Vitest reporter that writes the HTML overview (index.html beside the JSON
// reports) at the end of the run, from the spec reports the run handed it: each
// spec file's `recorder` fixture leaves its report in the file's task meta.
import { resolve } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { isSpecReport, writeHtmlFrom, type SpecReport } from '../report/index.ts';

/** The key under which a spec file's report travels in its module's meta. */
export const REPORT_META = 'perfReport';

declare module 'vitest' {
  interface TaskMeta {
    [REPORT_META]?: SpecReport;
  }
}

export class PerfHtmlReporter implements Reporter {
  async onTestRunEnd(testModules: readonly TestModule[]): Promise<void> {
    const reports = testModules.map((module) => module.meta()[REPORT_META]).filter(isSpecReport);
    const first = reports[0];
    if (first === undefined) return; // no performance spec ran (a unit or reliability run)
    const dir = resolve(first.config.reportDir);
    try {
      const path = await writeHtmlFrom(dir, reports, { bottleneckPercent: first.config.profile.bottleneckPercent });
      console.log(`[perf] HTML report (${reports.length} specs): ${path}`);
    } catch (error) {
      console.warn(`[perf] could not write the HTML report: ${(error as Error).message}`);
    }
  }
}
