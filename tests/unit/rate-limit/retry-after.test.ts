// Retry-After on a phase's 429 answers: sane, missing (recommended, or required), too long or
// unreadable; and how long a client that honours it waits.
import { describe, expect, it } from 'vitest';
import { judgeRetryAfter, retryAfterWaitS } from '../../helpers/rate-limit/index.ts';
import { retryAfterSeconds } from '../../helpers/rate-limit/retry-after.ts';

const policy = { limit: 100, windowMs: 10_000 };
const NOW = Date.parse('Fri, 27 Nov 2026 10:00:00 GMT');

/** Answers with these statuses; `headers` gives the Retry-After of some of them, by index. */
function answers(statuses: number[], headers: Record<number, string> = {}) {
  return {
    samples: statuses.map((status, index) => ({ index, status })),
    capturedHeaders: new Map(Object.entries(headers).map(([index, value]) => [Number(index), { 'retry-after': value }])),
  };
}

describe('retryAfterSeconds', () => {
  it('reads delta-seconds and HTTP dates, NaN otherwise', () => {
    expect(retryAfterSeconds('7')).toBe(7);
    expect(retryAfterSeconds('1')).toBe(1);
    expect(retryAfterSeconds(' 120 ')).toBe(120);
    expect(retryAfterSeconds('Fri, 27 Nov 2026 10:00:30 GMT', NOW)).toBe(30);
    expect(retryAfterSeconds('Fri, 27 Nov 2026 09:00:00 GMT', NOW)).toBe(0);
    expect(retryAfterSeconds('soon')).toBeNaN();
    expect(retryAfterSeconds('-1')).toBeNaN();
  });
});

describe('judgeRetryAfter', () => {
  it('sane values within the window pass and are counted', () => {
    const judged = judgeRetryAfter(answers([200, 429, 429], { 1: '3', 2: 'Fri, 27 Nov 2026 10:00:05 GMT' }), policy, { nowMs: NOW });
    expect(judged).toMatchObject({ refused: 2, present: 2, missing: 0, insane: [], problems: [], seconds: [3, 5] });
    expect(judged.advice).toBeUndefined();
    expect(judged.summary).toBe('Retry-After on 2 of 2 answers of 429 (values: 3, Fri, 27 Nov 2026 10:00:05 GMT)');
  });

  it('a missing header is a recommendation, not a failure, unless required (REQUIRE_RETRY_AFTER=true)', () => {
    const bare = answers([429, 429, 200]);
    const recommended = judgeRetryAfter(bare, policy);
    expect(recommended.problems).toEqual([]);
    expect(recommended.advice).toMatch(/^2 answers of 429 carry no Retry-After header; RFC 9110 recommends one/);
    const required = judgeRetryAfter(bare, policy, { required: true });
    expect(required.problems).toEqual(['429 answers without a Retry-After header (REQUIRE_RETRY_AFTER=true): 2 of 2']);
    expect(required.advice).toBeUndefined();
  });

  it('a value longer than the window (1 s of slack) or unreadable fails whatever is required, naming the policy', () => {
    const judged = judgeRetryAfter(answers([429, 429, 429, 429], { 0: '11', 1: '12', 2: 'soon', 3: '3600' }), policy, { nowMs: NOW });
    expect(judged.insane).toEqual(['12', 'soon', '3600']);
    expect(judged.problems).toEqual([
      'Retry-After values that are not whole seconds or a date within the window (100 requests per 10 s): 12, soon, 3600',
    ]);
  });

  it('no 429 at all: nothing to judge', () => {
    expect(judgeRetryAfter(answers([200, 200]), policy)).toMatchObject({ refused: 0, present: 0, missing: 0, problems: [] });
  });
});

describe('retryAfterWaitS', () => {
  const judged = (headers: Record<number, string>, statuses = [429, 429]) =>
    judgeRetryAfter(answers(statuses, headers), policy, { nowMs: NOW });

  it('the longest value, when every 429 of every phase carried a sane one', () => {
    expect(retryAfterWaitS([judged({ 0: '2', 1: '4' }), judged({ 0: '7', 1: '1' })], policy)).toBe(7);
  });

  it('nothing to honour: no 429, a missing header, or a value past the window', () => {
    expect(retryAfterWaitS([judged({}, [200])], policy)).toBeNull();
    expect(retryAfterWaitS([judged({ 0: '2' })], policy)).toBeNull();
    expect(retryAfterWaitS([judged({ 0: '2', 1: '3600' })], policy)).toBeNull();
  });
});
