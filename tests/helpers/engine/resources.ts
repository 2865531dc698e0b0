// The load generator's own resources over one run: CPU time, event-loop
// utilisation and event-loop delay, read at the run's start and end only (no
// per-request work), and the verdict whether the run was limited by the
// generator rather than by the service. The figures are the whole process's:
// whatever else runs in it (Vitest in the same worker, another run) counts too.
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import type { GeneratorResources, MeasuredResources, ScheduleStats } from './run-data.ts';

export type { GeneratorResources, MeasuredResources } from './run-data.ts';

/** Lag P99 above this means the generator did not keep its schedule (the lag warning's test too). */
export const LAG_WARNING_MS = 10;
/** Event-loop utilisation (0..1) from which the generator counts as busy. */
export const BUSY_ELU = 0.9;
/** CPU time, in percent of one core, from which the generator counts as busy (Node's JS runs on one thread). */
export const BUSY_CPU_PERCENT = 90;
/**
 * The delay histogram's sampling interval, ms (Node's default). Its timer lives in libuv, so it
 * runs no JS; a run shorter than a few intervals has few samples, and none below one.
 */
const DELAY_RESOLUTION_MS = 10;

/**
 * Reads the process's CPU time, the event loop's utilisation and its delay from start() to
 * stop(). Constructing it allocates the delay histogram (about 0.1 ms): do it before the run,
 * so that cost does not delay the first send; start() only takes two snapshots.
 */
export class ResourceMeter {
  private startedMs = 0;
  private cpu: NodeJS.CpuUsage = { user: 0, system: 0 };
  private elu: EventLoopUtilization | undefined;
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });

  start(): void {
    this.delay.enable();
    this.cpu = process.cpuUsage();
    this.elu = performance.eventLoopUtilization();
    this.startedMs = performance.now();
  }

  /** Ends the measurement started by start() (once: the histogram is disabled) and returns the figures. */
  stop(): MeasuredResources {
    const wallMs = performance.now() - this.startedMs;
    const cpu = process.cpuUsage(this.cpu);
    const elu = performance.eventLoopUtilization(this.elu);
    this.delay.disable();
    const measured: MeasuredResources = {
      wallMs,
      userCpuMs: cpu.user / 1000,
      systemCpuMs: cpu.system / 1000,
      eventLoopUtilization: elu.utilization,
    };
    // Node records each whole interval between the timer's runs, the resolution included.
    if (this.delay.count > 0) measured.eventLoopDelayP99Ms = Math.max(0, this.delay.percentile(99) / 1e6 - DELAY_RESOLUTION_MS);
    return measured;
  }
}

/** CPU time (user + system) in percent of one core over the wall time; NaN for a zero wall time. */
export function cpuPercentOf(measured: Pick<MeasuredResources, 'wallMs' | 'userCpuMs' | 'systemCpuMs'>): number {
  return measured.wallMs > 0 ? ((measured.userCpuMs + measured.systemCpuMs) / measured.wallMs) * 100 : Number.NaN;
}

/** The schedule figures the verdict needs. */
export type ScheduleForVerdict = Pick<ScheduleStats, 'mode' | 'lagP99Ms' | 'slotWaits'>;

/** Busy: the event loop busy >= BUSY_ELU of the run, or CPU >= BUSY_CPU_PERCENT of one core. */
export function isBusy(figures: Pick<GeneratorResources, 'cpuPercent' | 'eventLoopUtilization'>): boolean {
  return figures.eventLoopUtilization >= BUSY_ELU || figures.cpuPercent >= BUSY_CPU_PERCENT;
}

/**
 * The rule: a run is generator-limited when the generator was busy (isBusy) AND it fell behind
 * its schedule, by the lag warning's own test (schedule lag P99 over LAG_WARNING_MS). A burst
 * has no schedule to fall behind (its lag is queueing by design), so it is never judged
 * limited, only noted when busy. Busy but on schedule is only noted too; behind but not busy is
 * the lag warning's case (concurrency slots, or the machine's other work), not this one.
 */
export function generatorVerdict(measured: MeasuredResources, schedule: ScheduleForVerdict): GeneratorResources {
  const figures = { cpuPercent: cpuPercentOf(measured), eventLoopUtilization: measured.eventLoopUtilization };
  const busy = isBusy(figures);
  const burst = schedule.mode === 'burst';
  const behind = !burst && schedule.lagP99Ms > LAG_WARNING_MS;
  const limited = busy && behind;
  const load = `event loop ${percent(figures.eventLoopUtilization * 100)} busy, CPU ${percent(figures.cpuPercent)} of one core`;
  const lag = `schedule lag P99 ${fixed(schedule.lagP99Ms)} ms`;
  let note: string;
  if (limited) {
    note =
      `The generator was busy (${load}; busy: loop >= ${Math.round(BUSY_ELU * 100)} % or CPU >= ${BUSY_CPU_PERCENT} %) ` +
      'and fell behind its schedule ' +
      `(${lag}, over ${LAG_WARNING_MS} ms)` +
      (schedule.slotWaits > 0 ? `, and due requests waited ${schedule.slotWaits} times for a concurrency slot` : '') +
      ': the figures measure the load generator, not the service; lower the rate or run the generator on a bigger machine.';
  } else if (busy && burst) {
    note = `Busy through a burst (${load}): a burst has no schedule to fall behind, but its send rate may be the generator's ceiling, not the service's.`;
  } else if (busy) {
    note = `Busy (${load}) but on schedule (${lag}, within ${LAG_WARNING_MS} ms): the figures are the service's; the generator has little headroom left.`;
  } else if (behind) {
    note =
      `Behind its schedule (${lag}, over ${LAG_WARNING_MS} ms) with headroom (${load}): not the generator's CPU; ` +
      'the lag came from concurrency slots, pauses (GC, a blocking call) or other work on the machine (see the lag warning).';
  } else {
    note = `Headroom: ${load}.`;
  }
  const resources: GeneratorResources = {
    ...figures,
    userCpuMs: measured.userCpuMs,
    systemCpuMs: measured.systemCpuMs,
    limited,
    note: `${note} The figures are the whole process's: anything else running in it (e.g. Vitest) counts too.`,
  };
  if (measured.eventLoopDelayP99Ms !== undefined) resources.eventLoopDelayP99Ms = measured.eventLoopDelayP99Ms;
  return resources;
}

function fixed(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : 'n/a';
}

function percent(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(0)} %` : 'n/a';
}
