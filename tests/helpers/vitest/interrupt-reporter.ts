// Ctrl-C or SIGTERM in the Vitest main process: Vitest exits a millisecond later, before any
// reporter's onTestRunEnd, so JUnit would be left empty and the HTML unwritten. This reporter
// listens for the signal itself and, synchronously, writes a JUnit file per project that
// parses (what finished, with the interrupted tests as failures), writes the HTML index when
// no spec is running (a running spec's worker writes it with its own aborted report), and
// names in the console the report of each spec the signal cut short.
import { resolve } from 'node:path';
import type { RunnerTask, RunnerTestFile } from 'vitest';
import type { Reporter, Vitest } from 'vitest/node';
import { writeFileAtomic } from '../files.ts';
import { writeHtmlReport } from '../report/index.ts';
import { groupByProject, junitFiles, junitTemplate } from './junit-per-project.ts';
import { reportPathFor } from './perf-context.ts';
import { specNameOf } from './spec-names.ts';

/** One test as the interrupted JUnit shows it. */
export interface FinishedTest {
  name: string;
  state: 'pass' | 'fail' | 'skip' | 'unfinished';
  error?: string;
  durationMs?: number;
}

const xml = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** Pure: a JUnit document for one project's files, the unfinished tests failed by `why`. */
export function interruptedJUnit(project: string, files: readonly { name: string; tests: readonly FinishedTest[] }[], why: string): string {
  const suites = files.map(({ name, tests }) => {
    const failures = tests.filter((t) => t.state === 'fail' || t.state === 'unfinished').length;
    const skipped = tests.filter((t) => t.state === 'skip').length;
    const cases = tests.map((t) => {
      const open = `    <testcase classname="${xml(name)}" name="${xml(t.name)}" time="${((t.durationMs ?? 0) / 1000).toFixed(3)}"`;
      if (t.state === 'pass') return `${open}/>`;
      if (t.state === 'skip') return `${open}>\n      <skipped/>\n    </testcase>`;
      const message = t.state === 'fail' ? (t.error ?? 'failed') : `interrupted (${why}) before this test finished`;
      return `${open}>\n      <failure message="${xml(message)}"/>\n    </testcase>`;
    });
    return [
      `  <testsuite name="${xml(name)}" tests="${tests.length}" failures="${failures}" errors="0" skipped="${skipped}">`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  const all = files.flatMap((f) => f.tests);
  const failures = all.filter((t) => t.state === 'fail' || t.state === 'unfinished').length;
  return [
    '<?xml version="1.0" encoding="UTF-8" ?>',
    `<testsuites name="${xml(project)}" tests="${all.length}" failures="${failures}" errors="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

/** The tests of a file, depth first, named as Vitest's JUnit names them (suites joined by " > "). */
function testsOf(tasks: readonly RunnerTask[], prefix = ''): FinishedTest[] {
  return tasks.flatMap((task): FinishedTest[] => {
    const name = prefix === '' ? task.name : `${prefix} > ${task.name}`;
    if (task.type === 'suite') return testsOf(task.tasks, name);
    const state = task.result?.state;
    return [
      {
        name,
        state: state === 'pass' || state === 'fail' ? state : state === 'skip' || task.mode === 'skip' ? 'skip' : 'unfinished',
        ...(task.result?.errors?.[0] ? { error: task.result.errors[0].message.split('\n')[0] } : {}),
        ...(task.result?.duration !== undefined ? { durationMs: task.result.duration } : {}),
      },
    ];
  });
}

export class InterruptReporter implements Reporter {
  private stop: (() => void) | undefined;

  onInit(ctx: Vitest): void {
    const onSigint = () => this.interrupted(ctx, 'SIGINT');
    const onSigterm = () => this.interrupted(ctx, 'SIGTERM');
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigterm);
    this.stop = () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    };
  }

  onTestRunEnd(): void {
    this.stop?.(); // finished normally: the other reporters write the files
  }

  private interrupted(ctx: Vitest, why: string): void {
    try {
      const files = ctx.state.getFiles();
      const lines = [...this.writeJUnit(ctx, files, why), ...this.namePerformanceReports(ctx, files, why)];
      process.stderr.write(`${lines.join('\n')}\n`);
    } catch (error) {
      process.stderr.write(`[perf] interrupted (${why}); could not write the interrupted run's files: ${(error as Error).message}\n`);
    }
  }

  private writeJUnit(ctx: Vitest, files: readonly RunnerTestFile[], why: string): string[] {
    const groups = groupByProject(files, (file) => file.projectName ?? '');
    const paths = junitFiles(junitTemplate(ctx), [...groups.keys()]);
    return [...groups].map(([project, group]) => {
      const path = resolve(ctx.config.root, paths.get(project)!);
      writeFileAtomic(
        path,
        interruptedJUnit(
          project,
          group.map((f) => ({ name: f.name, tests: testsOf(f.tasks) })),
          why,
        ),
      );
      return `[perf] interrupted (${why}): JUnit of what ran so far: ${path}`;
    });
  }

  /** The reports of the specs the signal cut short; the HTML index when none was running. */
  private namePerformanceReports(ctx: Vitest, files: readonly RunnerTestFile[], why: string): string[] {
    const context = ctx.getProjectByName('performance')?.getProvidedContext().perf;
    if (context === undefined) return [];
    const running = files.filter((f) => f.projectName === 'performance' && (f.result === undefined || f.result.state === 'run'));
    const dir = resolve(ctx.config.root, context.config.reportDir);
    if (running.length === 0) {
      const { path: html } = writeHtmlReport(dir, { currentRun: context.runStartedAt });
      return [`[perf] interrupted (${why}) between spec files: HTML report of the run so far: ${html}`];
    }
    return running.map(
      (f) =>
        `[perf] interrupted (${why}): partial report ${reportPathFor({ reportDir: dir }, specNameOf(f.name))} (status aborted), HTML index ${resolve(dir, 'index.html')}`,
    );
  }
}
