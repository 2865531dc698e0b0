// Summaries read back from JSON reports: the current names, and those of earlier versions.
import { describe, expect, it } from 'vitest';
import { readSummaries } from '../../helpers/engine/summary.ts';

describe('readSummaries', () => {
  it('renames the fields of a summary written before the rename, and adds completedRequests', () => {
    const legacy = { totalRequests: 90, plannedRequests: 100, cancelledCount: 4, requestsPerSecond: 1.5, successCount: 80 };
    expect(readSummaries({ load: legacy })).toEqual({
      load: { sentRequests: 90, completedRequests: 86, plannedRequests: 100, cancelledCount: 4, achievedRps: 1.5, successCount: 80 },
    });
  });

  it('keeps a current summary as it is, and whatever is not an object', () => {
    const current = { sentRequests: 10, completedRequests: 10, plannedRequests: 10, achievedRps: 2 };
    const read = readSummaries({ load: current, broken: null, odd: 'text' });
    expect(read.load).toBe(current);
    expect(read.broken).toBeNull();
    expect(read.odd).toBe('text');
  });

  it('reads a missing or malformed summaries field as no summaries', () => {
    expect(readSummaries(undefined)).toEqual({});
    expect(readSummaries(null)).toEqual({});
    expect(readSummaries(42)).toEqual({});
  });
});
