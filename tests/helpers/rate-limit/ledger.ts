// The ledger: when this suite sent requests to which service, kept in a small
// file beside the reports so that every spec, and a run started within a
// minute of the last one, knows what is still in the service's rate-limit
// window. Only requests the service may have admitted are kept (a `429` is not
// added to a sliding window); a request that got no answer is kept, to be safe.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../files.ts';

export const LEDGER_FILE = 'rate-ledger.json';

interface LedgerFile {
  version: 1;
  /** Wall-clock ms of the requests sent, by webhook URL. */
  sent: Record<string, number[]>;
}

/** What a run's results tell the ledger (structural, so the engine's results fit). */
export interface SentRequests {
  info: { startedAt: string };
  sampleCount: number;
  sample(index: number): { actualStartMs: number; status: number };
}

/** Wall-clock send times of the requests of a run that the service may have admitted. */
export function admittedSendTimes(results: SentRequests): number[] {
  const startedAt = Date.parse(results.info.startedAt);
  const times: number[] = [];
  for (let i = 0; i < results.sampleCount; i++) {
    const { actualStartMs, status } = results.sample(i);
    if (status !== 429 && Number.isFinite(actualStartMs)) times.push(Math.round(startedAt + actualStartMs));
  }
  return times;
}

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

  private async read(): Promise<LedgerFile> {
    try {
      const parsed = JSON.parse(await readFile(this.path, 'utf8')) as Partial<LedgerFile>;
      if (parsed.version === 1 && typeof parsed.sent === 'object' && parsed.sent !== null) return { version: 1, sent: parsed.sent };
    } catch {
      // missing or unreadable: start afresh (the worst case is one wait too short, which the specs report)
    }
    return { version: 1, sent: {} };
  }

  /** Our requests to this target within the kept span, oldest first. */
  async sentTimes(): Promise<number[]> {
    const file = await this.read();
    const since = this.now() - this.keepMs;
    return (file.sent[this.target] ?? []).filter((t) => typeof t === 'number' && t > since);
  }

  /** Adds send times and drops what is too old, for every target. */
  async record(times: readonly number[]): Promise<void> {
    if (times.length === 0) return;
    const file = await this.read();
    const since = this.now() - this.keepMs;
    const sent: Record<string, number[]> = {};
    for (const [target, list] of Object.entries(file.sent)) {
      const kept = Array.isArray(list) ? list.filter((t) => typeof t === 'number' && t > since) : [];
      if (kept.length > 0) sent[target] = kept;
    }
    sent[this.target] = [...(sent[this.target] ?? []), ...times].sort((a, b) => a - b);
    await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, sent })}\n`);
  }
}
