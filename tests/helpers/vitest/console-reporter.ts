// The performance specs' console, printed by the suite (report/live-console.ts)
// instead of under Vitest's "stdout | file > test" headers: vitest.config.ts
// tells Vitest not to print the performance project's console lines
// (isSuiteConsole), and this reporter prints them, progress as live lines in a
// terminal. Other projects' lines are Vitest's as usual.
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';
import type { UserConsoleLog } from 'vitest';
import { LiveConsole } from '../report/index.ts';

/** The project whose console the suite prints itself. */
const PROJECT = 'performance';

/** For vitest.config.ts's onConsoleLog: the line is the performance specs', printed by PerfConsoleReporter. */
export function isSuiteConsole(entity: { project: { name: string } } | undefined): boolean {
  return entity?.project.name === PROJECT;
}

/** A terminal a person watches: not CI, stdout a TTY. */
export function watchedTerminal(env: NodeJS.ProcessEnv = process.env, stdout: { isTTY?: boolean } = process.stdout): boolean {
  return stdout.isTTY === true && (env.CI ?? '') === '';
}

export class PerfConsoleReporter implements Reporter {
  private ctx: Vitest | undefined;
  private readonly console = new LiveConsole({ out: process.stdout, err: process.stderr }, watchedTerminal());

  onInit(ctx: Vitest): void {
    this.ctx = ctx;
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    const task = log.taskId === undefined ? undefined : this.ctx?.state.idMap.get(log.taskId);
    const entity = task === undefined ? undefined : this.ctx?.state.getReportedEntity(task);
    if (isSuiteConsole(entity)) this.console.line(log.content, log.type);
  }

  onTestCaseResult(_test: TestCase): void {
    this.console.otherOutput();
  }

  onTestModuleEnd(_module: TestModule): void {
    this.console.otherOutput();
  }
}
