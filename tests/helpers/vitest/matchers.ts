// The spec's verdict: `expect(run).toMeet({ p95Ms: ['<', 3000] })`, evaluated once over
// what load() returned. Its failure prints the figures that failed and where the spec's
// report is, and it hands Vitest `actual` and `expected` to diff. Loaded by the
// `performance` project's setup file.
import { expect, inject } from 'vitest';
import {
  evaluateThresholds,
  failingThresholds,
  outcomeLabel,
  targetThresholds,
  thresholdsFrom,
  warningThresholds,
  type Criteria,
  type ThresholdResult,
} from '../analysis/index.ts';
import { recorderOf, type LoadRun } from './load.ts';
import { reportPathFor } from './perf-context.ts';
import { specNameOf } from './spec-names.ts';

/** Where the running spec's report goes (written through as its phases end). */
function where(): string {
  const testPath = expect.getState().testPath;
  const context = inject('perf');
  return testPath && context ? `\n  report: ${reportPathFor(context.config, specNameOf(testPath))}` : '';
}

/** Whether `value` is what load() returned. */
function isRun(value: unknown): value is LoadRun {
  return typeof value === 'object' && value !== null && 'summary' in value && 'phase' in value && 'runs' in value;
}

/** The runs whose phase has been checked against the suite's targets (once per run, whatever toMeet says after). */
const targetsChecked = new WeakSet<LoadRun>();

/**
 * Evaluates `criteria` once over the run (its phase; with PERF_REPEAT the median run load()
 * returned), with the suite's targets (PERF_TARGETS) as warn thresholds after the spec's own
 * on the run's first evaluation; keeps that evaluation in the spec's report and prints it.
 */
function meet(run: LoadRun, criteria: Criteria): ThresholdResult[] | string[] {
  const thresholds = thresholdsFrom(criteria, run.phase);
  if (typeof thresholds[0] === 'string') return thresholds as string[];
  const recorder = recorderOf(run);
  const targets = targetsChecked.has(run) ? [] : (recorder?.context.config.targets ?? inject('perf')?.config.targets ?? []);
  targetsChecked.add(run);
  const list = [...(thresholds as Exclude<typeof thresholds, string[]>), ...targetThresholds(targets, run.phase)];
  const wantsDegradation = list.some((t) => t.metric === 'degradationPercent');
  const degradation = wantsDegradation ? run.degradation : undefined;
  const given = degradation === undefined ? {} : { degradationPercent: degradation.degradationPercent };
  let results = evaluateThresholds(list, { [run.phase]: run.summary }, given);
  if (run.runs.length > 1) {
    const which = ` [median run ${run.repetition + 1} of ${run.runs.length}]`;
    results = results.map((r) => ({ ...r, text: r.text + which }));
  }
  return recorder === undefined ? results : recorder.keepThresholds(results, degradation);
}

/**
 * The matcher's verdict on one evaluation: only a `fail` threshold that does not hold fails it
 * (counted among the `fail` thresholds); a `warn` one's miss is shown in the diff and named
 * after the failures, never a failure itself.
 */
function verdictOf(judged: readonly ThresholdResult[], noun: string) {
  const failed = failingThresholds(judged);
  const warned = warningThresholds(judged);
  const failing = judged.filter((r) => r.severity !== 'warn').length;
  const warnings = warned.length === 0 ? '' : `; warnings (not failures): ${warned.map((r) => r.text).join('; ')}`;
  return {
    pass: failed.length === 0,
    actual: judged.map((r) => `${outcomeLabel(r)}  ${r.text}`),
    expected: judged.map((r) => `${r.severity === 'warn' && !r.passed ? 'warn' : 'pass'}  ${r.text}`),
    message: () =>
      failed.length === 0
        ? `expected a ${noun} to fail, all ${failing} held${warnings}`
        : `${failed.length} of ${failing} thresholds failed: ${failed.map((r) => r.text).join('; ')}${warnings}${where()}`,
  };
}

expect.extend({
  /**
   * `expect(run).toMeet({ p95Ms: ['<', 3000] })`: every criterion holds for the run load()
   * returned. Evaluated once, with the suite's targets (PERF_TARGETS) as warn rows that fail
   * nothing; the failure names the metric, the phase, the figure and the bound.
   */
  toMeet(received: unknown, criteria: Criteria) {
    if (!isRun(received)) {
      return { pass: false, message: () => `expected what load() returns, got ${typeof received}` };
    }
    const results = meet(received, criteria);
    if (typeof results[0] === 'string') {
      return { pass: false, message: () => `toMeet(): bad criteria:\n  - ${(results as string[]).join('\n  - ')}` };
    }
    return verdictOf(results as ThresholdResult[], 'criterion');
  },
});

interface PerfMatchers<R = unknown> {
  /** Every criterion holds for a run of load(): `{ p95Ms: ['<', 3000], successRatePercent: ['>=', 99] }`. */
  toMeet(criteria: Criteria): R;
}

declare module 'vitest' {
  // Augmenting Vitest's interface: its type parameter and default must match Vitest's declaration.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends PerfMatchers<T> {}
}
