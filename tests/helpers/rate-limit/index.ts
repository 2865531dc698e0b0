// Rate limiting as the suite plans around it: the declared policy, the ledger of
// what we sent, when a phase may start, and whether the service's limiter kept
// the policy.
export { describePolicy, formatPolicy, parseRateLimit, type RateLimitPolicy } from './policy.ts';
export { EDGE_MARGIN_MS, inWindow, offsetsOf, planWait, roomAt, type PhasePlan, type WaitPlan } from './planner.ts';
export { admittedSends, answerTimes, LEDGER_FILE, RateLedger, sentTimes, type Sent, type SentRequests } from './ledger.ts';
export { judgeLimiter, type LimiterVerdict, type PhaseOutcome } from './verdict.ts';
export { waitMessage } from './messages.ts';
