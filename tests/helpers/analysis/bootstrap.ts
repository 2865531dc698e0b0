// A hierarchical bootstrap of a phase's latency percentiles and success rate, for the
// baseline comparison (baseline.ts). The data of one side (the baseline or this run) is a
// list of runs, each a list of consecutive windows of requests. One replicate resamples the
// runs with replacement, then the windows within each resampled run, and computes the figures
// over the pooled requests of the resampled windows. Resampling whole windows (not requests)
// keeps the correlation within a stretch of a run (a slow minute stays a slow minute), and
// resampling runs carries the run-to-run spread into the interval when there are several.
// Pure and deterministic: the random numbers come from a seeded generator (mulberry32).

/** One window of consecutive requests of a run. */
export interface Window {
  /** Latencies of its answered (or timed-out) requests, ms. */
  latencies: readonly number[];
  /** Requests of the window that succeeded. */
  ok: number;
  /** Requests of the window (sent). */
  requests: number;
}

/** The figures the comparison judges. NaN where a side has no latency. */
export interface Figures {
  p50: number;
  p95: number;
  p99: number;
  /** Percent of the requests that succeeded. */
  successPercent: number;
}

export const FIGURE_KEYS = ['p50', 'p95', 'p99', 'successPercent'] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

const QUANTILES = [0.5, 0.95, 0.99] as const;

/** mulberry32: a small, fast 32-bit generator; the same seed gives the same sequence. Values in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of `text` mixed with `seed`: a separate, stable stream per phase. */
export function seedFor(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * One side, prepared once for many replicates: every latency sorted ascending with the window
 * it came from, so a replicate's percentiles are one weighted pass (no sort per replicate).
 */
export interface PreparedSide {
  /** Window ids (global) of each run. */
  runs: number[][];
  sortedLatencies: Float64Array;
  /** Global window id of each sorted latency. */
  windowOf: Int32Array;
  ok: Int32Array;
  requests: Int32Array;
}

export function prepareSide(runs: readonly (readonly Window[])[]): PreparedSide {
  const ids: number[][] = [];
  const ok: number[] = [];
  const requests: number[] = [];
  const pairs: { value: number; window: number }[] = [];
  for (const run of runs) {
    const windows: number[] = [];
    for (const window of run) {
      const id = ok.length;
      windows.push(id);
      ok.push(window.ok);
      requests.push(window.requests);
      for (const value of window.latencies) pairs.push({ value, window: id });
    }
    if (windows.length > 0) ids.push(windows);
  }
  pairs.sort((a, b) => a.value - b.value);
  return {
    runs: ids,
    sortedLatencies: Float64Array.from(pairs, (p) => p.value),
    windowOf: Int32Array.from(pairs, (p) => p.window),
    ok: Int32Array.from(ok),
    requests: Int32Array.from(requests),
  };
}

/** The figures over every window once (the point estimate). */
export function pointFigures(side: PreparedSide): Figures {
  return figuresFor(side, new Int32Array(side.ok.length).fill(1));
}

/** How often each window is drawn in one replicate: runs with replacement, then windows within each drawn run. */
export function resampleCounts(side: PreparedSide, random: () => number): Int32Array {
  const counts = new Int32Array(side.ok.length);
  const runs = side.runs;
  for (let r = 0; r < runs.length; r++) {
    const run = runs[Math.floor(random() * runs.length)] as number[];
    for (let w = 0; w < run.length; w++) {
      const id = run[Math.floor(random() * run.length)] as number;
      counts[id] = (counts[id] as number) + 1;
    }
  }
  return counts;
}

/**
 * The figures of the requests with each window counted `counts[window]` times: the type-7
 * percentiles (linear between closest ranks, as the summaries compute them) of that multiset.
 */
export function figuresFor(side: PreparedSide, counts: Int32Array): Figures {
  let ok = 0;
  let requests = 0;
  for (let w = 0; w < counts.length; w++) {
    ok += (counts[w] as number) * (side.ok[w] as number);
    requests += (counts[w] as number) * (side.requests[w] as number);
  }
  const [p50, p95, p99] = weightedQuantiles(side.sortedLatencies, side.windowOf, counts, QUANTILES);
  return { p50: p50!, p95: p95!, p99: p99!, successPercent: requests > 0 ? (ok / requests) * 100 : Number.NaN };
}

/** Type-7 quantiles of sorted values each repeated counts[windowOf[i]] times; `ps` ascending. */
function weightedQuantiles(sorted: Float64Array, windowOf: Int32Array, counts: Int32Array, ps: readonly number[]): number[] {
  let total = 0;
  for (let i = 0; i < sorted.length; i++) total += counts[windowOf[i] as number] as number;
  if (total === 0) return ps.map(() => Number.NaN);
  // The expanded ranks each quantile interpolates between (a low and a high one per quantile).
  const ranks: number[] = [];
  for (const p of ps) {
    const h = (total - 1) * p;
    ranks.push(Math.floor(h), Math.min(Math.floor(h) + 1, total - 1));
  }
  // Visited in ascending order: on a small sample P95's high rank can lie above P99's low one.
  const order = ranks.map((_, i) => i).sort((a, b) => (ranks[a] as number) - (ranks[b] as number));
  const at: number[] = new Array(ranks.length);
  let next = 0;
  let cumulative = 0;
  for (let i = 0; i < sorted.length && next < order.length; i++) {
    cumulative += counts[windowOf[i] as number] as number;
    while (next < order.length && (ranks[order[next] as number] as number) < cumulative) at[order[next++] as number] = sorted[i] as number;
  }
  return ps.map((p, q) => {
    const h = (total - 1) * p;
    const lo = at[2 * q] as number;
    return lo + (h - Math.floor(h)) * ((at[2 * q + 1] as number) - lo);
  });
}

/** How a figure's change is expressed: percent of the baseline (latencies) or the difference (success points, ms). */
export type ChangeKind = 'percent' | 'difference';

export function changeOf(kind: ChangeKind, before: number, after: number): number {
  if (kind === 'difference') return after - before;
  return before > 0 && Number.isFinite(before) ? ((after - before) / before) * 100 : Number.NaN;
}

export interface BootstrapOptions {
  resamples: number;
  seed: number;
}

/** Replicates of both sides' figures, drawn independently per side, `resamples` of each. */
export function bootstrapFigures(
  baseline: PreparedSide,
  current: PreparedSide,
  options: BootstrapOptions,
): { baseline: Figures; current: Figures }[] {
  const random = mulberry32(options.seed);
  const out: { baseline: Figures; current: Figures }[] = [];
  for (let i = 0; i < options.resamples; i++) {
    const b = figuresFor(baseline, resampleCounts(baseline, random));
    const c = figuresFor(current, resampleCounts(current, random));
    out.push({ baseline: b, current: c });
  }
  return out;
}

/**
 * The percentile interval at `confidencePercent` of the finite `values` (type-7 quantiles at
 * (1 - c) / 2 and (1 + c) / 2); NaN bounds when none is finite.
 */
export function percentileInterval(values: readonly number[], confidencePercent: number): { low: number; high: number } {
  const finite = Float64Array.from(values.filter((v) => Number.isFinite(v))).sort();
  if (finite.length === 0) return { low: Number.NaN, high: Number.NaN };
  const tail = (1 - confidencePercent / 100) / 2;
  return { low: quantileOf(finite, tail), high: quantileOf(finite, 1 - tail) };
}

function quantileOf(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (h - lo) * (b - a);
}
