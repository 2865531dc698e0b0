// The judgements on the service's own metrics: its success_count against the
// client's successes, its memory growth, its Freshdesk pool after a load.
import { describe, expect, it } from 'vitest';
import { memoryGrowth, poolLeftovers, reconcileSuccessCount } from '../../helpers/analysis/index.ts';

describe('reconcileSuccessCount', () => {
  it('agrees when success_count grew by exactly the successes the client saw', () => {
    const r = reconcileSuccessCount(100, 120, 20);
    expect(r).toMatchObject({ serverGrowth: 20, clientSuccesses: 20, difference: 0, agrees: true });
    expect(r.text).toBe('success_count went 100 -> 120 (+20); the client saw 20 successes');
  });

  it('a server that counts a request twice disagrees, and says it counted more', () => {
    const r = reconcileSuccessCount(100, 122, 20);
    expect(r).toMatchObject({ difference: 2, agrees: false });
    expect(r.text).toContain('success_count went 100 -> 122 (+22)');
    expect(r.text).toContain('counted 2 more than the client saw answered as success');
  });

  it('a server that drops requests disagrees, and says it counted fewer', () => {
    const r = reconcileSuccessCount(100, 117, 20);
    expect(r).toMatchObject({ difference: -3, agrees: false });
    expect(r.text).toContain('counted 3 fewer than the client saw answered as success');
  });

  it('a counter that went backwards (a restarted server) disagrees', () => {
    const r = reconcileSuccessCount(100, 5, 20);
    expect(r).toMatchObject({ serverGrowth: -95, agrees: false });
    expect(r.text).toContain('(-95)');
  });
});

describe('memoryGrowth', () => {
  it('gives the growth in MB (2^20 bytes) and a line with both figures', () => {
    const g = memoryGrowth(80 * 2 ** 20, 84.5 * 2 ** 20);
    expect(g.growthMb).toBeCloseTo(4.5, 10);
    expect(g.text).toBe('Server RSS: 80.0 MB -> 84.5 MB (+4.5 MB)');
  });

  it('a shrinking RSS is a negative growth', () => {
    const g = memoryGrowth(90 * 2 ** 20, 85 * 2 ** 20);
    expect(g.growthMb).toBeCloseTo(-5, 10);
    expect(g.text).toBe('Server RSS: 90.0 MB -> 85.0 MB (-5.0 MB)');
  });
});

describe('poolLeftovers', () => {
  it('an idle pool: nothing pending, nothing running', () => {
    const p = poolLeftovers({ connected: 2, pending: 0, running: 0, size: 10 });
    expect(p).toEqual({ idle: true, leftovers: [], text: 'Freshdesk pool: connected 2, pending 0, running 0, size 10' });
  });

  it('requests still queued or running are left over, each named', () => {
    const p = poolLeftovers({ connected: 10, pending: 3, running: 1, size: 10 });
    expect(p.idle).toBe(false);
    expect(p.leftovers).toEqual(['3 requests queued for a Freshdesk connection (pending)', '1 Freshdesk requests still running (running)']);
  });

  it('a pool without its pending or running figure cannot be shown idle', () => {
    const p = poolLeftovers({ connected: 1, size: 10 });
    expect(p.idle).toBe(false);
    expect(p.leftovers).toEqual(['freshdesk_pool.pending is missing', 'freshdesk_pool.running is missing']);
    expect(p.text).toBe('Freshdesk pool: connected 1, pending n/a, running n/a, size 10');
  });
});
