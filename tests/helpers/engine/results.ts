// What runLoadTest returns: the sample columns plus run metadata, with the
// summary computed on demand (and cached).
import { ErrorCode, errorClassName } from './errors.ts';
import type { LoadTestSample, SampleStore } from './samples.ts';
import type { ErrorRecord, RunInfo } from './run-data.ts';
import { buildSummary, type LoadTestSummary } from './summary.ts';

export type { RunInfo } from './run-data.ts';

/** Times of the requests that have a latency, in send order. */
export interface LatencySeries {
  /** Intended start, ms from the run start. */
  timesMs: Float64Array;
  /** Corrected response time, ms. */
  latenciesMs: Float64Array;
  /** Requests sent but not in the series, by error class (e.g. `http_429`: 12). */
  leftOut: Record<string, number>;
}

/** `all`: every request with a latency (any answer, timeouts); `accepted`: successes only. */
export type SeriesOf = 'all' | 'accepted';

export class LoadTestResults {
  private summary: LoadTestSummary | undefined;
  private materialized: LoadTestSample[] | undefined;

  constructor(
    readonly info: RunInfo,
    /** The raw columns (typed arrays); indices 0 .. sampleCount - 1 are filled. */
    readonly store: SampleStore,
    private readonly errors: readonly ErrorRecord[],
    /** Warnings the engine collected during the run (the summary adds its own). */
    readonly runWarnings: readonly string[],
    /** Response headers named in the captureHeaders option, by request index (absent when none came). */
    readonly capturedHeaders: ReadonlyMap<number, Readonly<Record<string, string>>> = new Map(),
  ) {}

  /** Requests sent (one sample each). */
  get sampleCount(): number {
    return this.store.sent;
  }

  /** One record per sent request, in send order; built on first access. */
  get samples(): readonly LoadTestSample[] {
    if (this.materialized === undefined) {
      const list: LoadTestSample[] = new Array(this.store.sent);
      for (let i = 0; i < this.store.sent; i++) list[i] = this.store.sample(i);
      this.materialized = list;
    }
    return this.materialized;
  }

  /** One request's record without materialising all of them. */
  sample(index: number): LoadTestSample {
    return this.store.sample(index);
  }

  /**
   * Latencies over the run. `accepted` keeps only successes: a fast `429` or error
   * answer is not the service's processing time, and would fake a trend.
   */
  latencySeries(of: SeriesOf = 'all'): LatencySeries {
    const { store } = this;
    const times = new Float64Array(store.sent);
    const latencies = new Float64Array(store.sent);
    const leftOut: Record<string, number> = {};
    let n = 0;
    for (let i = 0; i < store.sent; i++) {
      const keep = of === 'accepted' ? store.errorCode[i] === ErrorCode.none : store.hasLatency(i);
      if (!keep) {
        const name = errorClassName(store.errorCode[i] as ErrorCode, store.status[i] as number) ?? 'other';
        leftOut[name] = (leftOut[name] ?? 0) + 1;
        continue;
      }
      times[n] = store.intendedMs[i] as number;
      latencies[n] = (store.endMs[i] as number) - (store.intendedMs[i] as number);
      n++;
    }
    return { timesMs: times.slice(0, n), latenciesMs: latencies.slice(0, n), leftOut };
  }

  getSummary(): LoadTestSummary {
    this.summary ??= buildSummary({ store: this.store, info: this.info, errors: this.errors, runWarnings: this.runWarnings });
    return this.summary;
  }
}
