// The service's rate-limit window as this suite shares it: what the suite sent
// the service (the ledger beside the reports, shared by every spec and by a run
// started within a minute of the last), the waits for room before each phase,
// and the requests each phase may have added to the window.
import {
  answerTimes,
  EDGE_MARGIN_MS,
  planWait,
  waitMessage,
  type PhasePlan,
  type RateLedger,
  type Sent,
  type ServiceSays,
  type WaitPlan,
} from '../rate-limit/index.ts';
import { ledgerFor, type PerfContext } from './perf-context.ts';

/** One wait, as the report keeps it. */
export type WaitRecord = WaitPlan & { phase: string; requests: number; message: string };

export class RateWindow {
  readonly ledger: RateLedger;
  /** Every wait of the spec so far, in order. */
  readonly waits: WaitRecord[] = [];
  /** What the service's answers last said of the window (its `remaining` and `reset`), when they say it. */
  private said: ServiceSays | undefined;

  constructor(
    private readonly context: Pick<PerfContext, 'config' | 'stack'>,
    private readonly spec: string,
  ) {
    this.ledger = ledgerFor(context);
  }

  /**
   * Waits until the window (RATE_LIMIT) has room for the phase, from what the suite sent the
   * service, and prints how long and why (`needs` says what the room is for, when it is not simply
   * the phase's plan). Returns at once without a policy, and stops waiting when `signal` aborts.
   */
  async awaitRoom(phase: string, plan: PhasePlan, signal: AbortSignal, needs?: string): Promise<WaitRecord> {
    const policy = this.context.config.rateLimit;
    const wait = planWait(policy, answerTimes(this.sent()), plan, Date.now(), EDGE_MARGIN_MS, this.said);
    const record = { ...wait, phase, requests: plan.requests, message: waitMessage(`${this.spec}/${phase}`, policy, plan, wait, needs) };
    console.log(`[perf] rate limit: ${record.message}`);
    this.waits.push(record);
    if (wait.waitMs > 0) await sleep(wait.waitMs, signal);
    return record;
  }

  /** Keeps what a run's answers said of the window, for the next wait (`undefined` keeps the last word). */
  heard(said: ServiceSays | undefined): void {
    if (said !== undefined) this.said = said;
  }

  /** The suite's requests to the service still in the ledger, this spec's included. */
  sent(): Sent[] {
    return this.ledger.sent();
  }

  /** Adds requests the service may have admitted (all but its 429s); a ledger that cannot be written is a warning, returned. */
  record(entries: readonly Sent[]): string | undefined {
    try {
      this.ledger.record(entries);
      return undefined;
    } catch (error) {
      return `could not update the rate-limit ledger ${this.ledger.path}: ${(error as Error).message}`;
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal.aborted) return done();
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    }
    signal.addEventListener('abort', finish, { once: true });
  });
}
