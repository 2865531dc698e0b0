// The limiter verdict: too many admitted, fired early, 5xx and dropped connections, and the edge tolerance.
import { describe, expect, it } from 'vitest';
import { EDGE_MARGIN_MS } from '../../helpers/rate-limit/planner.ts';
import { judgeLimiter, type PhaseOutcome } from '../../helpers/rate-limit/verdict.ts';

const policy = { limit: 100, windowMs: 60_000 };
const START = 5_000_000;
const phase = (admitted: number, sent = 70, extra: Partial<PhaseOutcome> = {}): PhaseOutcome => ({
  startMs: START,
  endMs: START + 500,
  sent,
  admitted,
  refused429: sent - admitted,
  noAnswer: 0,
  admittedFailures: {},
  ...extra,
});
const burstOf50 = Array.from({ length: 50 }, (): [number, number] => [START - 1000, START - 600]);

describe('judgeLimiter', () => {
  it('a limiter that keeps the policy: 50 earlier in the window, 50 of 70 admitted, 20 refused with 429', () => {
    const verdict = judgeLimiter(policy, burstOf50, phase(50));
    expect(verdict).toMatchObject({ ok: true, expectedMin: 50, expectedMax: 50, earlierInWindow: 50, edgeTolerance: 0, problems: [] });
    expect(verdict.summary).toBe(
      'sent 70 past the budget: admitted 50, refused 20 with 429; the policy 100 requests per 60 s (RATE_LIMIT=100/60s) allows 50 (50 earlier requests counted, tolerance 0 at its edge)',
    );
  });

  it('a limiter that admits everything fails, naming the policy and the admitted count', () => {
    const verdict = judgeLimiter(policy, burstOf50, phase(70));
    expect(verdict.ok).toBe(false);
    expect(verdict.problems[0]).toContain('admitted 120 within 60 s');
    expect(verdict.problems[0]).toContain('the declared policy is 100 requests per 60 s');
  });

  it('a limiter that fires early fails too', () => {
    const verdict = judgeLimiter(policy, burstOf50, phase(30));
    expect(verdict.problems).toHaveLength(1);
    expect(verdict.problems[0]).toMatch(
      /^the limiter fired early: admitted 30 of 70 while the declared policy 100 requests per 60 s \(RATE_LIMIT=100\/60s\) left room for 50/,
    );
  });

  it('requests at the window edge widen the admitted range by one each', () => {
    // 10 of ours sent about one window before the phase: they may or may not still be in the service's window.
    const edge = Array.from({ length: 10 }, (): [number, number] => [
      START - policy.windowMs + EDGE_MARGIN_MS / 2,
      START - policy.windowMs + EDGE_MARGIN_MS,
    ]);
    const earlier = [...edge, ...burstOf50];
    expect(judgeLimiter(policy, earlier, phase(45))).toMatchObject({
      ok: true,
      expectedMin: 40,
      expectedMax: 50,
      earlierInWindow: 50,
      edgeTolerance: 10,
    });
    for (const admitted of [40, 50]) expect(judgeLimiter(policy, earlier, phase(admitted)).ok).toBe(true);
    for (const admitted of [39, 51]) expect(judgeLimiter(policy, earlier, phase(admitted)).ok).toBe(false);
  });

  it('judges from both ends of each earlier request: sent (surely in) and answered (possibly in)', () => {
    // Sent long enough ago to have left, but answered late: the service may have stamped it late.
    const slow = Array.from({ length: 10 }, (): [number, number] => [START - policy.windowMs - 5000, START - policy.windowMs + 200]);
    expect(judgeLimiter(policy, [...slow, ...burstOf50], phase(40))).toMatchObject({
      ok: true,
      expectedMin: 40,
      expectedMax: 50,
      edgeTolerance: 10,
    });
    // Requests sent after the phase began are not earlier requests.
    expect(judgeLimiter(policy, [[START + 100, START + 200]], phase(70, 70)).ok).toBe(true);
  });

  it('excess answered with 5xx, or dropped, fails whatever the counts', () => {
    const errors = judgeLimiter(policy, burstOf50, phase(50, 70, { refused429: 10, admittedFailures: { 503: 10 }, admitted: 60 }));
    expect(errors.problems.join('\n')).toContain('503 x10: the service must refuse excess requests with 429, never 5xx');
    const dropped = judgeLimiter(policy, burstOf50, phase(50, 70, { refused429: 15, noAnswer: 5 }));
    expect(dropped.problems).toEqual([
      '5 requests got no HTTP answer (dropped connections, resets or timeouts): excess requests must be refused with 429',
    ]);
  });
});
