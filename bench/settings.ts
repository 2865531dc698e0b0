// Sizes of every benchmark in the full run and in the smoke run (--smoke, ~2 s of traffic
// that only proves the harness works: its numbers are too short to judge targets).
//
// The full run must finish in under 5 minutes on a 2-core machine with each figure
// repeated 3 times and every tool measured side by side, so runs are shorter than the
// 10 s the issue names where the figure is stable sooner (README.md says which).

export interface Settings {
  smoke: boolean;
  repetitions: number;
  /** warmupSeconds: one untimed run of ours and autocannon first, so neither is measured while the JIT warms up. */
  throughput: { seconds: number; connections: number; warmupSeconds: number };
  pacing: { runs: { rate: number; seconds: number }[]; connections: number };
  overhead: { requestsPerSecond: number; seconds: number; connections: number; delayMs: number };
  coordinatedOmission: { requestsPerSecond: number; seconds: number; connections: number; stallAtMs: number; stallMs: number };
  /**
   * Repetitions of its own: a million requests take 25-80 s here, and what the results
   * retain is deterministic (three runs in one session: 26.9, 27.6, 27.6 B/request).
   */
  memory: { requests: number; concurrency: number; repetitions: number };
  /** The engine's stages ramping linearly from fromRps to toRps over seconds; arrivals counted per bucketMs. */
  ramp: { fromRps: number; toRps: number; seconds: number; connections: number; bucketMs: number };
  /** --workers at equal work (a burst of `requests`), and two segments' union at unionRps. */
  apart: { requests: number; connections: number; unionRps: number; unionSeconds: number };
}

export const FULL: Settings = {
  smoke: false,
  repetitions: 3,
  throughput: { seconds: 3, connections: 50, warmupSeconds: 1 },
  pacing: {
    runs: [
      { rate: 100, seconds: 4 },
      { rate: 1000, seconds: 4 },
      { rate: 5000, seconds: 2 },
    ],
    connections: 50,
  },
  overhead: { requestsPerSecond: 200, seconds: 3, connections: 10, delayMs: 20 },
  coordinatedOmission: { requestsPerSecond: 100, seconds: 10, connections: 10, stallAtMs: 4000, stallMs: 2000 },
  memory: { requests: 1_000_000, concurrency: 50, repetitions: 1 },
  ramp: { fromRps: 100, toRps: 2000, seconds: 10, connections: 50, bucketMs: 1000 },
  apart: { requests: 60_000, connections: 50, unionRps: 2000, unionSeconds: 4 },
};

export const SMOKE: Settings = {
  smoke: true,
  repetitions: 1,
  throughput: { seconds: 0.3, connections: 50, warmupSeconds: 0.2 },
  pacing: { runs: [{ rate: 1000, seconds: 0.3 }], connections: 50 },
  overhead: { requestsPerSecond: 200, seconds: 0.3, connections: 10, delayMs: 20 },
  coordinatedOmission: { requestsPerSecond: 100, seconds: 0.6, connections: 10, stallAtMs: 200, stallMs: 200 },
  memory: { requests: 5_000, concurrency: 50, repetitions: 1 },
  ramp: { fromRps: 100, toRps: 500, seconds: 2, connections: 50, bucketMs: 1000 },
  apart: { requests: 2000, connections: 20, unionRps: 1000, unionSeconds: 0.5 },
};
