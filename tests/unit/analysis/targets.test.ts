// The suite's targets are thresholds that warn: one setting (PERF_TARGETS) parsed with errors
// naming the item and the fix, evaluated by evaluateThresholds with the spec's own thresholds,
// shown as `warn` when missed, and never failing toMeet (a fail threshold still does).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_TARGETS, parseTargets, targetThresholds, type Target } from '../../helpers/analysis/targets.ts';
import {
  evaluateThresholds,
  failingThresholds,
  formatThresholds,
  thresholdOutcome,
  thresholdsFrom,
  warningThresholds,
} from '../../helpers/analysis/thresholds.ts';
import { parseConfig } from '../../helpers/config/settings.ts';
import { figuresOf, RECORDER, type LoadRun } from '../../helpers/vitest/load.ts';
import '../../helpers/vitest/matchers.ts';
import type { PerfContext } from '../../helpers/vitest/perf-context.ts';
import { SpecRecorder } from '../../helpers/vitest/recorder.ts';
import { resultsOf } from '../report/fixtures.ts';

// 20 requests, 100 to 290 ms, one 500: success rate 95 %.
const results = resultsOf({ latencies: Array.from({ length: 20 }, (_, i) => 100 + i * 10), failures: { 3: 500 } });
const load = results.getSummary();

describe('PERF_TARGETS', () => {
  it("defaults to the contract's target column", () => {
    expect(parseTargets(DEFAULT_TARGETS)).toEqual([
      { metric: 'successRatePercent', op: '>', value: 99 },
      { metric: 'p50Ms', op: '<', value: 500 },
      { metric: 'p95Ms', op: '<', value: 2000 },
      { metric: 'p99Ms', op: '<', value: 5000 },
      { metric: 'throughputPerMinute', op: '>=', value: 100 },
    ]);
    expect(parseConfig({ WEBHOOK_SECRET: 's' }).targets).toEqual(parseTargets(DEFAULT_TARGETS));
  });

  it('reads spaces, every operator, none; the compact form too', () => {
    const targets = parseTargets(' p95Ms < 1_500 , failures==0,maxMs<=9000,throughputPerMinute>50.5 ') as Target[];
    expect(targets).toEqual([
      { metric: 'p95Ms', op: '<', value: 1500 },
      { metric: 'failures', op: '==', value: 0 },
      { metric: 'maxMs', op: '<=', value: 9000 },
      { metric: 'throughputPerMinute', op: '>', value: 50.5 },
    ]);
    expect(parseTargets('p95Ms<1500,failures==0,maxMs<=9000,throughputPerMinute>50.5')).toEqual(targets);
    expect(parseTargets('none')).toEqual([]);
    expect(parseConfig({ WEBHOOK_SECRET: 's', PERF_TARGETS: 'NONE' }).targets).toEqual([]);
  });

  it('refuses what it cannot read, naming the item and the fix', () => {
    expect(parseTargets('p95<2000')).toBe(
      '"p95<2000": p95 is not a metric (did you mean p95Ms?); use one of successRatePercent, p50Ms, p95Ms, p99Ms, maxMs, failures, throughputPerMinute, degradationPercent',
    );
    expect(parseTargets('p95Ms 2000')).toMatch(/^"p95Ms 2000" is not metric, operator and number: write e.g. p95Ms<2000/);
    expect(parseTargets('failures=0')).toBe('"failures=0": write == for equality (failures==0)');
    expect(parseTargets('p95Ms<fast')).toBe('"p95Ms<fast": "fast" is not a number; write e.g. p95Ms<100');
    expect(parseTargets('p95Ms<2000,,p50Ms<500')).toMatch(/^an empty item/);
    expect(parseTargets('p95Ms<2000,p95Ms<3000')).toBe('"p95Ms<3000": p95Ms< is given twice; keep one');
  });

  it('a bad PERF_TARGETS stops the run naming the variable, the value and the fix', () => {
    expect(() => parseConfig({ WEBHOOK_SECRET: 's', PERF_TARGETS: 'p95<2000' })).toThrow(
      /PERF_TARGETS="p95<2000": "p95<2000": p95 is not a metric \(did you mean p95Ms\?\)/,
    );
  });

  it('TARGET_* and ACCEPTABLE_* are retired: an error saying what to write instead', () => {
    expect(() => parseConfig({ WEBHOOK_SECRET: 's', TARGET_P95_MS: '1500' })).toThrow(
      /TARGET_P95_MS is no longer read: the targets are one setting, PERF_TARGETS .*write its p95Ms item as p95Ms<1500/,
    );
    expect(() => parseConfig({ WEBHOOK_SECRET: 's', ACCEPTABLE_SUCCESS_RATE_PERCENT: '90' })).toThrow(
      /ACCEPTABLE_SUCCESS_RATE_PERCENT is no longer read: what is acceptable is what each spec's own thresholds assert/,
    );
  });
});

describe('targets as warn thresholds', () => {
  const targets = parseTargets('successRatePercent>99,p50Ms<500') as Target[];

  it('are thresholds of the phase with severity warn, evaluated with the others', () => {
    expect(targetThresholds(targets, 'load')).toEqual([
      { metric: 'successRatePercent', phase: 'load', op: '>', value: 99, severity: 'warn' },
      { metric: 'p50Ms', phase: 'load', op: '<', value: 500, severity: 'warn' },
    ]);
    const results = evaluateThresholds([{ metric: 'failures', phase: 'load', op: '==', value: 0 }, ...targetThresholds(targets, 'load')], {
      load,
    });
    expect(results.map((r) => [r.metric, r.passed, thresholdOutcome(r)])).toEqual([
      ['failures', false, 'fail'],
      ['successRatePercent', false, 'warn'],
      ['p50Ms', true, 'pass'],
    ]);
    expect(failingThresholds(results).map((r) => r.metric)).toEqual(['failures']);
    expect(warningThresholds(results).map((r) => r.metric)).toEqual(['successRatePercent']);
    expect(formatThresholds(results).split('\n')).toEqual([
      'Thresholds:',
      `  FAIL  ${results[0]!.text}`,
      `  warn  ${results[1]!.text} (warn only)`,
      `  pass  ${results[2]!.text} (warn only)`,
    ]);
  });

  it("a spec's criterion may warn too: ['<', 500, 'warn']; anything else as the third element is refused", () => {
    expect(thresholdsFrom({ p50Ms: ['<', 500, 'warn'], p95Ms: ['<', 900] }, 'load')).toEqual([
      { metric: 'p50Ms', phase: 'load', op: '<', value: 500, severity: 'warn' },
      { metric: 'p95Ms', phase: 'load', op: '<', value: 900 },
    ]);
    expect(thresholdsFrom({ p50Ms: ['<', 500, 'soft'] }, 'load')).toEqual([
      `p50Ms: "soft" is not a severity; write ['<', 500, 'warn'] for a warning only, or leave it out`,
    ]);
  });

  it('a report of an earlier version (no severity) reads as fail', () => {
    expect(thresholdOutcome({ passed: false })).toBe('fail');
    expect(thresholdOutcome({ passed: false, severity: 'warn' })).toBe('warn');
  });
});

describe('toMeet adds the suite targets as warn thresholds', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** A run of `load` recorded by a spec recorder whose settings have `targets` as PERF_TARGETS. */
  function recordedRun(targets: string): { run: LoadRun; recorder: SpecRecorder } {
    dir = mkdtempSync(join(tmpdir(), 'targets-'));
    const url = 'http://127.0.0.1:1/webhook/freshdesk';
    const config = parseConfig({
      WEBHOOK_SECRET: 's',
      PERF_REPORT_DIR: dir,
      PERF_HISTORY: 'none',
      RATE_LIMIT: 'none',
      PERF_TARGETS: targets,
    });
    const stack = { provider: 'external', reason: 'unit test', webhookUrl: url, healthUrl: url, metricsUrl: url, details: {} };
    const context = { config, stack, ticketIdBase: 1000, specSlots: { custom: 1 }, runStartedAt: new Date().toISOString() };
    const recorder = new SpecRecorder('custom', context as unknown as PerfContext, 'targets');
    const summary = recorder.addRun('load', results);
    const run = figuresOf('load', 0, results, summary, []);
    Object.defineProperty(run, RECORDER, { value: recorder });
    return { run, recorder };
  }

  it('negative control: a missed target shows warn and does not fail toMeet; the report keeps it as such', async () => {
    // Success rate 95 % misses the default target (> 99 %); P50 ~200 ms misses p50Ms<1.
    const { run, recorder } = recordedRun(`${DEFAULT_TARGETS.replace('p50Ms<500', 'p50Ms<1')}`);
    expect(run).toMeet({ successRatePercent: ['>=', 90] });
    const { report } = await recorder.finish();
    const rows = report.thresholds!.map((t) => [t.metric, t.severity ?? 'fail', thresholdOutcome(t)]);
    expect(rows).toEqual([
      ['successRatePercent', 'fail', 'pass'],
      ['successRatePercent', 'warn', 'warn'],
      ['p50Ms', 'warn', 'warn'],
      ['p95Ms', 'warn', 'pass'],
      ['p99Ms', 'warn', 'pass'],
      ['throughputPerMinute', 'warn', expect.stringMatching(/pass|warn/)],
    ]);
    expect(report.targets).toBeUndefined(); // the targets table is no longer written
  });

  it("a fail threshold still fails, counted among the spec's own, with the warnings named after it", () => {
    const { run } = recordedRun('p50Ms<1');
    expect(() => expect(run).toMeet({ failures: ['==', 0] })).toThrow(
      /^1 of 1 thresholds failed: load: Failed requests = 0 \(measured 1\); warnings \(not failures\): load: P50 latency < 1 ms/,
    );
  });

  it("the targets are added once per run, after the spec's own criteria", () => {
    const { run, recorder } = recordedRun('p50Ms<1');
    expect(run).toMeet({ successRatePercent: ['>=', 90] });
    expect(run).toMeet({ p95Ms: ['<', 5000] });
    const kept = (recorder as unknown as { thresholdResults: { metric: string }[] }).thresholdResults.map((t) => t.metric);
    expect(kept).toEqual(['successRatePercent', 'p50Ms', 'p95Ms']);
  });

  it('with PERF_TARGETS=none only the spec criteria are evaluated', () => {
    const { run, recorder } = recordedRun('none');
    expect(run).toMeet({ successRatePercent: ['>=', 90] });
    expect((recorder as unknown as { thresholdResults: unknown[] }).thresholdResults).toHaveLength(1);
  });
});
