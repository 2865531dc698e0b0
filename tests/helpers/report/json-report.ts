// One JSON report per spec (reports/performance/<spec>.json): everything needed
// to read, compare and keep a run. Built as data (pure), written at the edge. Its
// shape is the model's (model/spec-report.ts).
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../files.ts';
import { runTargetOf } from '../analysis/index.ts';
import { redactConfig, type PerfConfig } from '../config/index.ts';
import type { MachineInfo, SpecReport, StackEndpoints } from '../model/index.ts';
import { specVerdict } from './verdict.ts';

export type { CheckRecord, MachineInfo, RepeatsRecord, RunFigures, SpecReport, SpreadRow } from '../model/index.ts';

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
    // A copy: the report records the settings as plain data (model RecordedConfig).
    config: { ...redactConfig(context.config) },
    machine: machineInfo(),
  };
}

/**
 * Pure: the report as its file holds it: its verdict (specVerdict: `skipped` when every check
 * was) and its target (analysis/run-target.ts) written beside its status, for the file's readers.
 */
export function reportForFile(report: SpecReport): SpecReport {
  const { spec, title, status, verdict: _verdict, target: _target, ...rest } = report;
  return { spec, title, status, verdict: specVerdict(report), target: runTargetOf(report), ...rest };
}

/** Writes `<dir>/<spec>.json` atomically (a reader never sees half a report), verdict and target included; returns the path. */
export function writeSpecReport(dir: string, report: SpecReport): string {
  const path = join(dir, `${report.spec}.json`);
  writeFileAtomic(path, `${JSON.stringify(reportForFile(report), null, 2)}\n`);
  return path;
}
