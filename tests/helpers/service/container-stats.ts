// The memory and CPU of the service's container (the compose stack), from Docker's stats API
// through the client testcontainers already holds. Memory is counted as `docker stats` counts
// it: the cgroup's usage less its inactive page cache. Parsing is pure; reading is at the edge.
import { getContainerRuntimeClient } from 'testcontainers';
import type { SourceRead } from './prometheus.ts';

type Json = Record<string, unknown>;

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const obj = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});

/** Pure: one stats document (GET /containers/<id>/stats?stream=false) as memory bytes and CPU seconds. */
export function containerFigures(stats: unknown): SourceRead {
  const memory = obj(obj(stats).memory_stats);
  const usage = num(memory.usage);
  if (usage === undefined) return { ok: false, reason: 'Docker gave no memory_stats.usage (is the container running?)' };
  // cgroup v2 calls the page cache inactive_file, v1 total_inactive_file; `docker stats` subtracts it.
  const inner = obj(memory.stats);
  const cache = num(inner.inactive_file) ?? num(inner.total_inactive_file) ?? 0;
  const rssBytes = cache < usage ? usage - cache : usage;
  const cpuNs = num(obj(obj(obj(stats).cpu_stats).cpu_usage).total_usage);
  return { ok: true, figures: cpuNs === undefined ? { rssBytes } : { rssBytes, cpuSeconds: cpuNs / 1e9 } };
}

/** Reads a container's stats once (bounded); never throws. Docker unreachable is a reason, not an error. */
export async function readContainer(id: string, timeoutMs = 10_000): Promise<SourceRead> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const read = async () => {
      const client = await getContainerRuntimeClient();
      return client.container.getById(id).stats({ stream: false });
    };
    return containerFigures(await Promise.race([read(), timeout]));
  } catch (error) {
    return { ok: false, reason: `Docker's stats of ${id.slice(0, 12)} could not be read: ${(error as Error).message.split('\n')[0]}` };
  } finally {
    clearTimeout(timer);
  }
}
