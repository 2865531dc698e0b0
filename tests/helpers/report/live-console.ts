// The performance run's console, written by the suite rather than under Vitest's
// "stdout | file > test" headers: the specs' lines as they are, and the engine's
// progress as one line per running phase. In a terminal the phase's line is
// rewritten in place while nothing else was printed after it; elsewhere (CI, a
// pipe) every snapshot is a plain line, every few seconds. The specs' workers
// send progress as tagged console lines (progressLogLine) that the reporter
// turns back into events (parseProgressLog).
import type { ProgressSnapshot } from '#engine';

/** Marks a console line of a worker as a progress event, not text. */
export const PROGRESS_TAG = '[perf:progress] ';

export interface ProgressEvent extends ProgressSnapshot {
  /** `spec/phase`. */
  phase: string;
}

export function progressLogLine(phase: string, snapshot: ProgressSnapshot): string {
  return `${PROGRESS_TAG}${JSON.stringify({ ...snapshot, phase })}`;
}

/** The event a tagged console line carries, or undefined for any other line. */
export function parseProgressLog(content: string): ProgressEvent | undefined {
  if (!content.startsWith(PROGRESS_TAG)) return undefined;
  try {
    return JSON.parse(content.slice(PROGRESS_TAG.length)) as ProgressEvent;
  } catch {
    return undefined;
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/**
 * Pure: "[perf] standard/load: sent 60 of 100, answered 58 (0 failed), 2 in flight; P95 342.3 ms
 * over the last 5.0 s (58 answers); 34 s left".
 */
export function progressText(e: ProgressEvent): string {
  const p95 =
    e.windowCount > 0
      ? `P95 ${e.currentP95Ms.toFixed(1)} ms over the last ${seconds(e.windowMs)} (${e.windowCount} answers)`
      : `no answers in the last ${seconds(e.windowMs)}`;
  const left =
    e.sent < e.plannedRequests
      ? `${seconds(Math.max(0, e.plannedMs - e.elapsedMs))} left`
      : `all sent, waiting for ${e.inFlight} ${e.inFlight === 1 ? 'answer' : 'answers'}`;
  return (
    `[perf] ${e.phase}: sent ${e.sent} of ${e.plannedRequests}, answered ${e.completed} (${e.failed} failed), ` +
    `${e.inFlight} in flight; ${p95}; ${left}`
  );
}

/** Where the console goes (process.stdout and process.stderr fit); `columns`: the terminal's width. */
export interface ConsoleStreams {
  out: { write(text: string): unknown; columns?: number };
  err: { write(text: string): unknown };
}

/** A terminal a person watches: stdout a TTY and not CI. The live line is for it; elsewhere plain lines. */
export function watchedTerminal(env: NodeJS.ProcessEnv = process.env, stdout: { isTTY?: boolean } = process.stdout): boolean {
  return stdout.isTTY === true && (env.CI ?? '') === '';
}

/** Moves the cursor to the line above and clears it. */
const REWRITE = '\u001b[1A\u001b[2K';

export class LiveConsole {
  /** The phase whose progress is the last line printed, when it is. */
  private liveOn: string | undefined;

  /** `live`: rewrite a phase's progress line in place (a terminal); else print every snapshot. */
  constructor(
    private readonly streams: ConsoleStreams,
    private readonly live: boolean,
  ) {}

  /** What a spec wrote (console.log or console.warn in its worker; lines of one tick may come joined), as it is. */
  line(text: string, stream: 'stdout' | 'stderr'): void {
    const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
    let plain: string[] = [];
    const flush = () => {
      if (plain.length === 0) return;
      this.liveOn = undefined;
      (stream === 'stderr' ? this.streams.err : this.streams.out).write(`${plain.join('\n')}\n`);
      plain = [];
    };
    for (const line of lines) {
      const event = parseProgressLog(line);
      if (event === undefined) plain.push(line);
      else {
        flush();
        this.progress(event);
      }
    }
    flush();
  }

  progress(event: ProgressEvent): void {
    const rewrite = this.live && this.liveOn === event.phase;
    let text = progressText(event);
    // One row of the terminal, so that moving up one row replaces all of it.
    const columns = this.streams.out.columns;
    if (this.live && columns !== undefined && columns > 1 && text.length >= columns) text = `${text.slice(0, columns - 2)}…`;
    this.streams.out.write(`${rewrite ? REWRITE : ''}${text}\n`);
    this.liveOn = event.phase;
  }

  /** Something else was printed (a test's result): the next progress starts a new line. */
  otherOutput(): void {
    this.liveOn = undefined;
  }
}
