// Which phase of which spec the worker is running: the name its progress lines carry. Set when a
// phase is about to start (SpecRecorder.awaitRoom, or load() for a phase that does not wait).
let running: string | undefined;

export function setRunningPhase(spec: string, phase: string): void {
  running = `${spec}/${phase}`;
}

/** `standard/load`, or undefined before the first phase. */
export const runningPhase = (): string | undefined => running;
