import { defineConfig } from 'vitest/config';
import { PerfConsoleReporter } from './tests/helpers/vitest/console-reporter.ts';
import { InterruptReporter } from './tests/helpers/vitest/interrupt-reporter.ts';
import { JUnitPerProjectReporter } from './tests/helpers/vitest/junit-per-project.ts';
import { PerfHtmlReporter } from './tests/helpers/vitest/reporter.ts';
import { SpecOrderSequencer } from './tests/helpers/vitest/spec-order.ts';

const suiteConsole = new PerfConsoleReporter();

export default defineConfig({
  test: {
    // Reporters are set for the whole run (Vitest has no per-project reporters): the console
    // as usual, JUnit XML for CI pipelines, one file per project that ran
    // (reports/junit-<project>.xml, or --outputFile.junit with {project} in it), and the HTML
    // overview of the performance specs (written only when a spec handed over its report).
    // On Ctrl-C, InterruptReporter writes what it can synchronously before Vitest exits.
    // The performance specs' console lines are the suite's to print (PerfConsoleReporter: no
    // Vitest header above them, progress as one live line per phase in a terminal).
    reporters: ['default', suiteConsole, new JUnitPerProjectReporter(), new PerfHtmlReporter(), new InterruptReporter()],
    onConsoleLog: (_log, _stream, entity) => !suiteConsole.prints(entity),
    // The performance specs in a fixed order (standard, sustained, burst, profile, custom,
    // then any other by name), not in the order Vitest's cache would choose.
    sequence: { sequencer: SpecOrderSequencer },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        test: {
          // Slow tests of faults, bad input and shutdown against real processes; run by .ci/run.
          name: 'reliability',
          include: ['tests/reliability/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'performance',
          include: ['tests/performance/**/*.spec.ts'],
          environment: 'node',
          // One stack for the whole run, brought up once; endpoints reach the specs via provide/inject.
          globalSetup: ['tests/helpers/vitest/global-setup.ts'],
          setupFiles: ['tests/helpers/vitest/setup.ts'],
          // The specs share one service and its rate limiter: one file at a time, each in its own
          // forked process so the load generator never shares an event loop with anything else.
          pool: 'forks',
          fileParallelism: false,
          maxWorkers: 1,
          // perfTest sets each test's ceiling (tests/helpers/vitest/fixtures.ts); this is for any other test.
          testTimeout: 15 * 60_000,
          hookTimeout: 2 * 60_000,
        },
      },
    ],
  },
});
