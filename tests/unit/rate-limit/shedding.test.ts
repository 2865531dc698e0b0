// Requests sent at once: their counts, whether they were absorbed, whether they were admitted as
// the policy says (no policy, within the budget, past it), and the size of a phase past the budget.
import { describe, expect, it } from 'vitest';
import { absorptionProblems, activationPlan, judgeShedding, outcomeOf } from '../../helpers/rate-limit/index.ts';
import { MAX_ACTIVATION_REQUESTS, type AbsorbedFigures } from '../../helpers/rate-limit/shedding.ts';
import type { PhaseOutcome } from '../../helpers/rate-limit/verdict.ts';

const policy = { limit: 100, windowMs: 60_000 };
const START = 5_000_000;
/** A phase of `sent` at once: `admitted` of them let in, the rest refused with 429. */
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
/** 50 of ours, sent a second before the phase: surely in the window. */
const burstOf50 = Array.from({ length: 50 }, (): [number, number] => [START - 1000, START - 600]);

describe('outcomeOf', () => {
  it('counts admitted, refused with 429, unanswered and the admitted that failed, with the phase’s wall times', () => {
    const statuses = [200, 200, 429, 429, 429, 0, 500, 400];
    const outcome = outcomeOf({
      info: { startedAt: new Date(START).toISOString(), durationMs: 250 },
      samples: statuses.map((status) => ({ status, ok: status === 200 })),
    });
    expect(outcome).toEqual({
      startMs: START,
      endMs: START + 250,
      sent: 8,
      admitted: 4,
      refused429: 3,
      noAnswer: 1,
      admittedFailures: { 500: 1, 400: 1 },
    });
  });
});

describe('absorptionProblems', () => {
  const absorbed: AbsorbedFigures = {
    endReason: 'completed',
    durationSeconds: 1.2,
    cancelledCount: 0,
    notSentCount: 0,
    statusCodes: { 200: 50, 429: 20 },
    errorClasses: { http_429: 20 },
  };

  it('a phase answered in time with 200 and 429 only is absorbed', () => {
    expect(absorptionProblems(absorbed, 5000, 'burst')).toEqual([]);
  });

  it('a 5xx fails, naming the phase and the count', () => {
    const problems = absorptionProblems({ ...absorbed, statusCodes: { 200: 47, 503: 3 }, errorClasses: { http_503: 3 } }, 5000, 'burst');
    expect(problems).toEqual(['the service fell over: 5xx answers during the burst: 503 x3']);
  });

  it('a request without an HTTP answer fails, naming its error class', () => {
    const problems = absorptionProblems(
      { ...absorbed, statusCodes: { 0: 2, 200: 48 }, errorClasses: { connection_reset: 2 } },
      5000,
      'burst',
    );
    expect(problems).toEqual(['requests of the burst that got no HTTP answer: connection_reset x2']);
  });

  it('a phase answered in full but later than the bound fails, whatever bound the run had', () => {
    expect(absorptionProblems({ ...absorbed, durationSeconds: 20 }, 5000, 'burst')).toEqual([
      'the burst took 20000 ms to be answered, more than 5000 ms',
    ]);
  });

  it('a phase cut off by its time bound fails, naming the bound', () => {
    const cut = { ...absorbed, endReason: 'max_duration', cancelledCount: 4, notSentCount: 1, errorClasses: { aborted: 4 } };
    expect(absorptionProblems(cut, 5000, 'burst')).toEqual([
      'the burst must finish within 5000 ms: it ended by max_duration',
      '5 requests of the burst cut off by the time bound of 5000 ms',
      'requests of the burst that got no HTTP answer: aborted x4',
    ]);
  });
});

describe('judgeShedding', () => {
  it('past the budget, a limiter that keeps the policy passes with the limiter verdict', () => {
    const verdict = judgeShedding(policy, burstOf50, phase(50));
    expect(verdict).toMatchObject({ kind: 'past the budget', ok: true, problems: [] });
    expect(verdict.limiter).toMatchObject({ expectedMin: 50, expectedMax: 50, earlierInWindow: 50 });
    expect(verdict.summary).toMatch(
      /^sent 70 past the budget: admitted 50, refused 20 with 429; the policy 100 requests per 60 s \(RATE_LIMIT=100\/60s\) allows 50/,
    );
  });

  it('negative control: a limiter that admits everything fails, naming the policy and the admitted count', () => {
    const verdict = judgeShedding(policy, burstOf50, phase(70));
    expect(verdict.ok).toBe(false);
    expect(verdict.problems[0]).toMatch(
      /^the limiter admitted too many: admitted 120 within 60 s .*the declared policy is 100 requests per 60 s \(RATE_LIMIT=100\/60s\)/,
    );
  });

  it('past the budget, an admitted request answered with another failure fails, a 5xx once (the limiter verdict names it)', () => {
    const served = judgeShedding(policy, burstOf50, phase(50, 70, { admittedFailures: { 400: 2 } }));
    expect(served.problems).toEqual(['admitted requests answered with a failure other than 429: 400 x2']);
    const fell = judgeShedding(policy, burstOf50, phase(50, 70, { admittedFailures: { 500: 2 } }));
    expect(fell.problems).toEqual(['answers of 500 x2: the service must refuse excess requests with 429, never 5xx']);
  });

  it('within the budget every request must be admitted: a 429 is a limiter that fires early, said with the policy', () => {
    expect(judgeShedding(policy, [], phase(50, 50))).toMatchObject({ kind: 'within the budget', ok: true, problems: [] });
    const early = judgeShedding(policy, [], phase(35, 50));
    expect(early.kind).toBe('within the budget');
    expect(early.problems).toEqual([
      'the limiter fired early: 15 of 50 refused with 429 while the declared policy (100 requests per 60 s) left room for all of them (0 earlier requests of this suite in the window)',
    ]);
  });

  it('within the budget the admitted must be served, and every request answered', () => {
    const verdict = judgeShedding(policy, [], phase(48, 50, { refused429: 0, noAnswer: 2, admittedFailures: { 200: 1 } }));
    expect(verdict.problems).toEqual([
      '2 requests got no HTTP answer (dropped connections, resets or timeouts): excess requests must be refused with 429',
      'admitted requests answered with a failure other than 429: 200 x1',
    ]);
  });

  it('without a policy (RATE_LIMIT=none) every request must be served, and it says rate limiting was not checked', () => {
    const fine = judgeShedding(null, burstOf50, phase(50, 50));
    expect(fine).toMatchObject({ kind: 'no limit declared', ok: true });
    expect(fine.summary).toMatch(/^rate limiting was not checked: RATE_LIMIT=none/);
    const refused = judgeShedding(null, [], phase(40, 50, { admittedFailures: { 503: 1 } }));
    expect(refused.problems).toEqual([
      '10 of 50 refused with 429 while RATE_LIMIT=none declares no rate limiting',
      'admitted requests answered with a failure other than 429: 503 x1',
    ]);
  });
});

describe('activationPlan', () => {
  it('the room left in the window plus max(10, limit / 5), counted from the send times', () => {
    // 50 of ours in the window: 50 left, plus 20 past the budget.
    expect(activationPlan(policy, burstOf50, START)).toEqual({ requests: 70, overshoot: 20 });
    // An empty window: the whole limit plus 20.
    expect(activationPlan(policy, [], START)).toEqual({ requests: 120, overshoot: 20 });
    // A small limit still goes 10 past it; a full window sends the overshoot alone.
    expect(activationPlan({ limit: 5, windowMs: 10_000 }, burstOf50, START)).toEqual({ requests: 10, overshoot: 10 });
  });

  it('a request sent a window ago no longer counts (the fewest that can still be in it)', () => {
    const old: [number, number][] = [[START - 60_000, START - 59_000]];
    expect(activationPlan(policy, old, START).requests).toBe(120);
  });

  it(`a policy that would need more than ${MAX_ACTIVATION_REQUESTS} requests says why it is not sent, naming the policy`, () => {
    const plan = activationPlan({ limit: 5000, windowMs: 60_000 }, [], START);
    expect(plan.requests).toBe(6000);
    expect(plan.tooLarge).toBe(
      `the policy (5000 requests per 60 s) would need 6000 requests at once, over this spec's bound of ${MAX_ACTIVATION_REQUESTS}`,
    );
  });
});
