// Remembers (ticket, event) keys for a window so a repeated event is not processed twice.
// Keys are claimed before processing (a concurrent repeat is a duplicate too) and released
// if processing fails, so the sender's retry is processed. Entries leave in insertion order,
// which is also expiry order, so memory stays bounded by the traffic of one window.

export interface Dedupe {
  /** True when the key was free and is now claimed; false for a duplicate. */
  claim(key: string): boolean;
  release(key: string): void;
  readonly size: number;
}

export interface DedupeOptions {
  windowMs: number;
  /** Hard cap; the oldest keys go first. */
  maxEntries?: number;
  now?: () => number;
}

export function createDedupe({ windowMs, maxEntries = 100_000, now = () => performance.now() }: DedupeOptions): Dedupe {
  const seen = new Map<string, number>(); // key -> claimed at

  function evict(t: number): void {
    for (const [key, at] of seen) {
      if (t - at < windowMs && seen.size <= maxEntries) break;
      seen.delete(key);
    }
  }

  return {
    claim(key) {
      const t = now();
      evict(t);
      if (windowMs <= 0) return true;
      if (seen.has(key)) return false;
      seen.set(key, t);
      evict(t);
      return true;
    },
    release(key) {
      seen.delete(key);
    },
    get size() {
      return seen.size;
    },
  };
}
