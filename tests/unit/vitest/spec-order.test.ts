import { describe, expect, it } from 'vitest';
import { orderSpecFiles, specRank } from '../../helpers/vitest/spec-order.ts';

describe('spec order', () => {
  it('puts the performance specs in their fixed order (standard, sustained, burst, profile), then custom, then any other by name; other files keep their places', () => {
    const files = [
      'tests/unit/a.test.ts',
      'tests/performance/profile.spec.ts',
      'tests/performance/zeta.spec.ts',
      'tests/performance/custom.spec.ts',
      'tests/unit/b.test.ts',
      'tests/performance/burst.spec.ts',
      'tests/performance/alpha.spec.ts',
      'tests/performance/sustained.spec.ts',
      'tests/performance/standard.spec.ts',
    ];
    const isSpec = (f: string) => f.startsWith('tests/performance/');
    expect(orderSpecFiles(files, (f) => f, isSpec)).toEqual([
      'tests/unit/a.test.ts',
      'tests/performance/standard.spec.ts',
      'tests/performance/sustained.spec.ts',
      'tests/performance/burst.spec.ts',
      'tests/unit/b.test.ts',
      'tests/performance/profile.spec.ts',
      'tests/performance/custom.spec.ts',
      'tests/performance/alpha.spec.ts',
      'tests/performance/zeta.spec.ts',
    ]);
    expect(specRank('/abs/tests/performance/standard.spec.ts')).toBe(0);
    expect(specRank('/abs/tests/performance/mine.spec.ts')).toBe(5);
  });
});
