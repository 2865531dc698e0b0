// The rate limit's matchers, on what load() returns:
//   expect(run).toBeAbsorbed({ withinMs })          every request answered in time, no 5xx, no dropped connection
//   expect(run).toRespectRateLimit(policy)          admitted as the declared policy says, the rest refused with 429
//   expect(run).toHaveSaneRetryAfter({ policy })    every Retry-After within the window (and present, if required)
// Each judges every repetition of the run (PERF_REPEAT: run.runs), so a limiter that
// misbehaves once fails the test. A failure names the phase, the run, the rule or the
// policy and the figures. A run recorded by a spec also gets its verdicts printed and
// kept in the spec's report (notes `limiter`, `rateLimiting`, `<phase>RetryAfter`,
// `recommendations`). Loaded by the performance project's setup file.
import { expect } from 'vitest';
import {
  absorptionProblems,
  describePolicy,
  EDGE_TOLERANCE,
  judgeRetryAfter,
  judgeShedding,
  outcomeOf,
  type RateLimitPolicy,
} from '../rate-limit/index.ts';
import { recorderOf, type LoadRun } from './load.ts';

function isRun(value: unknown): value is LoadRun {
  return typeof value === 'object' && value !== null && 'results' in value && 'summary' in value && 'runs' in value;
}

/** Every repetition of a run, each with the label its failures carry ("burst" or "burst, run 2 of 3"). */
function repetitions(run: LoadRun): { run: LoadRun; label: string }[] {
  const runs = run.runs.length > 0 ? run.runs : [run];
  return runs.map((r, i) => ({ run: r, label: runs.length > 1 ? `${r.phase}, run ${i + 1} of ${runs.length}` : r.phase }));
}

/** The matcher's result: passes without problems; a failure lists them with the report's path. */
function verdict(run: LoadRun, rule: string, problems: string[]) {
  const report = recorderOf(run)?.reportPath;
  return {
    pass: problems.length === 0,
    actual: problems,
    expected: [],
    message: () =>
      problems.length === 0
        ? `expected the ${run.phase} to break the rule (${rule}), it kept it`
        : `${rule}: ${problems.join('; ')}${report === undefined ? '' : `\n  report: ${report}`}`,
  };
}

function notARun(received: unknown) {
  return { pass: false, message: () => `expected what load() returns, got ${typeof received}` };
}

expect.extend({
  /** Every request of the run answered within `withinMs`, no 5xx, none without an HTTP answer. */
  toBeAbsorbed(received: unknown, { withinMs }: { withinMs: number }) {
    if (!isRun(received)) return notARun(received);
    const problems = repetitions(received).flatMap(({ run, label }) =>
      absorptionProblems(run.summary, withinMs, run.phase).map((p) => `${label}: ${p}`),
    );
    return verdict(received, `absorbed within ${withinMs} ms`, problems);
  },

  /**
   * The run's requests admitted as `policy` (RATE_LIMIT) says, judged from the window as the
   * ledger had it when the run started: all of them while it had room (a 429 is a limiter that
   * fires early), past the budget no more than the policy allows and the rest refused with 429
   * (tolerance at the window's edge), the admitted served, never a 5xx or a dropped connection.
   * With no policy (RATE_LIMIT=none), every request served, and the output says rate limiting
   * was not checked.
   */
  toRespectRateLimit(received: unknown, policy: RateLimitPolicy | null) {
    if (!isRun(received)) return notARun(received);
    const recorder = recorderOf(received);
    const problems: string[] = [];
    for (const { run, label } of repetitions(received)) {
      const shed = judgeShedding(policy, run.earlier, outcomeOf(run.results));
      problems.push(...shed.problems.map((p) => `${label}: ${p} (${shed.summary})`));
      if (recorder === undefined) continue;
      if (shed.limiter !== undefined) recorder.note('limiter', { phase: run.phase, tolerance: EDGE_TOLERANCE, ...shed.limiter });
      if (shed.kind === 'no limit declared') {
        recorder.note('rateLimiting', 'not checked: RATE_LIMIT=none');
        console.log(`[perf] ${shed.summary}`);
      } else console.log(`Rate limiting: ${shed.summary}`);
    }
    const rule =
      policy === null ? 'no rate limiting declared (RATE_LIMIT=none)' : `the declared policy ${describePolicy(policy)} (RATE_LIMIT)`;
    return verdict(received, rule, problems);
  },

  /**
   * Every Retry-After of the run's 429 answers is whole seconds or a date within the policy's
   * window; with `required` (REQUIRE_RETRY_AFTER=true) every 429 carries one, otherwise a missing
   * one is recommended in the console and the report.
   */
  toHaveSaneRetryAfter(received: unknown, { policy, required = false }: { policy: RateLimitPolicy | null; required?: boolean }) {
    if (!isRun(received)) return notARun(received);
    const recorder = recorderOf(received);
    const problems: string[] = [];
    for (const { run, label } of repetitions(received)) {
      const judged = judgeRetryAfter(run.results, policy, { required });
      problems.push(...judged.problems.map((p) => `${label}: ${p}`));
      if (recorder === undefined) continue;
      const { refused, present, missing, insane, values } = judged;
      recorder.note(`${run.phase}RetryAfter`, { refused, present, missing, insane, values });
      if (refused > 0) console.log(judged.summary);
      if (judged.advice !== undefined) {
        recorder.warn(`recommendation: ${judged.advice}`);
        recorder.note('recommendations', [judged.advice]);
      }
    }
    return verdict(received, `Retry-After${required ? ' required (REQUIRE_RETRY_AFTER=true)' : ''}`, problems);
  },
});

interface RateLimitMatchers<R = unknown> {
  /** Every request of a run of load() answered within `withinMs`, no 5xx, no dropped connection (each repetition). */
  toBeAbsorbed(bounds: { withinMs: number }): R;
  /** A run of load() admitted as the declared policy says, the rest refused with 429 (each repetition); null: RATE_LIMIT=none. */
  toRespectRateLimit(policy: RateLimitPolicy | null): R;
  /** Every Retry-After of a run's 429 answers within the policy's window; `required`: present on every 429. */
  toHaveSaneRetryAfter(rule: { policy: RateLimitPolicy | null; required?: boolean }): R;
}

declare module 'vitest' {
  // Augmenting Vitest's interface: its type parameter and default must match Vitest's declaration.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends RateLimitMatchers<T> {}
}
