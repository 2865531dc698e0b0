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
//
// A fixed window holds a subset of the sliding span: no more of our earlier
// requests than a sliding window could (the same fewest admissions), but only
// those since its start count against the phase (fixed-window.ts). A token
// bucket's bounds are its tokens: the most with our earlier requests taken as
// early as they can have been, plus the refill over the phase; the fewest with
// them taken as late as they can have been.
import { tokensAt } from './bucket.ts';
import { earlierInFixedWindow } from './fixed-window.ts';
import type { Sent } from './ledger.ts';
import { EDGE_MARGIN_MS } from './planner.ts';
import { algorithmOf, declaredAs, describePolicy, type RateLimitPolicy } from './policy.ts';

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
  const { surelyIn, possiblyIn, expectedMin, expectedMax } = bounds(policy, earlier, phase, marginMs);
  const policyText = `${describePolicy(policy)} (${declaredAs(policy)})`;
  const problems: string[] = [];
  if (phase.admitted > expectedMax) {
    const what =
      algorithmOf(policy) === 'bucket'
        ? `admitted ${phase.admitted} of ${phase.sent} sent at once while its bucket held at most ${expectedMax} tokens ` +
          `(${surelyIn} taken by earlier requests of this suite, its refill over the phase included)`
        : `admitted ${surelyIn + phase.admitted} within ${policy.windowMs / 1000} s ` +
          `(${phase.admitted} of ${phase.sent} sent at once, after ${surelyIn} earlier requests of this suite still in the window)`;
    problems.push(
      `the limiter admitted too many: ${what}; the declared policy is ${policyText}, so at most ${expectedMax} of these could be admitted`,
    );
  }
  if (phase.admitted < expectedMin) {
    problems.push(
      `the limiter fired early: admitted ${phase.admitted} of ${phase.sent} while the declared policy ${policyText} left room for ` +
        `${expectedMin} (${possiblyIn} earlier requests of this suite counted); is RATE_LIMIT right, or does other traffic share this client's limit?`,
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
    `; the policy ${policyText} allows ${range} (${surelyIn} earlier requests counted, tolerance ${possiblyIn - surelyIn} at its edge)`;
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

interface Bounds {
  /** Earlier requests of ours surely, and possibly, counted against the phase. */
  surelyIn: number;
  possiblyIn: number;
  expectedMin: number;
  expectedMax: number;
}

/** The fewest and most admissions a correct limiter of the policy's kind gives the phase. */
function bounds(policy: RateLimitPolicy, earlier: readonly Sent[], phase: PhaseOutcome, marginMs: number): Bounds {
  const { limit, windowMs } = policy;
  const cap = (n: number) => Math.min(phase.sent, Math.max(0, Math.floor(n)));
  const before = earlier.filter(([sent]) => sent <= phase.startMs);
  if (algorithmOf(policy) === 'bucket') {
    // Most tokens: earlier requests taken when sent (less the margin), and the refill while the limiter
    // may have been deciding on the phase's requests (from its first send to its last answer).
    const most = tokensAt(
      policy,
      before.map(([sent]) => sent - marginMs),
      phase.startMs,
      false,
    );
    const refill = ((phase.endMs - phase.startMs) / 1000) * policy.refillPerSecond!;
    // Fewest: taken when answered (plus the margin), no refill.
    const fewest = tokensAt(
      policy,
      before.map(([, answered]) => Math.min(answered + marginMs, phase.startMs)),
      phase.startMs,
    );
    return {
      surelyIn: Math.max(0, Math.round(limit - most)),
      possiblyIn: Math.max(0, Math.round(limit - fewest)),
      expectedMin: cap(fewest),
      expectedMax: cap(Math.min(limit, most) + refill),
    };
  }
  const surelySliding = before.filter(([sent]) => sent > phase.endMs - windowMs + marginMs).length;
  const possiblyIn = before.filter(([, answered]) => answered > phase.startMs - windowMs - marginMs).length;
  if (algorithmOf(policy) !== 'fixed') {
    return { surelyIn: surelySliding, possiblyIn, expectedMin: cap(limit - possiblyIn), expectedMax: cap(limit - surelySliding) };
  }
  const window = earlierInFixedWindow(policy, before, phase, marginMs);
  const surelyIn = Math.min(surelySliding, window.count);
  // A window that may end during the phase admits another limit after it; so does every window a
  // phase longer than one may start.
  const restarts = (window.mayRestart ? 1 : 0) + Math.floor((phase.endMs - phase.startMs + marginMs) / windowMs);
  return { surelyIn, possiblyIn, expectedMin: cap(limit - possiblyIn), expectedMax: cap(limit - surelyIn + restarts * limit) };
}
