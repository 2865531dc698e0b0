// One JSON report per spec (reports/performance/<spec>.json): everything needed
// to read, compare and keep a run. Built as data (pure), written at the edge.
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from '../files.ts';
import { redactConfig, type PerfConfig } from '../config/index.ts';
import type { ServerMetrics } from '../service/index.ts';
import type { StackEndpoints } from '../providers/index.ts';
import type { TargetVerdict, ThresholdResult } from '../analysis/index.ts';

export interface MachineInfo {
  node: string;
  platform: string;
  arch: string;
  cpuCount: number;
  cpuModel: string;
  totalMemoryMb: number;
}

/** A named check a spec made, with its outcome; `skipped` carries the reason. */
export interface CheckRecord {
  name: string;
  outcome: 'passed' | 'failed' | 'skipped';
  detail: string;
}

export interface SpecReport {
  spec: string;
  title: string;
  /** completed: the load ran to its end; aborted: stopped early; error: something threw. */
  status: 'completed' | 'aborted' | 'error';
  error?: string;
  runStartedAt: string;
  startedAt: string;
  finishedAt: string;
  scale: number;
  provider: StackEndpoints;
  config: PerfConfig;
  machine: MachineInfo;
  /** Summaries by phase (e.g. `load`, `recovery`), each `results.getSummary()`. */
  summaries: Record<string, unknown>;
  degradation?: unknown;
  targets?: TargetVerdict[];
  /** The spec's thresholds, evaluated once (analysis/thresholds.ts): what its assertions judged. */
  thresholds?: ThresholdResult[];
  serverMetrics?: { before?: ServerMetrics; after?: ServerMetrics; unavailableReason?: string };
  checks: CheckRecord[];
  /** Per-request timelines by phase, columnar (one array per field) to stay compact. */
  timelines: Record<string, unknown>;
  extra?: Record<string, unknown>;
  /**
   * With PERF_REPEAT > 1: every repetition's figures. `summaries` and `timelines` above are then
   * the median run's (the one the thresholds judged); absent for a single run.
   */
  repeats?: RepeatsRecord;
}

/** One run's figures: what a repetition adds (summaries by phase, columnar timelines by phase). */
export interface RunFigures {
  summaries: Record<string, unknown>;
  timelines: Record<string, unknown>;
}

/** Spread of one figure of one phase across the repetitions (analysis/repeats.ts). */
export interface SpreadRow {
  phase: string;
  metric: 'p50Ms' | 'p95Ms' | 'p99Ms' | 'successRatePercent' | 'achievedRps';
  /** One value per repetition that ran the phase, in run order. */
  values: number[];
  /** The 0-based run (index into RepeatsRecord.runs) of each value. */
  runs?: number[];
  median: number;
  min: number;
  max: number;
  /** Coefficient of variation (sample standard deviation / mean), in percent; NaN for one value. */
  cvPercent: number;
}

export interface RepeatsRecord {
  /** Repetitions asked for (PERF_REPEAT). */
  count: number;
  /** One entry per repetition that ran, in order. */
  runs: RunFigures[];
  /** 0-based index into runs of the median run: its figures are the report's summaries and timelines. */
  medianRun: number;
  /** How the median run was chosen, in words. */
  medianRule: string;
  spread: SpreadRow[];
  consistency: { verdict: 'consistent' | 'inconsistent' | 'not judged'; rule: string; reasons: string[] };
}

/** Every run of a report: the repetitions with PERF_REPEAT > 1, else the one run it holds. */
export function runsOf(report: Pick<SpecReport, 'summaries' | 'timelines' | 'repeats'>): RunFigures[] {
  return report.repeats?.runs ?? [{ summaries: report.summaries, timelines: report.timelines }];
}

export function machineInfo(): MachineInfo {
  const cpu = cpus()[0];
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpuCount: availableParallelism(),
    cpuModel: cpu?.model ?? 'unknown',
    totalMemoryMb: Math.round(totalmem() / 2 ** 20),
  };
}

/** The fields every report shares, with the secret redacted. */
export function reportBase(
  spec: string,
  title: string,
  context: { config: PerfConfig; stack: StackEndpoints; runStartedAt: string },
  startedAt: Date,
): Omit<SpecReport, 'status' | 'finishedAt' | 'summaries' | 'checks' | 'timelines'> {
  return {
    spec,
    title,
    runStartedAt: context.runStartedAt,
    startedAt: startedAt.toISOString(),
    scale: context.config.scale,
    provider: context.stack,
    config: redactConfig(context.config),
    machine: machineInfo(),
  };
}

/** Writes `<dir>/<spec>.json` atomically (a reader never sees half a report); returns the path. */
export async function writeSpecReport(dir: string, report: SpecReport): Promise<string> {
  const path = join(dir, `${report.spec}.json`);
  await writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}

/** writeSpecReport without yielding to the event loop (an interrupted spec about to exit). */
export function writeSpecReportSync(dir: string, report: SpecReport): string {
  const path = join(dir, `${report.spec}.json`);
  writeFileAtomicSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
