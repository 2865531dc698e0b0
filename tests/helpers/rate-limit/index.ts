// Rate limiting as the suite plans around it: the declared policy, the ledger of
// what we sent, when a phase may start, whether the service's limiter kept
// the policy (requests sent at once absorbed, admitted as it says) and what its
// Retry-After asked for.
export {
  algorithmOf,
  declaredAs,
  describePolicy,
  formatPolicy,
  isAutoRateLimit,
  parseRateLimit,
  RATE_LIMIT_FORMS,
  sustainedPerSecond,
  type DeclaredRateLimit,
  type RateLimitAlgorithm,
  type RateLimitPolicy,
} from './policy.ts';
export { EDGE_MARGIN_MS, planWait, type PhasePlan, type WaitPlan } from './planner.ts';
export { admittedSends, answerTimes, LEDGER_FILE, RateLedger, type Sent } from './ledger.ts';
export { waitMessage } from './messages.ts';
export { absorptionProblems, activationPlan, EDGE_TOLERANCE, judgeShedding, outcomeOf } from './shedding.ts';
export { judgeRetryAfter, retryAfterWaitS } from './retry-after.ts';
export { lastWord, policyFromHeaders, RATE_LIMIT_HEADERS, serviceSays, type ServiceSays } from './headers.ts';
