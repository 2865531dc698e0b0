// The rate limit's matchers on runs built from synthetic samples (the engine's real results and
// summary): absorbed, admitted as the policy says, sane Retry-After; every repetition judged, the
// failure naming the phase, the run, the policy and the figures; the verdicts noted in the report.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../helpers/engine/errors.ts';
import { LoadTestResults } from '../../helpers/engine/results.ts';
import { SampleStore } from '../../helpers/engine/samples.ts';
import type { Sent } from '../../helpers/rate-limit/index.ts';
import { figuresOf, RECORDER, type LoadRun } from '../../helpers/vitest/load.ts';
import '../../helpers/vitest/matchers-rate-limit.ts';

const policy = { limit: 100, windowMs: 60_000 };
const START = Date.parse('2026-01-01T00:00:00.000Z');
/** 50 of ours a second before the phase: surely in the window. */
const fiftyEarlier: Sent[] = Array.from({ length: 50 }, () => [START - 1000, START - 600] as const);

interface Phase {
  /** One status per request: 0 a refused connection, 429 a refusal, 5xx/4xx an HTTP failure, 200 a success. */
  statuses: number[];
  retryAfter?: Record<number, string>;
  endReason?: 'completed' | 'max_duration';
  earlier?: Sent[];
}

function resultsOf({ statuses, retryAfter = {}, endReason = 'completed' }: Phase): LoadTestResults {
  const store = new SampleStore(statuses.length, 1000);
  statuses.forEach((status, i) => {
    store.recordSend(i, 0, 1);
    const code = status === 0 ? ErrorCode.connectionRefused : status === 200 ? ErrorCode.none : ErrorCode.http;
    store.recordEnd(i, 20 + i, status, code);
  });
  const info = {
    url: 'http://127.0.0.1:1/webhook',
    plannedRequests: statuses.length,
    requestsPerSecond: null,
    concurrency: statuses.length,
    ticketIdStart: 1000,
    startedAt: new Date(START).toISOString(),
    durationMs: 20 + statuses.length,
    endReason,
    slotWaits: 0,
  };
  const headers = new Map(Object.entries(retryAfter).map(([i, value]) => [Number(i), { 'retry-after': value }]));
  return new LoadTestResults(info, store, [], [], headers);
}

/** What load() returns for these repetitions (the first is the one returned), optionally with a recorder that keeps notes. */
function runOf(phase: string, repetitions: Phase[], notes?: Record<string, unknown>): LoadRun {
  const runs: LoadRun[] = [];
  repetitions.forEach((p, i) => {
    const results = resultsOf(p);
    runs.push(figuresOf(phase, i, results, results.getSummary(), p.earlier ?? [], runs));
  });
  const run = runs[0]!;
  if (notes !== undefined) {
    const recorder = {
      reportPath: '/tmp/reports/burst.json',
      note: (key: string, value: unknown) => (notes[key] = value),
      warn: (text: string) => (notes.warnings = [...((notes.warnings as string[] | undefined) ?? []), text]),
    };
    Object.defineProperty(run, RECORDER, { value: recorder });
  }
  return run;
}

const statuses = (...groups: [count: number, status: number][]) => groups.flatMap(([count, status]) => Array(count).fill(status));

describe('toBeAbsorbed', () => {
  it('every request answered in time with 200 or 429 passes', () => {
    expect(runOf('burst', [{ statuses: statuses([50, 200], [20, 429]) }])).toBeAbsorbed({ withinMs: 5000 });
  });

  it('negative controls: a 5xx or a refused connection fails, naming the phase and the count', () => {
    const fell = runOf('burst', [{ statuses: statuses([48, 200], [2, 503]) }]);
    expect(() => expect(fell).toBeAbsorbed({ withinMs: 5000 })).toThrow(
      'absorbed within 5000 ms: burst: the service fell over: 5xx answers during the burst: 503 x2',
    );
    const dropped = runOf('burst', [{ statuses: statuses([49, 200], [1, 0]) }]);
    expect(() => expect(dropped).toBeAbsorbed({ withinMs: 5000 })).toThrow(
      'burst: requests of the burst that got no HTTP answer: connection_refused x1',
    );
  });

  it('a run that hit its time bound fails, naming the bound', () => {
    const slow = runOf('burst', [{ statuses: statuses([50, 200]), endReason: 'max_duration' }]);
    expect(() => expect(slow).toBeAbsorbed({ withinMs: 5000 })).toThrow('the burst must finish within 5000 ms: it ended by max_duration');
  });

  it('judges every repetition: one that fell over fails the run, named by its number', () => {
    const run = runOf('burst', [{ statuses: statuses([50, 200]) }, { statuses: statuses([49, 200], [1, 500]) }]);
    expect(() => expect(run).toBeAbsorbed({ withinMs: 5000 })).toThrow('burst, run 2 of 2: the service fell over');
  });
});

describe('toRespectRateLimit', () => {
  it('a correct limiter without Retry-After passes, and its verdict goes into the report', () => {
    const notes: Record<string, unknown> = {};
    const run = runOf('activation', [{ statuses: statuses([50, 200], [20, 429]), earlier: fiftyEarlier }], notes);
    expect(run).toRespectRateLimit(policy);
    expect(run).toHaveSaneRetryAfter({ policy });
    expect(notes.limiter).toMatchObject({ phase: 'activation', ok: true, expectedMax: 50, tolerance: "±1000 ms at the window's edge" });
    expect(notes.recommendations).toEqual([expect.stringContaining('20 answers of 429 carry no Retry-After header')]);
  });

  it('negative control: an over-admitting limiter fails, naming the policy and the admitted count', () => {
    const run = runOf('activation', [{ statuses: statuses([70, 200]), earlier: fiftyEarlier }]);
    expect(() => expect(run).toRespectRateLimit(policy)).toThrow(
      /^the declared policy 100 requests per 60 s \(RATE_LIMIT\): activation: the limiter admitted too many: admitted 120 within 60 s .*at most 50/,
    );
  });

  it('within the budget a 429 is a limiter that fires early, said with the policy', () => {
    const run = runOf('burst', [{ statuses: statuses([35, 200], [15, 429]) }]);
    expect(() => expect(run).toRespectRateLimit(policy)).toThrow(
      'the limiter fired early: 15 of 50 refused with 429 while the declared policy (100 requests per 60 s) left room for all of them',
    );
    expect(runOf('burst', [{ statuses: statuses([50, 200]) }])).toRespectRateLimit(policy);
  });

  it('judges every repetition: a limiter that admits too many once fails', () => {
    const run = runOf('burst', [
      { statuses: statuses([50, 200], [20, 429]), earlier: fiftyEarlier },
      { statuses: statuses([70, 200]), earlier: fiftyEarlier },
    ]);
    expect(() => expect(run).toRespectRateLimit(policy)).toThrow('burst, run 2 of 2: the limiter admitted too many');
  });

  it('RATE_LIMIT=none: every request must be served, and the report says rate limiting was not checked', () => {
    const notes: Record<string, unknown> = {};
    expect(runOf('burst', [{ statuses: statuses([50, 200]) }], notes)).toRespectRateLimit(null);
    expect(notes.rateLimiting).toBe('not checked: RATE_LIMIT=none');
    expect(notes.limiter).toBeUndefined();
    const refused = runOf('burst', [{ statuses: statuses([45, 200], [5, 429]) }]);
    expect(() => expect(refused).toRespectRateLimit(null)).toThrow(
      'burst: 5 of 50 refused with 429 while RATE_LIMIT=none declares no rate limiting',
    );
  });

  it('refuses what load() did not return', () => {
    expect(() => expect({ p95Ms: 1 }).toRespectRateLimit(policy)).toThrow('expected what load() returns');
  });
});

describe('toHaveSaneRetryAfter', () => {
  const refusals = statuses([50, 200], [2, 429]);

  it('sane values pass and are noted under the phase', () => {
    const notes: Record<string, unknown> = {};
    expect(runOf('activation', [{ statuses: refusals, retryAfter: { 50: '5', 51: '9' } }], notes)).toHaveSaneRetryAfter({ policy });
    expect(notes.activationRetryAfter).toEqual({ refused: 2, present: 2, missing: 0, insane: [], values: ['5', '9'] });
  });

  it('a value past the window fails whatever is required, naming the policy and the value', () => {
    const run = runOf('burst', [{ statuses: refusals, retryAfter: { 50: '3600', 51: '5' } }]);
    expect(() => expect(run).toHaveSaneRetryAfter({ policy })).toThrow(
      'burst: Retry-After values that are not whole seconds or a date within the window (100 requests per 60 s): 3600',
    );
  });

  it('a missing header fails when required (REQUIRE_RETRY_AFTER=true)', () => {
    const run = runOf('activation', [{ statuses: refusals, retryAfter: { 50: '5' } }]);
    expect(run).toHaveSaneRetryAfter({ policy });
    expect(() => expect(run).toHaveSaneRetryAfter({ policy, required: true })).toThrow(
      'activation: 429 answers without a Retry-After header (REQUIRE_RETRY_AFTER=true): 1 of 2',
    );
  });
});
