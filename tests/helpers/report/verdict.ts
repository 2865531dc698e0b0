// A spec report's verdict and its check counts: one rule for the HTML page, the CI summary
// and the history. Pure.
import type { SpecReport } from '../model/index.ts';

/** How many checks passed, failed and were skipped. */
export interface CheckCounts {
  passed: number;
  failed: number;
  skipped: number;
  total: number;
}

export function countChecks(checks: SpecReport['checks'] | undefined): CheckCounts {
  const list = Array.isArray(checks) ? checks : [];
  const of = (outcome: string) => list.filter((c) => c?.outcome === outcome).length;
  return { passed: of('passed'), failed: of('failed'), skipped: of('skipped'), total: list.length };
}

export type SpecVerdict = 'passed' | 'failed' | 'aborted';

/**
 * Pure: a spec's verdict. failed: a check failed or the run threw (status error, or a
 * status this code does not know); aborted: the run stopped early with no failed check;
 * passed: the run completed and no check failed (skipped checks allowed, and shown).
 */
export function specVerdict(report: Pick<SpecReport, 'status' | 'checks'>): SpecVerdict {
  if (countChecks(report.checks).failed > 0) return 'failed';
  if (report.status === 'completed') return 'passed';
  if (report.status === 'aborted') return 'aborted';
  return 'failed';
}
