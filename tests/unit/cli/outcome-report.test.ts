// npm run load's exit codes and JSON report, pure, over synthetic runs.
import { describe, expect, it } from 'vitest';
import type { LoadTestSummary } from '#engine';
import { evaluateThresholds } from '../../helpers/analysis/index.ts';
import { buildCommandReport, commandConfig, EXIT, outcomeOf, parseCommandLine, type LoadCommand } from '../../helpers/cli/index.ts';
import { unreachable } from '../../helpers/cli/outcome.ts';
import { reportNameFor } from '../../helpers/cli/report.ts';
import { isSpecReport } from '../../helpers/report/index.ts';
import { resultsOf } from '../report/fixtures.ts';

const SECRET = 'never-in-a-report-4d1f';

function command(args: string[]): LoadCommand {
  const parsed = parseCommandLine(['--url', 'http://127.0.0.1:8801/webhook/freshdesk', ...args], { WEBHOOK_SECRET: SECRET });
  if (parsed.kind !== 'run') throw new Error('expected a run');
  return parsed;
}

const fast = resultsOf({ latencies: [20, 22, 25, 21, 30] });
const refused = resultsOf({ latencies: [1, 1, 1], refused: [0, 1, 2] });
const halfRefused = resultsOf({ latencies: [20, 1, 20], refused: [1] });

function judged(args: string[], summary: LoadTestSummary) {
  return evaluateThresholds(command(args).thresholds, { load: summary });
}

describe('outcomeOf: the exit code', () => {
  it('0 when every threshold passes, 1 when one fails', () => {
    const summary = fast.getSummary();
    const passing = outcomeOf(summary, judged(['--max-p95', '2000', '--min-success', '99'], summary), null);
    expect(passing).toEqual({ exitCode: EXIT.passed, verdict: 'PASSED: all 2 thresholds passed' });
    const failing = outcomeOf(summary, judged(['--max-p95', '1', '--min-success', '99'], summary), null);
    expect(failing).toEqual({ exitCode: EXIT.thresholdFailed, verdict: 'FAILED: 1 of 2 thresholds failed' });
  });

  it('0 without thresholds, saying so', () => {
    expect(outcomeOf(fast.getSummary(), [], null).verdict).toMatch(/^DONE: no thresholds given \(success rate 100\.0%/);
  });

  it('3 when no request got an HTTP answer, whatever the thresholds', () => {
    const summary = refused.getSummary();
    expect(unreachable(summary)).toBe(true);
    const outcome = outcomeOf(summary, judged(['--max-failures', '10'], summary), null);
    expect(outcome.exitCode).toBe(EXIT.unreachable);
    expect(outcome.verdict).toBe(
      'UNREACHABLE: none of 3 requests got an HTTP answer (connection_refused 3); is the service running at --url?',
    );
  });

  it('an answer of any status means the service was reached', () => {
    expect(unreachable(halfRefused.getSummary())).toBe(false);
    expect(unreachable(resultsOf({ latencies: [5, 5], failures: { 0: 500, 1: 401 } }).getSummary())).toBe(false);
  });

  it('130 on Ctrl-C and 143 on SIGTERM, before anything else', () => {
    const summary = refused.getSummary();
    expect(outcomeOf(summary, [], 'SIGINT').exitCode).toBe(130);
    expect(outcomeOf(summary, [], 'SIGTERM').exitCode).toBe(143);
    expect(outcomeOf(fast.getSummary(), judged(['--max-p95', '1'], fast.getSummary()), 'SIGINT').verdict).toBe(
      'STOPPED by Ctrl-C after 5 of 5 requests (1 of 1 threshold failed, over the partial run)',
    );
  });
});

describe('buildCommandReport', () => {
  const cmd = command(['--rate', '5/s', '--requests', '5', '--max-p95', '2000', '--report-dir', 'reports/mine']);
  const summary = fast.getSummary();
  const thresholds = evaluateThresholds(cmd.thresholds, { load: summary });
  const startedAt = new Date('2025-03-04T05:06:07.089Z');
  const report = buildCommandReport({
    settings: cmd.settings,
    config: commandConfig(cmd.settings),
    startedAt,
    finishedAt: new Date('2025-03-04T05:06:09.000Z'),
    results: fast,
    summary,
    thresholds,
    outcome: outcomeOf(summary, thresholds, null),
  });

  it('is a spec report, named by its start time, one per run', () => {
    expect(reportNameFor(startedAt)).toBe('load-2025-03-04T05-06-07-089Z');
    expect(isSpecReport(JSON.parse(JSON.stringify(report)))).toBe(true);
    expect(report).toMatchObject({
      spec: 'load-2025-03-04T05-06-07-089Z',
      status: 'completed',
      startedAt: '2025-03-04T05:06:07.089Z',
      finishedAt: '2025-03-04T05:06:09.000Z',
      provider: { provider: 'external', webhookUrl: 'http://127.0.0.1:8801/webhook/freshdesk' },
    });
    expect(report.title).toBe('Load Test: 5 requests at 100 req/min (npm run load)');
  });

  it('keeps the summary, the thresholds as evaluated, the timeline and the command', () => {
    expect(report.summaries).toEqual({ load: summary });
    expect(report.thresholds).toEqual(thresholds);
    expect(report.thresholds?.[0]?.passed).toBe(true);
    expect((report.timelines.load as { status: number[] }).status).toEqual([200, 200, 200, 200, 200]);
    expect(report.extra).toMatchObject({
      command: { rate: '5/s', requests: 5, secretEnv: 'WEBHOOK_SECRET', reportDir: 'reports/mine' },
      outcome: { exitCode: 0 },
    });
    expect(report.config).toMatchObject({ reportDir: 'reports/mine', requestTimeoutMs: 30_000, rateLimit: null });
    expect(report.config.success).toEqual({ statuses: [200], body: 'any' });
  });

  it('never holds the secret', () => {
    expect(JSON.stringify(report)).not.toContain(SECRET);
    expect(report.config.secret).toBe('[redacted]');
  });

  it('is aborted when the run stopped early', () => {
    const stopped = { ...summary, endReason: 'aborted' as const };
    const aborted = buildCommandReport({
      settings: cmd.settings,
      config: commandConfig(cmd.settings),
      startedAt,
      finishedAt: startedAt,
      results: fast,
      summary: stopped,
      thresholds: [],
      outcome: outcomeOf(stopped, [], 'SIGINT'),
    });
    expect(aborted.status).toBe('aborted');
    expect(aborted.extra).toMatchObject({ outcome: { exitCode: 130 } });
  });
});
