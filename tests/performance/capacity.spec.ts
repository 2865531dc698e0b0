// How much can it take? The highest arrival rate at which the service meets its SLOs
// (success > CAPACITY_MIN_SUCCESS_PERCENT, P95 < CAPACITY_MAX_P95_MS; the seed's targets by
// default), with its uncertainty and what limited it. Opt-in (PERF_CAPACITY=1): skipped
// otherwise, so the default run takes no longer.
//
// 1. A ramp brackets the knee: one staged run (flat stages, the rate doubling from
//    CAPACITY_START_RPS up to the ceiling), judged stage by stage from the samples by intended
//    start, and stopped as soon as two progress snapshots in a row break an SLO.
// 2. Steady steps bisect between the last good and the first bad rate until the bracket is
//    within CAPACITY_TOLERANCE_PERCENT (a low end only the ramp judged is confirmed by a
//    steady step), or the budget is spent.
// Every step lasts at least CAPACITY_STEP_MIN_SECONDS and sends at least
// CAPACITY_STEP_MIN_REQUESTS. With a declared policy (RATE_LIMIT) the limiter is a capacity
// limit: the ceiling is the policy's rate plus the tolerance, a step past the policy lasts the
// window plus 1 s (so a limiter that keeps the policy must refuse), every run waits for room in
// the window first, and 429s are rate limiting, not errors. The rules are in
// tests/helpers/analysis/capacity.ts. The whole search stays within CAPACITY_MAX_SECONDS (waits
// included) and CAPACITY_MAX_REQUESTS.
import { formatSummary, runLoadTest, type LoadTestOptions } from '../helpers/index.ts';
import {
  admittedSends,
  afterRamp,
  afterStep,
  answerTimes,
  capacityResult,
  describe,
  expect,
  fitsBudget,
  fmtRps,
  formatCapacity,
  formatPolicy,
  judgeStep,
  nextStep,
  perfContext,
  planWait,
  policyRps,
  rampPlan,
  specSettings,
  steadyStep,
  stepFigures,
  test,
  timelineOf,
  type CapacitySettings,
  type EndedBy,
  type SearchState,
  type StepRecord,
} from '../helpers/vitest/index.ts';

const { config } = perfContext();
const s = specSettings((env) => ({
  enabled: env.bool('PERF_CAPACITY', false),
  minSuccessPercent: env.number('CAPACITY_MIN_SUCCESS_PERCENT', 99, 0, 99.99),
  maxP95Ms: env.number('CAPACITY_MAX_P95_MS', 2000, 1, 600_000),
  // Empty: 10/s, or with a declared policy its rate (the limiter caps the search there anyway).
  startRps: env.number('CAPACITY_START_RPS', 0, 0.01, 100_000),
  maxRps: env.number('CAPACITY_MAX_RPS', 1000, 0.01, 100_000),
  growth: env.number('CAPACITY_GROWTH', 2, 1.1, 10),
  tolerancePercent: env.number('CAPACITY_TOLERANCE_PERCENT', 10, 1, 100),
  stepMinRequests: env.int('CAPACITY_STEP_MIN_REQUESTS', 50, 10, 100_000),
  stepMinSeconds: env.number('CAPACITY_STEP_MIN_SECONDS', 5, 0.5, 600),
  maxSeconds: env.number('CAPACITY_MAX_SECONDS', 300, 10, 3600),
  maxRequests: env.int('CAPACITY_MAX_REQUESTS', 100_000, 100, 1_000_000),
  maxLagMs: env.number('CAPACITY_MAX_LAG_MS', 50, 1, 60_000),
}));

const policy = config.rateLimit;
const policyRate = policyRps(policy);
const startRps = s.startRps > 0 ? s.startRps : (policyRate ?? 10);
// Settings that cannot work together fail here, before any traffic, naming the variables.
if (startRps > s.maxRps) {
  throw new Error(
    `CAPACITY_START_RPS=${startRps} is above CAPACITY_MAX_RPS=${s.maxRps}: the ramp starts below the ceiling (raise CAPACITY_MAX_RPS or lower CAPACITY_START_RPS)`,
  );
}
if (policy !== null && s.maxSeconds * 1000 < 3 * (policy.windowMs + 1000)) {
  throw new Error(
    `CAPACITY_MAX_SECONDS=${s.maxSeconds} is too short for RATE_LIMIT=${formatPolicy(policy)}: a search under a policy waits for its window, ` +
      `runs a step past it for a window and confirms below it, so it needs at least ${Math.ceil((3 * (policy.windowMs + 1000)) / 1000)} s`,
  );
}

const settings: CapacitySettings = {
  slo: { minSuccessPercent: s.minSuccessPercent, maxP95Ms: s.maxP95Ms },
  startRps,
  maxRps: s.maxRps,
  growth: s.growth,
  tolerancePercent: s.tolerancePercent,
  minRequests: s.stepMinRequests,
  minDurationMs: s.stepMinSeconds * 1000,
  maxLagMs: s.maxLagMs,
  policy,
  maxDurationMs: s.maxSeconds * 1000,
  maxRequests: s.maxRequests,
};
/** How long a run may go on after its last send: slow answers are part of the verdict, up to this. */
const drainMs = Math.min(config.requestTimeoutMs, Math.max(10_000, 5 * s.maxP95Ms));
/** What a step that meets the SLOs needs after its last send (the budget check reserves it). */
const goodDrainMs = Math.min(drainMs, 2 * s.maxP95Ms + 1000);
/** Progress snapshots in a row that must break an SLO before the ramp is stopped. */
const STOP_AFTER_BAD_SNAPSHOTS = 2;
const SNAPSHOT_MS = 1000;
const MAX_STEPS = 50;

/** In flight at once: every request of a rate held for the SLO and the drain, so the cap never holds the schedule back. */
function concurrencyFor(rps: number, requests: number): number {
  return Math.max(1, Math.min(10_000, requests, Math.ceil((rps * (s.maxP95Ms + drainMs)) / 1000) + 16));
}

const title = `Capacity: the highest arrival rate with success > ${s.minSuccessPercent} % and P95 < ${s.maxP95Ms} ms`;

describe(title, () => {
  test(
    `brackets the knee with a ramp and bisects it to ${s.tolerancePercent} %, within ${s.maxSeconds} s`,
    async ({ recorder, skip }) => {
      if (!s.enabled) {
        return skip(
          `opt-in: set PERF_CAPACITY=1 to run the capacity search (at most CAPACITY_MAX_SECONDS=${s.maxSeconds} s and CAPACITY_MAX_REQUESTS=${s.maxRequests} requests)`,
        );
      }
      const began = performance.now();
      const used = () => ({ elapsedMs: performance.now() - began, requests: sentSoFar });
      let sentSoFar = 0;
      let ticketOffset = 0;
      console.log(
        `[perf] capacity: SLOs success > ${s.minSuccessPercent} %, P95 < ${s.maxP95Ms} ms; ` +
          (policy === null
            ? 'RATE_LIMIT=none: no declared limiter'
            : `RATE_LIMIT=${formatPolicy(policy)} (${fmtRps(policyRate!)}/s): the search stops at the policy's rate plus ${s.tolerancePercent} %, and 429s are rate limiting`) +
          `; steps of at least ${s.stepMinRequests} requests and ${s.stepMinSeconds} s; budget ${s.maxSeconds} s and ${s.maxRequests} requests`,
      );

      // 1. The ramp.
      const ramp = rampPlan(settings);
      const peak = ramp.windows[ramp.windows.length - 1]!.rps;
      console.log(
        `[perf] capacity: ramp ${ramp.windows.map((w) => `${fmtRps(w.rps)}/s for ${((w.endMs - w.startMs) / 1000).toFixed(1)} s`).join(', ')}` +
          (ramp.reachesCeiling ? '' : ' (cut short by the budget)'),
      );
      await recorder.awaitRoom(
        'ramp',
        { requests: ramp.requests, ratePerSecond: peak },
        `the ramp sends about ${ramp.requests} requests, rising to ${fmtRps(peak)}/s`,
      );
      const rateAt = (elapsedMs: number) => (ramp.windows.find((w) => elapsedMs < w.endMs) ?? ramp.windows[ramp.windows.length - 1]!).rps;
      const stop = new AbortController();
      let stoppedWhy: string | null = null;
      let bad = 0;
      let previous = { completed: 0, failed: 0 };
      const rampOptions: LoadTestOptions = {
        ...recorder.answerRules(),
        signal: AbortSignal.any([recorder.signal, stop.signal]),
        startRps: ramp.startRps,
        stages: ramp.stages,
        ticketIdStart: recorder.ticketId(ticketOffset),
        concurrency: concurrencyFor(peak, ramp.requests),
        timeoutMs: config.requestTimeoutMs,
        maxDurationMs: ramp.durationMs + drainMs,
        progressIntervalMs: SNAPSHOT_MS,
        onProgress: (snapshot) => {
          const completed = snapshot.completed - previous.completed;
          const failed = snapshot.failed - previous.failed;
          previous = { completed: snapshot.completed, failed: snapshot.failed };
          const slow = snapshot.windowCount >= 10 && snapshot.currentP95Ms >= s.maxP95Ms;
          const failing = completed >= 10 && (failed / completed) * 100 > 100 - s.minSuccessPercent;
          bad = slow || failing ? bad + 1 : 0;
          if (bad >= STOP_AFTER_BAD_SNAPSHOTS && !stop.signal.aborted) {
            stoppedWhy =
              `stopped at ${(snapshot.elapsedMs / 1000).toFixed(1)} s, in the stage at ${fmtRps(rateAt(snapshot.elapsedMs))}/s: ` +
              (slow
                ? `P95 of the last answers ${snapshot.currentP95Ms.toFixed(0)} ms`
                : `${failed} of the last ${completed} answers failed`);
            stop.abort();
          }
        },
      };
      const rampResults = await runLoadTest(rampOptions);
      ticketOffset += rampResults.info.plannedRequests;
      sentSoFar += rampResults.sampleCount;
      // Not a phase (addRun): the search stops the ramp itself, which is no interruption of the spec.
      recorder.recordSent(admittedSends(rampResults));
      const rampSummary = rampResults.getSummary();
      recorder.note('capacityRamp', {
        stoppedEarly: stoppedWhy,
        windows: ramp.windows,
        summary: rampSummary,
        timeline: timelineOf(rampResults),
      });
      console.log(formatSummary(rampSummary, `${recorder.title}: ramp`));
      if (stoppedWhy !== null) console.log(`[perf] capacity: the ramp ${stoppedWhy}`);
      const samples = rampResults.samples;
      const records: StepRecord[] = ramp.windows.map((window) => {
        const figures = stepFigures(samples, window.rps, { window, cancelled: 'exclude' });
        return { kind: 'ramp', figures, verdict: judgeStep(figures, settings) };
      });
      let state: SearchState = afterRamp(records, ramp.reachesCeiling);

      // 2. Steady steps bisecting the bracket.
      let endedBy: EndedBy | undefined;
      for (let k = 1; k <= MAX_STEPS && endedBy === undefined; k++) {
        if (recorder.signal.aborted) {
          endedBy = 'interrupted';
          break;
        }
        const next = nextStep(state, settings);
        if (next.kind === 'done') {
          endedBy = next.endedBy;
          break;
        }
        const step = steadyStep(next.rps, settings);
        const plan = { requests: step.requests, ratePerSecond: step.rps };
        const waitMs = planWait(policy, answerTimes(await recorder.sent()), plan, Date.now()).waitMs;
        if (!fitsBudget(used(), { waitMs, durationMs: step.durationMs, drainMs: goodDrainMs, requests: step.requests }, settings)) {
          console.log(`[perf] capacity: the budget has no room for a step of ${step.requests} at ${fmtRps(step.rps)}/s (${next.why})`);
          endedBy = 'budget';
          break;
        }
        const phase = `step ${k} at ${fmtRps(step.rps)}/s`;
        console.log(`[perf] capacity: ${phase}: ${step.requests} requests over ${(step.durationMs / 1000).toFixed(1)} s (${next.why})`);
        await recorder.awaitRoom(phase, plan);
        const remainingMs = settings.maxDurationMs - used().elapsedMs;
        const results = await runLoadTest({
          ...recorder.answerRules(),
          totalRequests: step.requests,
          requestsPerSecond: step.rps,
          ticketIdStart: recorder.ticketId(ticketOffset),
          concurrency: concurrencyFor(step.rps, step.requests),
          timeoutMs: config.requestTimeoutMs,
          maxDurationMs: Math.max(step.durationMs + goodDrainMs, Math.min(step.durationMs + drainMs, remainingMs)),
        });
        ticketOffset += step.requests;
        sentSoFar += results.sampleCount;
        recorder.addRun(phase, results, { cutByDesign: true }); // requests still queued at the bound are cut, and count as slow
        const figures = stepFigures(results.samples, step.rps, { cancelled: 'slow' });
        const record: StepRecord = { kind: 'step', figures, verdict: judgeStep(figures, settings) };
        console.log(
          `[perf] capacity: ${phase}: ${record.verdict.ok ? 'ok' : `FAIL (${record.verdict.limitedBy ?? 'not judged'})`}: ${record.verdict.text}`,
        );
        state = afterStep(state, record);
      }
      endedBy ??= 'budget';

      const result = capacityResult(state, settings, endedBy);
      recorder.note('capacity', result);
      console.log(formatCapacity(result));
      console.log(`[perf] capacity: ${(used().elapsedMs / 1000).toFixed(1)} s, ${used().requests} requests`);
      expect(result.endedBy, 'the search was interrupted').not.toBe('interrupted');
      expect(result.rps, `no rate met the SLOs: ${result.text}`).toBeGreaterThan(0);
    },
    s.maxSeconds * 1000 + drainMs + 60_000,
  );
});
