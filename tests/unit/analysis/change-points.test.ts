import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../helpers/analysis/bootstrap.ts';
import { changePointMethod, changePoints, incompleteBeta, studentT, tTwoSidedPValue } from '../../helpers/analysis/change-points.ts';

/** Deterministic pseudo-random noise in [0, 1). */
const noise = mulberry32;

/** `level(i)` times (1 + relative Gaussian-like noise of standard deviation `sd`). */
function noisy(n: number, level: (i: number) => number, sd: number, seed = 7): number[] {
  const random = noise(seed);
  const gauss = () => Array.from({ length: 12 }, random).reduce((a, x) => a + x, 0) - 6;
  return Array.from({ length: n }, (_, i) => level(i) * (1 + sd * gauss()));
}

describe('the t distribution', () => {
  it('gives the textbook two-sided p-values', () => {
    expect(tTwoSidedPValue(2.228138852, 10)).toBeCloseTo(0.05, 6);
    expect(tTwoSidedPValue(3.169272667, 10)).toBeCloseTo(0.01, 6);
    expect(tTwoSidedPValue(1, 1)).toBeCloseTo(0.5, 10); // Cauchy
    expect(tTwoSidedPValue(0, 5)).toBe(1);
    expect(tTwoSidedPValue(Infinity, 5)).toBe(0);
    expect(tTwoSidedPValue(Number.NaN, 5)).toBe(1);
    expect(incompleteBeta(0.5, 2, 3)).toBeCloseTo(0.6875, 10);
  });

  it('pools the variance, and neither divides by zero nor calls equal constants a change', () => {
    expect(studentT([1, 1, 1], [1, 1, 1])).toEqual({ t: 0, df: 4 });
    expect(studentT([1, 1, 1], [2, 2, 2]).t).toBe(Infinity);
    // means 2 and 5, pooled variance (2 + 2) / 4 = 1, se = sqrt(2/3)
    expect(studentT([1, 2, 3], [4, 5, 6]).t).toBeCloseTo(3 / Math.sqrt(2 / 3), 10);
  });
});

describe('changePoints', () => {
  it('finds none in a flat noisy series', () => {
    for (const seed of [1, 2, 3, 4, 5]) expect(changePoints(noisy(30, () => 100, 0.1, seed))).toEqual([]);
  });

  it('finds a step of +40 % in the middle at the right index, with the means on both sides', () => {
    const series = noisy(20, (i) => (i < 10 ? 100 : 140), 0.05);
    const found = changePoints(series);
    expect(found).toHaveLength(1);
    const [change] = found;
    expect(change!.index).toBe(10);
    expect(change!.before).toBeCloseTo(100, -1);
    expect(change!.after).toBeCloseTo(140, -1);
    expect(change!.changePercent!).toBeGreaterThan(33);
    expect(change!.changePercent!).toBeLessThan(47);
    expect(change!.pValue).toBeLessThan(0.01);
  });

  it('finds the step in 8 runs (4 and 4)', () => {
    expect(changePoints(noisy(8, (i) => (i < 4 ? 100 : 140), 0.05)).map((c) => c.index)).toEqual([4]);
  });

  it('finds two steps, also a step up followed by a step back down', () => {
    const stairs = noisy(24, (i) => (i < 8 ? 100 : i < 16 ? 140 : 200), 0.04);
    expect(changePoints(stairs).map((c) => c.index)).toEqual([8, 16]);
    const bump = noisy(24, (i) => (i >= 8 && i < 16 ? 140 : 100), 0.04, 4);
    const found = changePoints(bump);
    expect(found.map((c) => c.index)).toEqual([8, 16]);
    expect(found[0]!.changePercent!).toBeGreaterThan(0);
    expect(found[1]!.changePercent!).toBeLessThan(0);
  });

  it('finds none in a series shorter than twice the minimum segment', () => {
    expect(changePoints([100, 100, 140, 140, 140])).toEqual([]);
    expect(changePoints([])).toEqual([]);
    expect(changePoints([100, 100, 140, 140], { minSegment: 2 }).map((c) => c.index)).toEqual([2]);
  });

  it('finds none in a constant series (zero too) and no NaN anywhere', () => {
    expect(changePoints(Array.from({ length: 12 }, () => 250))).toEqual([]);
    expect(changePoints(Array.from({ length: 12 }, () => 0))).toEqual([]);
    expect(changePoints(Array.from({ length: 12 }, () => 0.1 + 0.2))).toEqual([]);
  });

  it('says no relative change from zero, and the clean step is certain', () => {
    expect(changePoints([0, 0, 0, 0, 5, 5, 5, 5])).toEqual([{ index: 4, before: 0, after: 5, changePercent: null, pValue: 0 }]);
  });

  it('leaves out missing values and indexes the series given', () => {
    const series: (number | null)[] = [100, null, 101, 99, 100, Number.NaN, 140, 141, 139, 140];
    expect(changePoints(series).map((c) => c.index)).toEqual([6]);
  });

  it('is deterministic and says what it did', () => {
    const series = noisy(40, (i) => (i < 25 ? 100 : 130), 0.08, 11);
    expect(changePoints(series)).toEqual(changePoints(series));
    expect(changePointMethod()).toMatch(/at least 3 runs.*p < 0\.01/);
  });
});
