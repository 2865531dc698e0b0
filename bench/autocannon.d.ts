// The part of autocannon 8's API the benchmarks use (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  interface AutocannonOptions {
    url: string;
    method?: string;
    connections?: number;
    duration?: number;
    amount?: number;
    overallRate?: number;
    body?: string | Buffer;
    headers?: Record<string, string>;
    timeout?: number;
    /** Per-request setup: setupRequest gets a copy of the request (fresh headers) and returns the one to send. */
    requests?: { setupRequest?: (request: { body?: string | Buffer; headers?: Record<string, string> }) => object }[];
  }

  interface AutocannonResult {
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    requests: { average: number; total: number; sent: number };
    latency: { p50: number; p99: number; max: number; average: number; totalCount: number };
  }

  type Callback = (error: Error | null, result: AutocannonResult) => void;

  function autocannon(options: AutocannonOptions, callback: Callback): EventEmitter;
  export default autocannon;
  export type { AutocannonOptions, AutocannonResult };
}
