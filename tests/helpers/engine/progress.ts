// Progress leaves the engine as events, never as console lines: each snapshot goes
// to the run's onProgress callback and is published on a diagnostics channel, so
// whoever shows progress (the Vitest setup, a bench script) subscribes to it.
import diagnostics from 'node:diagnostics_channel';
import type { ProgressSnapshot } from './options.ts';

/** The node:diagnostics_channel name every run publishes its ProgressSnapshots on. */
export const PROGRESS_CHANNEL = 'webhook-perf:progress';

const channel = diagnostics.channel(PROGRESS_CHANNEL);

/** Publishes one snapshot; costs nothing while nobody listens. */
export function publishProgress(snapshot: ProgressSnapshot): void {
  if (channel.hasSubscribers) channel.publish(snapshot);
}

/**
 * Calls `listener` with the snapshots of every run in this process; returns the unsubscribe.
 * A listener that throws is reported by Node as an uncaught exception: keep it simple.
 */
export function subscribeProgress(listener: (snapshot: ProgressSnapshot) => void): () => void {
  const onMessage = (message: unknown): void => listener(message as ProgressSnapshot);
  diagnostics.subscribe(PROGRESS_CHANNEL, onMessage);
  return () => {
    diagnostics.unsubscribe(PROGRESS_CHANNEL, onMessage);
  };
}
