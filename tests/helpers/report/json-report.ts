// One JSON report per spec (reports/performance/<spec>.json): everything needed
// to read, compare and keep a run. Built as data (pure), written at the edge. Its
// shape is the model's (model/spec-report.ts).
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../files.ts';
import { redactConfig, type PerfConfig } from '../config/index.ts';
import type { MachineInfo, SpecReport, StackEndpoints } from '../model/index.ts';

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

/** Writes `<dir>/<spec>.json` atomically (a reader never sees half a report); returns the path. */
export function writeSpecReport(dir: string, report: SpecReport): string {
  const path = join(dir, `${report.spec}.json`);
  writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
