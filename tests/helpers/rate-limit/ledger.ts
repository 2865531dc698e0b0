// The ledger: when this suite sent requests to which service, kept in a small
// file beside the reports so that every spec, and a run started within a
// minute of the last one, knows what is still in the service's rate-limit
// window. Only requests the service may have admitted are kept (a `429` is not
// added to a sliding window); a request that got no answer is kept, to be safe.
// Each is kept as [sent, answered]: the service stamped it somewhere between,
// so planning counts from the answer (later) and the verdict's "surely still in
// the window" from the send (earlier).
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../files.ts';

export const LEDGER_FILE = 'rate-ledger.json';

/** Wall-clock ms a request left, and its answer (or failure) came. */
export type Sent = readonly [sentMs: number, answeredMs: number];

interface LedgerFile {
  version: 2;
  /** The requests sent, by webhook URL. */
  sent: Record<string, Sent[]>;
}

function isSent(value: unknown): value is Sent {
  return Array.isArray(value) && value.length === 2 && value.every((t) => typeof t === 'number' && Number.isFinite(t));
}

/** What a run's results tell the ledger (structural, so the engine's results fit). */
export interface SentRequests {
  info: { startedAt: string };
  sampleCount: number;
  sample(index: number): { actualStartMs: number; endMs: number; status: number };
}

/** The requests of a run that the service may have admitted, wall clock. */
export function admittedSends(results: SentRequests): Sent[] {
  const startedAt = Date.parse(results.info.startedAt);
  const sent: Sent[] = [];
  for (let i = 0; i < results.sampleCount; i++) {
    const { actualStartMs, endMs, status } = results.sample(i);
    if (status === 429 || !Number.isFinite(actualStartMs)) continue;
    const at = Math.round(startedAt + actualStartMs);
    sent.push([at, Number.isFinite(endMs) ? Math.max(at, Math.round(startedAt + endMs)) : at]);
  }
  return sent;
}

/** Send times of ledger entries. */
export const sentTimes = (list: readonly Sent[]): number[] => list.map((entry) => entry[0]);
/** Answer times of ledger entries: the latest the service can have stamped them. */
export const answerTimes = (list: readonly Sent[]): number[] => list.map((entry) => entry[1]);

export class RateLedger {
  /**
   * @param path the ledger file
   * @param target the webhook URL: each service has its own limiter
   * @param keepMs entries older than this are dropped (the window and some)
   */
  constructor(
    readonly path: string,
    readonly target: string,
    private readonly keepMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private read(): LedgerFile {
    let text = '';
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      // missing: start afresh
    }
    return parseLedger(text);
  }

  /** Well-formed entries of `list` answered within the kept span. */
  private fresh(list: unknown): Sent[] {
    const since = this.now() - this.keepMs;
    return Array.isArray(list) ? list.filter((entry): entry is Sent => isSent(entry) && entry[1] > since) : [];
  }

  /** Our requests to this target within the kept span, oldest first. */
  sent(): Sent[] {
    return this.fresh(this.read().sent[this.target]);
  }

  /** Adds requests and drops what is too old, for every target (one small file, written at once). */
  record(entries: readonly Sent[]): void {
    if (entries.length === 0) return;
    writeFileAtomic(this.path, this.merged(this.read(), entries));
  }

  /** The file's text with `entries` added and what is too old dropped, for every target. */
  private merged(file: LedgerFile, entries: readonly Sent[]): string {
    const sent: Record<string, Sent[]> = {};
    for (const [target, list] of Object.entries(file.sent)) {
      const kept = this.fresh(list);
      if (kept.length > 0) sent[target] = kept;
    }
    sent[this.target] = [...(sent[this.target] ?? []), ...entries].sort((a, b) => a[0] - b[0]);
    return `${JSON.stringify({ version: 2, sent })}\n`;
  }
}

/** A ledger file's content; missing or unreadable starts afresh (the worst case is one wait too short, which the specs report). */
function parseLedger(text: string): LedgerFile {
  try {
    const parsed = JSON.parse(text) as Partial<LedgerFile>;
    if (parsed.version === 2 && typeof parsed.sent === 'object' && parsed.sent !== null) return { version: 2, sent: parsed.sent };
  } catch {
    // not JSON
  }
  return { version: 2, sent: {} };
}
