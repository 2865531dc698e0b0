// Per-call latency of the mock Freshdesk API. Log-normal by default: the median and P95 fix
// mu and sigma (P95 = median * e^(1.645 sigma)), giving the long right tail real APIs have.
import type { Random } from './random.ts';
import { standardNormal } from './random.ts';

export type LatencyDistribution = 'lognormal' | 'fixed';

export interface LatencyOptions {
  distribution: LatencyDistribution;
  /** 0 disables latency entirely (benchmarks). */
  medianMs: number;
  p95Ms: number;
}

const Z95 = 1.6448536269514722;

export function createLatency({ distribution, medianMs, p95Ms }: LatencyOptions, random: Random): () => number {
  if (medianMs <= 0) return () => 0;
  if (distribution === 'fixed') return () => medianMs;
  if (p95Ms < medianMs) throw new RangeError(`P95 latency (${p95Ms} ms) must be >= the median (${medianMs} ms)`);
  const mu = Math.log(medianMs);
  const sigma = Math.log(p95Ms / medianMs) / Z95;
  return () => Math.exp(mu + sigma * standardNormal(random));
}
