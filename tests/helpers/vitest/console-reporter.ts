// The performance specs' console, printed by the suite (report/live-console.ts)
// instead of under Vitest's "stdout | file > test" headers: vitest.config.ts
// tells Vitest not to print the performance project's console lines
// (isSuiteConsole), and this reporter prints them, progress as live lines in a
// terminal. Other projects' lines are Vitest's as usual.
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';
import type { UserConsoleLog } from 'vitest';
import { LiveConsole, watchedTerminal } from '../report/index.ts';

/** The project whose console the suite prints itself. */
const PROJECT = 'performance';

/** The line is the performance specs'. */
export function isSuiteConsole(entity: { project: { name: string } } | undefined): boolean {
  return entity?.project.name === PROJECT;
}

export class PerfConsoleReporter implements Reporter {
  private ctx: Vitest | undefined;
  private readonly console = new LiveConsole({ out: process.stdout, err: process.stderr }, watchedTerminal());

  /**
   * For vitest.config.ts's onConsoleLog: Vitest leaves the performance specs' lines to this
   * reporter only while it runs (a --reporter on the command line replaces it, and Vitest prints them).
   */
  prints(entity: { project: { name: string } } | undefined): boolean {
    return this.ctx !== undefined && isSuiteConsole(entity);
  }

  onInit(ctx: Vitest): void {
    this.ctx = ctx;
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    if (this.ctx === undefined || this.ctx.config.silent === true) return;
    const task = log.taskId === undefined ? undefined : this.ctx.state.idMap.get(log.taskId);
    const entity = task === undefined ? undefined : this.ctx.state.getReportedEntity(task);
    if (isSuiteConsole(entity)) this.console.line(log.content, log.type);
  }

  onTestCaseResult(_test: TestCase): void {
    this.console.otherOutput();
  }

  onTestModuleEnd(_module: TestModule): void {
    this.console.otherOutput();
  }
}
