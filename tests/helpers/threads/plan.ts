// What a worker thread needs to run its segment of a plan: the engine's options as
// plain data (functions do not cross threads), with the success rule and the
// payload named, rebuilt into functions in the thread. Pure.
import {
  bodyCheckFor,
  flatPayload,
  statusIn,
  wrappedPayload,
  type LoadTestOptions,
  type SegmentSpec,
} from '#engine';

/** The options a thread's run takes as they are (every one but the functions, the signal and the segment). */
export type PlainOptions = Omit<LoadTestOptions, 'signal' | 'payload' | 'isSuccess' | 'checkBody' | 'onProgress' | 'segment' | 'startAt'>;

export interface ThreadPlan {
  options: PlainOptions;
  /** The success rule: statuses and what a success's body must be (SUCCESS_STATUSES, SUCCESS_BODY). */
  success: { statuses: number[]; body: 'any' | 'json-object' | 'empty' };
  payload: 'flat' | 'wrapped';
}

/** A run's options as a thread plan; throws, naming the option, when a function cannot be sent to a thread. */
export function threadPlanOf(options: LoadTestOptions, success: ThreadPlan['success']): ThreadPlan {
  const { signal: _signal, payload, isSuccess: _isSuccess, checkBody: _checkBody, onProgress, segment, startAt, ...plain } = options;
  if (onProgress !== undefined) throw new Error('workers: onProgress cannot reach worker threads; drop it (progress reaches the suite’s console)');
  if (segment !== undefined || startAt !== undefined) throw new Error('workers: the threads are the segments; give no segment or startAt');
  const named = payload === undefined || payload === flatPayload ? 'flat' : payload === wrappedPayload ? 'wrapped' : null;
  if (named === null) {
    throw new Error('workers: a payload function of your own cannot reach worker threads; use flatPayload or wrappedPayload, or run without workers');
  }
  return { options: plain, success, payload: named };
}

/** The engine's options of segment `segment` of the plan, from `startAt`. */
export function segmentOptions(plan: ThreadPlan, segment: SegmentSpec, startAt: number, signal: AbortSignal): LoadTestOptions {
  const { concurrency } = plan.options;
  const checkBody = bodyCheckFor(plan.success.body);
  return {
    ...plan.options,
    // The plan's connections are shared among the threads.
    ...(concurrency === undefined ? {} : { concurrency: Math.ceil(concurrency / segment.count) }),
    isSuccess: statusIn(plan.success.statuses),
    ...(checkBody === undefined ? {} : { checkBody }),
    payload: plan.payload === 'wrapped' ? wrappedPayload : flatPayload,
    segment,
    startAt,
    signal,
  };
}
