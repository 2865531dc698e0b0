// Requests sent at once, and how a service under a declared rate-limit policy
// should take them: absorbed (every one answered in time, no 5xx, no dropped
// connection), and admitted as the policy says (all of them while the window
// has room, no more than it allows past the budget, the rest refused with 429).
// Also the size of a phase that goes past the budget on purpose. Pure: counts,
// summaries and ledger entries in, verdicts with their reasons out.
import { tokensAt } from './bucket.ts';
import { earlierInFixedWindow } from './fixed-window.ts';
import { sentTimes, type Sent } from './ledger.ts';
import { EDGE_MARGIN_MS, inWindow } from './planner.ts';
import { algorithmOf, describePolicy, type RateLimitPolicy } from './policy.ts';
import { judgeLimiter, type LimiterVerdict, type PhaseOutcome } from './verdict.ts';

/** Error classes of a request that got no HTTP answer. */
export const CONNECTION_ERRORS: readonly string[] = ['connection_refused', 'connection_reset', 'timeout', 'other', 'aborted'];

/** A phase's samples and timing (structural: the engine's results fit). */
export interface PhaseSamples {
  info: { startedAt: string; durationMs: number };
  samples: readonly { status: number; ok: boolean }[];
}

/** The counts the limiter verdict needs, from one phase's samples. */
export function outcomeOf(results: PhaseSamples): PhaseOutcome {
  const startMs = Date.parse(results.info.startedAt);
  const outcome: PhaseOutcome = {
    startMs,
    endMs: startMs + results.info.durationMs,
    sent: 0,
    admitted: 0,
    refused429: 0,
    noAnswer: 0,
    admittedFailures: {},
  };
  for (const sample of results.samples) {
    outcome.sent += 1;
    if (sample.status === 0) outcome.noAnswer += 1;
    else if (sample.status === 429) outcome.refused429 += 1;
    else {
      outcome.admitted += 1;
      if (!sample.ok) outcome.admittedFailures[sample.status] = (outcome.admittedFailures[sample.status] ?? 0) + 1;
    }
  }
  return outcome;
}

/** The part of a run's summary absorption reads (the engine's summary fits). */
export interface AbsorbedFigures {
  endReason: string;
  /** From the phase's start to its last answer. */
  durationSeconds: number;
  cancelledCount: number;
  notSentCount: number;
  statusCodes: Record<string, number>;
  errorClasses: Record<string, number>;
}

const counted = (entries: [string, number][]) => entries.map(([name, n]) => `${name} x${n}`).join(', ');

/**
 * Why a phase was not absorbed: it did not finish within `withinMs` (requests cut off by the
 * bound), the service answered 5xx, or requests got no HTTP answer. Empty when it was.
 */
export function absorptionProblems(summary: AbsorbedFigures, withinMs: number, phase: string): string[] {
  const problems: string[] = [];
  if (summary.endReason !== 'completed') problems.push(`the ${phase} must finish within ${withinMs} ms: it ended by ${summary.endReason}`);
  const cut = summary.cancelledCount + summary.notSentCount;
  if (cut > 0) problems.push(`${cut} requests of the ${phase} cut off by the time bound of ${withinMs} ms`);
  // Whatever bound the run itself had: the last answer must come within withinMs of the start.
  const tookMs = summary.durationSeconds * 1000;
  if (summary.endReason === 'completed' && tookMs > withinMs) {
    problems.push(`the ${phase} took ${tookMs.toFixed(0)} ms to be answered, more than ${withinMs} ms`);
  }
  const serverErrors = Object.entries(summary.statusCodes).filter(([code]) => Number(code) >= 500);
  if (serverErrors.length > 0) problems.push(`the service fell over: 5xx answers during the ${phase}: ${counted(serverErrors)}`);
  const unanswered = Object.entries(summary.errorClasses).filter(([name]) => CONNECTION_ERRORS.includes(name));
  if (unanswered.length > 0) problems.push(`requests of the ${phase} that got no HTTP answer: ${counted(unanswered)}`);
  return problems;
}

export interface SheddingVerdict {
  /** No policy declared (RATE_LIMIT=none); the window had room for every request; or the phase went past the budget. */
  kind: 'no limit declared' | 'within the budget' | 'past the budget';
  ok: boolean;
  problems: string[];
  summary: string;
  /** Past the budget: the limiter verdict (judgeLimiter) with its tolerance at the window's edge. */
  limiter?: LimiterVerdict;
}

/**
 * Whether a phase sent at once was admitted as the declared policy says, given our earlier
 * requests still near the window (`earlier`, from the ledger when the phase started):
 * - no policy: every request admitted and served;
 * - the window surely had room for all of them: every one admitted and served, a 429 is a
 *   limiter that fires early;
 * - past the budget: no more admitted than the policy allows and no fewer than it must
 *   (judgeLimiter, with its tolerance at the window's edge), the rest refused with 429, the
 *   admitted served; never a 5xx or a dropped connection.
 */
export function judgeShedding(policy: RateLimitPolicy | null, earlier: readonly Sent[], outcome: PhaseOutcome): SheddingVerdict {
  const { sent, admitted, refused429, noAnswer } = outcome;
  const failed = Object.entries(outcome.admittedFailures).filter(([, n]) => n > 0);
  const notServed = (which: [string, number][]) =>
    which.length > 0 ? [`admitted requests answered with a failure other than 429: ${counted(which)}`] : [];
  if (policy === null) {
    const problems = [
      ...(refused429 > 0 ? [`${refused429} of ${sent} refused with 429 while RATE_LIMIT=none declares no rate limiting`] : []),
      ...(noAnswer > 0 ? [`${noAnswer} of ${sent} requests got no HTTP answer`] : []),
      ...notServed(failed),
    ];
    const summary = `rate limiting was not checked: RATE_LIMIT=none declares a service without rate limiting (${admitted} of ${sent} admitted)`;
    return { kind: 'no limit declared', ok: problems.length === 0, problems, summary };
  }
  const limiter = judgeLimiter(policy, earlier, outcome);
  const below500 = notServed(failed.filter(([status]) => Number(status) < 500));
  if (limiter.expectedMin < sent) {
    const problems = [...limiter.problems, ...below500];
    return { kind: 'past the budget', ok: problems.length === 0, problems, summary: limiter.summary, limiter };
  }
  // Room for all of them: the verdict's "fired early" said as the burst sees it.
  const possiblyIn = limiter.earlierInWindow + limiter.edgeTolerance;
  const room = `the declared policy (${describePolicy(policy)}) left room for all of them (${possiblyIn} earlier requests of this suite in the window)`;
  const problems = [
    ...(refused429 > 0 ? [`the limiter fired early: ${refused429} of ${sent} refused with 429 while ${room}`] : []),
    ...limiter.problems.filter((problem) => !problem.startsWith('the limiter fired early')),
    ...below500,
  ];
  const summary = `${sent} at once within the budget: admitted ${admitted}, refused ${refused429} with 429; ${room}`;
  return { kind: 'within the budget', ok: problems.length === 0, problems, summary };
}

/** The most requests a phase sent past the budget may take; a policy that needs more is not checked (said so). */
export const MAX_ACTIVATION_REQUESTS = 2000;

export interface ActivationPlan {
  /** The room left in the window now plus the overshoot, all at once. */
  requests: number;
  /** How many past the remaining budget: max(10, limit / 5). */
  overshoot: number;
  /** Set when the plan is over MAX_ACTIVATION_REQUESTS: why it is not sent. */
  tooLarge?: string;
}

/**
 * A phase that surely goes past the budget: the most room the policy can have at `nowMs` after our
 * earlier requests (counted from their send times: the fewest still in the window, the most tokens
 * back in a bucket), plus max(10, limit / 5).
 */
export function activationPlan(policy: RateLimitPolicy, earlier: readonly Sent[], nowMs = Date.now()): ActivationPlan {
  // A bucket refills while the phase is answered: past what 2 s of refill could admit as well.
  const refill = policy.refillPerSecond === undefined ? 0 : Math.ceil(2 * policy.refillPerSecond);
  const overshoot = Math.max(10, Math.ceil(policy.limit / 5)) + refill;
  const requests = Math.max(0, roomAt(policy, earlier, nowMs)) + overshoot;
  if (requests <= MAX_ACTIVATION_REQUESTS) return { requests, overshoot };
  const tooLarge = `the policy (${describePolicy(policy)}) would need ${requests} requests at once, over this spec's bound of ${MAX_ACTIVATION_REQUESTS}`;
  return { requests, overshoot, tooLarge };
}

/** The most requests the policy can still admit at once at `nowMs`, after our earlier requests. */
function roomAt(policy: RateLimitPolicy, earlier: readonly Sent[], nowMs: number): number {
  switch (algorithmOf(policy)) {
    case 'sliding':
      return policy.limit - inWindow(sentTimes(earlier), nowMs, policy, 0);
    case 'fixed':
      return policy.limit - earlierInFixedWindow(policy, earlier, { startMs: nowMs, endMs: nowMs }, EDGE_MARGIN_MS).count;
    case 'bucket':
      return Math.floor(tokensAt(policy, sentTimes(earlier), nowMs, false));
  }
}

/** How the limiter verdict's tolerance reads in reports. */
export const EDGE_TOLERANCE = `±${EDGE_MARGIN_MS} ms at the window's edge`;
