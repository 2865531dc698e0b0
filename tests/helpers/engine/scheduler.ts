// Open-model send schedule. Every request has an absolute due time from one
// monotonic start (a Schedule: i * 1000 / rate ms at a constant rate, 0 in burst
// mode, the integral of the rate for stages, see stages.ts), so lateness never
// accumulates (no chained sleeps), and when the loop wakes late it sends
// everything already due at once (catch-up), like loadtest's hrtimer. Sending
// never waits for responses, only for a free slot when `concurrency` is reached.

/** Due time of request `index` in ms from the start; 0 for every request in burst mode. */
export function dueTimeMs(index: number, requestsPerSecond: number | null): number {
  return requestsPerSecond === null ? 0 : (index * 1000) / requestsPerSecond;
}

/** The plan of a run: how many requests, and when each is due. */
export interface Schedule {
  readonly mode: 'rate' | 'burst' | 'stages';
  /** Requests planned; they are due in index order. */
  readonly count: number;
  /** Due time of request `index` (0 <= index < count), ms from the start; non-decreasing in index. */
  dueTimeMs(index: number): number;
}

/** `count` requests at a constant rate: request i at i * 1000 / rate ms (the same numbers as dueTimeMs). */
export class ConstantRateSchedule implements Schedule {
  readonly mode = 'rate';
  constructor(
    readonly count: number,
    readonly requestsPerSecond: number,
  ) {}

  dueTimeMs(index: number): number {
    return (index * 1000) / this.requestsPerSecond;
  }
}

/** `count` requests all due at 0. */
export class BurstSchedule implements Schedule {
  readonly mode = 'burst';
  constructor(readonly count: number) {}

  dueTimeMs(): number {
    return 0;
  }
}

/** The schedule of a count-bounded run: constant rate, or burst when the rate is null. */
export function countSchedule(totalRequests: number, requestsPerSecond: number | null): Schedule {
  return requestsPerSecond === null ? new BurstSchedule(totalRequests) : new ConstantRateSchedule(totalRequests, requestsPerSecond);
}

/** What the send loop must do after a pass. */
export type NextStep = { kind: 'wait'; delayMs: number } | { kind: 'blocked' } | { kind: 'done' };

export interface SendHooks {
  /** Monotonic ms since the run started. */
  now(): number;
  /** Whether another request may be put in flight. */
  hasCapacity(): boolean;
  /** Puts request `index` in flight; `intendedMs` is its due time. */
  send(index: number, intendedMs: number): void;
}

/**
 * The pure core: which requests to send now. Deterministic given the clock,
 * so drift-freeness and catch-up are testable without timers.
 */
export class SendSchedule {
  /** Index of the next request to send. */
  next = 0;
  /** How many passes found a due request but no free slot. */
  slotWaits = 0;

  private readonly count: number;
  /**
   * A constant rate's requests per second, for its due times inline (no call: the loop stays as
   * fast once other schedules have run in the process); NaN for other schedules.
   */
  private readonly rate: number;

  constructor(readonly schedule: Schedule) {
    this.count = schedule.count;
    this.rate = schedule instanceof ConstantRateSchedule ? schedule.requestsPerSecond : Number.NaN;
  }

  /** Sends every request that is due at the current time and fits; says what to wait for next. */
  sendDue(hooks: SendHooks): NextStep {
    const { schedule, count, rate } = this;
    const inline = rate === rate; // not NaN
    let now = hooks.now();
    while (this.next < count) {
      const due = inline ? (this.next * 1000) / rate : schedule.dueTimeMs(this.next);
      if (due > now) {
        now = hooks.now(); // sending takes time: more may have become due
        if (due > now) return { kind: 'wait', delayMs: due - now };
      }
      if (!hooks.hasCapacity()) {
        this.slotWaits++;
        return { kind: 'blocked' };
      }
      const index = this.next++;
      hooks.send(index, due);
    }
    return { kind: 'done' };
  }
}

/**
 * Drives a SendSchedule with timers: setTimeout for waits of 1 ms or more,
 * setImmediate below that (setTimeout cannot wait less than 1 ms), and a wake-up
 * from the engine when a slot frees while blocked.
 */
export class Scheduler {
  readonly schedule: SendSchedule;
  private timeout: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private blocked = false;
  private stopped = false;

  constructor(
    plan: Schedule,
    private readonly hooks: SendHooks,
    private readonly onAllSent: () => void,
  ) {
    this.schedule = new SendSchedule(plan);
  }

  get sent(): number {
    return this.schedule.next;
  }

  start(): void {
    this.tick();
  }

  /** Called when a request completes: if the loop is waiting for a slot, run it soon. */
  slotFreed(): void {
    if (this.blocked && !this.stopped && this.immediate === undefined) {
      this.blocked = false;
      this.immediate = setImmediate(this.tick);
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timeout !== undefined) clearTimeout(this.timeout);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timeout = undefined;
    this.immediate = undefined;
  }

  // An arrow property, so the timers need no new closure per wake-up.
  private readonly tick = (): void => {
    this.timeout = undefined;
    this.immediate = undefined;
    if (this.stopped) return;
    const step = this.schedule.sendDue(this.hooks);
    if (this.stopped) return; // a send may have stopped the run
    switch (step.kind) {
      case 'wait':
        if (step.delayMs < 1) this.immediate = setImmediate(this.tick);
        else this.timeout = setTimeout(this.tick, step.delayMs);
        break;
      case 'blocked':
        this.blocked = true;
        break;
      case 'done':
        this.stopped = true;
        this.onAllSent();
        break;
    }
  };
}
