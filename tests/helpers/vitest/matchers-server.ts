// Matchers on the service's own metrics around a load (withServerMetrics):
//   expect(server).toReconcileWith(run)          success_count grew by exactly the client's successes
//   expect(server).toShowNoMemoryGrowth(64)      RSS grew by less than 64 MB (from whichever source had it)
//   expect(server).toLeaveFreshdeskPoolIdle()    no Freshdesk call pending or running after the load
// A check whose figure the document lacks is skipped by the spec first (metricsMissing);
// handed such a snapshot anyway, a matcher fails with the reason rather than pass.
import { expect } from 'vitest';
import { memoryGrowth, poolLeftovers, reconcileSuccessCount } from '../analysis/index.ts';
import { formatStatuses } from '../config/index.ts';
import { recorderOf, type LoadRun } from './load.ts';
import { metricsMissing, type CheckedField, type ServerMetricsAround } from './server-metrics.ts';

function isServer(value: unknown): value is ServerMetricsAround {
  return typeof value === 'object' && value !== null && 'before' in value && 'after' in value && 'metricsUrl' in value;
}

/** Why `received` cannot be judged on `field`, as a failed match; undefined when it can. */
function cannotJudge(received: unknown, field: CheckedField) {
  if (!isServer(received))
    return { pass: false, message: () => `expected the server metrics of withServerMetrics(), got ${typeof received}` };
  const missing = metricsMissing(received, field);
  return missing === undefined ? undefined : { pass: false, message: () => `cannot judge: ${missing}` };
}

/** A number of successes, or a load() run: the successes of every repetition the snapshots wrap. */
function clientSuccesses(client: LoadRun | number): { count: number; where: string } {
  if (typeof client === 'number') return { count: client, where: '' };
  const runs = client.runs.length > 0 ? client.runs : [client];
  const count = runs.reduce((sum, run) => sum + run.successCount, 0);
  return { count, where: runs.length > 1 ? ` over all ${runs.length} runs` : '' };
}

expect.extend({
  /**
   * The server counted every request the client saw answered as success, once: success_count
   * grew by exactly the run's successes (of every repetition, with PERF_REPEAT). Kept in the
   * report as the `reconciliation` note.
   */
  toReconcileWith(received: unknown, client: LoadRun | number) {
    const refused = cannotJudge(received, 'successCount');
    if (refused) return refused;
    const { before, after } = received as ServerMetricsAround;
    if (!before.available || !after.available) throw new Error('unreachable: metricsMissing checked both snapshots');
    const { count, where } = clientSuccesses(client);
    const r = reconcileSuccessCount(before.metrics.successCount!, after.metrics.successCount!, count);
    const recorder = typeof client === 'number' ? undefined : recorderOf(client);
    recorder?.note('reconciliation', { serverGrowth: r.serverGrowth, clientOk: r.clientSuccesses });
    const statuses = recorder ? ` (SUCCESS_STATUSES=${formatStatuses(recorder.context.config.success.statuses)})` : '';
    return {
      pass: r.agrees,
      actual: `success_count +${r.serverGrowth}`,
      expected: `success_count +${r.clientSuccesses}`,
      message: () =>
        r.agrees
          ? `expected success_count not to match the client's successes: ${r.text}`
          : `expected the server's success_count to grow by exactly the successes the client saw${where}${statuses}: ${r.text}`,
    };
  },
  /** The server's RSS grew by less than `maxMb` from before the load to after it. */
  toShowNoMemoryGrowth(received: unknown, maxMb: number) {
    const refused = cannotJudge(received, 'rssBytes');
    if (refused) return refused;
    const { before, after, source } = (received as ServerMetricsAround).resources;
    if (before === undefined || after === undefined) throw new Error('unreachable: metricsMissing checked both readings');
    const growth = memoryGrowth(before.rssBytes, after.rssBytes);
    return {
      pass: growth.growthMb < maxMb,
      actual: `RSS growth ${growth.growthMb.toFixed(1)} MB`,
      expected: `RSS growth < ${maxMb} MB`,
      message: () => `expected the server's memory (RSS, from ${source}) to grow by less than ${maxMb} MB over the load: ${growth.text}`,
    };
  },
  /** After the load, nothing is queued for a Freshdesk connection and no Freshdesk call is still running. */
  toLeaveFreshdeskPoolIdle(received: unknown) {
    const refused = cannotJudge(received, 'pool');
    if (refused) return refused;
    const { after, metricsUrl } = received as ServerMetricsAround;
    if (!after.available) throw new Error('unreachable: metricsMissing checked the snapshot after');
    const pool = poolLeftovers(after.metrics.pool!);
    return {
      pass: pool.idle,
      actual: pool.text,
      expected: 'Freshdesk pool: pending 0, running 0',
      message: () =>
        pool.idle
          ? `expected Freshdesk requests left over, the pool is idle: ${pool.text}`
          : `expected no Freshdesk API requests pending or running after every webhook was answered (pool exhaustion), ` +
            `found ${pool.leftovers.join('; ')} (freshdesk_pool from ${metricsUrl}; ${pool.text})`,
    };
  },
});

interface ServerMatchers<R = unknown> {
  /** success_count grew by exactly `client`'s successes (a number, or a load() run: every repetition's). */
  toReconcileWith(client: LoadRun | number): R;
  /** The server's RSS grew by less than `maxMb` over the load (read from the metrics document, Prometheus, the container or the process). */
  toShowNoMemoryGrowth(maxMb: number): R;
  /** freshdesk_pool: pending and running are 0 after the load. */
  toLeaveFreshdeskPoolIdle(): R;
}

declare module 'vitest' {
  // Augmenting Vitest's interface: its type parameter and default must match Vitest's declaration.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends ServerMatchers<T> {}
}
