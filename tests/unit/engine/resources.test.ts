// The generator's resources: the verdict rule (pure), the meter, and how summaries carry them.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../helpers/engine/errors.ts';
import {
  BUSY_CPU_PERCENT,
  BUSY_ELU,
  cpuPercentOf,
  generatorVerdict,
  isBusy,
  LAG_WARNING_MS,
  ResourceMeter,
  type MeasuredResources,
  type ScheduleForVerdict,
} from '../../helpers/engine/resources.ts';
import { SampleStore } from '../../helpers/engine/samples.ts';
import { buildSummary, readSummaries } from '../../helpers/engine/summary.ts';

/** 1 s of wall time; `cpuMs` split 3:1 between user and system. */
function measured(elu: number, cpuMs: number, delay?: number): MeasuredResources {
  return {
    wallMs: 1000,
    userCpuMs: cpuMs * 0.75,
    systemCpuMs: cpuMs * 0.25,
    eventLoopUtilization: elu,
    ...(delay === undefined ? {} : { eventLoopDelayP99Ms: delay }),
  };
}

const onTime: ScheduleForVerdict = { mode: 'rate', lagP99Ms: 2, slotWaits: 0 };
const late: ScheduleForVerdict = { mode: 'rate', lagP99Ms: 45, slotWaits: 0 };

describe('generatorVerdict: busy AND behind its schedule', () => {
  it('is limited when the event loop was busy and the lag P99 exceeded the lag warning', () => {
    const g = generatorVerdict(measured(0.97, 990, 38), late);
    expect(g).toMatchObject({ cpuPercent: 99, userCpuMs: 742.5, systemCpuMs: 247.5, eventLoopUtilization: 0.97, eventLoopDelayP99Ms: 38 });
    expect(g.limited).toBe(true);
    expect(g.note).toContain('event loop 97 % busy, CPU 99 % of one core');
    expect(g.note).toContain(`schedule lag P99 45.0 ms, over ${LAG_WARNING_MS} ms`);
    expect(g.note).toContain(
      'the figures measure the load generator, not the service; lower the rate or run the generator on a bigger machine',
    );
    expect(g.note).toContain("the whole process's");
  });

  it('counts CPU alone (>= 90 % of one core) as busy, and names slot waits when there were some', () => {
    const g = generatorVerdict(measured(0.5, 950), { ...late, slotWaits: 7 });
    expect(g.limited).toBe(true);
    expect(g.note).toContain('due requests waited 7 times for a concurrency slot');
  });

  it('takes the thresholds inclusively for busy and exclusively for the lag', () => {
    expect(isBusy({ eventLoopUtilization: BUSY_ELU, cpuPercent: 0 })).toBe(true);
    expect(isBusy({ eventLoopUtilization: 0, cpuPercent: BUSY_CPU_PERCENT })).toBe(true);
    expect(isBusy({ eventLoopUtilization: 0.89, cpuPercent: 89 })).toBe(false);
    expect(generatorVerdict(measured(0.95, 100), { ...late, lagP99Ms: LAG_WARNING_MS }).limited).toBe(false);
    expect(generatorVerdict(measured(0.95, 100), { ...late, lagP99Ms: LAG_WARNING_MS + 0.1 }).limited).toBe(true);
  });

  it('only notes a busy generator that kept its schedule', () => {
    const g = generatorVerdict(measured(0.93, 940), onTime);
    expect(g.limited).toBe(false);
    expect(g.note).toMatch(/^Busy \(event loop 93 % busy, CPU 94 % of one core\) but on schedule \(schedule lag P99 2\.0 ms/);
  });

  it('does not blame the CPU of a generator that fell behind with headroom (the lag warning says why)', () => {
    const g = generatorVerdict(measured(0.2, 150), late);
    expect(g.limited).toBe(false);
    expect(g.note).toMatch(/^Behind its schedule .* with headroom .*not the generator's CPU/);
  });

  it('never judges a burst limited: its lag is queueing by design; a busy burst is noted', () => {
    const g = generatorVerdict(measured(1, 1500), { mode: 'burst', lagP99Ms: 400, slotWaits: 900 });
    expect(g.limited).toBe(false);
    expect(g.note).toContain("may be the generator's ceiling");
  });

  it('says headroom for an idle generator, and leaves out a delay that was not sampled', () => {
    const g = generatorVerdict(measured(0.1, 50), onTime);
    expect(g.limited).toBe(false);
    expect(g.note).toMatch(/^Headroom: event loop 10 % busy, CPU 5 % of one core\./);
    expect('eventLoopDelayP99Ms' in g).toBe(false);
  });

  it('has no verdict from a run that sent nothing (no lag) or took no time', () => {
    expect(generatorVerdict(measured(1, 1000), { mode: 'rate', lagP99Ms: Number.NaN, slotWaits: 0 }).limited).toBe(false);
    expect(cpuPercentOf({ wallMs: 0, userCpuMs: 1, systemCpuMs: 0 })).toBeNaN();
    expect(cpuPercentOf({ wallMs: 200, userCpuMs: 30, systemCpuMs: 20 })).toBe(25);
  });
});

describe('ResourceMeter', () => {
  it('sees a synchronous spin as a busy event loop, and a wait as an idle one', async () => {
    const busy = new ResourceMeter();
    busy.start();
    const until = performance.now() + 60;
    while (performance.now() < until);
    const spun = busy.stop();
    expect(spun.wallMs).toBeGreaterThanOrEqual(60);
    expect(spun.eventLoopUtilization).toBeGreaterThan(0.9);
    expect(spun.userCpuMs + spun.systemCpuMs).toBeGreaterThan(0);

    const idle = new ResourceMeter();
    idle.start();
    await sleep(120);
    const waited = idle.stop();
    expect(waited.eventLoopUtilization).toBeLessThan(0.5);
    // About 12 intervals of 10 ms were sampled; the resolution itself is not counted as delay.
    expect(waited.eventLoopDelayP99Ms).toBeGreaterThanOrEqual(0);
    expect(waited.eventLoopDelayP99Ms).toBeLessThan(100);
  });

  it('has no delay figure when no sampling interval completed', () => {
    const meter = new ResourceMeter();
    meter.start();
    expect(meter.stop().eventLoopDelayP99Ms).toBeUndefined();
  });
});

describe('summaries and the generator figures', () => {
  function summaryWith(resources?: MeasuredResources) {
    const store = new SampleStore(2, 1);
    store.recordSend(0, 0, 30);
    store.recordEnd(0, 40, 200, ErrorCode.none);
    store.recordSend(1, 100, 130);
    store.recordEnd(1, 140, 200, ErrorCode.none);
    const info = {
      plannedRequests: 2,
      requestsPerSecond: 10,
      concurrency: 1,
      durationMs: 140,
      endReason: 'completed' as const,
      slotWaits: 0,
    };
    return buildSummary({ store, info: resources === undefined ? info : { ...info, resources }, errors: [], runWarnings: [] });
  }

  it('judges the run from its own schedule lag (30 ms here)', () => {
    const s = summaryWith(measured(0.95, 500, 3));
    expect(s.schedule.lagP99Ms).toBeCloseTo(30, 9);
    expect(s.generator?.limited).toBe(true);
    // The lag warning and the verdict agree on "behind".
    expect(s.warnings.some((w) => w.startsWith('Schedule lag P99 30.0 ms'))).toBe(true);
  });

  it('has no generator field when nothing was measured', () => {
    expect('generator' in summaryWith()).toBe(false);
  });

  it('readSummaries keeps a JSON round trip (NaN as null) and an old summary without figures, and drops a malformed one', () => {
    const current = JSON.parse(JSON.stringify(summaryWith({ ...measured(0.1, 10), wallMs: 0 })));
    expect(current.generator.cpuPercent).toBeNull();
    const old = { sentRequests: 2, completedRequests: 2 };
    const broken = { sentRequests: 2, generator: 'busy' };
    const read = readSummaries({ current, old, broken, legacy: { totalRequests: 3, generator: null } });
    expect(read.current).toBe(current);
    expect(read.old).toBe(old);
    expect(read.broken).toEqual({ sentRequests: 2 });
    expect(read.legacy).toEqual({ sentRequests: 3, completedRequests: 3, achievedRps: undefined });
  });
});
