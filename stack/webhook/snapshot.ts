// METRICS_SNAPSHOT_PATH: the last metrics document, written when the process exits, so what
// the service counted can be reconciled with what its clients saw after it is gone.
import { renameSync, writeFileSync } from 'node:fs';
import type { MetricsDocument } from './metrics.ts';

export interface MetricsSnapshot extends MetricsDocument {
  snapshot: { written_at: string; pid: number; exit_code: number };
}

/** Writes atomically (temp file + rename) and synchronously: it runs in process.on('exit'). */
export function writeMetricsSnapshot(path: string, document: MetricsDocument, exitCode: number): void {
  const snapshot: MetricsSnapshot = {
    ...document,
    snapshot: { written_at: new Date().toISOString(), pid: process.pid, exit_code: exitCode },
  };
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(snapshot, null, 2)}\n`);
  renameSync(temp, path);
}
