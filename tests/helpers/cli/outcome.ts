// How a run of `npm run load` ends: its exit code, and the one-line verdict
// printed last. Pure.
import type { LoadTestSummary } from '#engine';
import type { ThresholdResult } from '../analysis/index.ts';

export const EXIT = {
  passed: 0,
  thresholdFailed: 1,
  usage: 2,
  unreachable: 3,
  /** 128 + SIGINT's number, as shells report a Ctrl-C. */
  interrupted: 130,
  /** 128 + SIGTERM's number. */
  terminated: 143,
} as const;

export type Interruption = 'SIGINT' | 'SIGTERM' | null;

/**
 * True when requests were sent and not one got an HTTP answer (any status): the service
 * was never reached (refused, reset, timed out, DNS). A stop by the user is not that.
 */
export function unreachable(summary: LoadTestSummary): boolean {
  if (summary.sentRequests === 0 || summary.endReason === 'aborted') return false;
  return Object.entries(summary.statusCodes).every(([status, count]) => status === '0' || count === 0);
}

export interface Outcome {
  exitCode: number;
  /** The last line printed, e.g. "PASSED: 2 thresholds passed" or "FAILED: 1 of 2 thresholds failed". */
  verdict: string;
}

/** The exit code and verdict: an interruption first, then an unreachable service, then the thresholds. */
export function outcomeOf(summary: LoadTestSummary, thresholds: readonly ThresholdResult[], interruption: Interruption): Outcome {
  const failed = thresholds.filter((t) => !t.passed).length;
  const judged = thresholds.length === 0 ? 'no thresholds given' : `${failed} of ${plural(thresholds.length, 'threshold')} failed`;
  if (interruption !== null) {
    return {
      exitCode: interruption === 'SIGINT' ? EXIT.interrupted : EXIT.terminated,
      verdict: `STOPPED by ${interruption === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} after ${summary.sentRequests} of ${summary.plannedRequests} requests (${judged}, over the partial run)`,
    };
  }
  if (unreachable(summary)) {
    const classes = Object.entries(summary.errorClasses)
      .map(([name, count]) => `${name} ${count}`)
      .join(', ');
    return {
      exitCode: EXIT.unreachable,
      verdict: `UNREACHABLE: none of ${summary.sentRequests} requests got an HTTP answer (${classes}); is the service running at --url?`,
    };
  }
  if (failed > 0) return { exitCode: EXIT.thresholdFailed, verdict: `FAILED: ${judged}` };
  return {
    exitCode: EXIT.passed,
    verdict:
      thresholds.length === 0
        ? `DONE: no thresholds given (success rate ${summary.successRatePercent.toFixed(1)}%; --min-success and the other threshold flags set the exit code)`
        : `PASSED: ${thresholds.length === 1 ? 'the threshold' : `all ${thresholds.length} thresholds`} passed`,
  };
}

/** "1 threshold", "2 thresholds". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
