// Rate limiting as the suite plans around it: the declared policy, the ledger of
// what we sent, when a phase may start, whether the service's limiter kept
// the policy (requests sent at once absorbed, admitted as it says) and what its
// Retry-After asked for.
export { describePolicy, formatPolicy, parseRateLimit, type RateLimitPolicy } from './policy.ts';
export { EDGE_MARGIN_MS, inWindow, offsetsOf, planWait, roomAt, type PhasePlan, type WaitPlan } from './planner.ts';
export { admittedSends, answerTimes, LEDGER_FILE, RateLedger, sentTimes, type Sent, type SentRequests } from './ledger.ts';
export { judgeLimiter, type LimiterVerdict, type PhaseOutcome } from './verdict.ts';
export { waitMessage } from './messages.ts';
export {
  absorptionProblems,
  activationPlan,
  CONNECTION_ERRORS,
  EDGE_TOLERANCE,
  judgeShedding,
  MAX_ACTIVATION_REQUESTS,
  outcomeOf,
  type AbsorbedFigures,
  type ActivationPlan,
  type PhaseSamples,
  type SheddingVerdict,
} from './shedding.ts';
export { judgeRetryAfter, retryAfterSeconds, retryAfterWaitS, type AnswersWithHeaders, type RetryAfterJudgement } from './retry-after.ts';
