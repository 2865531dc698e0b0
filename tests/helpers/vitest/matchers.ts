// Domain matchers for the specs: `expect(recorder.judge(thresholds)).toPassThresholds()`
// and `expect(summary).toMeetSuccessRate(95)` and friends. Their failure messages print
// the numbers that failed and where the spec's report is, and they hand Vitest `actual`
// and `expected` to diff. Loaded by the `performance` project's setup file.
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

/** The part of a load-test summary the matchers read. */
export interface SummaryLike {
  sentRequests: number;
  successCount: number;
  failureCount: number;
  successRatePercent: number;
  responseTimes: { p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number };
  statusCodes: Record<string, number>;
  errors?: { errorClass?: string; message?: string }[];
}

/** Where the running spec's report goes (written when the spec file is done). */
function where(): string {
  const testPath = expect.getState().testPath;
  const context = inject('perf');
  return testPath && context ? `\n  report: ${reportPathFor(context.config, specNameOf(testPath))}` : '';
}

function codes(summary: SummaryLike): string {
  return Object.entries(summary.statusCodes)
    .map(([code, count]) => `${code === '0' ? 'no response' : code}: ${count}`)
    .join(', ');
}

function isSummary(value: unknown): value is SummaryLike {
  return typeof value === 'object' && value !== null && 'successRatePercent' in value && 'responseTimes' in value;
}

function notASummary(received: unknown) {
  return { pass: false, message: () => `expected a load-test summary (results.getSummary()), got ${typeof received}` };
}

function percentileBelow(key: 'p50Ms' | 'p95Ms' | 'p99Ms', label: string) {
  return function (this: unknown, received: unknown, limitMs: number) {
    if (!isSummary(received)) return notASummary(received);
    const value = received.responseTimes[key];
    return {
      pass: value < limitMs,
      actual: `${label} ${value.toFixed(1)} ms`,
      expected: `${label} < ${limitMs} ms`,
      message: () =>
        `expected ${label} latency ${value.toFixed(1)} ms to be below ${limitMs} ms ` +
        `(P50 ${received.responseTimes.p50Ms.toFixed(1)}, P95 ${received.responseTimes.p95Ms.toFixed(1)}, ` +
        `P99 ${received.responseTimes.p99Ms.toFixed(1)}, max ${received.responseTimes.maxMs.toFixed(1)} ms; ` +
        `latency counts from each request's scheduled start)${where()}`,
    };
  };
}

function isThresholdResults(value: unknown): value is ThresholdResult[] {
  return Array.isArray(value) && value.every((r) => typeof r === 'object' && r !== null && 'passed' in r && 'text' in r);
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
  return recorder === undefined ? results : recorder.keepThresholds(results, run.repetition, degradation);
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
  /** Every threshold of one evaluation (recorder.judge) passed; the diff shows the ones that did not. */
  toPassThresholds(received: unknown) {
    if (!isThresholdResults(received) || received.length === 0) {
      return { pass: false, message: () => 'expected the results of recorder.judge(thresholds), a non-empty list' };
    }
    // A repetition before the last (PERF_REPEAT): shown, judged later on the median run.
    if (received.every((r) => r.deferred !== undefined)) {
      return { pass: true, message: () => `expected judged thresholds, these are deferred: ${received[0]!.deferred}` };
    }
    return verdictOf(received, 'threshold');
  },
  toMeetSuccessRate(received: unknown, minPercent: number) {
    if (!isSummary(received)) return notASummary(received);
    return {
      pass: received.successRatePercent >= minPercent,
      actual: `success rate ${received.successRatePercent.toFixed(2)}%`,
      expected: `success rate >= ${minPercent}%`,
      message: () =>
        `expected success rate >= ${minPercent}%, got ${received.successRatePercent.toFixed(2)}% ` +
        `(${received.successCount} of ${received.sentRequests}; status codes ${codes(received)})${where()}`,
    };
  },
  toHaveP50Below: percentileBelow('p50Ms', 'P50'),
  toHaveP95Below: percentileBelow('p95Ms', 'P95'),
  toHaveP99Below: percentileBelow('p99Ms', 'P99'),
  toHaveNoFailures(received: unknown) {
    if (!isSummary(received)) return notASummary(received);
    const first = (received.errors ?? []).slice(0, 3).map((e) => `${e.errorClass ?? '?'}: ${e.message ?? ''}`);
    return {
      pass: received.failureCount === 0,
      actual: `${received.failureCount} failed`,
      expected: '0 failed',
      message: () =>
        `expected no failed requests, got ${received.failureCount} of ${received.sentRequests} ` +
        `(status codes ${codes(received)}${first.length > 0 ? `; first errors: ${first.join(' | ')}` : ''})${where()}`,
    };
  },
});

interface PerfMatchers<R = unknown> {
  /** Every criterion holds for a run of load(): `{ p95Ms: ['<', 3000], successRatePercent: ['>=', 99] }`. */
  toMeet(criteria: Criteria): R;
  /** Every threshold of a recorder.judge(thresholds) evaluation passed. */
  toPassThresholds(): R;
  /** Success rate (percent of requests answered as success) is at least `minPercent`. */
  toMeetSuccessRate(minPercent: number): R;
  /** Corrected (from scheduled start) P50 latency is below `limitMs`. */
  toHaveP50Below(limitMs: number): R;
  toHaveP95Below(limitMs: number): R;
  toHaveP99Below(limitMs: number): R;
  toHaveNoFailures(): R;
}

declare module 'vitest' {
  // Augmenting Vitest's interface: its type parameter and default must match Vitest's declaration.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends PerfMatchers<T> {}
}
