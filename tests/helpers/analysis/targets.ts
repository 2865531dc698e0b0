// The suite's performance targets: thresholds that warn. One setting declares them
// (PERF_TARGETS, the contract's target column, e.g. p95Ms<2000); toMeet adds them as
// `warn` thresholds to every evaluation of a run's phase, so they are evaluated and shown
// with the spec's own thresholds and never fail a test (the acceptable column is what the
// specs' own failing thresholds assert). Pure: parsing, formatting, building thresholds.
import type { Metric, Threshold, ThresholdOp } from '../model/index.ts';
import { METRICS } from './thresholds.ts';

/** One target: a metric, an operator and a bound, for whatever phase it is applied to. */
export type Target = Pick<Threshold, 'metric' | 'op' | 'value'>;

/** The contract's target column: what PERF_TARGETS is when it is not set. */
export const DEFAULT_TARGETS = 'successRatePercent>99,p50Ms<500,p95Ms<2000,p99Ms<5000,throughputPerMinute>=100';

/** What one item of PERF_TARGETS looks like: `metric`, an operator, a number (spaces allowed around the operator). */
const ITEM = /^([A-Za-z]\w*)\s*(<=|>=|==|<|>|=)\s*(\S+)$/;

const EXAMPLE = 'p95Ms<2000';

/**
 * Reads PERF_TARGETS: comma-separated `metric op number` items (`p95Ms<2000,successRatePercent>99`),
 * or `none` for no targets. Returns the targets, or what is wrong, naming the item and the fix.
 */
export function parseTargets(raw: string): Target[] | string {
  const text = raw.trim();
  if (text.toLowerCase() === 'none') return [];
  const targets: Target[] = [];
  const items = text.split(',').map((item) => item.trim());
  for (const item of items) {
    if (item === '') return `an empty item: write comma-separated items such as ${EXAMPLE}, or none for no targets`;
    const match = ITEM.exec(item);
    if (match === null) {
      return `${JSON.stringify(item)} is not metric, operator and number: write e.g. ${EXAMPLE} (operators < <= > >= ==), or none`;
    }
    const [, metric, op, number] = match as unknown as [string, string, string, string];
    if (!(metric in METRICS)) {
      const near = Object.keys(METRICS).find((name) => name.toLowerCase() === metric.toLowerCase() || name.startsWith(metric));
      return (
        `${JSON.stringify(item)}: ${metric} is not a metric${near === undefined ? '' : ` (did you mean ${near}?)`}; ` +
        `use one of ${Object.keys(METRICS).join(', ')}`
      );
    }
    if (op === '=') return `${JSON.stringify(item)}: write == for equality (${metric}==${number})`;
    const value = Number(number.replace(/_/g, ''));
    if (!Number.isFinite(value)) return `${JSON.stringify(item)}: ${JSON.stringify(number)} is not a number; write e.g. ${metric}${op}100`;
    if (targets.some((t) => t.metric === metric && t.op === op)) {
      return `${JSON.stringify(item)}: ${metric}${op} is given twice; keep one`;
    }
    targets.push({ metric: metric as Metric, op: op as ThresholdOp, value });
  }
  return targets;
}

/** The targets as `warn` thresholds of `phase`: what toMeet adds to the spec's own. */
export function targetThresholds(targets: readonly Target[], phase: string): Threshold[] {
  return targets.map((t) => ({ metric: t.metric, phase, op: t.op, value: t.value, severity: 'warn' }));
}
