// Did the service's rate limiter do what the declared policy says? Pure: the
// policy, our earlier requests still near the window and the counts of one
// phase sent past the remaining budget in, a verdict with its reasons out.
//
// Tolerance at the window's edge: the service stamped each earlier request of
// ours between its send and its answer, and counts its window's edge as it
// likes. An earlier request is surely in the window for the whole phase when it
// was sent after (phase end - window + margin), and possibly in at some moment
// when it was answered after (phase start - window - margin). The ones between
// may free a place, or not: each widens the admitted range by one.
import type { Sent } from './ledger.ts';
import { EDGE_MARGIN_MS } from './planner.ts';
import { describePolicy, type RateLimitPolicy } from './policy.ts';

export interface PhaseOutcome {
  /** Wall ms the phase's first request left, and its last answer came. */
  startMs: number;
  endMs: number;
  sent: number;
  /** Answers other than 429 and other than no answer: the service took them in. */
  admitted: number;
  refused429: number;
  /** Requests that got no HTTP answer (refused connection, reset, timeout). */
  noAnswer: number;
  /** Statuses of the admitted answers that were not a success (e.g. 500). */
  admittedFailures: Record<string, number>;
}

export interface LimiterVerdict {
  ok: boolean;
  /** Fewest and most admissions a correct limiter gives in this phase. */
  expectedMin: number;
  expectedMax: number;
  /** Earlier requests of ours surely in the window during the phase. */
  earlierInWindow: number;
  /** Earlier requests at the window's edge (the tolerance). */
  edgeTolerance: number;
  problems: string[];
  summary: string;
}

/** Judges one phase sent past the remaining budget, given our earlier admitted-or-unknown send times. */
export function judgeLimiter(
  policy: RateLimitPolicy,
  earlier: readonly Sent[],
  phase: PhaseOutcome,
  marginMs = EDGE_MARGIN_MS,
): LimiterVerdict {
  const { limit, windowMs } = policy;
  const before = earlier.filter(([sent]) => sent <= phase.startMs);
  const surelyIn = before.filter(([sent]) => sent > phase.endMs - windowMs + marginMs).length;
  const possiblyIn = before.filter(([, answered]) => answered > phase.startMs - windowMs - marginMs).length;
  const expectedMax = Math.min(phase.sent, Math.max(0, limit - surelyIn));
  const expectedMin = Math.min(phase.sent, Math.max(0, limit - possiblyIn));
  const policyText = describePolicy(policy);
  const windowText = `${windowMs / 1000} s`;
  const problems: string[] = [];
  if (phase.admitted > expectedMax) {
    problems.push(
      `the limiter admitted too many: admitted ${surelyIn + phase.admitted} within ${windowText} ` +
        `(${phase.admitted} of ${phase.sent} sent at once, after ${surelyIn} earlier requests of this suite still in the window); ` +
        `the declared policy is ${policyText} (RATE_LIMIT), so at most ${expectedMax} of these could be admitted`,
    );
  }
  if (phase.admitted < expectedMin) {
    problems.push(
      `the limiter fired early: admitted ${phase.admitted} of ${phase.sent} while the declared policy (${policyText}) left room for ` +
        `${expectedMin} (${possiblyIn} earlier requests of this suite in the window); is RATE_LIMIT right, or does other traffic share this client's window?`,
    );
  }
  if (phase.noAnswer > 0)
    problems.push(
      `${phase.noAnswer} requests got no HTTP answer (dropped connections, resets or timeouts): excess requests must be refused with 429`,
    );
  const failed = Object.entries(phase.admittedFailures).filter(([, n]) => n > 0);
  const serverErrors = failed.filter(([status]) => Number(status) >= 500);
  if (serverErrors.length > 0) {
    problems.push(
      `answers of ${serverErrors.map(([s, n]) => `${s} x${n}`).join(', ')}: the service must refuse excess requests with 429, never 5xx`,
    );
  }
  const range = expectedMin === expectedMax ? `${expectedMax}` : `${expectedMin}-${expectedMax}`;
  const summary =
    `sent ${phase.sent} past the budget: admitted ${phase.admitted}, refused ${phase.refused429} with 429` +
    (phase.noAnswer > 0 ? `, ${phase.noAnswer} unanswered` : '') +
    `; the policy ${policyText} allows ${range} (${surelyIn} earlier requests in the window, tolerance ${possiblyIn - surelyIn} at its edge)`;
  return {
    ok: problems.length === 0,
    expectedMin,
    expectedMax,
    earlierInWindow: surelyIn,
    edgeTolerance: possiblyIn - surelyIn,
    problems,
    summary,
  };
}
