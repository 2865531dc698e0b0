// The fixed window and the token bucket: the bucket against nginx's own arithmetic, the planner's
// waits and the limiter verdict for each, with the limiters that admit more as negative controls.
import { describe, expect, it } from 'vitest';
import { activationPlan, judgeShedding, parseRateLimit, planWait, type RateLimitPolicy } from '../../helpers/rate-limit/index.ts';
import { bucketNeeds, tokensAt } from '../../helpers/rate-limit/bucket.ts';
import { earlierInFixedWindow } from '../../helpers/rate-limit/fixed-window.ts';
import { judgeLimiter, type PhaseOutcome } from '../../helpers/rate-limit/verdict.ts';

const policyOf = (text: string) => parseRateLimit(text) as RateLimitPolicy;
const nginx = policyOf('bucket:20@2/s');
const fixed = policyOf('fixed:100/60s');
const START = 50_000_000;
const phase = (admitted: number, sent: number, durationMs = 200): PhaseOutcome => ({
  startMs: START,
  endMs: START + durationMs,
  sent,
  admitted,
  refused429: sent - admitted,
  noAnswer: 0,
  admittedFailures: {},
});
const at = (ms: number, n: number, answeredAfter = 100): [number, number][] =>
  Array.from({ length: n }, (): [number, number] => [ms, ms + answeredAfter]);

/** nginx's limit_req (ngx_http_limit_req_lookup) for one key: excess in thousandths, rate per ms, nodelay. */
function nginxAdmits(ratePerSecond: number, burst: number, arrivalsMs: readonly number[]): boolean[] {
  const rate = ratePerSecond * 1000; // thousandths of a request per second
  let excess = 0;
  let last: number | undefined;
  return arrivalsMs.map((now) => {
    if (last === undefined) {
      last = now; // a new node: excess 0, admitted
      return true;
    }
    const ms = Math.max(0, now - last);
    const next = Math.max(0, excess - Math.floor((rate * ms) / 1000) + 1000);
    if (next > burst * 1000) return false;
    excess = next;
    last = now;
    return true;
  });
}

describe('the token bucket is nginx limit_req', () => {
  it('admits burst + 1 at once from rest (21 of 30 for burst=20), as nginx does', () => {
    const arrivals = Array.from({ length: 30 }, () => 1000);
    expect(nginxAdmits(2, 20, arrivals).filter(Boolean)).toHaveLength(21);
    expect(Math.floor(tokensAt(nginx, [], 1000))).toBe(21);
  });

  it('admits what nginx admits over random arrivals (500 requests, 3 seeds)', () => {
    for (const seed of [1, 2, 3]) {
      let x = seed;
      const random = () => (x = (x * 48271) % 2147483647) / 2147483647;
      let t = 0;
      const arrivals = Array.from({ length: 500 }, () => (t += Math.floor(random() < 0.7 ? random() * 50 : random() * 2000)));
      const expected = nginxAdmits(2, 20, arrivals);
      const admitted: number[] = [];
      const ours = arrivals.map((now) => {
        const ok = tokensAt(nginx, admitted, now, false) >= 1 - 1e-9;
        if (ok) admitted.push(now);
        return ok;
      });
      const differ = ours.filter((ok, i) => ok !== expected[i]).length;
      expect(differ, `seed ${seed}`).toBeLessThanOrEqual(2); // nginx rounds the refill down to whole thousandths
      expect(expected.filter(Boolean).length).toBeLessThan(500); // the arrivals do meet the limit
    }
  });

  it('what a phase needs of the bucket: all at once, its size; at the refill rate, one token', () => {
    expect(
      bucketNeeds(
        nginx,
        Array.from({ length: 21 }, () => 0),
      ),
    ).toEqual({ tokens: 21, overLimitByPlan: 0 });
    expect(
      bucketNeeds(
        nginx,
        Array.from({ length: 50 }, () => 0),
      ),
    ).toEqual({ tokens: 21, overLimitByPlan: 29 });
    expect(
      bucketNeeds(
        nginx,
        Array.from({ length: 100 }, (_, i) => i * 600),
      ),
    ).toEqual({ tokens: 1, overLimitByPlan: 0 });
  });
});

describe('planWait for a token bucket', () => {
  it('waits until the bucket holds what the phase needs, counted from our requests as late as they were answered', () => {
    const past = Array.from({ length: 21 }, () => START - 100); // the bucket emptied 100 ms ago
    const burst = planWait(nginx, past, { requests: 21, ratePerSecond: null }, START);
    // Counted as taken at their answer plus the 1 s margin (at most now): 21 tokens at 2/s from empty.
    expect(burst.waitMs).toBe(10_500);
    const paced = planWait(nginx, past, { requests: 10, ratePerSecond: 100 / 60 }, START);
    expect(paced.waitMs).toBe(500); // one token is enough at 100/min (under 2/s)
    const rested = planWait(nginx, [], { requests: 21, ratePerSecond: null }, START);
    expect(rested).toMatchObject({ waitMs: 0, overLimitByPlan: 0, atEdge: true });
    expect(planWait(nginx, [], { requests: 30, ratePerSecond: null }, START)).toMatchObject({ waitMs: 0, overLimitByPlan: 9 });
  });
});

describe('judgeLimiter for a token bucket', () => {
  it('from rest: nginx (21 of 50) passes; 20 (fired early) and 31 (a burst of 30 configured) fail, naming the bucket', () => {
    expect(judgeLimiter(nginx, [], phase(21, 50))).toMatchObject({ ok: true, expectedMin: 21 });
    const early = judgeLimiter(nginx, [], phase(20, 50));
    expect(early.problems[0]).toMatch(
      /^the limiter fired early: admitted 20 of 50 .*a token bucket of 21 \(burst 20\) refilled at 2\/s \(RATE_LIMIT=bucket:20@2\/s\)/,
    );
    const loose = judgeLimiter(nginx, [], phase(31, 50));
    expect(loose.ok).toBe(false);
    expect(loose.problems[0]).toMatch(
      /^the limiter admitted too many: admitted 31 of 50 sent at once while its bucket held at most 2\d tokens .*RATE_LIMIT=bucket:20@2\/s/,
    );
  });

  it('after our earlier requests: only the refill since counts', () => {
    const earlier = at(START - 2000, 21, 50); // emptied 2 s before: 4 tokens back, and the phase's refill
    const verdict = judgeLimiter(nginx, earlier, phase(4, 20));
    expect(verdict.ok).toBe(true);
    // At most: taken 1 s earlier still (the margin), refilled over the phase's 200 ms: 6 + 0.4.
    expect(verdict).toMatchObject({ expectedMin: 1, expectedMax: 6 });
    expect(judgeLimiter(nginx, earlier, phase(15, 20)).ok).toBe(false);
  });

  it('the burst spec: a burst over the bucket is judged past the budget, and an activation sized on the tokens back', () => {
    expect(judgeShedding(nginx, [], phase(21, 50))).toMatchObject({ kind: 'past the budget', ok: true });
    expect(judgeShedding(nginx, [], phase(50, 50))).toMatchObject({ kind: 'past the budget', ok: false });
    // 2 tokens back, max(10, 21 / 5), and 2 s of refill: past what the bucket can admit while it is answered.
    expect(activationPlan(nginx, at(START - 1000, 21), START).requests).toBe(2 + 10 + 4);
  });
});

describe('a fixed window', () => {
  it('counts our earlier requests since the window started: after a silence, the first request starts it', () => {
    const earlier = [...at(START - 200_000, 5), ...at(START - 1000, 50)]; // a silence of over a window, then 50
    expect(earlierInFixedWindow(fixed, earlier, { startMs: START, endMs: START + 200 }, 1000)).toEqual({ count: 50, mayRestart: false });
    // The phase surely after that window ended: a new window, nothing of ours in it.
    expect(earlierInFixedWindow(fixed, earlier, { startMs: START + 61_000, endMs: START + 61_200 }, 1000)).toEqual({
      count: 0,
      mayRestart: false,
    });
    // The phase at the window's end: it may end during the phase.
    expect(earlierInFixedWindow(fixed, earlier, { startMs: START + 58_800, endMs: START + 59_200 }, 1000)).toEqual({
      count: 0,
      mayRestart: true,
    });
    // The first entry of the ledger is not known to start a window: unknown counts as none, and may restart.
    expect(earlierInFixedWindow(fixed, at(START - 1000, 50), { startMs: START, endMs: START + 200 }, 1000)).toEqual({
      count: 0,
      mayRestart: true,
    });
    // After a silence longer than a window, the phase starts one.
    expect(earlierInFixedWindow(fixed, at(START - 100_000, 50), { startMs: START, endMs: START + 200 }, 1000)).toEqual({
      count: 0,
      mayRestart: false,
    });
  });

  it('follows the windows along continuous traffic, and gives up (counts none) at a request either side of an end', () => {
    const probe = at(START - 300_000, 1);
    const first = at(START - 100_000, 30); // starts a window at -100 s, ending at -40 s
    const second = at(START - 30_000, 20); // surely after it: starts the next, ending at +30 s
    expect(earlierInFixedWindow(fixed, [...probe, ...first, ...second], { startMs: START, endMs: START + 200 }, 1000)).toEqual({
      count: 20,
      mayRestart: false,
    });
    const edge = at(START - 40_300, 1); // within the margin of the first window's end
    expect(earlierInFixedWindow(fixed, [...probe, ...first, ...edge, ...second], { startMs: START, endMs: START + 200 }, 1000)).toEqual({
      count: 0,
      mayRestart: true,
    });
  });

  it('judgeLimiter: the same window admits the rest of the limit; a sliding limiter passes it too; 2x the limit fails', () => {
    const earlier = [...at(START - 200_000, 1), ...at(START - 1000, 50)];
    expect(judgeLimiter(fixed, earlier, phase(50, 60))).toMatchObject({ ok: true, expectedMin: 50, expectedMax: 50 });
    const loose = judgeLimiter(fixed, earlier, phase(60, 60));
    expect(loose.problems[0]).toMatch(/admitted 110 within 60 s .*a fixed window of 100 requests per 60 s \(RATE_LIMIT=fixed:100\/60s\)/);
    // 50 sent 30 s ago in a window that began 70 s ago: a fixed window has restarted since and admits
    // the whole limit; a sliding window still holds the 50.
    const old = [...at(START - 200_000, 1), ...at(START - 70_000, 1), ...at(START - 30_000, 50)];
    const restarted = judgeLimiter(fixed, old, phase(100, 120, 2000));
    expect(restarted).toMatchObject({ ok: true, expectedMax: 100 });
    expect(judgeLimiter(policyOf('100/60s'), old, phase(100, 120, 2000)).ok).toBe(false);
  });

  it('a window that may end during the phase: a correct limiter admitting the rest and a new window passes', () => {
    // 50 sent at once, the window begun by them; 120 sent right at its end: 50 + up to 100 more.
    const earlier = [...at(START - 200_000, 1), ...at(START - 60_000 + 100, 50, 300)];
    const verdict = judgeLimiter(fixed, earlier, phase(120, 120, 300));
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.expectedMax).toBeGreaterThanOrEqual(120);
  });
});
