// A circuit breaker in front of the Freshdesk API: after `threshold` consecutive outage-like
// failures (unreachable, timeout, 5xx) it opens and callers fail at once for `cooldownMs`,
// so a failing API is not hammered by every webhook. Then one trial call is let through
// (half-open): success closes the circuit, failure opens it for another cooldown.
// Pure state machine with an injected clock; the Freshdesk client drives it.

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitStats {
  state: CircuitState;
  /** Times the circuit went from closed or half-open to open. */
  opened_count: number;
  /** Calls refused without reaching the API while open. */
  rejected_count: number;
  consecutive_failures: number;
}

export interface CircuitBreaker {
  readonly enabled: boolean;
  /** True when a call may go to the API now (in half-open: only the one trial call). */
  allow(): boolean;
  /** Milliseconds until a call would be allowed again (0 when allowed). */
  retryInMs(): number;
  success(): void;
  failure(): void;
  stats(): CircuitStats;
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit; 0 turns the breaker off. */
  threshold: number;
  cooldownMs: number;
  now?: () => number;
}

export function createCircuitBreaker({ threshold, cooldownMs, now = () => performance.now() }: CircuitBreakerOptions): CircuitBreaker {
  const enabled = threshold > 0;
  let state: CircuitState = 'closed';
  let consecutive = 0;
  let openedAt = 0;
  let trialInFlight = false;
  let openedCount = 0;
  let rejectedCount = 0;

  function open(): void {
    state = 'open';
    openedAt = now();
    openedCount += 1;
    trialInFlight = false;
  }

  return {
    enabled,
    allow() {
      if (!enabled || state === 'closed') return true;
      if (state === 'open' && now() - openedAt >= cooldownMs) {
        state = 'half_open';
        trialInFlight = false;
      }
      if (state === 'half_open' && !trialInFlight) {
        trialInFlight = true;
        return true;
      }
      rejectedCount += 1;
      return false;
    },
    retryInMs() {
      if (!enabled || state === 'closed') return 0;
      return Math.max(0, cooldownMs - (now() - openedAt));
    },
    success() {
      consecutive = 0;
      state = 'closed';
      trialInFlight = false;
    },
    failure() {
      if (!enabled) return;
      consecutive += 1;
      if (state === 'half_open' || (state === 'closed' && consecutive >= threshold)) open();
    },
    stats() {
      // An open circuit whose cooldown has passed lets the next call through: report that, so
      // health turns good again without waiting for traffic.
      const effective = state === 'open' && now() - openedAt >= cooldownMs ? 'half_open' : state;
      return { state: effective, opened_count: openedCount, rejected_count: rejectedCount, consecutive_failures: consecutive };
    },
  };
}
