// Fault injection for the mock: a share of calls answered with an error status, and stall
// windows (offsets from start) during which calls are held until the window ends.
import type { Random } from './random.ts';

export interface StallWindow {
  startMs: number;
  durationMs: number;
}

export interface FaultOptions {
  errorRate: number;
  errorStatus: number;
  stallWindows: readonly StallWindow[];
}

/** Parses "5000+2000,20000+500": stalls from 5 s to 7 s and from 20 s to 20.5 s after start. */
export function parseStallWindows(text: string, variable = 'FRESHDESK_STALL_WINDOWS'): StallWindow[] {
  if (text.trim() === '') return [];
  return text.split(',').map((part) => {
    const match = /^\s*(\d+)\s*\+\s*(\d+)\s*$/.exec(part);
    if (!match) {
      throw new Error(
        `${variable}=${JSON.stringify(text)} is invalid at ${JSON.stringify(part)}: write windows as startMs+durationMs separated by commas, e.g. 5000+2000,20000+500`,
      );
    }
    return { startMs: Number(match[1]), durationMs: Number(match[2]) };
  });
}

/** Milliseconds a call arriving `sinceStartMs` after start must wait; 0 outside every window. */
export function stallDelay(windows: readonly StallWindow[], sinceStartMs: number): number {
  let wait = 0;
  for (const w of windows) {
    const end = w.startMs + w.durationMs;
    if (sinceStartMs >= w.startMs && sinceStartMs < end) wait = Math.max(wait, end - sinceStartMs);
  }
  return wait;
}

export function shouldFail(errorRate: number, random: Random): boolean {
  return errorRate > 0 && random() < errorRate;
}
