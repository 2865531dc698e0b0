// RATE_LIMIT=auto: the policy a service's own headers state, in the forms express-rate-limit,
// the IETF drafts and the X-RateLimit convention send, and a clear reason when they state none.
import { describe, expect, it } from 'vitest';
import { policyFromHeaders } from '../../helpers/rate-limit/index.ts';

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
