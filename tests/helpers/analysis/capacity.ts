// The capacity search: the highest arrival rate at which the service meets its SLOs, found
// by a ramp that brackets the knee and steady steps that bisect the bracket. Pure: settings
// and measured samples in, plans, verdicts and the result out. The loop
// (tests/helpers/vitest/capacity-search.ts) runs the load, waits for the rate-limit window
// and keeps the budget; everything it decides is decided here.
//
// The rules:
// - A step (a ramp stage, or a steady run at one rate) lasts at least `minDurationMs` and
//   sends at least `minRequests` (so a P95 over it rests on enough answers); a step above a
//   declared rate-limit policy lasts at least the policy's window plus 1 s, so the window
//   fills and a limiter that keeps the policy must refuse.
// - A capacity is a rate the service sustains, so a step meets only if the service keeps up
//   with it (the `throughput` rule) as well as meeting the SLOs. Keeping up is two tests:
//   completion: the successes answered by the step's end plus its settling time (the P95
//   latency of the step's first quarter: how long the service takes before any queue of this
//   step builds) are at least MIN_COMPLETED_PERCENT (95 %) of the requests offered; requests
//   still queued then, or cut by the step's bound, count against it. No climb: the median
//   latency of the step's last quarter (by intended start) is not above the first quarter's
//   by more than max(CLIMB_PERCENT (25 %) of it, CLIMB_MIN_MS (50 ms)). A queue that grows
//   makes latency rise linearly over the step (an offered rate 10 % over what the service
//   completes adds 0.1 s of queueing per second), which the medians show long before the P95
//   of a short step crosses the SLO; medians of quarters do not move for a few slow answers.
// - A step's verdict, in this order: `generator` when the load generator's schedule lag P99
//   is over maxLagMs (the offered rate was not the planned one: the result is then only a
//   lower bound); `rate_limiter` when the 429s alone break the success SLO; `errors` (or
//   `rate_limiter` when 429s are most of them) when the failures that came back break the
//   success SLO; `throughput` when the service did not keep up (above); `latency` when the
//   P95 (corrected, from the intended start; requests cut short by a step's bound count with
//   their time so far) is not below the SLO, or when timeouts and cut requests break the
//   success SLO; otherwise it meets, if it has at least 95 % of minRequests answers.
// - The ramp's rates: startRps, times `growth` each stage, up to the ceiling (maxRps; with a
//   policy, the policy's rate plus the tolerance: the limiter is a capacity limit, and a rate
//   past the policy is expected to see 429s). The first stage that fails ends the ramp: the
//   last good rate is `low`, the failing one `high`. A stage the generator fell behind in is
//   passed over when a later stage kept its schedule, and otherwise held steady once before
//   the generator's lag ends the search (a lag spike, e.g. at a process's start, is not the
//   generator's limit); a ramp that ended below the ceiling without failing goes on up by
//   steady steps.
// - Bisection: a steady step at (low + high) / 2 replaces low (it met the SLOs) or high;
//   until high <= low * (1 + tolerance). A low that only the ramp judged is then confirmed by
//   a steady step before the search ends (also when the ramp reached the ceiling or the
//   generator stopped it); if it fails, it becomes high and the search goes on below it. So
//   the answer comes from a steady step whenever the budget allows one (else the result says
//   the low end was judged by the ramp only).
// - The capacity is `low`, the highest rate a step showed meeting the SLOs; its uncertainty
//   is the bracket [low, high]. `limitedBy` is the verdict of the step at `high`.
import { sustainedPerSecond, type RateLimitPolicy } from '../rate-limit/index.ts';
import { classHasLatency, percentile, sortedValues } from '#engine';

export type CapacityLimit = 'throughput' | 'rate_limiter' | 'latency' | 'errors' | 'generator';

/** Service level objectives a rate must meet: success rate above, P95 below. */
export interface CapacitySlo {
  /** Percent: the step's success rate must be above it. */
  minSuccessPercent: number;
  /** ms: the step's P95 must be below it. */
  maxP95Ms: number;
}

export interface CapacitySettings {
  slo: CapacitySlo;
  /** The ramp's first rate, requests per second. */
  startRps: number;
  /** The highest rate the search offers, requests per second. */
  maxRps: number;
  /** The ramp multiplies the rate by this each stage (> 1). */
  growth: number;
  /** Percent: the bracket is narrow enough when high <= low * (1 + tolerancePercent / 100). */
  tolerancePercent: number;
  /** A step sends at least this many requests. */
  minRequests: number;
  /** A step lasts at least this long, ms. */
  minDurationMs: number;
  /** Schedule lag P99 above this makes a step the generator's, not the service's, ms. */
  maxLagMs: number;
  /** The declared rate-limit policy (RATE_LIMIT), or null for none. */
  policy: RateLimitPolicy | null;
  /** Bounds of the whole search: time (waits and drains included) and requests. */
  maxDurationMs: number;
  maxRequests: number;
}

/** How long past the policy's window a step above it runs, so its window surely fills (the planner's edge margin). */
export const POLICY_FILL_MARGIN_MS = 1000;
/** A step needs at least this many answers to be judged failing; meeting the SLOs needs 95 % of minRequests. */
export const MIN_JUDGED = 10;
/** The ramp takes at most this share of the time and request budgets; the bisection the rest. */
export const RAMP_BUDGET_SHARE = 0.5;
/** The search never offers less than this, requests per second. */
export const MIN_RPS = 0.01;
/** Percent of the requests offered that must be answered (success or an HTTP failure) by the step's end plus its settling time. */
export const MIN_COMPLETED_PERCENT = 95;
/** Latency climbs within a step when the last quarter's median is over the first's by more than this percent of it... */
export const CLIMB_PERCENT = 25;
/** ...and by more than this many ms. */
export const CLIMB_MIN_MS = 50;
/** Each quarter needs this many latencies for the climb to be judged. */
export const CLIMB_MIN_SAMPLES = 5;

const ms = (value: number) => `${value.toFixed(1)} ms`;
const pct = (value: number) => `${value.toFixed(2)} %`;

/** The policy's sustained rate, requests per second (a bucket's refill). */
export function policyRps(policy: CapacitySettings['policy']): number | null {
  return policy === null ? null : sustainedPerSecond(policy);
}

/** The highest rate the search offers: maxRps, or with a policy the policy's rate plus the tolerance if lower. */
export function searchCeiling(settings: CapacitySettings): number {
  const policy = policyRps(settings.policy);
  const overPolicy = policy === null ? Number.POSITIVE_INFINITY : policy * (1 + settings.tolerancePercent / 100);
  return Math.min(settings.maxRps, overPolicy);
}

/** The step rule: how long a step at `rps` lasts, ms (whole ms). */
export function stepDurationMs(rps: number, settings: CapacitySettings): number {
  let duration = Math.max(settings.minDurationMs, (settings.minRequests * 1000) / rps);
  const policy = policyRps(settings.policy);
  if (policy !== null && settings.policy !== null && rps > policy * (1 + 1e-9)) {
    // Past the policy long enough to meet the limiter: a window fills in one window; a bucket
    // empties at the surplus over its refill.
    const fillMs =
      settings.policy.refillPerSecond === undefined ? settings.policy.windowMs : (settings.policy.limit / (rps - policy)) * 1000;
    duration = Math.max(duration, fillMs + POLICY_FILL_MARGIN_MS);
  }
  return Math.ceil(duration);
}

/** A steady step: `requests` at `rps`, lasting durationMs (request i due at i / rps). */
export interface StepPlan {
  rps: number;
  requests: number;
  durationMs: number;
}

export function steadyStep(rps: number, settings: CapacitySettings): StepPlan {
  const durationMs = stepDurationMs(rps, settings);
  return { rps, durationMs, requests: Math.max(settings.minRequests, Math.ceil((rps * durationMs) / 1000)) };
}

/** One stage of the engine's `stages` option (structurally its LoadStage). */
export interface RampStage {
  durationMs: number;
  targetRps: number;
}

/** A judging window of the ramp: the flat part at one rate, by intended start, [startMs, endMs). */
export interface RampWindow {
  rps: number;
  startMs: number;
  endMs: number;
}

export interface RampPlan {
  /** runLoadTest's `startRps` and `stages`: a flat stage per rate, joined by 1 ms ramps. */
  startRps: number;
  stages: RampStage[];
  windows: RampWindow[];
  durationMs: number;
  /** About how many requests the ramp sends. */
  requests: number;
  /** The last rate is the ceiling (else the budget cut the ramp short). */
  reachesCeiling: boolean;
}

/** The ramp's rates: startRps times growth^k, below the ceiling, then the ceiling itself. */
export function rampRates(settings: CapacitySettings): number[] {
  const ceiling = searchCeiling(settings);
  const rates: number[] = [];
  let rate = Math.min(settings.startRps, ceiling);
  for (let k = 0; k < 1000 && rate < ceiling * (1 - 1e-9); k++) {
    rates.push(rate);
    rate *= settings.growth;
  }
  rates.push(ceiling);
  return rates;
}

/** The ramp: its rates as stages, cut where the ramp's share of the budgets ends (at least one stage). */
export function rampPlan(settings: CapacitySettings): RampPlan {
  const stages: RampStage[] = [];
  const windows: RampWindow[] = [];
  const rates = rampRates(settings);
  let atMs = 0;
  let requests = 0;
  for (const rps of rates) {
    const durationMs = stepDurationMs(rps, settings);
    const more = Math.ceil((rps * durationMs) / 1000);
    const fits =
      atMs + durationMs <= settings.maxDurationMs * RAMP_BUDGET_SHARE && requests + more <= settings.maxRequests * RAMP_BUDGET_SHARE;
    if (!fits && windows.length > 0) break;
    if (windows.length === 0) stages.push({ durationMs, targetRps: rps });
    else stages.push({ durationMs: 1, targetRps: rps }, { durationMs: durationMs - 1, targetRps: rps });
    windows.push({ rps, startMs: atMs, endMs: atMs + durationMs });
    atMs += durationMs;
    requests += more;
  }
  return {
    startRps: windows[0]!.rps,
    stages,
    windows,
    durationMs: atMs,
    requests,
    reachesCeiling: windows.length === rates.length,
  };
}

/** One request as the verdicts need it (structurally the engine's LoadTestSample). */
export interface CapacitySample {
  intendedStartMs: number;
  actualStartMs: number;
  status: number;
  /** null for a success. */
  errorClass: string | null;
  /** Corrected latency, from the intended start. */
  responseTimeMs: number;
}

export interface StepFigures {
  /** The rate offered, requests per second. */
  rps: number;
  sent: number;
  /** Requests the verdict counts (cancelled ones are left out of a ramp stage the search stopped). */
  judged: number;
  successes: number;
  /** 429 answers counted as failures. */
  rateLimited: number;
  /** Other failures (cancelled requests of a steady step included). */
  errors: number;
  /** Of the errors, requests that timed out or that a step's bound cut short: slow, not failing. */
  slow: number;
  successRatePercent: number;
  /** Corrected P95 over the judged requests that have a latency (NaN when none). */
  p95Ms: number;
  /** Schedule lag P99 (actual send - intended send), ms. */
  lagP99Ms: number;
  /** The step's span by intended start, ms (absent in figures made before the throughput rule). */
  spanMs?: number;
  /** How long after the span's end answers still count as completed: the first quarter's P95 latency, ms. */
  settleMs?: number;
  /** Successes answered by the span's end plus settleMs. */
  completed?: number;
  /** completed per second of the span. */
  throughputRps?: number;
  /** Median latency of the span's first and last quarter by intended start (NaN with fewer than CLIMB_MIN_SAMPLES). */
  firstQuarterMedianMs?: number;
  lastQuarterMedianMs?: number;
}

export interface FiguresOptions {
  /** Only requests whose intended start is in [startMs, endMs); also the step's span when `span` is not given. */
  window?: { startMs: number; endMs: number };
  /** The step's span by intended start (a steady step: 0 to its duration); without it or a window, from the samples. */
  span?: { startMs: number; endMs: number };
  /**
   * `exclude`: cancelled (`aborted`) requests are left out (the search stopped the ramp itself);
   * `slow`: they count as failures with their time so far as latency (a step's hard bound cut them).
   */
  cancelled: 'exclude' | 'slow';
}

/** A step's figures from its samples, by intended start. */
export function stepFigures(samples: readonly CapacitySample[], rps: number, options: FiguresOptions): StepFigures {
  const latencies: number[] = [];
  const lags: number[] = [];
  let sent = 0;
  let judged = 0;
  let successes = 0;
  let rateLimited = 0;
  let errors = 0;
  let slow = 0;
  const kept: CapacitySample[] = [];
  for (const s of samples) {
    const w = options.window;
    if (w !== undefined && !(s.intendedStartMs >= w.startMs && s.intendedStartMs < w.endMs)) continue;
    sent++;
    kept.push(s);
    if (Number.isFinite(s.actualStartMs)) lags.push(s.actualStartMs - s.intendedStartMs);
    const cancelled = s.errorClass === 'aborted';
    if (cancelled && options.cancelled === 'exclude') continue;
    judged++;
    if (s.errorClass === null) successes++;
    else if (s.status === 429) rateLimited++;
    else {
      errors++;
      if (cancelled || s.errorClass === 'timeout') slow++;
    }
    if ((cancelled || classHasLatency(s.errorClass)) && Number.isFinite(s.responseTimeMs)) latencies.push(s.responseTimeMs);
  }
  const sustained = sustainFigures(kept, rps, options);
  return {
    rps,
    sent,
    judged,
    successes,
    rateLimited,
    errors,
    slow,
    successRatePercent: judged > 0 ? (successes / judged) * 100 : 0,
    p95Ms: percentile(sortedValues(latencies), 0.95),
    lagP99Ms: percentile(sortedValues(lags), 0.99),
    ...sustained,
  };
}

const median = (values: number[]) => (values.length >= CLIMB_MIN_SAMPLES ? percentile(sortedValues(values), 0.5) : Number.NaN);

/** The throughput rule's figures (module comment): completion by the span's end plus the settling time, and the quarters' medians. */
function sustainFigures(kept: readonly CapacitySample[], rps: number, options: FiguresOptions) {
  let span = options.span ?? options.window;
  if (span === undefined) {
    const starts = kept.map((s) => s.intendedStartMs);
    const first = starts.length > 0 ? Math.min(...starts) : 0;
    span = { startMs: first, endMs: (starts.length > 0 ? Math.max(...starts) : 0) + 1000 / rps };
  }
  const spanMs = Math.max(1, span.endMs - span.startMs);
  const quarter = (s: CapacitySample) => Math.min(3, Math.max(0, Math.floor(((s.intendedStartMs - span.startMs) / spanMs) * 4)));
  const firstQuarter: number[] = [];
  const lastQuarter: number[] = [];
  for (const s of kept) {
    const cancelled = s.errorClass === 'aborted';
    if (cancelled && options.cancelled === 'exclude') continue;
    if (!(cancelled || classHasLatency(s.errorClass)) || !Number.isFinite(s.responseTimeMs)) continue;
    const q = quarter(s);
    if (q === 0) firstQuarter.push(s.responseTimeMs);
    if (q === 3) lastQuarter.push(s.responseTimeMs);
  }
  const settle = percentile(sortedValues(firstQuarter), 0.95);
  const settleMs = Number.isFinite(settle) ? settle : 0;
  // Completed: answered by the service (a success, or an HTTP failure the errors rule judges on
  // its own), not a timeout, a cut request or a dropped connection.
  let completed = 0;
  for (const s of kept) {
    const answered = s.errorClass === null || s.errorClass.startsWith('http_') || s.errorClass === 'bad_body';
    if (answered && s.intendedStartMs + s.responseTimeMs <= span.endMs + settleMs) completed++;
  }
  return {
    spanMs,
    settleMs,
    completed,
    throughputRps: completed / (spanMs / 1000),
    firstQuarterMedianMs: median(firstQuarter),
    lastQuarterMedianMs: median(lastQuarter),
  };
}

/** Whether the service kept up with the step (module comment); null when it did, else why not. Figures without the rule's fields pass. */
export function fallsBehind(f: StepFigures): string | null {
  if (f.completed !== undefined && f.throughputRps !== undefined && f.settleMs !== undefined && f.judged > 0) {
    const share = (f.completed / f.judged) * 100;
    if (share < MIN_COMPLETED_PERCENT) {
      return (
        `the service fell behind: ${fmtRps(f.throughputRps)}/s completed of ${fmtRps(f.rps)}/s offered ` +
        `(${f.completed} of ${f.judged} answered by the step's end + ${ms(f.settleMs)}: ${share.toFixed(1)} %, under ${MIN_COMPLETED_PERCENT} %)`
      );
    }
  }
  const first = f.firstQuarterMedianMs;
  const last = f.lastQuarterMedianMs;
  if (first !== undefined && last !== undefined && Number.isFinite(first) && Number.isFinite(last)) {
    const allowed = Math.max((CLIMB_PERCENT / 100) * first, CLIMB_MIN_MS);
    if (last - first > allowed) {
      return (
        `the service fell behind: latency climbs within the step (median ${ms(first)} in its first quarter, ${ms(last)} in its last: ` +
        `+${ms(last - first)}, over max(${CLIMB_PERCENT} %, ${CLIMB_MIN_MS} ms)): a queue grows`
      );
    }
  }
  return null;
}

export interface StepVerdict {
  /** The step met the SLOs (with enough answers to say so). */
  ok: boolean;
  /** What broke them; null when ok, or when too few answers came to judge. */
  limitedBy: CapacityLimit | null;
  /** e.g. "P95 412.0 ms, not below 200 ms". */
  text: string;
}

/** The verdict of one step (the order is the module comment's). */
export function judgeStep(f: StepFigures, settings: Pick<CapacitySettings, 'slo' | 'minRequests' | 'maxLagMs'>): StepVerdict {
  const { slo } = settings;
  if (f.judged < MIN_JUDGED) return { ok: false, limitedBy: null, text: `only ${f.judged} answers: too few to judge` };
  if (f.lagP99Ms > settings.maxLagMs) {
    return {
      ok: false,
      limitedBy: 'generator',
      text: `the load generator fell behind: schedule lag P99 ${ms(f.lagP99Ms)}, over ${ms(settings.maxLagMs)} (more cores: CAPACITY_WORKERS)`,
    };
  }
  const allowedFailures = (f.judged * (100 - slo.minSuccessPercent)) / 100;
  const meets = (successRate: number) => successRate > slo.minSuccessPercent;
  if (f.rateLimited > 0 && !meets(((f.judged - f.rateLimited) / f.judged) * 100)) {
    return {
      ok: false,
      limitedBy: 'rate_limiter',
      text: `${f.rateLimited} of ${f.judged} refused with 429: success ${pct(f.successRatePercent)}, not above ${slo.minSuccessPercent} %`,
    };
  }
  const success = `success ${pct(f.successRatePercent)}, not above ${slo.minSuccessPercent} %`;
  const answeredFailures = f.errors - f.slow + f.rateLimited;
  if (!meets(f.successRatePercent) && answeredFailures >= f.slow) {
    const limiter = f.rateLimited > allowedFailures ? ` (${f.rateLimited} refused with 429)` : '';
    return {
      ok: false,
      limitedBy: f.errors - f.slow >= f.rateLimited ? 'errors' : 'rate_limiter',
      text: `${f.errors + f.rateLimited} of ${f.judged} failed${limiter}: ${success}`,
    };
  }
  const behind = fallsBehind(f);
  if (behind !== null) return { ok: false, limitedBy: 'throughput', text: behind };
  if (!(f.p95Ms < slo.maxP95Ms)) {
    const figure = Number.isFinite(f.p95Ms) ? ms(f.p95Ms) : 'not measured';
    return { ok: false, limitedBy: 'latency', text: `P95 ${figure}, not below ${slo.maxP95Ms} ms` };
  }
  if (!meets(f.successRatePercent)) {
    return {
      ok: false,
      limitedBy: 'latency',
      text: `${f.slow} of ${f.judged} timed out or were cut short by the step's bound: ${success}`,
    };
  }
  const enough = Math.ceil(0.95 * settings.minRequests);
  if (f.judged < enough) return { ok: false, limitedBy: null, text: `only ${f.judged} answers, fewer than ${enough}: too few to judge` };
  const first = f.firstQuarterMedianMs ?? Number.NaN;
  const last = f.lastQuarterMedianMs ?? Number.NaN;
  const medians =
    Number.isFinite(first) && Number.isFinite(last)
      ? `, latency median ${ms(first)} -> ${ms(last)}`
      : `, too few answers per quarter to judge a climb`;
  const kept = f.throughputRps === undefined ? '' : `; keeps up: ${fmtRps(f.throughputRps)}/s completed${medians}`;
  return { ok: true, limitedBy: null, text: `meets the SLOs: success ${pct(f.successRatePercent)}, P95 ${ms(f.p95Ms)}${kept}` };
}

export interface StepRecord {
  kind: 'ramp' | 'step';
  figures: StepFigures;
  verdict: StepVerdict;
}

/** Where the search stands: the bracket and what the steps so far showed. */
export interface SearchState {
  /** Highest rate a step showed meeting the SLOs (0: none yet). */
  low: number;
  /** A steady step (not only the ramp) showed `low` meeting the SLOs. */
  lowConfirmed: boolean;
  /** Lowest rate that failed (null: none yet). */
  high: number | null;
  highVerdict: StepVerdict | null;
  /** Rates the ramp judged good, ascending: where the search goes back to when a confirmation fails. */
  rampGood: number[];
  records: StepRecord[];
  /** Set when a step's verdict ends the search (the generator's). */
  stopped: 'generator' | null;
  /** A ramp stage the generator fell behind in: held steady once before the generator's lag ends the search (null: none). */
  recheck: number | null;
  /** The ramp reached the ceiling without failing. */
  ceilingReached: boolean;
}

/** The bracket the ramp found: its records in order (stages after the first failing one are ignored). */
export function afterRamp(records: readonly StepRecord[], reachedCeiling: boolean): SearchState {
  const state: SearchState = {
    low: 0,
    lowConfirmed: false,
    high: null,
    highVerdict: null,
    rampGood: [],
    records: [],
    stopped: null,
    recheck: null,
    ceilingReached: false,
  };
  // A stage the generator fell behind in is not the generator's limit when a later stage kept its schedule.
  let pendingGenerator: number | null = null;
  for (const record of records) {
    state.records.push(record);
    if (record.verdict.ok) {
      state.low = record.figures.rps;
      state.rampGood.push(record.figures.rps);
      pendingGenerator = null;
      continue;
    }
    if (record.verdict.limitedBy === 'generator') {
      pendingGenerator ??= record.figures.rps;
      continue;
    }
    state.high = record.figures.rps;
    state.highVerdict = record.verdict;
    return state;
  }
  if (pendingGenerator !== null) {
    state.recheck = pendingGenerator;
    return state;
  }
  state.ceilingReached = reachedCeiling;
  return state;
}

export type NextStep = { kind: 'step'; rps: number; why: string } | { kind: 'done'; endedBy: EndedBy };
export type EndedBy = 'narrow' | 'generator' | 'ceiling' | 'budget' | 'floor' | 'interrupted';

/** Whether [low, high] is narrow enough. */
export function isNarrow(state: Pick<SearchState, 'low' | 'high'>, tolerancePercent: number): boolean {
  return state.high !== null && state.low > 0 && state.high <= state.low * (1 + tolerancePercent / 100) * (1 + 1e-9);
}

/** The next steady step, or why the search is done (the budget is the caller's: see fitsBudget). */
export function nextStep(state: SearchState, settings: CapacitySettings): NextStep {
  const confirm: NextStep = { kind: 'step', rps: state.low, why: `confirm ${fmtRps(state.low)}/s, which only the ramp judged` };
  const unconfirmed = !state.lowConfirmed && state.low > 0;
  if (state.stopped !== null) return unconfirmed ? confirm : { kind: 'done', endedBy: state.stopped };
  if (state.recheck !== null) {
    return {
      kind: 'step',
      rps: state.recheck,
      why: `the generator fell behind in the ramp at ${fmtRps(state.recheck)}/s: held steady to see`,
    };
  }
  if (state.high === null) {
    if (state.ceilingReached) return unconfirmed ? confirm : { kind: 'done', endedBy: 'ceiling' };
    // The ramp ended below the ceiling without failing (its budget, or a generator lag a steady step did not repeat): go on up.
    const up = Math.min(state.low > 0 ? state.low * settings.growth : settings.startRps, searchCeiling(settings));
    return { kind: 'step', rps: up, why: `nothing failed up to ${fmtRps(state.low)}/s: go on up` };
  }
  if (isNarrow(state, settings.tolerancePercent)) return unconfirmed ? confirm : { kind: 'done', endedBy: 'narrow' };
  const mid = (state.low + state.high) / 2;
  if (mid < MIN_RPS) return { kind: 'done', endedBy: 'floor' };
  return { kind: 'step', rps: mid, why: `bisect [${fmtRps(state.low)}, ${fmtRps(state.high)}]/s` };
}

/** The state after a steady step. */
export function afterStep(state: SearchState, record: StepRecord, settings?: CapacitySettings): SearchState {
  const next: SearchState = { ...state, records: [...state.records, record], rampGood: [...state.rampGood] };
  const { rps } = record.figures;
  if (next.recheck !== null && Math.abs(rps - next.recheck) <= next.recheck * 1e-9) next.recheck = null;
  if (record.verdict.ok) {
    if (rps >= next.low) {
      next.low = rps;
      next.lowConfirmed = true;
    }
    if (settings !== undefined && rps >= searchCeiling(settings) * (1 - 1e-9)) next.ceilingReached = true;
    return next;
  }
  if (record.verdict.limitedBy === 'generator') {
    next.stopped = 'generator';
    return next;
  }
  // The service failed below where the generator fell behind: the service's limit is the one to find.
  next.stopped = null;
  if (next.high === null || rps < next.high) {
    next.high = rps;
    next.highVerdict = record.verdict;
  }
  if (rps <= next.low) {
    // A rate the ramp judged good failed when held steady: go back to the ramp's next good rate below it.
    const below = next.rampGood.filter((r) => r < rps);
    next.rampGood = below;
    next.low = below[below.length - 1] ?? 0;
    next.lowConfirmed = false;
  }
  return next;
}

/** Whether a step of `durationMs` (plus a wait and its drain) and `requests` still fits the budgets. */
export function fitsBudget(
  used: { elapsedMs: number; requests: number },
  step: { waitMs: number; durationMs: number; drainMs: number; requests: number },
  settings: Pick<CapacitySettings, 'maxDurationMs' | 'maxRequests'>,
): boolean {
  return (
    used.elapsedMs + step.waitMs + step.durationMs + step.drainMs <= settings.maxDurationMs &&
    used.requests + step.requests <= settings.maxRequests
  );
}

export interface CapacityStepReport {
  kind: 'ramp' | 'step';
  rps: number;
  requests: number;
  successRatePercent: number;
  p95Ms: number | null;
  lagP99Ms: number | null;
  rateLimited: number;
  errors: number;
  ok: boolean;
  limitedBy: CapacityLimit | null;
  verdict: string;
  /** Successes per second answered by the step's end plus its settling time (absent in older reports). */
  throughputRps?: number | null;
  /** Median latency of the step's first and last quarter, ms (absent in older reports). */
  firstQuarterMedianMs?: number | null;
  lastQuarterMedianMs?: number | null;
}

/** What the report keeps (extra.capacity) and the HTML draws. */
export interface CapacityResult {
  /** The capacity: the highest rate a step showed meeting the SLOs, requests per second (0: none did). */
  rps: number;
  /** The bracket: low met the SLOs, high (null: nothing failed) did not. */
  low: number;
  high: number | null;
  /** (high - low) / low, percent; null without a bracket. */
  widthPercent: number | null;
  /** What failed at `high` ('generator': the generator fell behind; 'none': nothing failed below the ceiling). */
  limitedBy: CapacityLimit | 'none';
  /** The service may take more: the generator fell behind, or nothing failed up to the ceiling or the budget. */
  lowerBound: boolean;
  endedBy: EndedBy;
  /** The low end was only judged by the ramp (no steady step confirmed it). */
  lowConfirmed: boolean;
  slo: CapacitySlo;
  /** The declared policy's rate (RATE_LIMIT), requests per second; null for none. */
  policyRps: number | null;
  ceilingRps: number;
  tolerancePercent: number;
  steps: CapacityStepReport[];
  /** One line: the capacity, its bracket, what limited it. */
  text: string;
}

const nullIfNaN = (value: number) => (Number.isFinite(value) ? Math.round(value * 1000) / 1000 : null);

function stepReport(record: StepRecord): CapacityStepReport {
  const f = record.figures;
  return {
    kind: record.kind,
    rps: f.rps,
    requests: f.judged,
    successRatePercent: Math.round(f.successRatePercent * 1000) / 1000,
    p95Ms: nullIfNaN(f.p95Ms),
    lagP99Ms: nullIfNaN(f.lagP99Ms),
    rateLimited: f.rateLimited,
    errors: f.errors,
    ok: record.verdict.ok,
    limitedBy: record.verdict.limitedBy,
    verdict: record.verdict.text,
    throughputRps: nullIfNaN(f.throughputRps ?? Number.NaN),
    firstQuarterMedianMs: nullIfNaN(f.firstQuarterMedianMs ?? Number.NaN),
    lastQuarterMedianMs: nullIfNaN(f.lastQuarterMedianMs ?? Number.NaN),
  };
}

/** Rates as people read them: 3 significant figures. */
export function fmtRps(value: number): string {
  return Number(value.toPrecision(3)).toString();
}

const LIMIT_TEXT: Record<CapacityLimit | 'none', string> = {
  throughput:
    "the service's throughput (past it the service falls behind: it completes less than is offered, or latency climbs within a step)",
  rate_limiter: "the rate limiter (429s): the capacity is the limiter's",
  latency: 'latency (P95 over the SLO)',
  errors: 'errors (failures other than 429)',
  generator: "the load generator's own schedule lag: the service may take more",
  none: 'nothing within the search',
};

/** The search's outcome. */
export function capacityResult(state: SearchState, settings: CapacitySettings, endedBy: EndedBy): CapacityResult {
  const ceiling = searchCeiling(settings);
  const limitedBy: CapacityLimit | 'none' = state.stopped === 'generator' ? 'generator' : (state.highVerdict?.limitedBy ?? 'none');
  const lowerBound = limitedBy === 'generator' || state.high === null;
  const widthPercent = state.high !== null && state.low > 0 ? ((state.high - state.low) / state.low) * 100 : null;
  const policy = policyRps(settings.policy);
  const bracket = state.high === null ? `at least ${fmtRps(state.low)}/s` : `between ${fmtRps(state.low)}/s and ${fmtRps(state.high)}/s`;
  const notes: string[] = [];
  if (endedBy === 'budget' && !isNarrow(state, settings.tolerancePercent)) {
    notes.push(`the budget ran out before the bracket was within ${settings.tolerancePercent} %`);
  }
  if (endedBy === 'ceiling') {
    notes.push(
      policy !== null && ceiling < settings.maxRps
        ? `no step failed up to ${fmtRps(ceiling)}/s, past the declared policy's ${fmtRps(policy)}/s: the service admitted more than RATE_LIMIT declares`
        : `no step failed up to the search's ceiling ${fmtRps(ceiling)}/s (CAPACITY_MAX_RPS): a lower bound`,
    );
  }
  if (limitedBy === 'generator') notes.push('a lower bound: the generator, not the service, could not keep the rate');
  if (!state.lowConfirmed && state.low > 0) notes.push('the low end was judged by the ramp only');
  if (limitedBy === 'rate_limiter' && policy === null) notes.push('429s came although RATE_LIMIT=none declares no limiter');
  if (limitedBy === 'rate_limiter' && policy !== null && state.high !== null && state.high <= policy * (1 + 1e-9)) {
    notes.push(`429s at or below the declared policy's ${fmtRps(policy)}/s: the limiter fires early, or other traffic shares the window`);
  }
  const width = widthPercent === null ? '' : ` (±${(widthPercent / 2).toFixed(1)} %)`;
  const text =
    `Capacity: ${fmtRps(state.low)} req/s meets the SLOs (success > ${settings.slo.minSuccessPercent} %, P95 < ${settings.slo.maxP95Ms} ms) and is sustained; ` +
    `the knee is ${bracket}${width}; limited by ${LIMIT_TEXT[limitedBy]}` +
    (notes.length > 0 ? `; ${notes.join('; ')}` : '');
  return {
    rps: state.low,
    low: state.low,
    high: state.high,
    widthPercent,
    limitedBy,
    lowerBound,
    endedBy,
    lowConfirmed: state.lowConfirmed,
    slo: settings.slo,
    policyRps: policy,
    ceilingRps: ceiling,
    tolerancePercent: settings.tolerancePercent,
    steps: state.records.map(stepReport),
    text,
  };
}

/** The console table of the steps and the verdict line. */
export function formatCapacity(result: CapacityResult): string {
  const lines = ['Capacity search:', '  kind   rate/s   done/s   answers  success    P95 ms   lag P99   verdict'];
  for (const s of result.steps) {
    const done = typeof s.throughputRps === 'number' ? fmtRps(s.throughputRps) : 'n/a';
    lines.push(
      `  ${s.kind.padEnd(5)} ${fmtRps(s.rps).padStart(8)} ${done.padStart(8)} ${String(s.requests).padStart(9)} ${s.successRatePercent.toFixed(2).padStart(7)} % ` +
        `${(s.p95Ms === null ? 'n/a' : s.p95Ms.toFixed(1)).padStart(9)} ${(s.lagP99Ms === null ? 'n/a' : s.lagP99Ms.toFixed(1)).padStart(9)}   ` +
        `${s.ok ? 'ok' : `FAIL${s.limitedBy ? ` (${s.limitedBy})` : ''}`}: ${s.verdict}`,
    );
  }
  lines.push(result.text);
  return lines.join('\n');
}

/** Reads a report's extra.capacity back (null when it is not one), for the HTML. */
export function readCapacity(value: unknown): CapacityResult | null {
  const c = value as CapacityResult | null | undefined;
  if (typeof c !== 'object' || c === null) return null;
  if (typeof c.rps !== 'number' || typeof c.low !== 'number' || typeof c.limitedBy !== 'string' || !Array.isArray(c.steps)) return null;
  return c;
}
