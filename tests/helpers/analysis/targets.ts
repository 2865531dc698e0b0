// The seed's targets table as data: classify a run's figures as target,
// acceptable or action required. Pure functions.
import type { LoadTestSummary } from '#engine';
import type { TargetRow, TargetsTable } from '../config/index.ts';
import type { TargetClass, TargetVerdict } from '../model/index.ts';
import { measure, METRICS } from './thresholds.ts';

export type { TargetClass, TargetVerdict } from '../model/index.ts';

export interface TargetMeasurements {
  successRatePercent: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Successful requests per minute over the run. */
  throughputPerMinute: number;
}

/** The table's rows, in order; labels, units and how each figure is read come from METRICS. */
const ROWS: { metric: keyof TargetsTable; higherIsBetter: boolean }[] = [
  { metric: 'successRatePercent', higherIsBetter: true },
  { metric: 'p50Ms', higherIsBetter: false },
  { metric: 'p95Ms', higherIsBetter: false },
  { metric: 'p99Ms', higherIsBetter: false },
  { metric: 'throughputPerMinute', higherIsBetter: true },
];

/** A run's figures for the targets table, read as the thresholds read them. */
export function targetMeasurements(summary: LoadTestSummary): TargetMeasurements {
  return Object.fromEntries(ROWS.map(({ metric }) => [metric, measure(metric, summary)])) as unknown as TargetMeasurements;
}

export function classifyValue(value: number, row: TargetRow, higherIsBetter: boolean): TargetClass {
  const meets = (limit: number) => (higherIsBetter ? value >= limit : value <= limit);
  if (meets(row.target)) return 'target';
  if (meets(row.acceptable)) return 'acceptable';
  return 'action required';
}

export function classifyAgainstTargets(measured: TargetMeasurements, targets: TargetsTable): TargetVerdict[] {
  return ROWS.map(({ metric, higherIsBetter }) => {
    const { label, unit } = METRICS[metric];
    const row = targets[metric];
    const value = measured[metric];
    return {
      metric,
      label,
      unit,
      higherIsBetter,
      value,
      target: row.target,
      acceptable: row.acceptable,
      verdict: classifyValue(value, row, higherIsBetter),
    };
  });
}

export function formatTargetsTable(verdicts: TargetVerdict[]): string {
  const cmp = (v: TargetVerdict, limit: number) => `${v.higherIsBetter ? '>=' : '<='} ${limit} ${v.unit}`;
  const lines = [
    'Performance targets:',
    `  ${'Metric'.padEnd(14)} ${'Measured'.padStart(14)}   ${'Target'.padEnd(16)} ${'Acceptable'.padEnd(16)} Class`,
  ];
  for (const v of verdicts) {
    const measured = `${v.value.toFixed(v.unit === '%' ? 1 : 2)} ${v.unit}`;
    lines.push(
      `  ${v.label.padEnd(14)} ${measured.padStart(14)}   ${cmp(v, v.target).padEnd(16)} ${cmp(v, v.acceptable).padEnd(16)} ${v.verdict}`,
    );
  }
  return lines.join('\n');
}
