import { describe, expect, it } from 'vitest';
import { editDistance } from '../../helpers/config/edit-distance.ts';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('WEBHOOK_URL', 'WEBHOOK_URL')).toBe(0);
    expect(editDistance('WEBHOK_URL', 'WEBHOOK_URL')).toBe(1); // a letter left out
    expect(editDistance('WEBHOOOK_URL', 'WEBHOOK_URL')).toBe(1); // one too many
    expect(editDistance('WEBHOOK_URI', 'WEBHOOK_URL')).toBe(1);
    expect(editDistance('WEBHK_URL', 'WEBHOOK_URL')).toBe(2);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
  });

  it('counts a swap of two neighbours as one edit, as a typist makes it', () => {
    expect(editDistance('WEBHOOK_ULR', 'WEBHOOK_URL')).toBe(1);
    expect(editDistance('PERF_SCAEL', 'PERF_SCALE')).toBe(1);
    expect(editDistance('ca', 'abc')).toBe(3); // optimal string alignment: no edit of a swapped pair
  });

  it('is symmetric and case-sensitive', () => {
    expect(editDistance('RATE_LIMTI', 'RATE_LIMIT')).toBe(editDistance('RATE_LIMIT', 'RATE_LIMTI'));
    expect(editDistance('a', 'A')).toBe(1);
  });

  it('stops early past max, returning max + 1', () => {
    expect(editDistance('PATH', 'WEBHOOK_METRICS_URL', 2)).toBe(3);
    expect(editDistance('WEBHOOK_URL', 'PERF_SCALE', 2)).toBe(3);
    expect(editDistance('WEBHK_URL', 'WEBHOOK_URL', 2)).toBe(2);
    expect(editDistance('WEBHK_URL', 'WEBHOOK_URL', 1)).toBe(2);
  });
});
