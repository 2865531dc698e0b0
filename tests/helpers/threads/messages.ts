// The messages between runOnThreads and its threads. Types only.
import type { ProgressSnapshot, SegmentColumns } from '#engine';

export type ToThread = { kind: 'start'; startAt: number } | { kind: 'stop' };
export type ToParent =
  | { kind: 'ready' }
  | { kind: 'progress'; snapshot: ProgressSnapshot }
  | { kind: 'result'; columns: SegmentColumns }
  | { kind: 'failed'; message: string };
