// A spec report's verdict and its check counts: one rule for the console, the JSON report, the
// HTML page, the CI summary and the history. Pure.
import type { SpecReport, SpecVerdict } from '../model/index.ts';

export type { SpecVerdict } from '../model/index.ts';

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

/**
 * Pure: a spec's verdict. failed: a check failed or the run threw (status error, or a status
 * this code does not know); aborted: the run stopped early with no failed check; skipped: the
 * run completed and every check was skipped (nothing was judged: never `passed`); passed: the
 * run completed, no check failed and at least one did not skip (skipped checks allowed, and
 * counted: skippedNote).
 */
export function specVerdict(report: Pick<SpecReport, 'status' | 'checks'>): SpecVerdict {
  const counts = countChecks(report.checks);
  if (counts.failed > 0) return 'failed';
  if (report.status === 'completed') return counts.total > 0 && counts.skipped === counts.total ? 'skipped' : 'passed';
  if (report.status === 'aborted') return 'aborted';
  return 'failed';
}

/** "1 of 4 checks skipped" when some (not all) checks skipped; undefined otherwise. */
export function skippedNote(counts: CheckCounts): string | undefined {
  if (counts.skipped === 0 || counts.skipped === counts.total) return undefined;
  return `${counts.skipped} of ${counts.total} checks skipped`;
}

/** The first skipped check's reason (what a skipped spec says of itself), or undefined. */
export function skipReason(checks: SpecReport['checks'] | undefined): string | undefined {
  const first = (Array.isArray(checks) ? checks : []).find((c) => c?.outcome === 'skipped');
  return first === undefined ? undefined : typeof first.detail === 'string' && first.detail !== '' ? first.detail : 'no reason given';
}
