// When a phase may start: a fake clock and made-up send times, no sleeping.
import { describe, expect, it } from 'vitest';
import { planWait } from '../../helpers/rate-limit/index.ts';
import { EDGE_MARGIN_MS, inWindow } from '../../helpers/rate-limit/planner.ts';

const policy = { limit: 100, windowMs: 60_000 };
const NOW = 1_000_000;
/** `count` sends, `gapMs` apart, the last at `lastMs`. */
function sends(count: number, gapMs: number, lastMs: number): number[] {
  return Array.from({ length: count }, (_, i) => lastMs - (count - 1 - i) * gapMs);
}

describe('planWait', () => {
  it('starts at once with an empty window, or without a policy', () => {
    expect(planWait(policy, [], { requests: 100, ratePerSecond: 100 / 60 }, NOW)).toMatchObject({
      waitMs: 0,
      startAtMs: NOW,
      inWindowNow: 0,
    });
    expect(planWait(null, sends(500, 10, NOW), { requests: 50, ratePerSecond: null }, NOW).waitMs).toBe(0);
  });

  it('a burst of 50 after 100 paced requests waits until 51 of them have left the window (plus the edge margin)', () => {
    const past = sends(100, 600, NOW); // 100 at 100/min, the last just now
    const plan = planWait(policy, past, { requests: 50, ratePerSecond: null }, NOW);
    // Room for 50 means at most 50 of ours in the window: the 51st most recent, sent 30 s ago, must leave.
    expect(plan.waitMs).toBe(60_000 - 30_000 + EDGE_MARGIN_MS);
    expect(plan.inWindowNow).toBe(100);
    expect(inWindow(past, plan.startAtMs, policy)).toBe(50);
  });

  it('a paced phase at the policy rate right after another needs only the edge margin', () => {
    const past = sends(100, 600, NOW - 600); // standard ended one interval ago
    const plan = planWait(policy, past, { requests: 200, ratePerSecond: 100 / 60 }, NOW);
    expect(plan.waitMs).toBe(EDGE_MARGIN_MS);
    expect(plan.atEdge).toBe(true); // 100/min for 200 requests sits at the edge of 100 per 60 s
    expect(plan.overLimitByPlan).toBe(0);
  });

  it('every request of the plan finds room: the ledger after the wait never exceeds the limit', () => {
    const past = [...sends(60, 100, NOW - 20_000), ...sends(30, 10, NOW)];
    const rate = 2;
    const phase = { requests: 80, ratePerSecond: rate };
    const plan = planWait(policy, past, phase, NOW);
    for (let i = 0; i < phase.requests; i++) {
      const t = plan.startAtMs + (i * 1000) / rate;
      const own = Array.from({ length: i }, (_, j) => plan.startAtMs + (j * 1000) / rate).filter((s) => s > t - policy.windowMs).length;
      expect(inWindow(past, t, policy) + own).toBeLessThan(policy.limit);
    }
    // ...and starting a second earlier would break that for some request.
    const earlier = plan.startAtMs - 1000;
    const broken = Array.from({ length: phase.requests }, (_, i) => i).some((i) => {
      const t = earlier + (i * 1000) / rate;
      const own = Math.min(i, Math.floor(((policy.windowMs - 1) * rate) / 1000));
      return inWindow(past, t, policy) + own >= policy.limit;
    });
    expect(broken).toBe(true);
  });

  it('a plan over the policy by itself is said so, and its waits stay bounded by the window', () => {
    const plan = planWait(policy, sends(100, 1, NOW), { requests: 150, ratePerSecond: null }, NOW);
    expect(plan.overLimitByPlan).toBe(50);
    expect(plan.waitMs).toBeLessThanOrEqual(policy.windowMs + EDGE_MARGIN_MS);
  });

  it('a time later than now (a clock stepped back) counts as now: the wait stays bounded by the window', () => {
    const future = Array.from({ length: 100 }, () => NOW + 3_600_000);
    expect(planWait(policy, future, { requests: 1, ratePerSecond: null }, NOW).waitMs).toBe(policy.windowMs + EDGE_MARGIN_MS);
  });

  it('a plan is at the edge only when its own requests leave less than the margin of slack', () => {
    expect(planWait(policy, [], { requests: 200, ratePerSecond: 100 / 60 }, NOW).atEdge).toBe(true);
    expect(planWait(policy, [], { requests: 200, ratePerSecond: 90 / 60 }, NOW).atEdge).toBe(false);
    expect(planWait(policy, [], { requests: 100, ratePerSecond: null }, NOW)).toMatchObject({ atEdge: false, overLimitByPlan: 0 });
    expect(planWait(policy, [], { requests: 101, ratePerSecond: null }, NOW).overLimitByPlan).toBe(1);
  });

  it('sends older than the window and its margin do not count', () => {
    const old = sends(100, 1, NOW - policy.windowMs - EDGE_MARGIN_MS);
    expect(planWait(policy, old, { requests: 100, ratePerSecond: null }, NOW).waitMs).toBe(0);
    expect(inWindow(old, NOW, policy)).toBe(0);
    expect(inWindow(sends(30, 1, NOW), NOW, policy)).toBe(30);
  });
});
