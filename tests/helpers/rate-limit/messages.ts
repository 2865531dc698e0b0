// What the suite prints about a rate-limit wait. Pure.
import type { PhasePlan, WaitPlan } from './planner.ts';
import { algorithmOf, describePolicy, formatPolicy, type RateLimitPolicy } from './policy.ts';

/** "standard/load waits 41.2 s until the window has room: ..." or "... starts now: ...". */
export function waitMessage(name: string, policy: RateLimitPolicy | null, plan: PhasePlan, wait: WaitPlan, needs?: string): string {
  if (policy === null) return `${name} starts now: RATE_LIMIT=none (the service is declared not to limit)`;
  const shape = plan.ratePerSecond === null ? `${plan.requests} at once` : `${plan.requests} at ${round1(plan.ratePerSecond * 60)}/min`;
  const bucket = algorithmOf(policy) === 'bucket';
  const room = bucket ? 'the bucket has the tokens' : 'the window has room';
  const head = wait.waitMs > 0 ? `${name} waits ${(wait.waitMs / 1000).toFixed(1)} s until ${room}` : `${name} starts now`;
  const notes = [
    bucket
      ? `this suite's requests may have taken ${wait.inWindowNow} of its ${policy.limit} tokens`
      : `${wait.inWindowNow} ${wait.inWindowNow === 1 ? 'request of this suite' : 'requests of this suite'} may still be in the service's window`,
    `the policy is ${describePolicy(policy)} (RATE_LIMIT=${formatPolicy(policy)})`,
    needs ?? `the phase sends ${shape}`,
  ];
  if (wait.serviceSaid !== undefined)
    notes.push(`the service's last answer said less remains (${wait.serviceSaid}): waiting for its reset`);
  if (wait.overLimitByPlan > 0)
    notes.push(
      bucket
        ? `its own plan goes past the policy (${wait.overLimitByPlan} requests find no token even from a full bucket), so expect some 429s`
        : `its own plan goes past the policy (more than ${policy.limit} within ${policy.windowMs / 1000} s), so expect some 429s`,
    );
  else if (wait.atEdge) notes.push("its own plan sits at the policy's edge, so a request at the window's edge may be refused");
  return `${head}: ${notes.join('; ')}`;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
