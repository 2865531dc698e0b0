// Where a series of runs (e.g. P95 per run, oldest first) changed. Pure.
//
// Method: the two steps of Hunter (Fleming et al., "Hunter: Using Change Point Detection to
// Hunt for Performance Regressions", ICPE 2023, arXiv:2301.03034; now Apache Otava), which
// builds on E-divisive (Matteson & James, "A Nonparametric Approach for Multiple Change Point
// Analysis of Multivariate Data", JASA 109(505), 2014):
// 1. Candidates by binary segmentation: split a segment where E-divisive's statistic is largest
//    (with α = 2, the statistic that sees a shift in the mean: k(n-k)/n · (mean difference)²),
//    then split both sides again, while each side keeps `minSegment` values.
// 2. Significance by Student's t-test instead of E-divisive's permutation test (Hunter's change,
//    which makes the result deterministic: no random permutations, no seed): each candidate is
//    tested between its neighbours' segments; the weakest is dropped while its p-value is not
//    below `alpha`, and the rest are tested again after each drop.
// The p-value is two-sided and Bonferroni-corrected by the number of places the split could have
// been chosen among (the largest of many t's is not one t). The variance is pooled (Student), not
// per side (Welch): a side of 3 runs that happen to agree has an unreliable variance of its own,
// and Welch then calls noise a change (3.7 % of flat series of 8-50 runs with 10 % Gaussian noise,
// against 0.6 % pooled, in this module's own trials). No sliding window: a history is at most a
// few dozen runs. One outlier run cannot make a change alone (each side holds minSegment runs).

export interface ChangePointOptions {
  /** The fewest runs on each side of a change (at least 2: a side needs a variance). Default 3. */
  minSegment?: number;
  /** Significance level, after the Bonferroni correction over a segment's candidate splits. Default 0.01. */
  alpha?: number;
}

export const CHANGE_POINT_DEFAULTS = { minSegment: 3, alpha: 0.01 } as const;

/** The method in words, for reports. */
export function changePointMethod(options: ChangePointOptions = {}): string {
  const { minSegment, alpha } = settings(options);
  return (
    `Hunter's method (E-divisive candidates tested with Student's t-test), at least ${minSegment} runs on each side of a change, ` +
    `p < ${alpha} two-sided after a Bonferroni correction over the places a split could be`
  );
}

export interface ChangePoint {
  /** Index (in the series given) of the first value after the change. */
  index: number;
  /** Mean of the segment before the change (from the previous change point). */
  before: number;
  /** Mean of the segment after the change (to the next change point). */
  after: number;
  /** (after - before) / |before| in percent; null when before is 0 (no relative change). */
  changePercent: number | null;
  /** The split's p-value, Bonferroni-corrected, when it was found. */
  pValue: number;
}

function settings(options: ChangePointOptions): { minSegment: number; alpha: number } {
  const minSegment = Math.max(2, Math.floor(options.minSegment ?? CHANGE_POINT_DEFAULTS.minSegment));
  const alpha = options.alpha ?? CHANGE_POINT_DEFAULTS.alpha;
  return { minSegment, alpha };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, x) => a + x, 0) / xs.length;

const sumOfSquares = (xs: readonly number[], m: number): number => xs.reduce((a, x) => a + (x - m) ** 2, 0);

/**
 * Student's two-sample t with the pooled variance, and its degrees of freedom. Equal means
 * give t = 0 (also with no variance at all: a constant series is no change); different means
 * with no variance at all give t = ±Infinity (a clean step).
 */
export function studentT(a: readonly number[], b: readonly number[]): { t: number; df: number } {
  const ma = mean(a);
  const mb = mean(b);
  const df = a.length + b.length - 2;
  const diff = mb - ma;
  // Rounding noise between equal values is no difference.
  if (Math.abs(diff) <= 1e-12 * Math.max(Math.abs(ma), Math.abs(mb))) return { t: 0, df };
  const pooled = (sumOfSquares(a, ma) + sumOfSquares(b, mb)) / df;
  const se = Math.sqrt(pooled * (1 / a.length + 1 / b.length));
  if (se === 0) return { t: diff > 0 ? Infinity : -Infinity, df };
  return { t: diff / se, df };
}

// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9): about 15 significant digits.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

// The continued fraction of the incomplete beta function (modified Lentz; Numerical Recipes 6.4).
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    for (const aa of [(m * (b - m) * x) / ((a - 1 + m2) * (a + m2)), (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2))]) {
      d = 1 + aa * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + aa / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast on one side of the mode; the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) covers the other.
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom: P(|T| >= |t|). */
export function tTwoSidedPValue(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return 1;
  if (!Number.isFinite(t)) return 0;
  return Math.min(1, incompleteBeta(df / (df + t * t), df / 2, 0.5));
}

/** The split of values[start, end) that maximises E-divisive's statistic with α = 2; null if none (too short, or constant). */
function bestSplit(values: readonly number[], start: number, end: number, minSegment: number): number | null {
  const n = end - start;
  if (n < 2 * minSegment) return null;
  let total = 0;
  for (let i = start; i < end; i++) total += values[i] as number;
  let left = 0;
  let best: { at: number; q: number } | null = null;
  for (let i = start; i < end - minSegment; i++) {
    left += values[i] as number;
    const k = i + 1 - start;
    if (k < minSegment) continue;
    // With α = 2 the energy distance between the sides is twice their squared mean difference.
    const q = ((k * (n - k)) / n) * (left / k - (total - left) / (n - k)) ** 2;
    if (best === null || q > best.q) best = { at: i + 1, q };
  }
  // Rounding noise of a constant segment is not a split.
  return best !== null && best.q > 1e-24 * (total / n) ** 2 * n ? best.at : null;
}

/**
 * The p-value of a change at `at` between the segments [prev, at) and [at, next): Student's t-test,
 * Bonferroni-corrected by the number of places the split could have been chosen among in [prev, next).
 */
function splitPValue(values: readonly number[], prev: number, at: number, next: number, minSegment: number): number {
  const { t, df } = studentT(values.slice(prev, at), values.slice(at, next));
  const places = Math.max(1, next - prev - 2 * minSegment + 1);
  return Math.min(1, tTwoSidedPValue(t, df) * places);
}

/**
 * The change points of `series` (oldest first), in index order. Values that are not finite
 * numbers (a run with no latency, null from JSON) are left out of the test; indices still
 * refer to `series`. Fewer than 2 × minSegment finite values: none.
 *
 * Two steps, as Hunter's: (1) candidates: split every segment at its best split (above),
 * recursively, while both sides keep minSegment values; (2) pruning: test every candidate
 * against its neighbours' segments and drop the weakest (largest p-value) while it is not
 * below alpha, testing again after each drop, so what remains are changes between segments
 * that themselves hold. Testing against the neighbours, not the whole series, finds a step up
 * followed by a step back, which a single test over the whole series would miss.
 */
export function changePoints(series: readonly (number | null | undefined)[], options: ChangePointOptions = {}): ChangePoint[] {
  const { minSegment, alpha } = settings(options);
  const positions: number[] = [];
  const values: number[] = [];
  series.forEach((value, i) => {
    if (typeof value === 'number' && Number.isFinite(value)) {
      positions.push(i);
      values.push(value);
    }
  });
  const candidates: number[] = [];
  const split = (start: number, end: number): void => {
    const at = bestSplit(values, start, end, minSegment);
    if (at === null) return;
    candidates.push(at);
    split(start, at);
    split(at, end);
  };
  split(0, values.length);
  candidates.sort((a, b) => a - b);
  const pValues = (): number[] =>
    candidates.map((at, k) => splitPValue(values, candidates[k - 1] ?? 0, at, candidates[k + 1] ?? values.length, minSegment));
  let ps = pValues();
  while (ps.length > 0) {
    let weakest = 0;
    ps.forEach((p, k) => {
      if (p > (ps[weakest] as number)) weakest = k;
    });
    if ((ps[weakest] as number) < alpha) break;
    candidates.splice(weakest, 1);
    ps = pValues();
  }
  const bounds = [0, ...candidates, values.length];
  return candidates.map((at, k) => {
    const before = mean(values.slice(bounds[k], at));
    const after = mean(values.slice(at, bounds[k + 2]));
    return {
      index: positions[at] as number,
      before,
      after,
      changePercent: before === 0 ? null : ((after - before) / Math.abs(before)) * 100,
      pValue: ps[k] as number,
    };
  });
}
