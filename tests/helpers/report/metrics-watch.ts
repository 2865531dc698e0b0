// What `npm run metrics:watch` prints: the key figures of /webhook/metrics with
// the change since the previous poll. Pure; scripts/metrics-watch.ts does the I/O.
import type { ServerMetrics } from '../model/index.ts';

interface Figure {
  label: string;
  pick: (m: ServerMetrics) => number | undefined;
  digits: number;
  unit: string;
}

export const WATCH_FIGURES: Figure[] = [
  { label: 'ok', pick: (m) => m.successCount, digits: 0, unit: '' },
  { label: 'failed', pick: (m) => m.failureCount, digits: 0, unit: '' },
  { label: 'success', pick: (m) => m.successRatePercent, digits: 1, unit: '%' },
  { label: 'P50', pick: (m) => m.processingTimes?.p50, digits: 0, unit: 'ms' },
  { label: 'P95', pick: (m) => m.processingTimes?.p95, digits: 0, unit: 'ms' },
  { label: 'P99', pick: (m) => m.processingTimes?.p99, digits: 0, unit: 'ms' },
  { label: 'slow', pick: (m) => m.slowOperationCount, digits: 0, unit: '' },
  { label: 'FD P50', pick: (m) => m.freshdeskLatency?.p50, digits: 0, unit: 'ms' },
  { label: 'FD P95', pick: (m) => m.freshdeskLatency?.p95, digits: 0, unit: 'ms' },
  { label: 'FD P99', pick: (m) => m.freshdeskLatency?.p99, digits: 0, unit: 'ms' },
  { label: 'RSS', pick: (m) => (m.rssBytes === undefined ? undefined : m.rssBytes / 2 ** 20), digits: 1, unit: 'MB' },
];

function signed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return value > 0 ? `+${text}` : Number(text) === 0 ? '±0' : text;
}

/** One poll as `label value (change)` pairs; the change is left out on the first poll. */
export function formatWatchLine(current: ServerMetrics, previous: ServerMetrics | undefined, clock: string): string {
  const parts = WATCH_FIGURES.map(({ label, pick, digits, unit }) => {
    const now = pick(current);
    if (now === undefined) return `${label} n/a`;
    const before = previous === undefined ? undefined : pick(previous);
    const change = before === undefined ? '' : ` (${signed(now - before, digits)})`;
    return `${label} ${now.toFixed(digits)}${unit}${change}`;
  });
  return `${clock}  ${parts.join(' | ')}`;
}
