// Per-request measurements in columns of typed arrays, preallocated to the
// planned request count: 27 bytes per request and no object per request.
// Times are monotonic ms from the run's start.
import { codeHasLatency, ErrorCode, errorClassName, type ErrorClass } from './errors.ts';

/** One request, materialised on demand from the columns. */
export interface LoadTestSample {
  index: number;
  ticketId: number;
  /** When the schedule said to send it. */
  intendedStartMs: number;
  /** When it was handed to undici. */
  actualStartMs: number;
  /** When the response completed or the request failed; NaN if it never ended (cannot happen after a run). */
  endMs: number;
  /** HTTP status, 0 when no response arrived. */
  status: number;
  ok: boolean;
  /** null for a success. */
  errorClass: ErrorClass | null;
  /** end - actual start: what the server (and network) took. */
  serviceTimeMs: number;
  /** end - intended start: latency corrected for coordinated omission. */
  responseTimeMs: number;
}

export class SampleStore {
  readonly intendedMs: Float64Array;
  readonly actualMs: Float64Array;
  readonly endMs: Float64Array;
  readonly status: Uint16Array;
  readonly errorCode: Uint8Array;
  /** Requests sent so far; they occupy indices 0 .. sent - 1 (sends happen in index order). */
  sent = 0;
  completed = 0;

  /**
   * `ticketIdStart` is the plan's request 0's; a segment's request i is the plan's request
   * `offset + i * stride` (segments.ts), and carries that one's ticket id.
   */
  constructor(
    readonly capacity: number,
    readonly ticketIdStart: number,
    readonly offset = 0,
    readonly stride = 1,
  ) {
    this.intendedMs = new Float64Array(capacity);
    this.actualMs = new Float64Array(capacity);
    this.endMs = new Float64Array(capacity).fill(Number.NaN);
    this.status = new Uint16Array(capacity);
    this.errorCode = new Uint8Array(capacity);
  }

  /** The index in the whole plan of request `index` (itself without a segment). */
  planIndex(index: number): number {
    return this.offset + index * this.stride;
  }

  /**
   * The store indices [from, to) of the sent requests among the stage-plan's requests [first, end)
   * (indices as this store's stages count them).
   */
  rangeOf(first: number, end: number): [number, number] {
    return [first, Math.max(first, Math.min(end, this.sent))];
  }

  recordSend(index: number, intendedMs: number, actualMs: number): void {
    this.intendedMs[index] = intendedMs;
    this.actualMs[index] = actualMs;
    this.sent = index + 1;
  }

  recordEnd(index: number, endMs: number, status: number, code: ErrorCode): void {
    this.endMs[index] = endMs;
    this.status[index] = status;
    this.errorCode[index] = code;
    this.completed++;
  }

  /**
   * Whether a request's time is a latency: it got a response (any status, a
   * rejected body included) or timed out (its time is then a lower bound).
   * Refused, reset and cancelled requests have no meaningful latency.
   */
  hasLatency(index: number): boolean {
    return codeHasLatency(this.errorCode[index] as ErrorCode);
  }

  sample(index: number): LoadTestSample {
    if (!Number.isInteger(index) || index < 0 || index >= this.sent) {
      throw new RangeError(`sample index ${index} is out of range: ${this.sent} requests were sent`);
    }
    const intended = this.intendedMs[index] as number;
    const actual = this.actualMs[index] as number;
    const end = this.endMs[index] as number;
    const status = this.status[index] as number;
    const code = this.errorCode[index] as ErrorCode;
    return {
      index,
      ticketId: this.ticketIdStart + this.planIndex(index),
      intendedStartMs: intended,
      actualStartMs: actual,
      endMs: end,
      status,
      ok: code === ErrorCode.none,
      errorClass: errorClassName(code, status),
      serviceTimeMs: end - actual,
      responseTimeMs: end - intended,
    };
  }
}
