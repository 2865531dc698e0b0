// The performance specs' `test`: Vitest's, extended with the suite's fixtures.
//   perf      the run's context (config, endpoints, preflight) from the global setup
//   recorder  one per spec file, named after it: keeps runs, checks and notes, and
//             writes the report through as each phase ends, once more when the file
//             is done (also after a failed assertion), and at once on Ctrl-C
//   (auto)    every test's outcome goes to the recorder as a check
//   load      load(plan): one phase against the service, recorded (load.ts)
import { describe, expect, inject, test as base } from 'vitest';
import { setupFailureError, type PerfContext } from './perf-context.ts';
import { specNameOf } from './spec-names.ts';
import { createLoad } from './load.ts';
import { SpecRecorder } from './recorder.ts';
import { REPORT_META } from './reporter.ts';

/**
 * The run's context, handed over by the global setup (provide/inject). When the set-up failed,
 * throws its error at once: the spec fails (JUnit records it) without sending anything.
 */
export function perfContext(): PerfContext {
  const failure = inject('perfSetupFailure');
  if (failure) throw setupFailureError(failure);
  const context = inject('perf');
  if (!context) {
    throw new Error(
      'The performance context is missing: run the specs through the `performance` Vitest project (npx vitest run tests/performance)',
    );
  }
  return context;
}

const withFixtures = base
  .extend('perf', { scope: 'file' }, () => perfContext())
  .extend('recorder', { scope: 'file' }, ({ perf }, { onCleanup }) => {
    const recorder = new SpecRecorder(specNameOf(expect.getState().testPath ?? 'spec'), perf);
    const stopListening = recorder.listenForInterrupts();
    onCleanup(async () => {
      stopListening();
      const { report, regression } = await recorder.finish();
      if (recorder.file) recorder.file.meta[REPORT_META] = report;
      if (regression !== undefined) throw new Error(regression);
    });
    return recorder;
  })
  .extend('check', { auto: true }, ({ recorder, task }, { onCleanup }) => {
    recorder.attach(task);
    onCleanup(() => recorder.recordCheck(task.name, task.result));
  })
  // Each phase must fit in what is left of the test's timeout (from when the test started).
  .extend('load', ({ recorder, task }) => createLoad(recorder, Date.now() + task.timeout));

/**
 * The time one run of a test's plans may take at scale 1, besides its waits for the window. Every
 * load bounds itself, and refuses to start when it could not finish within what is left.
 */
export const TEST_CEILING_MS = 15 * 60_000;

/**
 * A performance test: `perfTest('name', async ({ load }) => { ... })`. Its `load(plan)` runs one
 * phase against the service (vitest/load.ts); each phase bounds its own wait and run from its plan,
 * so a spec gives no timeout: the test's ceiling grows with PERF_SCALE, the rate-limit window and
 * PERF_REPEAT (every load then runs its plan that many times), and a phase that could not finish
 * within what is left of it is refused before it sends anything.
 */
export const perfTest = new Proxy(withFixtures, {
  apply(target, thisArg, args: Parameters<typeof withFixtures>) {
    const [name, fn, options] = args;
    const config = inject('perf')?.config;
    // More requests (PERF_SCALE) take longer; each repetition has its own waits for the window.
    const windowMs = config?.rateLimit ? config.rateLimit.windowMs + 2000 : 0;
    const ceiling = (TEST_CEILING_MS * Math.max(1, config?.scale ?? 1) + 3 * windowMs) * (config?.repeat.count ?? 1);
    // A timeout given wins; options without one (a retry, say) keep the ceiling.
    const bounded = typeof options === 'object' && options !== null ? { timeout: ceiling, ...(options as object) } : (options ?? ceiling);
    return Reflect.apply(target, thisArg, [name, fn, bounded]);
  },
});
export type PerfTest = typeof perfTest;

export { describe, expect };
