import { describe, expect, it } from 'vitest';
import { retryAfterSeconds } from '../../helpers/service/retry-after.ts';

describe('retryAfterSeconds', () => {
  it('reads delta-seconds and HTTP dates, and says NaN for anything else', () => {
    expect(retryAfterSeconds('1')).toBe(1);
    expect(retryAfterSeconds(' 120 ')).toBe(120);
    const now = Date.parse('Fri, 27 Nov 2026 10:00:00 GMT');
    expect(retryAfterSeconds('Fri, 27 Nov 2026 10:00:30 GMT', now)).toBe(30);
    expect(retryAfterSeconds('Fri, 27 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds('soon')).toBeNaN();
    expect(retryAfterSeconds('-1')).toBeNaN();
  });
});
