// 6. Ramp: the engine's `stages` from fromRps to toRps over `seconds` against the minimal
// server, which counts arrivals per one-second bucket on its own clock from the first
// arrival. Each bucket is compared with the ideal, the integral of the rate over it
// (buckets.ts); the first bucket is reported, not judged (it starts at an arrival, and at
// the lowest rate one request is a large share of it). One short untimed ramp first: in a
// cold process request 0 arrived about 12 ms later than the schedule put the others, and
// since bucket 0 starts at the first arrival, that shifts every boundary (the last bucket
// then loses the rate times the shift).
import { runLoadTest } from '#engine';
import { compareBuckets, idealPerBucket, type BucketComparison, type RateSegment } from './buckets.ts';
import type { BenchContext, BenchOutcome } from './context.ts';
import { median } from './measures.ts';
import { SECRET } from './peers.ts';
import { fixed, signedPercent } from './report.ts';

/** |achieved - ideal| / ideal per bucket after the first, percent. */
export const RAMP_BUCKET_ERROR_TARGET_PERCENT = 1;
const WARMUP_MS = 500;

interface RampRep extends BucketComparison {
  lagP99Ms: number;
  sent: number;
}

export async function benchRamp(ctx: BenchContext): Promise<BenchOutcome> {
  const { fromRps, toRps, seconds, connections, bucketMs } = ctx.settings.ramp;
  const server = ctx.minimal;
  const segments: RateSegment[] = [{ durationMs: seconds * 1000, fromRps, toRps }];
  const ideal = idealPerBucket(segments, bucketMs);
  const reps: RampRep[] = [];
  const runRamp = (from: number, to: number, durationMs: number) =>
    runLoadTest({
      url: server.url,
      secret: SECRET,
      startRps: from,
      stages: [{ durationMs, targetRps: to }],
      concurrency: connections,
      maxDurationMs: durationMs + 10_000,
      progress: false,
    });
  await runRamp(fromRps, toRps, WARMUP_MS);
  for (let rep = 1; rep <= ctx.settings.repetitions; rep++) {
    await server.reset(false, bucketMs);
    const results = await runRamp(fromRps, toRps, seconds * 1000);
    const summary = results.getSummary();
    if (summary.failureCount > 0)
      throw new Error(`ramp: ours had ${summary.failureCount} failures: ${JSON.stringify(summary.errorClasses)}`);
    const report = await server.report();
    if (report.beyondBuckets > 0) throw new Error(`ramp: the server counted ${report.beyondBuckets} arrivals beyond its buckets`);
    const comparison = compareBuckets(report.buckets, ideal);
    reps.push({ ...comparison, lagP99Ms: summary.schedule.lagP99Ms, sent: summary.sentRequests });
    const worst = comparison.worst;
    ctx.log(
      `ramp rep ${rep}: ${report.count} arrivals (${summary.sentRequests} sent), worst bucket ` +
        (worst === null ? 'n/a' : `${worst.bucket} ${signedPercent(worst.errorPercent, 2)} (${worst.count} of ${fixed(worst.ideal, 1)})`) +
        `; per bucket ${comparison.counts.join(' ')}; lag P99 ${fixed(summary.schedule.lagP99Ms, 3)} ms`,
    );
  }
  const worstAbs = (r: RampRep) => (r.worst === null ? Number.NaN : Math.abs(r.worst.errorPercent));
  const medianWorst = median(reps.map(worstAbs));
  // The repetition whose worst bucket is the median one, to quote its bucket.
  const quoted = reps.find((r) => worstAbs(r) === medianWorst)?.worst ?? null;
  return {
    figures: [
      {
        benchmark: '6 ramp',
        figure: `arrivals per ${bucketMs / 1000} s bucket, stages ${fromRps} -> ${toRps}/s over ${seconds} s, ${connections} conns (server clock), worst bucket after the first`,
        ours:
          quoted === null
            ? 'n/a'
            : `${signedPercent(quoted.errorPercent, 2)} (bucket ${quoted.bucket}: ${quoted.count} of ideal ${fixed(quoted.ideal, 1)})`,
        peers: '-',
        target: `|error| <= ${RAMP_BUCKET_ERROR_TARGET_PERCENT} % per bucket after the first`,
        pass: Number.isFinite(medianWorst) ? medianWorst <= RAMP_BUCKET_ERROR_TARGET_PERCENT : false,
      },
    ],
    raw: { settings: ctx.settings.ramp, ideal, repetitions: reps, medianWorstAbsErrorPercent: medianWorst },
  };
}
