// The run's plain data shapes that the results, the summary and the resource meter share:
// how a run ended, its first failures, its schedule figures, the generator's resources and
// the run's metadata. Types only; a leaf of the engine (it imports no other engine module
// but types of the error classes and the stages), so the three modules that use these
// shapes do not import each other for them.
import type { ErrorClass } from './errors.ts';
import type { PlannedStage } from './stages.ts';

export type EndReason = 'completed' | 'max_duration' | 'aborted';

/** One of the first failures, kept for the report. */
export interface ErrorRecord {
  index: number;
  ticketId: number;
  errorClass: ErrorClass;
  /** 0 when no response arrived. */
  status: number;
  message: string;
  /** Monotonic ms from the run start. */
  atMs: number;
}

export interface ScheduleStats {
  mode: 'rate' | 'burst' | 'stages';
  /**
   * null in burst mode. For stages, the planned send rate measured as achievedSendRps is:
   * (plannedRequests - 1) / (last due time - first due time), so the two compare.
   */
  targetRps: number | null;
  /** Send rate between the first and the last send: (sent - 1) / span. NaN below 2 sends. */
  achievedSendRps: number;
  /** Lag = actual send - intended send, over all sent requests. */
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  concurrency: number;
  /** How often a due request found every slot busy (the concurrency cap was reached). */
  slotWaits: number;
  /** How late the run began after its shared start, ms; absent when it began on time. */
  lateStartMs?: number;
}

/** The generator's resources over one run, with the verdict (LoadTestSummary.generator). */
export interface GeneratorResources {
  /** CPU time (user + system) over the wall time, in percent of one core; can pass 100 with other threads. */
  cpuPercent: number;
  userCpuMs: number;
  systemCpuMs: number;
  /** 0..1: the share of the run the event loop was busy (not waiting for I/O or timers). */
  eventLoopUtilization: number;
  /** P99 of how late the event loop ran a timer, ms; absent when the run was too short to sample. */
  eventLoopDelayP99Ms?: number;
  /** Busy and behind its schedule: the figures measure the generator, not the service (generatorVerdict). */
  limited: boolean;
  /** The verdict in words, the rule's figures included. */
  note: string;
}

/** What was measured over a run, before any judgement. */
export interface MeasuredResources {
  wallMs: number;
  userCpuMs: number;
  systemCpuMs: number;
  /** 0..1: the share of the wall time the event loop was not waiting for I/O or timers. */
  eventLoopUtilization: number;
  /** P99 of how late the loop ran a timer, ms; absent when no interval completed. */
  eventLoopDelayP99Ms?: number;
}

export interface RunInfo {
  url: string;
  plannedRequests: number;
  /** null in burst mode and for stages. */
  requestsPerSecond: number | null;
  /** Staged runs only: the stages as planned (windows, rates, requests due in each). */
  stages?: readonly PlannedStage[];
  concurrency: number;
  ticketIdStart: number;
  /** Wall-clock start, for reports only (durations use the monotonic clock). */
  startedAt: string;
  /** Monotonic ms from the start to the last completion or the stop. */
  durationMs: number;
  endReason: EndReason;
  slotWaits: number;
  /** A segment's run only: which segment of how many, and the whole plan's count and rate. */
  segment?: { index: number; count: number };
  whole?: { totalRequests: number; requestsPerSecond: number | null };
  /** The shared start, epoch ms, when the run was given one (startedAt is then that instant). */
  startAt?: number;
  /** How late the run began after its shared start, ms, when over the warning's 100 ms. */
  lateStartMs?: number;
  /** The generator process's CPU and event loop from the start to the end (absent when not measured). */
  resources?: MeasuredResources;
}
