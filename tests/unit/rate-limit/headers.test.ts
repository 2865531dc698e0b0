// RATE_LIMIT=auto: the policy a service's own headers state, in the forms express-rate-limit,
// the IETF drafts and the X-RateLimit convention send, and a clear reason when they state none.
import { describe, expect, it } from 'vitest';
import { lastWord, planWait, policyFromHeaders, serviceSays } from '../../helpers/rate-limit/index.ts';

const NOW = 1_765_000_000_000;

describe('policyFromHeaders', () => {
  it('reads RateLimit-Policy (draft-6/7, as express-rate-limit sends it) as a fixed window', () => {
    const policy = policyFromHeaders({ 'ratelimit-policy': '100;w=60', ratelimit: 'limit=100, remaining=99, reset=60' }, NOW);
    expect(policy).toMatchObject({ algorithm: 'fixed', limit: 100, windowMs: 60_000 });
    expect(typeof policy !== 'string' && policy.readFrom).toBe(
      'ratelimit-policy: 100;w=60; ratelimit: limit=100, remaining=99, reset=60 (window from w= of its policy)',
    );
    expect(policyFromHeaders({ 'ratelimit-policy': '10;w=1', 'ratelimit-limit': '10' }, NOW)).toMatchObject({ limit: 10, windowMs: 1000 });
  });

  it('reads the draft-8 structured form, quoted names and partition keys included', () => {
    const headers = { 'ratelimit-policy': '"default"; q=50; w=30; pk=:YWJjZGVm:', ratelimit: '"default"; r=49; t=30' };
    expect(policyFromHeaders(headers, NOW)).toMatchObject({ algorithm: 'fixed', limit: 50, windowMs: 30_000 });
  });

  it('without a window, the reset of a fresh window stands for it (X-RateLimit-*, reset as epoch seconds or seconds)', () => {
    const epoch = { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '99', 'x-ratelimit-reset': String(NOW / 1000 + 60) };
    expect(policyFromHeaders(epoch, NOW)).toMatchObject({ limit: 100, windowMs: 60_000 });
    const draft6 = { 'ratelimit-limit': '20', 'ratelimit-remaining': '19', 'ratelimit-reset': '10' };
    expect(policyFromHeaders(draft6, NOW)).toMatchObject({ limit: 20, windowMs: 10_000 });
  });

  it('says why there is no policy: no headers, no window, several policies', () => {
    expect(policyFromHeaders({ 'content-type': 'application/json' }, NOW)).toMatch(/^its answer carried none of the rate-limit headers/);
    const midWindow = { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '42', 'x-ratelimit-reset': '17' };
    expect(policyFromHeaders(midWindow, NOW)).toMatch(/a limit of 100 but not the window .*RATE_LIMIT=fixed:100\/60s/);
    expect(policyFromHeaders({ 'ratelimit-policy': '10;w=1, 100;w=60' }, NOW)).toMatch(/^it states 2 quota policies/);
    expect(policyFromHeaders({ 'ratelimit-remaining': '5' }, NOW)).toMatch(/^its headers state no limit/);
  });
});

describe("the service's own word on its window", () => {
  it('reads remaining and reset from each header form', () => {
    expect(serviceSays({ ratelimit: 'limit=100, remaining=0, reset=7' }, NOW)).toMatchObject({ remaining: 0, resetAtMs: NOW + 7000 });
    expect(serviceSays({ ratelimit: '"default"; r=3; t=12' }, NOW)).toMatchObject({ remaining: 3, resetAtMs: NOW + 12_000 });
    expect(serviceSays({ 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': String(NOW / 1000 + 30) }, NOW)).toMatchObject({
      remaining: 5,
      resetAtMs: NOW + 30_000,
    });
    expect(serviceSays({ 'ratelimit-remaining': '5' }, NOW)).toBeUndefined();
  });

  it("lastWord: the fewest remaining any answer of a run stated, its reset counted from that answer's time", () => {
    const headers = new Map([
      [0, { ratelimit: 'limit=100, remaining=40, reset=9' }],
      [1, { ratelimit: 'limit=100, remaining=0, reset=8' }],
    ]);
    const said = lastWord({
      info: { startedAt: new Date(NOW).toISOString() },
      capturedHeaders: headers,
      sample: (i) => ({ endMs: 100 * (i + 1) }),
    });
    expect(said).toMatchObject({ remaining: 0, resetAtMs: NOW + 200 + 8000 });
  });

  it('planWait waits for the reset the service named when the phase needs more before it than remains (other traffic), and only then', () => {
    const policy = { algorithm: 'fixed' as const, limit: 100, windowMs: 60_000 };
    const said = { remaining: 2, resetAtMs: NOW + 20_000, said: 'ratelimit: limit=100, remaining=2, reset=20' };
    const burst = planWait(policy, [], { requests: 10, ratePerSecond: null }, NOW, 1000, said);
    expect(burst).toMatchObject({ waitMs: 21_000, serviceSaid: said.said });
    expect(planWait(policy, [], { requests: 2, ratePerSecond: null }, NOW, 1000, said)).toMatchObject({ waitMs: 0 });
    expect(planWait(policy, [], { requests: 10, ratePerSecond: null }, NOW, 1000, { ...said, resetAtMs: NOW - 1 })).toMatchObject({
      waitMs: 0,
    });
    expect(planWait(null, [], { requests: 10, ratePerSecond: null }, NOW, 1000, said)).toMatchObject({ waitMs: 0 });
  });
});
