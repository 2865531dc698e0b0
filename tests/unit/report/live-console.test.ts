// The suite's console: progress events through tagged console lines, the progress line in words,
// one live line per phase in a terminal and plain lines elsewhere.
import { describe, expect, it } from 'vitest';
import { LiveConsole, parseProgressLog, progressLogLine, progressText, type ProgressEvent } from '../../helpers/report/index.ts';

/** Cursor up one line, clear it. */
const REWRITE = '\u001b[1A\u001b[2K';

const snapshot = {
  elapsedMs: 10_000,
  plannedRequests: 100,
  sent: 60,
  completed: 58,
  inFlight: 2,
  succeeded: 58,
  failed: 0,
  currentP95Ms: 342.34,
  windowCount: 10,
  windowMs: 5000,
  plannedMs: 34_000,
};

function capture(live: boolean) {
  const out: string[] = [];
  const err: string[] = [];
  const console = new LiveConsole({ out: { write: (t: string) => out.push(t) }, err: { write: (t: string) => err.push(t) } }, live);
  return { console, out, err };
}

describe('progress lines', () => {
  it('travel as tagged console lines and come back as events; other lines are not events', () => {
    const line = progressLogLine('standard/load', snapshot);
    expect(parseProgressLog(`${line}\n`)).toEqual({ ...snapshot, phase: 'standard/load' });
    expect(parseProgressLog('[perf] report: x.json')).toBeUndefined();
    expect(parseProgressLog('[perf:progress] {broken')).toBeUndefined();
  });

  it('say what was sent and answered, the P95 with its window in words, and the time left', () => {
    const event: ProgressEvent = { ...snapshot, phase: 'standard/load' };
    expect(progressText(event)).toBe(
      '[perf] standard/load: sent 60 of 100, answered 58 (0 failed), 2 in flight; P95 342.3 ms over the last 5.0 s (10 answers); 24 s left',
    );
    expect(progressText({ ...event, sent: 100, inFlight: 1, windowCount: 0 })).toBe(
      '[perf] standard/load: sent 100 of 100, answered 58 (0 failed), 1 in flight; no answers in the last 5.0 s; all sent, waiting for 1 answer',
    );
  });
});

describe('LiveConsole', () => {
  it('in a terminal, rewrites the phase line while nothing else came between', () => {
    const { console, out, err } = capture(true);
    console.line(progressLogLine('standard/load', snapshot), 'stdout');
    console.line(progressLogLine('standard/load', { ...snapshot, sent: 70 }), 'stdout');
    expect(out[1]?.startsWith(`${REWRITE}[perf] standard/load: sent 70`)).toBe(true);
    console.line('[perf] report: standard.json\n', 'stdout');
    console.line('[perf] a warning', 'stderr');
    console.line(progressLogLine('standard/load', { ...snapshot, sent: 80 }), 'stdout');
    expect(out[3]).toMatch(/^\[perf\] standard\/load: sent 80/); // a new line after other output
    console.otherOutput();
    console.line(progressLogLine('standard/load', { ...snapshot, sent: 90 }), 'stdout');
    expect(out[4]).toMatch(/^\[perf\] standard\/load: sent 90/);
    console.line(progressLogLine('sustained/load', snapshot), 'stdout');
    expect(out[5]).toMatch(/^\[perf\] sustained\/load/); // another phase: its own line
    expect(err).toEqual(['[perf] a warning\n']);
  });

  it('in a terminal, keeps the live line within one row, so that moving up one row replaces all of it', () => {
    const out: string[] = [];
    const narrow = new LiveConsole({ out: { write: (t: string) => out.push(t), columns: 80 }, err: { write: () => {} } }, true);
    narrow.progress({ ...snapshot, phase: 'sustained/load' });
    expect(out[0]!.length).toBe(80); // 79 characters, the last an ellipsis, and the newline
    expect(out[0]!.endsWith('…\n')).toBe(true);
  });

  it('reads lines Vitest joined from one tick: the progress among them, the rest printed as they are', () => {
    const { console, out } = capture(false);
    console.line(`[perf] report: x.json\n${progressLogLine('standard/load', snapshot)}\n[perf] standard: passed\n`, 'stdout');
    expect(out).toEqual([
      '[perf] report: x.json\n',
      expect.stringMatching(/^\[perf\] standard\/load: sent 60 of 100/),
      '[perf] standard: passed\n',
    ]);
  });

  it('elsewhere (CI, a pipe), prints every snapshot as a plain line', () => {
    const { console, out } = capture(false);
    console.line(progressLogLine('standard/load', snapshot), 'stdout');
    console.line(progressLogLine('standard/load', { ...snapshot, sent: 70 }), 'stdout');
    expect(out.every((line) => !line.includes('\u001b'))).toBe(true);
    expect(out).toHaveLength(2);
  });
});
