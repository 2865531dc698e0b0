// npm run load past one process: --segment, --start-at, --workers and `merge`, parsed and
// checked before anything is sent; the merge's outcome and Markdown, pure.
import { describe, expect, it } from 'vitest';
import { defaultTicketIdStart } from '#engine';
import { evaluateThresholds } from '../../helpers/analysis/index.ts';
import { mergedOutcome, mergeMarkdown, parseCommandLine, UsageError, type LoadCommand } from '../../helpers/cli/index.ts';
import { latencyRecord, mergeResults, type RunResult } from '../../helpers/merge/index.ts';

const URL = 'http://127.0.0.1:8801/webhook/freshdesk';
const ENV = { WEBHOOK_SECRET: 'the-secret' };

function parse(args: string[]) {
  return parseCommandLine(args, ENV);
}

function run(args: string[]): LoadCommand {
  const command = parse(['--url', URL, ...args]);
  if (command.kind !== 'run') throw new Error('expected a run');
  return command;
}

function usage(args: string[]): UsageError {
  try {
    parse(args);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`no UsageError for ${args.join(' ')}`);
}

describe('--segment, --start-at, --workers', () => {
  const startAt = Date.now() + 60_000;

  it('a segment carries the shared start and the plan’s first ticket id, from the start (the same in every segment)', () => {
    const one = run(['--requests', '100', '--segment', '2/4', '--start-at', String(startAt)]);
    const other = run(['--requests', '100', '--segment', '3/4', '--start-at', String(startAt)]);
    expect(one.options.segment).toEqual({ index: 2, count: 4 });
    expect(one.options.startAt).toBe(startAt);
    expect(one.ticketIdStart).toBe(defaultTicketIdStart(startAt));
    expect(other.ticketIdStart).toBe(one.ticketIdStart);
    expect(one.settings.segment).toBe('2/4');
  });

  it.each([
    [['--segment', '2 of 4'], /--segment "2 of 4": expected I\/N/],
    [['--segment', '5/4', '--start-at', String(Date.now() + 1000)], /the index must be a whole number from 1 to the count \(4\)/],
    [['--segment', '1/2'], /needs --start-at: the segments of one plan start together/],
    [['--start-at', 'soon'], /--start-at "soon": expected epoch milliseconds/],
    [['--start-at', String(Math.floor(Date.now() / 1000) + 60)], /--start-at .*reads as epoch seconds .*multiply it by 1000/],
    [['--workers', '0'], /--workers "0": expected a whole number from 1 to 64/],
    [['--workers', '2', '--segment', '1/2', '--start-at', String(Date.now() + 1000)], /--workers splits the plan into segments itself/],
    [['--requests', '3', '--workers', '4'], /--workers 4: .*would send none/],
    [['--markdown', 'x.md'], /--markdown is for merge/],
    [['--workers', '4', '--concurrency', '2'], /--concurrency "2" with --workers 4: .*each needs at least one/],
  ])('%j is refused, naming the flag', (args, message) => {
    expect(usage(['--url', URL, ...args]).message).toMatch(message);
  });

  it('a start in seconds rather than milliseconds is refused as in the past', () => {
    expect(usage(['--url', URL, '--start-at', String(Math.floor(Date.now() / 1000) + 60)]).flag).toBe('start-at');
  });
});

describe('merge', () => {
  it('takes paths, the threshold flags, --report-dir and --markdown', () => {
    const command = parse(['merge', 'a', 'b/c.result.json', '--max-p95', '2000', '--markdown', 'summary.md']);
    expect(command).toMatchObject({ kind: 'merge', paths: ['a', 'b/c.result.json'], markdown: 'summary.md' });
    expect(command.kind === 'merge' && command.thresholds).toEqual([{ metric: 'p95Ms', phase: 'load', op: '<', value: 2000 }]);
  });

  it('refuses no paths and a load flag, saying what merge takes', () => {
    expect(usage(['merge']).message).toMatch(/give the result files/);
    expect(usage(['merge', 'dir', '--rate', '10/s']).message).toMatch(/merge: unknown flag --rate.*merge takes result paths/);
  });
});

/** A result of `sent` requests, all answered 200 in `latencyMs`, as segment `index` of `count`. */
function result(index: number, count: number, sent: number, latencyMs: number): RunResult {
  const latencies = new Array<number>(sent).fill(latencyMs);
  return {
    format: 'webhook-perf-result',
    version: 1,
    plan: {
      url: URL,
      mode: 'rate',
      totalRequests: sent * count,
      requestsPerSecond: 10,
      stages: null,
      ticketIdStart: 0,
      segments: count,
      startAt: 1,
      answers: null,
    },
    segment: { index, count },
    startedAt: new Date(1).toISOString(),
    planned: sent,
    sent,
    succeeded: sent,
    cancelled: 0,
    durationMs: 1000,
    endReason: 'completed',
    concurrency: 1,
    slotWaits: 0,
    firstDueMs: 0,
    lastDueMs: 900,
    firstSendMs: 0,
    lastSendMs: 900,
    statusCodes: { '200': sent },
    errorClasses: {},
    errors: [],
    responseTimes: latencyRecord(latencies),
    serviceTimes: latencyRecord(latencies),
    lag: latencyRecord(new Array<number>(sent).fill(0)),
    timeline: { sent: [sent], succeeded: [sent], failed: [0] },
    warnings: [],
  };
}

describe('the merged outcome', () => {
  const thresholds = [{ metric: 'p95Ms' as const, phase: 'load', op: '<' as const, value: 100 }];

  it('passes, fails on a threshold, and fails when a segment is missing even though every threshold passed', () => {
    const whole = mergeResults([1, 2].map((i) => ({ source: `s${i}`, result: result(i, 2, 10, 50) })));
    expect(mergedOutcome(whole, evaluateThresholds(thresholds, { load: whole.summary })).exitCode).toBe(0);
    const slow = mergeResults([1, 2].map((i) => ({ source: `s${i}`, result: result(i, 2, 10, 150) })));
    expect(mergedOutcome(slow, evaluateThresholds(thresholds, { load: slow.summary })).exitCode).toBe(1);
    const half = mergeResults([{ source: 's1', result: result(1, 2, 10, 50) }]);
    const outcome = mergedOutcome(half, evaluateThresholds(thresholds, { load: half.summary }));
    expect(outcome).toEqual({ exitCode: 1, verdict: expect.stringMatching(/^INCOMPLETE: 1 of 2 segments have no result \(2\/2\)/) });
  });

  it('fails when a segment was stopped before its end, even though every threshold passed', () => {
    const stopped = { ...result(2, 2, 10, 50), endReason: 'aborted' as const };
    const merged = mergeResults([
      { source: 's1', result: result(1, 2, 10, 50) },
      { source: 's2', result: stopped },
    ]);
    const outcome = mergedOutcome(merged, evaluateThresholds(thresholds, { load: merged.summary }));
    expect(outcome).toEqual({ exitCode: 1, verdict: expect.stringMatching(/^STOPPED: a segment was stopped before its end/) });
  });

  it('refuses parts run with other success rules or payloads', () => {
    const answers = {
      successStatuses: [200],
      successBody: 'any',
      timeoutMs: 30000,
      payload: 'flat',
      signatureHeader: 'X-Freshdesk-Signature',
    };
    const one = { ...result(1, 2, 10, 50), plan: { ...result(1, 2, 10, 50).plan, answers } };
    const two = { ...result(2, 2, 10, 50), plan: { ...result(2, 2, 10, 50).plan, answers: { ...answers, successStatuses: [200, 202] } } };
    expect(() =>
      mergeResults([
        { source: 'a', result: one },
        { source: 'b', result: two },
      ]),
    ).toThrow(/success rule, timeout, payload/);
  });

  it('in Markdown: the verdict, the figures and each threshold', () => {
    const whole = mergeResults([1, 2].map((i) => ({ source: `s${i}`, result: result(i, 2, 10, 50) })));
    const judged = evaluateThresholds(thresholds, { load: whole.summary });
    const text = mergeMarkdown(whole, judged, mergedOutcome(whole, judged));
    expect(text).toMatch(/^## Load test: PASSED/);
    expect(text).toContain('| Requests | 20 sent of 20 planned, 20 succeeded, 0 failed |');
    expect(text).toContain('| P95 latency < 100 ms | 50.00 | passed |');
  });
});
