// What a worker thread needs to run its segment of a plan: the engine's options as
// plain data (functions do not cross threads), with the success rule and the
// payload named, rebuilt into functions in the thread. Pure.
import { bodyCheckFor, flatPayload, statusIn, wrappedPayload, type LoadTestOptions, type SegmentSpec } from '#engine';

/** The options a thread's run takes as they are (every one but the functions, the signal and the segment). */
export type PlainOptions = Omit<LoadTestOptions, 'signal' | 'payload' | 'isSuccess' | 'checkBody' | 'onProgress' | 'segment' | 'startAt'>;

export interface ThreadPlan {
  options: PlainOptions;
  /** The success rule: statuses and what a success's body must be (SUCCESS_STATUSES, SUCCESS_BODY). */
  success: { statuses: number[]; body: 'any' | 'json-object' | 'empty' };
  payload: 'flat' | 'wrapped';
}

/** Why these options cannot run on worker threads (a function that cannot cross), or null. */
export function threadProblem(options: Partial<LoadTestOptions>): string | null {
  if (options.onProgress !== undefined)
    return 'workers: onProgress cannot reach worker threads; drop it (progress reaches the suite’s console)';
  if (options.segment !== undefined || options.startAt !== undefined)
    return 'workers: the threads are the segments; give no segment or startAt';
  const { payload } = options;
  if (payload !== undefined && payload !== flatPayload && payload !== wrappedPayload) {
    return 'workers: a payload function of your own cannot reach worker threads; use flatPayload or wrappedPayload, or run without workers';
  }
  return null;
}

/** A run's options as a thread plan; throws, naming the option, when a function cannot be sent to a thread. */
export function threadPlanOf(options: LoadTestOptions, success: ThreadPlan['success']): ThreadPlan {
  const problem = threadProblem(options);
  if (problem !== null) throw new Error(problem);
  const {
    signal: _signal,
    payload,
    isSuccess: _isSuccess,
    checkBody: _checkBody,
    onProgress: _onProgress,
    segment: _s,
    startAt: _a,
    ...plain
  } = options;
  return { options: plain, success, payload: payload === wrappedPayload ? 'wrapped' : 'flat' };
}

/** The engine's options of segment `segment` of the plan, from `startAt`. */
export function segmentOptions(plan: ThreadPlan, segment: SegmentSpec, startAt: number, signal: AbortSignal): LoadTestOptions {
  const { concurrency } = plan.options;
  const checkBody = bodyCheckFor(plan.success.body);
  return {
    ...plan.options,
    // The plan's connections are shared out among the threads (each holds at least one).
    ...(concurrency === undefined ? {} : { concurrency: concurrencyShare(concurrency, segment) }),
    isSuccess: statusIn(plan.success.statuses),
    ...(checkBody === undefined ? {} : { checkBody }),
    payload: plan.payload === 'wrapped' ? wrappedPayload : flatPayload,
    segment,
    startAt,
    signal,
  };
}

/** Segment `segment`'s share of `concurrency` connections: the remainder to the first ones, at least one. */
export function concurrencyShare(concurrency: number, segment: SegmentSpec): number {
  const share = Math.floor(concurrency / segment.count) + (segment.index <= concurrency % segment.count ? 1 : 0);
  return Math.max(1, share);
}
